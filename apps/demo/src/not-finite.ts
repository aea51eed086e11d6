import type { Value } from "@micrograd/engine";
import { fixed } from "./dom.js";

/** A Value that became NaN or ±Infinity from finite operands: where it is in the order, and why, in words. */
export interface NotFinite {
  index: number;
  reason: string;
}

/**
 * Why `v` is NaN or infinite although its operands are finite: division by zero, the log of a
 * negative number or of 0, an overflow… `name` is how the page calls `v`.
 */
function reason(v: Value, name: string): string {
  const [a, b] = v.children.map((c) => c.data);
  const got = `${name} = ${v.data}`;
  const op = v.op;
  if (op === "/" && b === 0) return `${got}: division by zero (${fixed(a as number)} / 0)`;
  if (op === "log" && (a as number) < 0) return `${got}: the log of a negative number (${fixed(a as number)}) is not a number`;
  if (op === "log" && a === 0) return `${got}: the log of 0 is −Infinity`;
  if (op.startsWith("**")) {
    const exponent = Number(op.slice(2));
    if ((a as number) < 0 && !Number.isInteger(exponent)) return `${got}: a negative number (${fixed(a as number)}) to a fractional power (${exponent}) is not a number`;
    if (a === 0 && exponent < 0) return `${got}: 0 to a negative power (${exponent}) divides by zero`;
  }
  if (op === "exp") return `${got}: exp(${fixed(a as number)}) is beyond the largest double, about 1.8e308 (exp overflows above 709.78)`;
  return `${got}: ${op} of ${v.children.map((c) => fixed(c.data)).join(" and ")} is beyond the largest double, about 1.8e308`;
}

/**
 * The Values of `order` (a topological order) that are NaN or ±Infinity while every operand is
 * finite — where a non-finite number enters the graph — each with the reason; `nameOf` names a
 * Value for the message. The Values computed from them inherit it and are not listed.
 */
export function notFiniteOrigins(order: readonly Value[], nameOf: (v: Value) => string): NotFinite[] {
  const found: NotFinite[] = [];
  order.forEach((v, index) => {
    if (Number.isFinite(v.data) || v.op === "") return;
    if (v.children.every((c) => Number.isFinite(c.data))) found.push({ index, reason: reason(v, nameOf(v)) });
  });
  return found;
}
