import { defineConfig, mergeConfig } from "vitest/config";
import { packageTests } from "../../vitest.shared.js";

// The CLI is tested as users meet it: the built dist/cli.js, run as a child process.
export default mergeConfig(packageTests, defineConfig({ test: { include: ["test/**/*.test.ts"] } }));
