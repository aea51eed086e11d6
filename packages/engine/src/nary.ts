import { describe } from "./errors.js";
import { ShapeError } from "./shape-error.js";
import { BCE, BCE_WITH_LOGITS, DOT, LOG_SUM_EXP, SUM, bceForward, bceWithLogitsForward, logSumExpShift } from "./ops.js";
import { Value, copyOperands, operand, result, resultOf } from "./value.js";
import { Vector, isVector } from "./vector.js";

/**
 * A list of operands: a Vector's Values as they are, an array copied (numbers become constants).
 * `what` names the argument for errors, e.g. `"dot(xs, ys): xs"`.
 */
function valuesOf(list: readonly (Value | number)[] | Vector, what: string): readonly Value[] {
  if (isVector(list)) return list._items;
  const given: unknown = list;
  if (!Array.isArray(given)) throw new TypeError(`${what} must be an array of Values or numbers, or a Vector, got ${describe(given)}`);
  return copyOperands(list, what);
}

/**
 * The sum of `values` as one node (not a chain of additions), so its backward is one loop.
 *
 * @example
 * sum([a, b, 3]).data; // a.data + b.data + 3
 */
export function sum(values: readonly (Value | number)[] | Vector): Value {
  const args = valuesOf(values, "sum(values): values");
  let total = 0;
  for (const v of args) total += v.data;
  return resultOf(total, SUM, args);
}

/**
 * The dot product `Σ xs[i]·ys[i]` as one node — what a neuron computes before its activation.
 * Pass {@link Vector}s to share operand lists between nodes without copying them.
 *
 * @throws ShapeError if the two lists differ in length.
 * @example
 * dot([w1, w2], [2, 0]).data; // 2·w1.data
 */
export function dot(xs: readonly (Value | number)[] | Vector, ys: readonly (Value | number)[] | Vector): Value {
  const x = valuesOf(xs, "dot(xs, ys): xs");
  const y = valuesOf(ys, "dot(xs, ys): ys");
  if (x.length !== y.length) {
    throw new ShapeError(`dot(xs, ys): xs has ${x.length} entries but ys has ${y.length}`);
  }
  let total = 0;
  for (let i = 0; i < x.length; i++) total += (x[i] as Value).data * (y[i] as Value).data;
  return resultOf(total, DOT, x, y);
}

/**
 * `log Σ exp(values)` as one node, PyTorch's `torch.logsumexp`: shifted by the largest entry so
 * it is finite for any finite entries (logits of ±1e4 included), and its gradient is the softmax.
 *
 * @throws ShapeError for an empty list.
 * @example
 * logsumexp([1000, 1000]).data; // 1000 + ln 2
 */
export function logsumexp(values: readonly (Value | number)[] | Vector): Value {
  const args = valuesOf(values, "logsumexp(values): values");
  if (args.length === 0) throw new ShapeError("logsumexp(values): values must not be empty");
  let max = -Infinity;
  for (const v of args) max = v.data > max || Number.isNaN(v.data) ? v.data : max;
  const shift = logSumExpShift(max);
  let total = 0;
  for (const v of args) total += Math.exp(v.data - shift);
  return resultOf(Math.log(total) + shift, LOG_SUM_EXP, args);
}

/**
 * Binary cross-entropy of one probability against one target, as one node — PyTorch's
 * `binary_cross_entropy` for a single element: `-(y·log p + (1-y)·log(1-p))` with each log
 * floored at -100 (so p = 0 or 1 gives at most 100, never Infinity), and PyTorch's gradient
 * `(p - y) / max(p(1-p), 1e-12)`. The target gets PyTorch's gradient too: `-logit(p) = log((1-p)/p)`.
 *
 * @throws RangeError if `p` or `y` is a number outside [0, 1] (PyTorch throws too); NaN gives NaN.
 * @example
 * bce(0, 1).data; // 100
 */
export function bce(p: Value | number, y: Value | number): Value {
  const a = operand(p, "bce(p, y): p");
  const b = operand(y, "bce(p, y): y");
  // NaN spreads as through every other op; a number outside [0, 1] is a mistake worth stopping for.
  if (a.data < 0 || a.data > 1) throw new RangeError(`bce(p, y): p must lie in [0, 1], got ${a.data}`);
  if (b.data < 0 || b.data > 1) throw new RangeError(`bce(p, y): y must lie in [0, 1], got ${b.data}`);
  return result(bceForward(a.data, b.data), BCE, a, b);
}

/**
 * Binary cross-entropy of `sigmoid(z)` against target `y`, as one node — PyTorch's
 * `binary_cross_entropy_with_logits` for a single element: finite for any finite logit (±1e4
 * included) and free of the rounding a `softplus` threshold would bring, with PyTorch's
 * gradient `sigmoid(z) - y`. The target gets PyTorch's gradient too: `-z`.
 *
 * @throws RangeError if `y` is a number outside [0, 1]; NaN gives NaN.
 * @example
 * bceWithLogits(1000, 0).data; // 1000
 */
export function bceWithLogits(z: Value | number, y: Value | number): Value {
  const a = operand(z, "bceWithLogits(z, y): z");
  const b = operand(y, "bceWithLogits(z, y): y");
  if (b.data < 0 || b.data > 1) throw new RangeError(`bceWithLogits(z, y): y must lie in [0, 1], got ${b.data}`);
  return result(bceWithLogitsForward(a.data, b.data), BCE_WITH_LOGITS, a, b);
}
