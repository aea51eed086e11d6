import { defineConfig, mergeConfig } from "vitest/config";
import { packageTests } from "../vitest.shared.js";

// These checks shell out to pnpm, npm, git, turbo and changesets on scratch copies of the repo.
export default mergeConfig(packageTests, defineConfig({ test: { include: ["test/**/*.test.ts"], testTimeout: 180_000, hookTimeout: 300_000 } }));
