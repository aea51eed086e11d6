import { defineConfig, mergeConfig } from "vitest/config";
import { packageTests } from "../../vitest.shared.js";

// The demo is tested in a real headless Chromium, against the production build.
export default mergeConfig(packageTests, defineConfig({ test: { include: ["test/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false } }));
