import type { Value } from "@micrograd/engine";
import { Optimizer, checkOptions, checkRange } from "./optimizer.js";

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
}

/** Adam's update, shared by Adam (L2 in the gradient) and AdamW (decoupled decay). */
abstract class AdamBase extends Optimizer {
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  readonly weightDecay: number;
  /** Steps taken so far. */
  t = 0;
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private readonly decoupled: boolean;

  constructor(params: readonly Value[], given: AdamOptions | undefined, defaultWeightDecay: number, decoupled: boolean) {
    const options = checkOptions(decoupled ? "AdamW" : "Adam", given, ["lr", "betas", "eps", "weightDecay"], false);
    super(params, options.lr ?? 0.001);
    const betas: unknown = options.betas ?? [0.9, 0.999];
    if (!Array.isArray(betas) || betas.length !== 2) throw new TypeError(`Adam betas must be a pair [beta1, beta2], got ${JSON.stringify(betas)}`);
    const [beta1, beta2] = betas as [number, number];
    this.beta1 = checkRange("Adam beta1", beta1, 0, 1, false);
    this.beta2 = checkRange("Adam beta2", beta2, 0, 1, false);
    this.eps = checkRange("Adam eps", options.eps ?? 1e-8, 0, Infinity, false);
    this.weightDecay = checkRange("Adam weightDecay", options.weightDecay ?? defaultWeightDecay, 0, Infinity, false);
    this.decoupled = decoupled;
    this.m = new Float64Array(params.length);
    this.v = new Float64Array(params.length);
  }

  step(): void {
    const { beta1, beta2, eps, weightDecay, lr, m, v, decoupled } = this;
    this.t += 1;
    const stepSize = lr / (1 - beta1 ** this.t);
    const bias2Sqrt = Math.sqrt(1 - beta2 ** this.t);
    this.params.forEach((p, i) => {
      let g = p.grad;
      if (decoupled) p.data *= 1 - lr * weightDecay;
      else if (weightDecay !== 0) g += weightDecay * p.data;
      const mi = beta1 * (m[i] as number) + (1 - beta1) * g;
      const vi = beta2 * (v[i] as number) + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      p.data -= (stepSize * mi) / (Math.sqrt(vi) / bias2Sqrt + eps);
    });
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
}
