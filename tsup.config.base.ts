import { defineConfig } from "tsup";

/** The one build every package shares: ESM + CJS + declarations from `src/index.ts`. */
export const packageBuild = defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  dts: true,
  sourcemap: true,
  clean: true,
  target: "es2022",
  treeshake: true,
});
