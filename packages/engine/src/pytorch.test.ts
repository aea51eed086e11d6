import { describe, expect, it } from "vitest";
import { fixture, num, withinUlps } from "../test/fixtures.js";
import type { FixtureNumber } from "../test/fixtures.js";
import { Value, bce, bceWithLogits, compile, logsumexp } from "./index.js";

// Every expected number here was computed by PyTorch 1.13 in float64 (scripts/pytorch/make_fixtures.py).
interface Ops {
  unary: { op: string; k?: number; x: FixtureNumber; value: FixtureNumber; grad: FixtureNumber }[];
  binary: { op: "add" | "sub" | "mul" | "div"; a: number; b: number; value: FixtureNumber; gradA: FixtureNumber; gradB: FixtureNumber }[];
  logsumexp: { xs: FixtureNumber[]; value: FixtureNumber; grads: FixtureNumber[] }[];
  bce: { p: number; y: number; value: FixtureNumber; grad: FixtureNumber; gradY: FixtureNumber }[];
  bceWithLogits: { z: number; y: number; value: FixtureNumber; grad: FixtureNumber; gradY: FixtureNumber }[];
  more: ({ op: string; x: number; value: FixtureNumber; grad: FixtureNumber } | { op: "max" | "min" | "pow"; a: number; b: number; value: FixtureNumber; gradA: FixtureNumber; gradB: FixtureNumber })[];
  accumulation: {
    halfThenRatio: { x: number; grad: number };
    twoOnesOnTop: { w: number; start: number; grad: number };
    fivePasses: { a: number; b: number; grads: [number, number][] };
  };
  reluNaN: { value: FixtureNumber; gradA: FixtureNumber; gradB: FixtureNumber; reluOfNegativeZeroSign: number };
}
const ops = fixture<Ops>(new URL("../test/fixtures/pytorch-ops.json", import.meta.url));

/** How far each op may be from PyTorch: 0 where both do one IEEE operation; V8's and glibc's transcendental functions may differ by an ulp or two. */
const ULPS: Record<string, number> = { neg: 0, relu: 0, add: 0, sub: 0, mul: 0, div: 0, exp: 2, log: 2, tanh: 2, sigmoid: 4, softplus: 4, pow: 2 };

const unary: Record<string, (x: Value, k: number) => Value> = {
  neg: (x) => x.neg(),
  exp: (x) => x.exp(),
  log: (x) => x.log(),
  tanh: (x) => x.tanh(),
  sigmoid: (x) => x.sigmoid(),
  relu: (x) => x.relu(),
  softplus: (x) => x.softplus(),
  pow: (x, k) => x.pow(k),
};

describe("every op against PyTorch (float64): value and gradient", () => {
  for (const name of Object.keys(unary)) {
    const cases = ops.unary.filter((c) => c.op === name);
    it(`${name} at ${cases.length} points from -1e4 to 1e4`, () => {
      for (const c of cases) {
        const x = new Value(num(c.x));
        const y = (unary[name] as (x: Value, k: number) => Value)(x, c.k ?? 0);
        y.backward();
        expect(withinUlps(y.data, num(c.value), ULPS[name] as number), `${name}(${c.x}) = ${y.data}, PyTorch ${c.value}`).toBe(true);
        expect(withinUlps(x.grad, num(c.grad), ULPS[name] as number), `${name}'(${c.x}) = ${x.grad}, PyTorch ${c.grad}`).toBe(true);
      }
    });
  }

  it("softplus and its gradient stay finite for logits of ±1e4", () => {
    for (const c of ops.unary.filter((c) => c.op === "softplus")) {
      expect(Number.isFinite(num(c.value)) && Number.isFinite(num(c.grad))).toBe(true);
    }
    expect(new Value(1e4).softplus().data).toBe(1e4);
    expect(new Value(-1e4).softplus().data).toBe(0);
  });

  for (const name of ["add", "sub", "mul", "div"] as const) {
    it(`${name} and its gradients, to the bit`, () => {
      for (const c of ops.binary.filter((c) => c.op === name)) {
        const a = new Value(c.a);
        const b = new Value(c.b);
        const y = a[name](b);
        y.backward();
        // A gradient that is exactly zero can be +0 here where PyTorch has -0: our grads start at
        // +0 and accumulate, PyTorch's take their first contribution as is.
        expect([y.data, a.grad + 0, b.grad + 0]).toEqual([num(c.value), num(c.gradA) + 0, num(c.gradB) + 0]);
      }
    });
  }

  it("logsumexp: value and softmax gradient, finite at ±1e4 and exact where the shift matters", () => {
    for (const c of ops.logsumexp) {
      const xs = c.xs.map((x) => new Value(num(x)));
      const y = logsumexp(xs);
      y.backward();
      expect(withinUlps(y.data, num(c.value), 2), `logsumexp(${c.xs.join(", ")})`).toBe(true);
      xs.forEach((x, i) => expect(withinUlps(x.grad, num(c.grads[i] as FixtureNumber), 4), `grad ${i} of logsumexp(${c.xs.join(", ")})`).toBe(true));
    }
  });

  it("bce: PyTorch's binary_cross_entropy with its -100 floor and its gradient, at p = 0 and p = 1 too", () => {
    for (const c of ops.bce) {
      const p = new Value(c.p);
      const loss = bce(p, c.y);
      loss.backward();
      expect(withinUlps(loss.data, num(c.value), 4), `bce(${c.p}, ${c.y}) = ${loss.data}, PyTorch ${c.value}`).toBe(true);
      expect(withinUlps(p.grad, num(c.grad), 4), `bce'(${c.p}, ${c.y}) = ${p.grad}, PyTorch ${c.grad}`).toBe(true);
    }
  });

  it("bceWithLogits: PyTorch's binary_cross_entropy_with_logits and its gradient sigmoid(z) - y, finite at ±1e4", () => {
    for (const c of ops.bceWithLogits) {
      const z = new Value(c.z);
      const loss = bceWithLogits(z, c.y);
      loss.backward();
      expect(withinUlps(loss.data, num(c.value), 4), `bceWithLogits(${c.z}, ${c.y}) = ${loss.data}, PyTorch ${c.value}`).toBe(true);
      expect(withinUlps(z.grad, num(c.grad), 4), `bceWithLogits'(${c.z}, ${c.y}) = ${z.grad}, PyTorch ${c.grad}`).toBe(true);
      expect(Number.isFinite(loss.data) && Number.isFinite(z.grad)).toBe(true);
    }
  });

  it("bce and bceWithLogits give the target PyTorch's gradient (-logit(p), -z), in graph and compiled mode", () => {
    // Each loss's cases as (prediction, target, PyTorch's target grad), and how many ulps apart they may
    // be: -z is exact (the sign of a zero aside: PyTorch keeps -0 in a leaf whose grad was None).
    const losses = [
      { name: "bce", f: bce, ulps: 4, cases: ops.bce.map((c) => ({ x: c.p, y: c.y, gradY: c.gradY })) },
      { name: "bceWithLogits", f: bceWithLogits, ulps: 0, cases: ops.bceWithLogits.map((c) => ({ x: c.z, y: c.y, gradY: c.gradY })) },
    ];
    for (const { name, f, ulps, cases } of losses) {
      for (const c of cases) {
        const y = new Value(c.y);
        f(new Value(c.x), y).backward();
        expect(withinUlps(y.grad, num(c.gradY), ulps), `${name} target grad at ${c.x}: ${y.grad}, PyTorch ${c.gradY}`).toBe(true);
        const t = new Value(c.y);
        compile(() => f(new Value(c.x), t)).run().backward();
        expect(Object.is(t.grad, y.grad), `compiled ${name} target grad at ${c.x}`).toBe(true);
      }
    }
    // The example of the review: p = 0.3, y = 0.6.
    const y = new Value(0.6);
    bce(new Value(0.3), y).backward();
    expect(y.grad).toBeCloseTo(0.8473, 4);
  });

  /**
   * The ops beyond micrograd's, as Value methods; and how many ulps each may be from PyTorch (0:
   * one IEEE operation, or a choice) — for gelu's tanh approximation, ulps of the terms before
   * they cancel (of max(1, |x|)): below x = -3, `1 + tanh` keeps a few digits, and an ulp of
   * V8's tanh against glibc's moves the result by hundreds of its own ulps.
   */
  const more: Record<string, { f: (x: Value) => Value; ulps: number; ofTerms?: boolean }> = {
    abs: { f: (x) => x.abs(), ulps: 0 },
    sqrt: { f: (x) => x.sqrt(), ulps: 0 },
    sin: { f: (x) => x.sin(), ulps: 2 },
    cos: { f: (x) => x.cos(), ulps: 2 },
    log1p: { f: (x) => x.log1p(), ulps: 2 },
    expm1: { f: (x) => x.expm1(), ulps: 2 },
    silu: { f: (x) => x.silu(), ulps: 4 },
    gelu: { f: (x) => x.gelu(), ulps: 4 },
    geluTanh: { f: (x) => x.gelu({ approximate: "tanh" }), ulps: 4, ofTerms: true },
    leakyRelu: { f: (x) => x.leakyRelu(), ulps: 0 },
    "leakyRelu0.2": { f: (x) => x.leakyRelu(0.2), ulps: 0 },
    clamp: { f: (x) => x.clamp(-0.5, 1.5), ulps: 0 },
  };
  const pairs: Record<string, { f: (a: Value, b: Value) => Value; ulps: number }> = {
    max: { f: (a, b) => a.max(b), ulps: 0 },
    min: { f: (a, b) => a.min(b), ulps: 0 },
    pow: { f: (a, b) => a.pow(b), ulps: 2 },
  };

  it.each(Object.keys(more))("%s: value and gradient as PyTorch's, the same in graph mode and compiled", (name) => {
    const { f, ulps, ofTerms } = more[name] as (typeof more)[string];
    for (const c of ops.more) {
      if (c.op !== name || !("x" in c)) continue;
      const x = new Value(c.x);
      const y = f(x);
      y.backward();
      const close = (actual: number, expected: number) =>
        ofTerms ? Math.abs(actual - expected) <= ulps * Number.EPSILON * Math.max(1, Math.abs(c.x)) : withinUlps(actual, expected, ulps);
      expect(close(y.data, num(c.value)), `${name}(${c.x}) = ${y.data}, PyTorch ${c.value}`).toBe(true);
      expect(close(x.grad, num(c.grad)), `${name}'(${c.x}) = ${x.grad}, PyTorch ${c.grad}`).toBe(true);
      const replay = compile(([v]) => f(v as Value), [0]).run([c.x]);
      replay.backward();
      expect(Object.is(replay.output(0), y.data) && Object.is(replay.inputGrad(0), x.grad), `compiled ${name}(${c.x})`).toBe(true);
    }
  });

  it.each(Object.keys(pairs))("%s of two Values: value and both gradients as PyTorch's (ties split in halves), graph mode and compiled", (name) => {
    const { f, ulps } = pairs[name] as (typeof pairs)[string];
    for (const c of ops.more) {
      if (c.op !== name || !("a" in c)) continue;
      const a = new Value(c.a);
      const b = new Value(c.b);
      const y = f(a, b);
      y.backward();
      const where = `${name}(${c.a}, ${c.b})`;
      expect(withinUlps(y.data, num(c.value), ulps), `${where} = ${y.data}, PyTorch ${c.value}`).toBe(true);
      expect(withinUlps(a.grad, num(c.gradA), ulps), `${where}: grad a ${a.grad}, PyTorch ${c.gradA}`).toBe(true);
      expect(withinUlps(b.grad, num(c.gradB), ulps), `${where}: grad b ${b.grad}, PyTorch ${c.gradB}`).toBe(true);
      const replay = compile(([u, v]) => f(u as Value, v as Value), [1, 1]).run([c.a, c.b]);
      replay.backward();
      expect([replay.output(0), replay.inputGrad(0), replay.inputGrad(1)].every((v, k) => Object.is(v, [y.data, a.grad, b.grad][k])), `compiled ${where}`).toBe(true);
    }
  });

  it("sums a pass's contributions to a leaf, then adds the sum to its grad, as PyTorch's AccumulateGrad", () => {
    const { halfThenRatio, twoOnesOnTop, fivePasses } = ops.accumulation;
    // Each in graph mode and replayed from a recording: the same grads, PyTorch's.
    for (const mode of ["graph", "compiled"] as const) {
      const pass = (root: () => Value) => (mode === "graph" ? root().backward() : compile(root).run().backward());
      const x = new Value(halfThenRatio.x);
      pass(() => x.mul(0.5));
      pass(() => x.div(x));
      expect(x.grad, `${mode}: x·0.5, then x/x`).toBe(halfThenRatio.grad);
      const w = new Value(twoOnesOnTop.w);
      w.grad = twoOnesOnTop.start;
      pass(() => w.mul(1).add(w.mul(1)));
      expect(w.grad, `${mode}: 1 + 1 on top of 1e16`).toBe(twoOnesOnTop.grad);
      const a = new Value(fivePasses.a);
      const b = new Value(fivePasses.b);
      fivePasses.grads.forEach(([ga, gb], i) => {
        const k = i + 1;
        pass(() => a.mul(b).mul(k).add(a.tanh().mul(0.3)).sub(b.div(a.add(k))).mul(a.add(b)));
        expect(withinUlps(a.grad, ga, 4) && withinUlps(b.grad, gb, 4), `${mode}: pass ${k}: ${a.grad}, ${b.grad}; PyTorch ${ga}, ${gb}`).toBe(true);
      });
    }
  });

  it("relu passes the gradient through NaN and keeps the sign of -0, as PyTorch", () => {
    const a = new Value(Infinity);
    const b = new Value(Infinity);
    const y = a.sub(b).relu();
    y.backward();
    expect(y.data).toBeNaN();
    expect([a.grad, b.grad]).toEqual([num(ops.reluNaN.gradA), num(ops.reluNaN.gradB)]);
    expect(Object.is(new Value(-0).relu().data, -0)).toBe(ops.reluNaN.reluOfNegativeZeroSign < 0);
  });
});

describe("the new ops' bad input", () => {
  it("bce refuses probabilities and targets outside [0, 1], as PyTorch does", () => {
    expect(() => bce(1.5, 1)).toThrow(RangeError);
    expect(() => bce(1.5, 1)).toThrow("bce(p, y): p must lie in [0, 1], got 1.5");
    expect(() => bce(0.5, -1)).toThrow("bce(p, y): y must lie in [0, 1], got -1");
    expect(() => bce("a" as unknown as number, 1)).toThrow('bce(p, y): p must be a Value or a number, got "a" (string)');
  });

  it("logsumexp refuses an empty list and anything but a list", () => {
    expect(() => logsumexp([])).toThrow("logsumexp(values): values must not be empty");
    expect(() => logsumexp(3 as unknown as number[])).toThrow("logsumexp(values): values must be an array of Values or numbers, or a Vector, got 3");
  });
});
