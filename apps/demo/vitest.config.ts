import { defineConfig, mergeConfig } from "vitest/config";
import { packageTests } from "../../vitest.shared.js";

// The demo is tested in a real headless Chromium, against the production build. A poll waits for
// what the page will show: on a machine loaded by the rest of the suite, vitest's 1 s default
// failed polls that pass alone, so they wait up to 10 s (only a failing one waits that long).
export default mergeConfig(packageTests, defineConfig({
  test: { include: ["test/**/*.test.ts"], testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false, expect: { poll: { timeout: 10_000 } } },
}));
