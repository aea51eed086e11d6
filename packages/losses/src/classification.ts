import { ShapeError, Value, sum } from "@micrograd/engine";
import { asValues, pairs } from "./inputs.js";
import type { Values } from "./inputs.js";

/** Smallest probability the BCE logs see, so p = 0 or 1 gives a large finite loss, not Infinity. */
const EPS = 1e-12;

function checkBinaryTargets(loss: string, targets: readonly Value[]): void {
  const bad = targets.find((t) => !(t.data >= 0 && t.data <= 1));
  if (bad) throw new RangeError(`${loss}: targets must lie in [0, 1], got ${bad.data}`);
}

/**
 * Binary cross-entropy on probabilities (seed 003): mean of `-(y·log p + (1-y)·log(1-p))`.
 * Safe at p = 0 and p = 1: the logs see `p + ε` and `1 - p + ε` with ε = 1e-12.
 *
 * @throws RangeError if a target is outside [0, 1].
 * @example
 * binaryCrossEntropy(neuron.forward(x), 1);
 */
export function binaryCrossEntropy(probabilities: Values, targets: Values): Value {
  const [p, y] = pairs("binaryCrossEntropy", probabilities, targets);
  checkBinaryTargets("binaryCrossEntropy", y);
  const terms = p.map((pi, i) => {
    const yi = y[i] as Value;
    const one = yi.mul(pi.add(EPS).log());
    const zero = yi.neg().add(1).mul(pi.neg().add(1 + EPS).log());
    return one.add(zero);
  });
  return sum(terms).div(-p.length);
}

/** `log(1 + eˣ)` written so it never overflows: `x + log(1 + e⁻ˣ)` for x ≥ 0. */
function softplus(x: Value): Value {
  return x.data >= 0 ? x.add(x.neg().exp().add(1).log()) : x.exp().add(1).log();
}

/**
 * Binary cross-entropy on logits, `mean(softplus(z) - y·z)`: sigmoid and BCE in one stable
 * formula, finite for any logit.
 *
 * @throws RangeError if a target is outside [0, 1].
 */
export function binaryCrossEntropyWithLogits(logits: Values, targets: Values): Value {
  const [z, y] = pairs("binaryCrossEntropyWithLogits", logits, targets);
  checkBinaryTargets("binaryCrossEntropyWithLogits", y);
  return sum(z.map((zi, i) => softplus(zi).sub(zi.mul(y[i] as Value)))).div(z.length);
}

/**
 * Softmax cross-entropy of one sample: `log Σ exp(zⱼ) - z_class`, computed with the
 * log-sum-exp shift by `max z` so logits of ±1000 stay finite.
 *
 * @throws RangeError if `classIndex` is not an integer in [0, logits.length).
 * @example
 * crossEntropy(model.forward(x), 2);
 */
export function crossEntropy(logits: Values, classIndex: number): Value {
  const z = asValues(logits);
  if (z.length === 0) throw new ShapeError("crossEntropy: no logits given");
  if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= z.length) {
    throw new RangeError(`crossEntropy: class index must be an integer in [0, ${z.length - 1}], got ${classIndex}`);
  }
  // The shift is a constant: it cancels in the gradient, so it needs no node of its own.
  const max = Math.max(...z.map((v) => v.data));
  const logSumExp = sum(z.map((v) => v.sub(max).exp())).log().add(max);
  return logSumExp.sub(z[classIndex] as Value);
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
  return sum(s.map((si, i) => si.mul(y[i] as Value).neg().add(1).relu())).div(s.length);
}
