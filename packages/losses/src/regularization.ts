import { dot } from "@micrograd/engine";
import type { Value } from "@micrograd/engine";

/**
 * L2 penalty `alpha · Σ p²` over parameters — micrograd's `reg_loss` with alpha = 1e-4.
 *
 * @example
 * const loss = hinge(scores, labels).add(l2(model.parameters(), 1e-4));
 */
export function l2(parameters: readonly Value[], alpha: number): Value {
  if (!Number.isFinite(alpha) || alpha < 0) {
    throw new RangeError(`l2: alpha must be a finite number ≥ 0, got ${alpha}`);
  }
  return dot(parameters, parameters).mul(alpha);
}
