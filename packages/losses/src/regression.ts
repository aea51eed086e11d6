import { sum } from "@micrograd/engine";
import type { Value } from "@micrograd/engine";
import { sampleLoss } from "./classification.js";
import { pairs } from "./inputs.js";
import type { Values } from "./inputs.js";

/** `Σ (p - t)²` over lists already paired and converted. */
function squaredErrors(p: readonly Value[], t: readonly Value[]): Value {
  return sum(p.map((pi, i) => sampleLoss.squaredError(pi, t[i] as Value)));
}

/**
 * Sum of squared errors `Σ (p - t)²` — the loss of seed 002's training loop.
 *
 * @example
 * sumSquaredError(ypred, [1, -1, -1, 1]);
 */
export function sumSquaredError(predictions: Values, targets: Values): Value {
  return squaredErrors(...pairs("sumSquaredError", predictions, targets));
}

/**
 * Mean squared error `Σ (p - t)² / n`, as PyTorch's `mse_loss` with reduction `"mean"`.
 *
 * @example
 * mse(model.forward(x)[0], 3.5);
 */
export function mse(predictions: Values, targets: Values): Value {
  const [p, t] = pairs("mse", predictions, targets);
  return squaredErrors(p, t).div(p.length);
}
