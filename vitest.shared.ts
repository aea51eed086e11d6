import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

/**
 * The test setup every package shares. Tests resolve workspace packages to their
 * sources through the `@micrograd/source` condition, so a stale `dist` can never hide a bug.
 * Results also go to `test-results.json`, which `scripts/test-summary.mjs` counts for CI.
 */
export const packageTests = defineConfig({
  resolve: { conditions: ["@micrograd/source", ...defaultServerConditions] },
  ssr: { resolve: { conditions: ["@micrograd/source", ...defaultServerConditions] } },
  test: {
    include: ["src/**/*.test.ts", "examples/**/*.test.ts"],
    // `*.test-d.ts` files hold type tests (expectTypeOf, @ts-expect-error) of each package's
    // public API. The `typecheck` task's tsc checks them (each tsconfig includes src), so vitest
    // does not run them a second time.
    reporters: ["default", "json"],
    outputFile: { json: "test-results.json" },
    testTimeout: 60_000,
  },
});
