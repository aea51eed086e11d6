import { ShapeError } from "./errors.js";
import { DOT, SUM } from "./ops.js";
import { Value, ZERO, operand, result } from "./value.js";
import { Vector } from "./vector.js";

/** A list of operands: a Vector's Values as they are, anything else copied (numbers become constants). */
function valuesOf(list: readonly (Value | number)[] | Vector, method: string): readonly Value[] {
  return list instanceof Vector ? list._items : list.map((v) => operand(v, method));
}

/**
 * The sum of `values` as one node (not a chain of additions), so its backward is one loop.
 *
 * @example
 * sum([a, b, 3]).data; // a.data + b.data + 3
 */
export function sum(values: readonly (Value | number)[] | Vector): Value {
  const args = valuesOf(values, "sum");
  let total = 0;
  for (const v of args) total += v.data;
  return result(total, SUM, ZERO, ZERO, args);
}

/**
 * The dot product `Σ xs[i]·ys[i]` as one node — what a neuron computes before its activation.
 * Pass {@link Vector}s to share operand lists between nodes without copying them.
 *
 * @throws ShapeError if the two lists differ in length.
 * @example
 * dot([w1, w2], [2, 0]).data; // 2·w1.data
 */
export function dot(xs: readonly (Value | number)[] | Vector, ys: readonly (Value | number)[] | Vector): Value {
  if (xs.length !== ys.length) {
    throw new ShapeError(`dot(xs, ys): xs has ${xs.length} entries but ys has ${ys.length}`);
  }
  const x = valuesOf(xs, "dot");
  const y = valuesOf(ys, "dot");
  let total = 0;
  for (let i = 0; i < x.length; i++) total += (x[i] as Value).data * (y[i] as Value).data;
  return result(total, DOT, ZERO, ZERO, x, y);
}
