/**
 * Thrown when two things that must have matching sizes do not, e.g. `dot` of a 3-vector and a
 * 2-vector, or an MLP fed the wrong number of inputs.
 *
 * @example
 * try { dot([1, 2], [3]); } catch (e) { e instanceof ShapeError; } // true
 */
export class ShapeError extends RangeError {
  override name = "ShapeError";
}

/**
 * Thrown by the anomaly check (see {@link setDetectAnomaly}) the moment a forward value or a
 * gradient becomes NaN or ±Infinity. The message names the op and its operands.
 */
export class AnomalyError extends Error {
  override name = "AnomalyError";
}

/** Describes any JavaScript value for an error message: `"abc" (string)`, `NaN`, `undefined`. */
export function describe(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return `${JSON.stringify(value)} (string)`;
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "Object"})`;
  if (typeof value === "boolean" || typeof value === "bigint") return `${value} (${typeof value})`;
  return `a ${typeof value}`;
}
