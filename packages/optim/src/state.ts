import { ShapeError } from "@micrograd/engine";

/**
 * A number as JSON keeps it exactly: itself, or a string for what JSON has no number for
 * (`"NaN"`, `"Infinity"`, `"-Infinity"`) or would lose (`"-0"`, which `JSON.stringify` writes as 0).
 */
export type StateNumber = number | "NaN" | "Infinity" | "-Infinity" | "-0";

/** Encodes a buffer for JSON, every bit kept (see {@link StateNumber}). */
export function encodeNumbers(values: ArrayLike<number>): StateNumber[] {
  return Array.from(values, (x) => (Object.is(x, -0) ? "-0" : Number.isFinite(x) ? x : (String(x) as StateNumber)));
}

/**
 * Decodes a buffer written by {@link encodeNumbers} for `count` parameters.
 *
 * @throws TypeError for an entry that is not a {@link StateNumber}; ShapeError for a length other than `count`.
 */
export function decodeNumbers(given: unknown, count: number, where: string): Float64Array {
  if (!Array.isArray(given)) throw new TypeError(`${where} must be an array of numbers, got ${typeof given}`);
  if (given.length !== count) throw new ShapeError(`${where} holds ${given.length} numbers, but the optimizer has ${count} parameters: was the state saved for another model?`);
  return Float64Array.from(given, (x: unknown, i) => {
    if (typeof x === "number") return x;
    if (x === "NaN" || x === "Infinity" || x === "-Infinity" || x === "-0") return Number(x);
    throw new TypeError(`${where}[${i}] must be a number (or "NaN", "Infinity", "-Infinity", "-0"), got ${JSON.stringify(x)}`);
  });
}

/**
 * The state object `json` of optimizer `kind`, checked: an object whose `kind` is one of `kinds`.
 *
 * @throws TypeError for anything else, naming what it found.
 */
export function checkState(json: unknown, kinds: readonly string[], where: string): Record<string, unknown> {
  if (typeof json !== "object" || json === null || Array.isArray(json)) throw new TypeError(`${where}: state must be an object from toJSON(), got ${json === null ? "null" : typeof json}`);
  const kind = (json as { kind?: unknown }).kind;
  if (!kinds.includes(kind as string)) throw new TypeError(`${where}: state is of ${JSON.stringify(kind)}, expected ${kinds.map((k) => JSON.stringify(k)).join(" or ")}`);
  return json as Record<string, unknown>;
}
