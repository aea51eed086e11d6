import type { Value } from "@micrograd/engine";
import { AdamKernel } from "./adam-kernel.js";
import { Optimizer, checkOptions, checkRange } from "./optimizer.js";
import { checkState, decodeNumbers, encodeNumbers } from "./state.js";
import type { StateNumber } from "./state.js";

/** What {@link Adam.toJSON} and {@link AdamW.toJSON} write: the options, the step count and both moments. */
export interface AdamState {
  kind: "Adam" | "AdamW";
  lr: number;
  betas: [number, number];
  eps: number;
  weightDecay: number;
  /** Steps taken so far (PyTorch's `step`, which the bias corrections read). */
  t: number;
  /** The first and second moments, one per parameter, in `params` order. */
  m: StateNumber[];
  v: StateNumber[];
}

/** Options for {@link Adam} and {@link AdamW}; defaults are PyTorch's. */
export interface AdamOptions {
  /** Default 0.001. */
  lr?: number;
  /** Default [0.9, 0.999]. */
  betas?: readonly [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** Adam: L2 added to the gradient (default 0). AdamW: decoupled decay (default 0.01). */
  weightDecay?: number;
  /**
   * Whether the update may run on WebAssembly SIMD, two parameters per instruction, where this
   * JavaScript engine has it (default `true`); `false` keeps the JavaScript loop, for comparison.
   * The results are the same to the bit either way.
   */
  simd?: boolean;
}

/** Adam's update, shared by Adam (L2 in the gradient) and AdamW (decoupled decay). */
abstract class AdamBase extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** Steps taken so far. */
  t = 0;
  /** The moments: in the kernel's memory when there is one, else arrays of their own. */
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private readonly decoupled: boolean;
  private readonly kernel: AdamKernel | null;

  constructor(params: readonly Value[], given: AdamOptions | undefined, defaultWeightDecay: number, decoupled: boolean) {
    const name = decoupled ? "AdamW" : "Adam";
    const options = checkOptions(name, given, ["lr", "betas", "eps", "weightDecay", "simd"], false);
    super(params, options.lr ?? 0.001);
    const betas: unknown = options.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) throw new TypeError(`Adam betas must be a pair [beta1, beta2], got ${JSON.stringify(betas)}`);
    const [beta1, beta2] = betas as [number, number];
    this.beta1 = checkRange("Adam beta1", beta1, 0, 1, false);
    this.beta2 = checkRange("Adam beta2", beta2, 0, 1, false);
    this.eps = checkRange("Adam eps", options.eps ?? 1e-8, 0, Infinity, false);
    this.weightDecay = checkRange("Adam weightDecay", options.weightDecay ?? defaultWeightDecay, 0, Infinity, false);
    this.decoupled = decoupled;
    const { simd = true } = options;
    if (typeof simd !== "boolean") throw new TypeError(`new ${name}(params, options): simd must be true or false, got ${String(simd)}`);
    this.kernel = simd ? AdamKernel.create(params.length) : null;
    this.m = this.kernel?.m ?? new Float64Array(params.length);
    this.v = this.kernel?.v ?? new Float64Array(params.length);
  }

  /** Whether steps run on the WebAssembly SIMD kernel (see {@link AdamOptions.simd}). */
  get simd(): boolean {
    return this.kernel !== null;
  }

  /**
   * The optimizer's state as JSON can hold it, every bit kept: with the model's parameters,
   * `fromJSON` resumes training exactly where it stopped.
   */
  toJSON(): AdamState {
    const { lr, beta1, beta2, eps, weightDecay, t } = this;
    return { kind: this.decoupled ? "AdamW" : "Adam", lr, betas: [beta1, beta2], eps, weightDecay, t, m: encodeNumbers(this.m), v: encodeNumbers(this.v) };
  }

  /** Takes the step count and moments of a checked state (see `Adam.fromJSON`). */
  protected restore(state: Record<string, unknown>, where: string): this {
    const t = state.t;
    if (typeof t !== "number" || !Number.isInteger(t) || t < 0) throw new TypeError(`${where}: state.t must be a whole number of steps, got ${JSON.stringify(t)}`);
    this.t = t;
    this.m.set(decodeNumbers(state.m, this.params.length, `${where}: state.m`));
    this.v.set(decodeNumbers(state.v, this.params.length, `${where}: state.v`));
    return this;
  }

  protected update(data: Float64Array, grad: Float64Array): void {
    const { beta1, beta2, eps, weightDecay, lr, m, v, decoupled } = this;
    this.t += 1;
    const stepSize = lr / (1 - beta1 ** this.t);
    const bias2Sqrt = Math.sqrt(1 - beta2 ** this.t);
    const decay = 1 - lr * weightDecay;
    if (this.kernel) {
      this.kernel.update(data, grad, { beta1, beta2, stepSize, bias2Sqrt, eps, mode: decoupled ? 2 : weightDecay !== 0 ? 1 : 0, weightDecay, decay });
      return;
    }
    for (let i = 0; i < m.length; i++) {
      let g = grad[i] as number;
      let p = data[i] as number;
      if (decoupled) p *= decay;
      else if (weightDecay !== 0) g += weightDecay * p;
      const mi = beta1 * (m[i] as number) + (1 - beta1) * g;
      const vi = beta2 * (v[i] as number) + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      data[i] = p - (stepSize * mi) / (Math.sqrt(vi) / bias2Sqrt + eps);
    }
  }
}

/**
 * Adam with PyTorch's update rule (`weightDecay` as an L2 term in the gradient):
 * `m = β₁m + (1-β₁)g`, `v = β₂v + (1-β₂)g²`,
 * `p -= (lr / (1-β₁ᵗ)) · m / (√v / √(1-β₂ᵗ) + eps)`.
 *
 * @example
 * const opt = new Adam(model.parameters(), { lr: 0.01 });
 */
export class Adam extends AdamBase {
  /** @throws TypeError for an unknown option (`amsgrad` is not supported); RangeError for a value out of range. */
  constructor(params: readonly Value[], options?: AdamOptions) {
    super(params, options, 0, false);
  }

  /**
   * An Adam over `params` (the model's parameters, in the order they were saved) in the state
   * `json` that {@link Adam.toJSON} wrote: the next step is the one the saved optimizer would have taken.
   *
   * @throws TypeError for a state that is not an Adam's; ShapeError if it holds another number of parameters.
   * @example
   * const resumed = Adam.fromJSON(model.parameters(), JSON.parse(savedState));
   */
  static fromJSON(params: readonly Value[], json: unknown): Adam {
    const state = checkState(json, ["Adam"], "Adam.fromJSON") as unknown as AdamState;
    return new Adam(params, { lr: state.lr, betas: state.betas, eps: state.eps, weightDecay: state.weightDecay }).restore(state as unknown as Record<string, unknown>, "Adam.fromJSON");
  }
}

/**
 * AdamW: Adam with decoupled weight decay (`p *= 1 - lr·weightDecay` before the Adam step),
 * PyTorch's default `weightDecay` of 0.01.
 */
export class AdamW extends AdamBase {
  /** @throws TypeError for an unknown option; RangeError for a value out of range. */
  constructor(params: readonly Value[], options?: AdamOptions) {
    super(params, options, 0.01, true);
  }

  /**
   * An AdamW over `params` in the state `json` that {@link AdamW.toJSON} wrote.
   *
   * @throws TypeError for a state that is not an AdamW's; ShapeError if it holds another number of parameters.
   */
  static fromJSON(params: readonly Value[], json: unknown): AdamW {
    const state = checkState(json, ["AdamW"], "AdamW.fromJSON") as unknown as AdamState;
    return new AdamW(params, { lr: state.lr, betas: state.betas, eps: state.eps, weightDecay: state.weightDecay }).restore(state as unknown as Record<string, unknown>, "AdamW.fromJSON");
  }
}
