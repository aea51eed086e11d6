import { ShapeError, Value } from "@micrograd/engine";

/** A single prediction or target, or a list of them. */
export type Values = Value | number | readonly (Value | number)[];

/** Describes a bad entry for an error message. */
function describe(x: unknown): string {
  if (typeof x === "string") return `${JSON.stringify(x)} (string)`;
  if (typeof x === "object" && x !== null) return `an object (${x.constructor?.name ?? "Object"})`;
  return String(x);
}

/**
 * A single Value/number as a one-entry list; a list as a list of Values.
 *
 * @throws TypeError naming `loss` and `what` for an entry that is neither a Value nor a number.
 */
export function asValues(x: Values, loss: string, what: string): Value[] {
  const list: readonly unknown[] = Array.isArray(x) ? x : [x];
  return list.map((v, i) => {
    if (v instanceof Value) return v;
    if (typeof v === "number" && !Number.isNaN(v)) return new Value(v);
    throw new TypeError(`${loss}: ${what}[${i}] must be a Value or a number, got ${describe(v)}`);
  });
}

/** Predictions and targets as equal-length lists of Values. */
export function pairs(loss: string, predictions: Values, targets: Values): [Value[], Value[]] {
  const p = asValues(predictions, loss, "predictions");
  const t = asValues(targets, loss, "targets");
  if (p.length !== t.length) {
    throw new ShapeError(`${loss}: ${p.length} predictions but ${t.length} targets`);
  }
  if (p.length === 0) throw new ShapeError(`${loss}: no predictions given`);
  return [p, t];
}
