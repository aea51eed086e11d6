import { ADAM_WASM } from "./adam.wasm.js";

/** What the kernel needs of WebAssembly; declared here so that the package builds without DOM typings. */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: unknown };
  Memory: new (descriptor: { initial: number }) => { readonly buffer: ArrayBuffer };
}

interface AdamExports {
  adam(p: number, g: number, m: number, v: number, n: number, beta1: number, beta2: number, stepSize: number, bias2Sqrt: number, eps: number, mode: number, weightDecay: number, decay: number): void;
}

/** The numbers of one step's update, worked out once per step. */
export interface AdamStep {
  beta1: number;
  beta2: number;
  stepSize: number;
  bias2Sqrt: number;
  eps: number;
  /** 0: plain Adam; 1: Adam with `weightDecay` added to the gradient as L2; 2: AdamW, the parameter times `decay` first. */
  mode: 0 | 1 | 2;
  weightDecay: number;
  decay: number;
}

const runtime = globalThis as { WebAssembly?: WasmApi; atob?: (text: string) => string };
/** A 32-bit WebAssembly memory's limit, in bytes. */
const MAX_BYTES = 2 ** 32;
const PAGE = 65536;
let compiled: object | null | undefined;

/** adam.wat's module, compiled once per process; `null` where WebAssembly or its SIMD instructions are missing, or the browser refuses to compile it synchronously. */
function adamModule(): object | null {
  if (compiled === undefined) {
    compiled = null;
    const { WebAssembly: wasm, atob } = runtime;
    if (wasm && atob) {
      const bytes = Uint8Array.from(atob(ADAM_WASM), (c) => c.charCodeAt(0));
      try {
        if (wasm.validate(bytes)) compiled = new wasm.Module(bytes);
      } catch (error) {
        // A browser's RangeError for a synchronous compile it refuses (Chromium's size limit on a page).
        if (!(error instanceof RangeError)) throw error;
      }
    }
  }
  return compiled;
}

/**
 * Adam's moments and a copy of the parameters and their grads in one WebAssembly memory, where
 * adam.wat updates two parameters per instruction. The moments live there for good; a step
 * copies the parameters and grads in and the parameters out (each one `set`, a memcpy).
 */
export class AdamKernel {
  /** The first and second moments, one per parameter. */
  readonly m: Float64Array;
  readonly v: Float64Array;
  private readonly p: Float64Array;
  private readonly g: Float64Array;
  /** The parameter count rounded up to even: the kernel's lanes come in pairs (the last pair's second lane updates a zero). */
  private readonly n2: number;
  private readonly run: AdamExports;

  private constructor(wasm: WasmApi, module: object, n: number) {
    this.n2 = n + (n & 1);
    const bytes = 4 * 8 * this.n2;
    const memory = new wasm.Memory({ initial: Math.max(1, Math.ceil(bytes / PAGE)) });
    this.run = new wasm.Instance(module, { env: { memory } }).exports as AdamExports;
    const region = (k: number) => new Float64Array(memory.buffer, k * 8 * this.n2, n);
    [this.p, this.g, this.m, this.v] = [region(0), region(1), region(2), region(3)];
  }

  /**
   * A kernel for `n` parameters, or `null` where WebAssembly SIMD is missing, or where `n` is too
   * large for one memory or the engine cannot reserve it: the JavaScript loop then runs, with the
   * same results.
   */
  static create(n: number): AdamKernel | null {
    const module = adamModule();
    const wasm = runtime.WebAssembly;
    if (!module || !wasm || n === 0 || 4 * 8 * (n + 1) > MAX_BYTES) return null;
    try {
      return new AdamKernel(wasm, module, n);
    } catch (error) {
      if (error instanceof RangeError) return null;
      throw error;
    }
  }

  /** One update of `data` in place from `grad` (see adam.wat for the rule), the moments kept here. */
  update(data: Float64Array, grad: Float64Array, s: AdamStep): void {
    this.p.set(data);
    this.g.set(grad);
    const bytes = 8 * this.n2;
    this.run.adam(0, bytes, 2 * bytes, 3 * bytes, this.n2, s.beta1, s.beta2, s.stepSize, s.bias2Sqrt, s.eps, s.mode, s.weightDecay, s.decay);
    data.set(this.p);
  }
}
