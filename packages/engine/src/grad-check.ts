import { Value } from "./value.js";

/** Options for {@link gradCheck}. */
export interface GradCheckOptions {
  /** Step of the central difference; default 1e-6. */
  eps?: number;
}

/** What {@link gradCheck} found, one entry per input. */
export interface GradCheckResult {
  /** Gradients from `backward()`. */
  analytic: number[];
  /** Gradients from central finite differences `(f(x+ε) - f(x-ε)) / 2ε`. */
  numeric: number[];
  /** `|analytic - numeric| / max(1, |analytic|, |numeric|)`: relative for large gradients, absolute near 0. */
  errors: number[];
  /** The worst of `errors` (0 when there are no inputs). */
  maxError: number;
}

/**
 * Checks `backward()` against central finite differences: builds `f` on fresh leaves holding
 * `inputs`, back-propagates, then nudges each input by ±ε. A learner's way to trust a gradient,
 * and our tests' way to check every op.
 *
 * @example
 * const { maxError } = gradCheck((x, y) => x.mul(y).tanh(), [0.5, -1.2]);
 * maxError < 1e-6; // true
 */
export function gradCheck(
  f: (...inputs: Value[]) => Value,
  inputs: readonly number[],
  options: GradCheckOptions = {},
): GradCheckResult {
  const eps = options.eps ?? 1e-6;
  const leaves = inputs.map((x) => new Value(x));
  f(...leaves).backward();
  const analytic = leaves.map((v) => v.grad);
  const at = (i: number, delta: number): number =>
    f(...inputs.map((x, j) => new Value(j === i ? x + delta : x))).data;
  const numeric = inputs.map((_, i) => (at(i, eps) - at(i, -eps)) / (2 * eps));
  const errors = analytic.map((a, i) => {
    const n = numeric[i] as number;
    return Math.abs(a - n) / Math.max(1, Math.abs(a), Math.abs(n));
  });
  return { analytic, numeric, errors, maxError: Math.max(0, ...errors) };
}
