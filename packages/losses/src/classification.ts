import { ShapeError, bce, bceWithLogits, dot, logsumexp, sum } from "@micrograd/engine";
import type { Value } from "@micrograd/engine";
import { asValues, pairs } from "./inputs.js";
import type { Values } from "./inputs.js";

function checkUnitInterval(loss: string, what: string, values: readonly Value[]): void {
  const i = values.findIndex((v) => v.data < 0 || v.data > 1);
  if (i >= 0) throw new RangeError(`${loss}: ${what} must lie in [0, 1], got ${values[i]?.data} at index ${i}`);
}

/**
 * Each loss for one sample, before the batch mean — the terms the batch losses average, exposed
 * for code that builds one row at a time (a compiled recording of one row, replayed per batch).
 * Targets may be Values, so a recording can take them as inputs; none of these branches on data.
 */
export const sampleLoss = {
  /** `(p - t)²`. */
  squaredError: (p: Value, t: Value | number): Value => p.sub(t).pow(2),
  /** PyTorch's binary cross-entropy of probability `p` against `y` (see `bce` in the engine). */
  binaryCrossEntropy: (p: Value, y: Value | number): Value => bce(p, y),
  /** PyTorch's BCE of `sigmoid(z)` against `y` (see `bceWithLogits` in the engine). */
  binaryCrossEntropyWithLogits: (z: Value, y: Value | number): Value => bceWithLogits(z, y),
  /**
   * Softmax cross-entropy `logsumexp(z - z_k)` for the class a one-hot `oneHot` marks:
   * `z_k = oneHot·z`, so the structure is the same for every class, and shifting by `z_k` first
   * keeps logits like [1e17, 1e17] exact (ln 2, where `logsumexp(z) - z_k` gives 0).
   */
  crossEntropy: (logits: readonly Value[], oneHot: readonly (Value | number)[]): Value => {
    const picked = dot(oneHot, logits);
    return logsumexp(logits.map((z) => z.sub(picked)));
  },
  /** micrograd's max-margin term `relu(1 - y·s)` for a label y = ±1. */
  hinge: (s: Value, y: Value | number): Value => s.mul(y).neg().add(1).relu(),
};

/**
 * Binary cross-entropy on probabilities (seed 003), as PyTorch's `binary_cross_entropy`: mean
 * of `-(y·log p + (1-y)·log(1-p))` with each log floored at -100, so p = 0 or 1 gives at most
 * 100, and its gradient `(p - y) / max(p(1-p), 1e-12)`.
 *
 * @throws RangeError if a probability or a target is outside [0, 1].
 * @example
 * binaryCrossEntropy(neuron.forward(x), 1);
 */
export function binaryCrossEntropy(probabilities: Values, targets: Values): Value {
  const [p, y] = pairs("binaryCrossEntropy", probabilities, targets);
  checkUnitInterval("binaryCrossEntropy", "probabilities", p);
  checkUnitInterval("binaryCrossEntropy", "targets", y);
  return sum(p.map((pi, i) => sampleLoss.binaryCrossEntropy(pi, y[i] as Value))).div(p.length);
}

/**
 * Binary cross-entropy on logits, as PyTorch's `binary_cross_entropy_with_logits`: mean of BCE of
 * `sigmoid(z)` in PyTorch's stable formula, finite for any finite logit, gradient `sigmoid(z) - y`.
 *
 * @throws RangeError if a target is outside [0, 1].
 */
export function binaryCrossEntropyWithLogits(logits: Values, targets: Values): Value {
  const [z, y] = pairs("binaryCrossEntropyWithLogits", logits, targets);
  checkUnitInterval("binaryCrossEntropyWithLogits", "targets", y);
  return sum(z.map((zi, i) => sampleLoss.binaryCrossEntropyWithLogits(zi, y[i] as Value))).div(z.length);
}

/**
 * Softmax cross-entropy of one sample, as PyTorch's `cross_entropy`: `-log softmax(z)[k]`,
 * computed as `logsumexp(z - z_k)` — exact where a shift by the maximum alone loses the answer
 * ([1e17, 1e17] gives ln 2), finite for logits of ±1e4, with gradient `softmax(z) - onehot(k)`.
 *
 * @throws RangeError if `classIndex` is not an integer in [0, logits.length).
 * @example
 * crossEntropy(model.forward(x), 2);
 */
export function crossEntropy(logits: Values, classIndex: number): Value {
  const z = asValues(logits, "crossEntropy", "logits");
  if (z.length === 0) throw new ShapeError("crossEntropy: no logits given");
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= z.length) {
    throw new RangeError(`crossEntropy: class index must be an integer in [0, ${z.length - 1}], got ${classIndex}`);
  }
  return sampleLoss.crossEntropy(z, z.map((_, j) => (j === classIndex ? 1 : 0)));
}

/**
 * micrograd's SVM max-margin loss: mean of `relu(1 - y·score)` with labels y = ±1.
 *
 * @throws RangeError if a label is not -1 or 1.
 * @example
 * hinge(scores, [1, -1, 1]);
 */
export function hinge(scores: Values, labels: Values): Value {
  const [s, y] = pairs("hinge", scores, labels);
  const bad = y.find((v) => v.data !== 1 && v.data !== -1);
  if (bad) throw new RangeError(`hinge: labels must be -1 or 1, got ${bad.data}`);
  return sum(s.map((si, i) => sampleLoss.hinge(si, y[i] as Value))).div(s.length);
}
