import { Value, sum } from "@micrograd/engine";
import {
  binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, hinge, mse, sampleLoss, sumSquaredError,
} from "@micrograd/losses";

/**
 * The losses the training loop knows by name. Class targets are 0, 1, …: `hinge` maps them to
 * ±1 labels itself; `bce` expects a probability output (sigmoid), `bceWithLogits` a raw score.
 */
export type LossName = "hinge" | "mse" | "sse" | "bce" | "bceWithLogits" | "crossEntropy";

export const LOSS_NAMES: readonly LossName[] = ["hinge", "mse", "sse", "bce", "bceWithLogits", "crossEntropy"];

/** The loss of a batch: every sample's outputs against its target. */
export function batchLoss(loss: LossName, outputs: readonly Value[][], targets: readonly number[]): Value {
  const first = outputs.map((o) => o[0] as Value);
  switch (loss) {
    case "hinge":
      return hinge(first, targets.map((t) => (t > 0 ? 1 : -1)));
    case "mse":
      return mse(first, targets);
    case "sse":
      return sumSquaredError(first, targets);
    case "bce":
      return binaryCrossEntropy(first, targets);
    case "bceWithLogits":
      return binaryCrossEntropyWithLogits(first, targets);
    case "crossEntropy":
      return sum(outputs.map((o, i) => crossEntropy(o, targets[i] as number))).div(outputs.length);
  }
}

/** How many numbers one row's target takes as inputs of a recording: a one-hot row for cross-entropy. */
export function targetWidth(loss: LossName, outputs: number): number {
  return loss === "crossEntropy" ? outputs : 1;
}

/**
 * Writes a row's target as the numbers {@link rowLoss} reads: ±1 for hinge, the one-hot row of
 * the class for cross-entropy, the target itself otherwise.
 */
export function encodeTarget(loss: LossName, target: number, into: Float64Array, at: number, outputs: number): void {
  if (loss === "crossEntropy") {
    for (let j = 0; j < outputs; j++) into[at + j] = j === target ? 1 : 0;
  } else into[at] = loss === "hinge" ? (target > 0 ? 1 : -1) : target;
}

/**
 * One row's term of {@link batchLoss}, its target given as {@link encodeTarget}'s numbers (as
 * Values, so a recording can take them as inputs): the same nodes `batchLoss` builds for the row.
 */
export function rowLoss(loss: LossName, outputs: readonly Value[], target: readonly Value[]): Value {
  const first = outputs[0] as Value;
  const t = target[0] as Value;
  switch (loss) {
    case "hinge":
      return sampleLoss.hinge(first, t);
    case "mse":
    case "sse":
      return sampleLoss.squaredError(first, t);
    case "bce":
      return sampleLoss.binaryCrossEntropy(first, t);
    case "bceWithLogits":
      return sampleLoss.binaryCrossEntropyWithLogits(first, t);
    case "crossEntropy":
      return sampleLoss.crossEntropy(outputs, target);
  }
}

/** {@link batchLoss} from its rows' terms: their sum, divided by their count except for `sse`. */
export function reduceRows(loss: LossName, terms: readonly Value[]): Value {
  const total = sum(terms);
  return loss === "sse" ? total : total.div(terms.length);
}

/**
 * The class a model's outputs stand for under `loss` (argmax for cross-entropy, the side of 0
 * for scores, of 0.5 for probabilities), or `null` for a regression loss.
 */
export function predictedClass(loss: LossName, outputs: readonly (Value | number)[]): number | null {
  // Called for every row of every step: reads the outputs in place, allocating nothing.
  const first = valueOf(outputs[0] as Value | number);
  switch (loss) {
    case "hinge":
    case "bceWithLogits":
      return first > 0 ? 1 : 0;
    case "bce":
      return first > 0.5 ? 1 : 0;
    case "crossEntropy": {
      let best = 0;
      for (let j = 1; j < outputs.length; j++) if (valueOf(outputs[j] as Value | number) > valueOf(outputs[best] as Value | number)) best = j;
      return best;
    }
    case "mse":
    case "sse":
      return null;
  }
}

/** The number an output stands for. */
function valueOf(output: Value | number): number {
  return typeof output === "number" ? output : output.data;
}

/** A model's answer for one sample under a loss: its class, and how probable it finds that class. */
export interface Prediction {
  /** The predicted class; `null` for a regression loss. */
  class: number | null;
  /** The model's probability for that class; `null` where the loss gives none (hinge, regression). */
  probability: number | null;
}

/** Whether `loss` gives class probabilities (hinge and the regression losses do not). */
export function givesProbabilities(loss: LossName): boolean {
  return loss === "crossEntropy" || loss === "bce" || loss === "bceWithLogits";
}

/**
 * The probability of each class under `loss`: the softmax for cross-entropy, `[1 - p, p]` with p
 * the output for `bce` or the sigmoid of the output for `bceWithLogits`; null where the loss
 * gives none (see {@link givesProbabilities}).
 *
 * @example
 * probabilities("bceWithLogits", [0]); // [0.5, 0.5]
 */
export function probabilities(loss: LossName, outputs: readonly (Value | number)[]): number[] | null {
  if (!givesProbabilities(loss)) return null;
  const data = outputs.map(valueOf);
  const first = data[0] as number;
  if (loss === "crossEntropy") {
    const max = Math.max(...data);
    const exps = data.map((z) => Math.exp(z - max));
    const total = exps.reduce((s, e) => s + e, 0);
    return exps.map((e) => e / total);
  }
  const p = loss === "bce" ? first : 1 / (1 + Math.exp(-first));
  return [1 - p, p];
}

/**
 * The class a model's outputs stand for under `loss` (see {@link predictedClass}), with its
 * probability (see {@link probabilities}). What the CLI prints and the demo shades, written once.
 *
 * @example
 * prediction("crossEntropy", [2, 0, 0]); // { class: 0, probability: 0.787… }
 */
export function prediction(loss: LossName, outputs: readonly (Value | number)[]): Prediction {
  const k = predictedClass(loss, outputs);
  const p = probabilities(loss, outputs);
  return { class: k, probability: p === null || k === null ? null : (p[k] as number) };
}

/** Fraction of samples whose predicted class equals the target; `null` for regression losses. */
export function accuracy(loss: LossName, outputs: readonly (readonly (Value | number)[])[], targets: ArrayLike<number>): number | null {
  if (outputs.length === 0) return null;
  let right = 0;
  for (let i = 0; i < outputs.length; i++) {
    const predicted = predictedClass(loss, outputs[i] as Value[]);
    if (predicted === null) return null;
    if (predicted === targets[i]) right += 1;
  }
  return right / outputs.length;
}
