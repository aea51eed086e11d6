import fc from "fast-check";
import { Value, dot, sum } from "../src/index.js";

/** A random expression tree over INPUTS leaves, for property tests. */
export type Expr =
  | { kind: "leaf"; index: number }
  | { kind: "unary"; op: "neg" | "tanh" | "sigmoid" | "relu" | "softExp" | "logOfSquare" | "square"; x: Expr }
  | { kind: "binary"; op: "add" | "sub" | "mul" | "safeDiv"; x: Expr; y: Expr }
  | { kind: "nary"; op: "sum" | "dot"; xs: Expr[] };

export const INPUTS = 3;

export const exprArbitrary = fc.letrec<{ expr: Expr }>((tie) => ({
  expr: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.record({ kind: fc.constant("leaf" as const), index: fc.nat(INPUTS - 1) }),
    fc.record({
      kind: fc.constant("unary" as const),
      op: fc.constantFrom("neg", "tanh", "sigmoid", "relu", "softExp", "logOfSquare", "square" as const),
      x: tie("expr"),
    }),
    fc.record({
      kind: fc.constant("binary" as const),
      op: fc.constantFrom("add", "sub", "mul", "safeDiv" as const),
      x: tie("expr"),
      y: tie("expr"),
    }),
    fc.record({
      kind: fc.constant("nary" as const),
      op: fc.constantFrom("sum", "dot" as const),
      xs: fc.array(tie("expr"), { minLength: 2, maxLength: 4 }),
    }),
  ),
})).expr;

/**
 * Builds the expression on `leaves`. Ops are wrapped to stay in their smooth domain (log of a
 * square + 1, division by a square + 1, exp of a tanh) so finite differences are meaningful;
 * `kinks` collects relu inputs, where finite differences are not.
 */
export function build(e: Expr, leaves: Value[], kinks: number[]): Value {
  switch (e.kind) {
    case "leaf":
      return leaves[e.index] as Value;
    case "unary": {
      const x = build(e.x, leaves, kinks);
      switch (e.op) {
        case "neg": return x.neg();
        case "tanh": return x.tanh();
        case "sigmoid": return x.sigmoid();
        case "relu": kinks.push(x.data); return x.relu();
        case "softExp": return x.tanh().exp();
        case "logOfSquare": return x.pow(2).add(1).log();
        case "square": return x.pow(2);
      }
      break;
    }
    case "binary": {
      const x = build(e.x, leaves, kinks);
      const y = build(e.y, leaves, kinks);
      switch (e.op) {
        case "add": return x.add(y);
        case "sub": return x.sub(y);
        case "mul": return x.mul(y);
        case "safeDiv": return x.div(y.pow(2).add(1));
      }
      break;
    }
    case "nary": {
      const xs = e.xs.map((x) => build(x, leaves, kinks));
      if (e.op === "sum") return sum(xs);
      const half = Math.floor(xs.length / 2);
      return dot(xs.slice(0, half), xs.slice(half, 2 * half));
    }
  }
}
