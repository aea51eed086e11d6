import { defineConfig } from "tsup";

/**
 * The one build every package shares: ESM + CJS + declarations. `entry` lists the package's
 * entry points; most have just `src/index.ts`.
 */
export function packageBuild(entry: string[] = ["src/index.ts"]) {
  return defineConfig({
    entry,
    format: ["esm", "cjs"],
    dts: true,
    sourcemap: true,
    clean: true,
    target: "es2022",
    treeshake: true,
  });
}
