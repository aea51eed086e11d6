import { crossCopyInstanceof } from "./brand.js";

/**
 * Thrown by the anomaly check (see {@link setDetectAnomaly}) the moment a forward value or a
 * gradient becomes NaN or ±Infinity. The message names the op and its operands.
 */
export class AnomalyError extends Error {
  override name = "AnomalyError";
}
crossCopyInstanceof(AnomalyError, "@micrograd/engine/AnomalyError");

/** Describes any JavaScript value for an error message: `"abc" (string)`, `NaN`, `undefined`. */
export function describe(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (typeof value === "string") return `${JSON.stringify(value)} (string)`;
  if (value === null || value === undefined) return String(value);
  if (typeof value === "object") return `an object (${value.constructor?.name ?? "Object"})`;
  if (typeof value === "boolean" || typeof value === "bigint") return `${value} (${typeof value})`;
  return `a ${typeof value}`;
}
