import { Value, sum } from "@micrograd/engine";
import { pairs } from "./inputs.js";
import type { Values } from "./inputs.js";

/**
 * Sum of squared errors `Σ (p - t)²` — the loss of seed 002's training loop.
 *
 * @example
 * sumSquaredError(ypred, [1, -1, -1, 1]);
 */
export function sumSquaredError(predictions: Values, targets: Values): Value {
  const [p, t] = pairs("sumSquaredError", predictions, targets);
  return sum(p.map((pi, i) => pi.sub(t[i] as Value).pow(2)));
}

/**
 * Mean squared error `Σ (p - t)² / n`, as PyTorch's `mse_loss` with reduction `"mean"`.
 *
 * @example
 * mse(model.forward(x)[0], 3.5);
 */
export function mse(predictions: Values, targets: Values): Value {
  const [p] = pairs("mse", predictions, targets);
  return sumSquaredError(predictions, targets).div(p.length);
}
