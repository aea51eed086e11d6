import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { describe, expect, it } from "vitest";

/**
 * What an app downloads for `Value` alone: the engine bundled from its entry point, minified and
 * tree-shaken as an app's bundler would do it. The budget keeps the teaching core small; it grew
 * from 5.5 to 6.5 KB for graph mode's speed (a recursive walk beside the iterative one deep graphs
 * need, one switch for the backward rules, an order array sized from the last walk: together
 * over a quarter off a training step), and to 7 KB for PyTorch's accumulation (a pass's
 * contributions to each leaf summed apart, a pass that several backward calls can share) and
 * printing (`util.inspect`, `toJSON`) that never dumps the graph; and to 11.5 KB for the ops
 * users reach for as Value methods (abs, sqrt, sin, cos, log1p, expm1, silu, gelu and its tanh
 * form, leaky relu, clamp, max, min, rsub, rdiv, pow of a Value: 4 KB with the error function);
 * and to 12.5 KB for those ops' derivatives written with Values beside their numeric ones (0.7
 * KB), which `grad(…, { createGraph: true })` differentiates again: one place per op for both;
 * and to 13 KB for the mark a `compile()` recording leaves on the op nodes it makes (so that it can
 * tell them from nodes closed over) and errors that `instanceof` recognises across copies (0.5 KB).
 */
async function bundledBytes(names: string): Promise<number> {
  const result = await build({
    stdin: { contents: `export { ${names} } from "./src/index.ts";`, resolveDir: fileURLToPath(new URL("..", import.meta.url)), loader: "ts" },
    bundle: true,
    minify: true,
    format: "esm",
    target: "es2022",
    write: false,
  });
  return result.outputFiles[0]?.contents.length ?? Number.POSITIVE_INFINITY;
}

describe("the engine's size budget", () => {
  it("keeps Value alone within 13 KB minified", async () => {
    const bytes = await bundledBytes("Value");
    console.log(`Value alone: ${bytes} bytes minified`);
    expect(bytes).toBeLessThanOrEqual(13 * 1024);
  });

  it("leaves compiled mode out of a bundle that only uses Value", async () => {
    const value = await bundledBytes("Value");
    const withCompile = await bundledBytes("Value, compile");
    expect(withCompile - value).toBeGreaterThan(2000);
  });
});
