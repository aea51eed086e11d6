import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Value, bce, bceWithLogits, dot, gradCheck, sum } from "./index.js";
import { INPUTS, build, exprArbitrary } from "../test/expressions.js";

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

describe("loss targets", () => {
  it("bce and bceWithLogits: the target's gradient matches central finite differences", () => {
    for (const p of [0.05, 0.3, 0.5, 0.9]) {
      for (const y of [0.1, 0.6, 0.95]) {
        expect(gradCheck((target) => bce(p, target), [y]).errors[0]).toBeLessThan(1e-6);
        expect(gradCheck((target) => bceWithLogits(p * 6 - 3, target), [y]).errors[0]).toBeLessThan(1e-6);
      }
    }
  });
});

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
