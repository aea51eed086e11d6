import { dot, sum } from "@micrograd/engine";
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

/**
 * L1 penalty `alpha · Σ |p|` over parameters, which pushes weights to exactly 0 (sparse
 * networks). `|p|` is `relu(p) + relu(-p)`: exact, with gradient `sign(p)` and 0 at p = 0, as
 * PyTorch's `abs`; one fixed structure, so compiled replays stay valid.
 *
 * @example
 * const loss = hinge(scores, labels).add(l1(model.parameters(), 1e-3));
 */
export function l1(parameters: readonly Value[], alpha: number): Value {
  if (!Number.isFinite(alpha) || alpha < 0) {
    throw new RangeError(`l1: alpha must be a finite number ≥ 0, got ${alpha}`);
  }
  return sum(parameters.map((p) => p.relu().add(p.neg().relu()))).mul(alpha);
}

