import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Value, compile, dot, sum } from "./index.js";

/** A layer of `n` tanh neurons over `k` inputs, and its parameters. */
function layer(n: number, k: number) {
  const neurons = Array.from({ length: n }, (_, j) => ({ w: Array.from({ length: k }, (_, i) => new Value(Math.sin(7 * j + i))), b: new Value(j / n) }));
  const build = (x: Value[]) => neurons.map(({ w, b }) => dot(w, x).add(b).tanh());
  return { build, params: neurons.flatMap(({ w, b }) => [...w, b]) };
}

const rows = 5;
const k = 300;
const data = Float64Array.from({ length: rows * k }, (_, i) => Math.cos(i));

/** The outputs and parameter grads of a batched step of a 4×300 layer, compiled with `options`. */
function step(engine: { compile: typeof compile }, options: Parameters<typeof compile>[2] = {}) {
  const { build, params } = layer(4, k);
  const graph = engine.compile((x) => {
    const outputs = build(x);
    return [sum(outputs), ...outputs];
  }, new Array<number>(k).fill(0), options);
  graph.runBatch(data, rows).backwardBatch();
  return { graph, outputs: Array.from({ length: rows }, (_, r) => graph.outputAt(0, r)), grads: params.map((p) => p.grad) };
}

afterEach(() => {
  vi.unstubAllGlobals();
  vi.resetModules();
});

describe("compiled mode's WebAssembly SIMD kernels", () => {
  it("are assembled from kernels.wat: the committed module is up to date", () => {
    const script = fileURLToPath(new URL("../../../scripts/build-wat.mjs", import.meta.url));
    const source = fileURLToPath(new URL("kernels.wat", import.meta.url));
    expect(() => execFileSync(process.execPath, [script, source, "KERNELS_WASM", "--check"], { encoding: "utf8", stdio: "pipe" })).not.toThrow();
  });

  it("fit in 4 KB, the size above which older Chromium versions refuse a synchronous compile on a page", async () => {
    const { KERNELS_WASM } = await import("./kernels.wasm.js");
    expect(Buffer.from(KERNELS_WASM, "base64").length).toBeLessThanOrEqual(4096);
  });

  it("fall back to the JavaScript kernels, with the same bits, where WebAssembly is missing", async () => {
    const withKernels = step({ compile });
    expect(withKernels.graph.simd).toBe(true);
    vi.stubGlobal("WebAssembly", undefined);
    vi.resetModules();
    const fresh = (await import("./index.js")) as { compile: typeof compile };
    const without = step(fresh);
    expect(without.graph.simd).toBe(false);
    expect(without.outputs.every((o, r) => Object.is(o, withKernels.outputs[r]))).toBe(true);
    expect(without.grads.every((g, i) => Object.is(g, withKernels.grads[i]))).toBe(true);
  });

  it("fall back to the JavaScript kernels, with the same bits, where the browser refuses to compile them synchronously", async () => {
    const withKernels = step({ compile });
    const { validate, Instance, Memory } = (globalThis as unknown as { WebAssembly: Record<string, unknown> }).WebAssembly;
    // What Chromium throws for a synchronous compile on a page above its size limit.
    const Module = function () {
      throw new RangeError("WebAssembly.Compile is disallowed on the main thread, if the buffer size is larger than 4KB. Use WebAssembly.compile, or compile on a worker thread.");
    };
    vi.stubGlobal("WebAssembly", { validate, Module, Instance, Memory });
    vi.resetModules();
    const fresh = (await import("./index.js")) as { compile: typeof compile };
    const without = step(fresh);
    expect(without.graph.simd).toBe(false);
    expect(without.outputs.every((o, r) => Object.is(o, withKernels.outputs[r]))).toBe(true);
    expect(without.grads.every((g, i) => Object.is(g, withKernels.grads[i]))).toBe(true);
  });

  it("leave the inputs' gradients out when told { inputGrads: false }, and nothing else changes", () => {
    const full = step({ compile });
    const lean = step({ compile }, { inputGrads: false });
    expect(lean.grads.every((g, i) => Object.is(g, full.grads[i]))).toBe(true);
    expect(lean.outputs.every((o, r) => Object.is(o, full.outputs[r]))).toBe(true);
    expect(Number.isFinite(full.graph.inputGradAt(3, 2))).toBe(true);
    expect(() => lean.graph.inputGradAt(3, 2)).toThrow("compiled with { inputGrads: false }");
    expect(() => compile(layer(2, 512).build, new Array<number>(512).fill(0), { inputGrads: 0 } as never)).toThrow("inputGrads must be true or false");
  });
});
