import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { INPUTS, build, exprArbitrary } from "../test/expressions.js";
import { ShapeError, Value, compile, dot, sum } from "./index.js";

const closeTo = (actual: number, expected: number) => {
  if (Number.isNaN(expected)) expect(actual).toBeNaN();
  else expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));
};

describe("compile", () => {
  it("replays random expressions with the values and gradients of graph mode", () => {
    fc.assert(
      fc.property(exprArbitrary, fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 2 * INPUTS, maxLength: 2 * INPUTS }), (expr, xs) => {
        const first = xs.slice(0, INPUTS);
        const second = xs.slice(INPUTS);
        // Leaves closed over by the recording, changed between replays as an optimizer would.
        const params = first.map((x) => new Value(x));
        const compiled = compile(() => build(expr, params, []));
        params.forEach((p, i) => (p.data = second[i] as number));
        compiled.run().backward();
        const compiledGrads = params.map((p) => p.grad);

        const fresh = second.map((x) => new Value(x));
        const out = build(expr, fresh, []);
        out.backward();
        closeTo(compiled.output(), out.data);
        fresh.forEach((v, i) => closeTo(compiledGrads[i] as number, v.grad));
      }),
      { numRuns: 300 },
    );
  });

  it("fuses neurons (dot, +bias, activation) without changing a bit of the result", () => {
    const activations: ((v: Value) => Value)[] = [(v) => v.relu(), (v) => v.tanh(), (v) => v.sigmoid(), (v) => v];
    for (const activate of activations) {
      const w = [new Value(0.3), new Value(-0.7), new Value(1.1)];
      const b = new Value(0.05);
      const neuron = (x: number[]) => activate(dot(w, x).add(b));
      const build = () => sum([neuron([1, 2, 3]), neuron([-1, 0.5, 2]).mul(2)]);
      const f = compile(build);
      w[0]!.data = 0.4;
      f.run().backward();
      const compiled = [...w, b].map((p) => p.grad);
      [...w, b].forEach((p) => (p.grad = 0));
      const out = build();
      out.backward();
      expect(f.output()).toBe(out.data);
      expect(compiled).toEqual([...w, b].map((p) => p.grad));
    }
  });

  it("does not fuse away a dot or a sum that something else reads or that is an output", () => {
    const w = [new Value(0.5), new Value(-1)];
    const b = new Value(0.2);
    const d = dot(w, [2, 3]);
    const z = d.add(b);
    const f = compile(() => [z.relu().add(d.mul(3)), z]);
    w[1]!.data = 1;
    f.run().backward();
    expect(f.output(0)).toBe(Math.max(0, 1 + 3 + 0.2) + 3 * 4);
    expect(f.output(1)).toBe(4.2);
    expect(w.map((p) => p.grad)).toEqual([2 + 6, 3 + 9]);
  });

  it("skips dead neurons only when that changes nothing: an infinite input still spreads NaN", () => {
    const w = [new Value(1), new Value(1)];
    const x = [new Value(-1), new Value(-2)];
    const build = () => dot(w, x).add(0).relu().add(w[0]!);
    const f = compile(build);
    f.run().backward();
    expect(w.map((p) => p.grad)).toEqual([1, 0]); // relu is dead: only the direct path counts
    w.forEach((p) => (p.grad = 0));
    x[1]!.data = -Infinity;
    f.run().backward();
    const compiled = [...w, ...x].map((p) => p.grad);
    [...w, ...x].forEach((p) => (p.grad = 0));
    build().backward();
    expect(compiled).toEqual([...w, ...x].map((p) => p.grad));
    expect(Number.isNaN(w[1]!.grad)).toBe(true); // 0 · (-Infinity), as graph mode (and PyTorch) give
  });

  it("takes inputs at replay and reports their gradients", () => {
    const w = new Value(3);
    const f = compile(([x, y]) => (x as Value).mul(w).add((y as Value).tanh()), [1, 0]);
    f.run([2, 0.5]).backward();
    expect(f.output()).toBeCloseTo(6 + Math.tanh(0.5), 15);
    expect(w.grad).toBe(2);
    expect(f.inputGrad(0)).toBe(3);
    expect(f.inputGrad(1)).toBeCloseTo(1 - Math.tanh(0.5) ** 2, 15);
  });

  it("accumulates into leaf grads as Value.backward does", () => {
    const w = new Value(2);
    const f = compile(() => w.mul(w));
    f.run().backward();
    f.run().backward();
    expect(w.grad).toBe(8);
  });

  it("returns every recorded output and handles n-ary nodes", () => {
    const a = new Value(1);
    const b = new Value(2);
    const f = compile(() => [sum([a, b, 3]), dot([a, b], [b, a])]);
    a.data = 10;
    f.run();
    expect(f.outputCount).toBe(2);
    expect([f.output(0), f.output(1)]).toEqual([15, 40]);
    f.backward();
    expect([a.grad, b.grad]).toEqual([1, 1]);
    expect(() => f.output(2)).toThrow("there are 2 outputs, asked for 2");
  });

  it("refuses a replay with a different number of inputs", () => {
    const f = compile(([x]) => (x as Value).exp(), [0]);
    expect(() => f.run([1, 2])).toThrow(ShapeError);
    expect(() => f.run([1, 2])).toThrow("the graph was recorded with 1 inputs, got 2");
    expect(() => compile(() => [])).toThrow("compile: build returned no Values");
  });

  it("keeps the branch taken while recording (the documented limit of a trace)", () => {
    const x = new Value(1);
    const f = compile(() => (x.data > 0 ? x.mul(2) : x.neg()));
    x.data = -1;
    expect(f.run().output()).toBe(-2); // graph mode would give 1
  });
});
