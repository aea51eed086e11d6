import { ShapeError, Value } from "@micrograd/engine";

/** A single prediction or target, or a list of them. */
export type Values = Value | number | readonly (Value | number)[];

/** A single Value/number as a one-entry list; a list as a list of Values. */
export function asValues(x: Values): Value[] {
  const list = Array.isArray(x) ? (x as readonly (Value | number)[]) : [x as Value | number];
  return list.map((v) => (v instanceof Value ? v : new Value(v)));
}

/** Predictions and targets as equal-length lists of Values. */
export function pairs(loss: string, predictions: Values, targets: Values): [Value[], Value[]] {
  const p = asValues(predictions);
  const t = asValues(targets);
  if (p.length !== t.length) {
    throw new ShapeError(`${loss}: ${p.length} predictions but ${t.length} targets`);
  }
  if (p.length === 0) throw new ShapeError(`${loss}: no predictions given`);
  return [p, t];
}
