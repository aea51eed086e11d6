/**
 * Whether the anomaly check runs; read by every op, so it lives in one small mutable cell. The
 * cell is shared through the symbol registry by every copy of the engine in the process, so
 * `setDetectAnomaly` also reaches the Values that a dependency's copy makes.
 */
export const anomaly: { enabled: boolean } = ((globalThis as Record<symbol, { enabled: boolean } | undefined>)[
  Symbol.for("@micrograd/engine/anomaly")
] ??= { enabled: false });

/**
 * Turns the anomaly check on or off for everything that follows, like PyTorch's
 * `torch.autograd.set_detect_anomaly`. While on, an op whose result is NaN/±Infinity, or a
 * backward step that makes a gradient NaN/±Infinity, throws an {@link AnomalyError} naming the op
 * and its operands. It costs a check per node, so it is off by default.
 *
 * @example
 * setDetectAnomaly(true);
 * new Value(0).log(); // throws AnomalyError: log produced -Infinity from (Value(data=0, grad=0))
 */
export function setDetectAnomaly(enabled: boolean): void {
  anomaly.enabled = enabled;
}

/** Tells whether the anomaly check is on (see {@link setDetectAnomaly}). */
export function isDetectAnomalyEnabled(): boolean {
  return anomaly.enabled;
}

/**
 * Runs `fn` with the anomaly check on and restores the previous setting afterwards, even if `fn`
 * throws — the counterpart of PyTorch's `with torch.autograd.detect_anomaly():`.
 *
 * @example
 * detectAnomaly(() => loss.backward());
 */
export function detectAnomaly<T>(fn: () => T): T {
  const previous = anomaly.enabled;
  anomaly.enabled = true;
  try {
    return fn();
  } finally {
    anomaly.enabled = previous;
  }
}
