import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Value, dot, gradCheck, sum } from "./index.js";

describe("gradCheck", () => {
  it("agrees with backward on every op", () => {
    const ops: ((x: Value, y: Value) => Value)[] = [
      (x, y) => x.add(y),
      (x, y) => x.sub(y),
      (x, y) => x.mul(y),
      (x, y) => x.div(y),
      (x) => x.pow(3),
      (x) => x.pow(-0.5),
      (x) => x.neg(),
      (x) => x.exp(),
      (x) => x.log(),
      (x) => x.tanh(),
      (x) => x.relu(),
      (x) => x.sigmoid(),
      (x, y) => sum([x, y, x]),
      (x, y) => dot([x, y], [y, 2]),
    ];
    for (const f of ops) expect(gradCheck(f, [0.8, 1.3]).maxError).toBeLessThan(1e-8);
  });

  it("reports a gradient that backward cannot see", () => {
    // Going through a plain number cuts the graph: backward says 0, finite differences say 2x.
    const { analytic, numeric, maxError } = gradCheck((x) => new Value(x.data ** 2), [1.5]);
    expect(analytic).toEqual([0]);
    expect(numeric[0]).toBeCloseTo(3, 6);
    expect(maxError).toBeGreaterThan(0.9);
  });
});

type Expr =
  | { kind: "leaf"; index: number }
  | { kind: "unary"; op: "neg" | "tanh" | "sigmoid" | "relu" | "softExp" | "logOfSquare" | "square"; x: Expr }
  | { kind: "binary"; op: "add" | "sub" | "mul" | "safeDiv"; x: Expr; y: Expr }
  | { kind: "nary"; op: "sum" | "dot"; xs: Expr[] };

const INPUTS = 3;

const exprArbitrary = fc.letrec<{ expr: Expr }>((tie) => ({
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
function build(e: Expr, leaves: Value[], kinks: number[]): Value {
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

describe("random expression trees", () => {
  const inputs = fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: INPUTS, maxLength: INPUTS });

  it("have gradients that match central finite differences", () => {
    fc.assert(
      fc.property(exprArbitrary, inputs, (expr, xs) => {
        const kinks: number[] = [];
        const value = build(expr, xs.map((x) => new Value(x)), kinks).data;
        fc.pre(Math.abs(value) < 1e6 && kinks.every((k) => Math.abs(k) > 1e-3));
        const { errors } = gradCheck((...leaves) => build(expr, leaves, []), xs);
        for (const error of errors) expect(error).toBeLessThan(1e-5);
      }),
      { numRuns: 300 },
    );
  });
});
