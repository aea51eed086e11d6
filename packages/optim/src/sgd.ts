import type { Value } from "@micrograd/engine";
import { Optimizer, checkOptions, checkRange } from "./optimizer.js";

/** Options for {@link SGD}; defaults are PyTorch's. */
export interface SGDOptions {
  lr: number;
  /** Default 0 (plain SGD). */
  momentum?: number;
  /** Default 0. */
  dampening?: number;
  /** Nesterov momentum; default false. */
  nesterov?: boolean;
  /** L2 penalty added to the gradient; default 0. */
  weightDecay?: number;
}

/**
 * Stochastic gradient descent with PyTorch's update rule:
 * `g = grad + weightDecay·p`; `buf = momentum·buf + (1 - dampening)·g` (just `g` on the first
 * step); `g = nesterov ? g + momentum·buf : buf`; `p -= lr·g`.
 *
 * @example
 * const opt = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
 * opt.zeroGrad(); loss.backward(); opt.step();
 */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;
  private readonly buffers: Float64Array;
  private started = false;

  /** @throws TypeError without options or for an unknown option; RangeError for a value out of range. */
  constructor(params: readonly Value[], options: SGDOptions) {
    super(params, checkOptions("SGD", options, ["lr", "momentum", "dampening", "nesterov", "weightDecay"], true).lr);
    this.momentum = checkRange("SGD momentum", options.momentum ?? 0, 0, 1, false);
    this.dampening = checkRange("SGD dampening", options.dampening ?? 0, 0, 1, true);
    this.weightDecay = checkRange("SGD weightDecay", options.weightDecay ?? 0, 0, Infinity, false);
    const nesterov: unknown = options.nesterov ?? false;
    if (typeof nesterov !== "boolean") throw new TypeError(`new SGD(params, options): nesterov must be true or false, got ${String(nesterov)}`);
    this.nesterov = nesterov;
    if (this.nesterov && (this.momentum === 0 || this.dampening !== 0)) {
      throw new RangeError("SGD: Nesterov momentum needs momentum > 0 and dampening = 0");
    }
    this.buffers = new Float64Array(params.length);
  }

  step(): void {
    const { momentum, dampening, nesterov, weightDecay, buffers, lr } = this;
    this.params.forEach((p, i) => {
      let g = p.grad;
      if (weightDecay !== 0) g += weightDecay * p.data;
      if (momentum !== 0) {
        const buf = this.started ? momentum * (buffers[i] as number) + (1 - dampening) * g : g;
        buffers[i] = buf;
        g = nesterov ? g + momentum * buf : buf;
      }
      p.data -= lr * g;
    });
    this.started = true;
  }
}
