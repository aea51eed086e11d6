import type { Value } from "@micrograd/engine";
import { Optimizer, checkOptions, checkRange } from "./optimizer.js";
import { checkState, decodeNumbers, encodeNumbers } from "./state.js";
import type { StateNumber } from "./state.js";

/** What {@link SGD.toJSON} writes: the options, and the momentum buffers once a step has filled them. */
export interface SGDState {
  kind: "SGD";
  lr: number;
  momentum: number;
  dampening: number;
  nesterov: boolean;
  weightDecay: number;
  /** Whether a step has run (the first step takes the gradient as the buffer). */
  started: boolean;
  /** One momentum buffer per parameter, in `params` order. */
  buffers: StateNumber[];
}

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
  private buffers: Float64Array;
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

  /**
   * The optimizer's state as JSON can hold it, every bit kept: with the model's parameters,
   * {@link SGD.fromJSON} resumes training exactly where it stopped.
   */
  toJSON(): SGDState {
    const { lr, momentum, dampening, nesterov, weightDecay, started } = this;
    return { kind: "SGD", lr, momentum, dampening, nesterov, weightDecay, started, buffers: encodeNumbers(this.buffers) };
  }

  /**
   * An SGD over `params` (the model's parameters, in the order they were saved) in the state
   * `json` that {@link SGD.toJSON} wrote: the next step is the one the saved optimizer would have taken.
   *
   * @throws TypeError for a state that is not an SGD's; ShapeError if it holds another number of parameters.
   * @example
   * const saved = JSON.stringify(opt);                  // at a checkpoint
   * const resumed = SGD.fromJSON(model.parameters(), JSON.parse(saved));
   */
  static fromJSON(params: readonly Value[], json: unknown): SGD {
    const state = checkState(json, ["SGD"], "SGD.fromJSON");
    const { lr, momentum, dampening, nesterov, weightDecay } = state as unknown as SGDState;
    const optimizer = new SGD(params, { lr, momentum, dampening, nesterov, weightDecay });
    if (typeof state.started !== "boolean") throw new TypeError(`SGD.fromJSON: state.started must be true or false, got ${JSON.stringify(state.started)}`);
    optimizer.started = state.started;
    optimizer.buffers = decodeNumbers(state.buffers, params.length, "SGD.fromJSON: state.buffers");
    return optimizer;
  }

  protected update(data: Float64Array, grad: Float64Array): void {
    const { momentum, dampening, nesterov, weightDecay, buffers, lr, started } = this;
    for (let i = 0; i < buffers.length; i++) {
      let g = grad[i] as number;
      if (weightDecay !== 0) g += weightDecay * (data[i] as number);
      if (momentum !== 0) {
        const buf = started ? momentum * (buffers[i] as number) + (1 - dampening) * g : g;
        buffers[i] = buf;
        g = nesterov ? g + momentum * buf : buf;
      }
      data[i]! -= lr * g;
    }
    this.started = true;
  }
}
