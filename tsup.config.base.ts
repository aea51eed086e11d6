import { defineConfig } from "tsup";

/**
 * The one build every package shares: ESM + CJS + declarations. `entry` lists the package's
 * entry points; most have just `src/index.ts`.
 */
export function packageBuild(entry: string[] = ["src/index.ts"]) {
  return defineConfig({
    entry,
    format: ["esm", "cjs"],
    // The declarations carry the public API only: members tagged @internal stay out of them.
    dts: { compilerOptions: { stripInternal: true } },
    sourcemap: true,
    clean: true,
    target: "es2022",
    treeshake: true,
  });
}
