import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fixture, num, withinUlps } from "../test/fixtures.js";
import type { FixtureNumber } from "../test/fixtures.js";
import { INPUTS, build, exprArbitrary, rawExprArbitrary } from "../test/expressions.js";
import { ShapeError, Value, bce, bceWithLogits, dot, grad, logsumexp, sum } from "./index.js";

// Every expected number here was computed by PyTorch 1.13 in float64 with
// torch.autograd.grad(..., create_graph=True) (scripts/pytorch/make_fixtures.py).
interface SecondOrder {
  unary: { op: string; x: number; grad: FixtureNumber; second: FixtureNumber }[];
  binary: { op: string; a: number; b: number; grads: FixtureNumber[]; hessian: FixtureNumber[][] }[];
  nary: { op: string; xs: number[]; ys?: number[]; grads: FixtureNumber[]; hessian: FixtureNumber[][] }[];
  hvp: { params: number[]; xs: number[][]; targets: number[]; v: number[]; loss: number; grads: number[]; hv: number[] };
  third: { op: string; x: number; third: number }[];
}
const fixtures = fixture<SecondOrder>(new URL("../test/fixtures/pytorch-second-order.json", import.meta.url));

const unary: Record<string, (x: Value) => Value> = {
  neg: (x) => x.neg(), exp: (x) => x.exp(), log: (x) => x.log(), tanh: (x) => x.tanh(), sigmoid: (x) => x.sigmoid(),
  relu: (x) => x.relu(), softplus: (x) => x.softplus(), abs: (x) => x.abs(), sqrt: (x) => x.sqrt(), sin: (x) => x.sin(),
  cos: (x) => x.cos(), log1p: (x) => x.log1p(), expm1: (x) => x.expm1(), silu: (x) => x.silu(), gelu: (x) => x.gelu(),
  geluTanh: (x) => x.gelu({ approximate: "tanh" }), leakyRelu: (x) => x.leakyRelu(), "leakyRelu0.2": (x) => x.leakyRelu(0.2),
  clamp: (x) => x.clamp(-0.5, 1.5), pow2: (x) => x.pow(2), pow3: (x) => x.pow(3), "pow-1.5": (x) => x.pow(-1.5), "pow0.5": (x) => x.pow(0.5),
};
const binary: Record<string, (a: Value, b: Value) => Value> = {
  add: (a, b) => a.add(b), sub: (a, b) => a.sub(b), mul: (a, b) => a.mul(b), div: (a, b) => a.div(b), max: (a, b) => a.max(b),
  min: (a, b) => a.min(b), pow: (a, b) => a.pow(b), bce: (a, b) => bce(a, b), bceWithLogits: (a, b) => bceWithLogits(a, b),
};

/**
 * How far a second or third derivative may be from PyTorch's, in ulps: PyTorch's double-backward
 * formulas are its own arrangement of the same maths (a first derivative's formula,
 * differentiated op by op here), and glibc's exp/tanh differ from V8's in the last bits.
 */
const ULPS = 64;

/** `backward()`'s gradient of `f` at `points`, one number per point. */
function backwardGrads(f: (xs: Value[]) => Value, points: readonly number[]): number[] {
  const xs = points.map((p) => new Value(p));
  f(xs).backward();
  return xs.map((x) => x.grad);
}

/** The Hessian of `f` at `points` by grad of grad, row i being ∂(∂f/∂xᵢ)/∂xⱼ. */
function hessian(f: (xs: Value[]) => Value, points: readonly number[]): { first: number[]; rows: number[][] } {
  const xs = points.map((p) => new Value(p));
  const first = grad(f(xs), xs, { createGraph: true });
  return { first: first.map((g) => g.data), rows: first.map((g) => grad(g, xs, { allowUnused: true }).map((h) => h.data)) };
}

const close = (actual: number, expected: FixtureNumber) => withinUlps(actual, num(expected), ULPS) || Math.abs(actual - num(expected)) < 1e-300;

describe("grad", () => {
  it("gives backward()'s gradients to the bit, with or without createGraph, on random programs", () => {
    fc.assert(
      fc.property(
        rawExprArbitrary,
        fc.array(fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constantFrom(0, -0, 800)), { minLength: INPUTS, maxLength: INPUTS }),
        fc.boolean(),
        (e, points, createGraph) => {
          let expected: number[];
          try {
            expected = backwardGrads((xs) => build(e, xs, []), points);
          } catch {
            return; // a bce whose probability rounded outside [0, 1]
          }
          const xs = points.map((p) => new Value(p));
          const y = build(e, xs, []);
          const got = grad(y, xs, { createGraph, allowUnused: true }).map((g) => g.data);
          expect(got.every((g, i) => Object.is(g, expected[i]))).toBe(true);
        },
      ),
      { numRuns: 400 },
    );
  });

  it("leaves every .grad as it was", () => {
    const x = new Value(2);
    x.grad = 5;
    const y = x.mul(x).tanh();
    y.grad = 7;
    expect(grad(y, x).data).toBeCloseTo(4 * (1 - Math.tanh(4) ** 2), 14);
    expect([x.grad, y.grad]).toEqual([5, 7]);
  });

  it("without createGraph gives leaves; with it, Values that lead back to the inputs", () => {
    const x = new Value(3);
    const y = x.pow(3);
    expect(grad(y, x).op).toBe("");
    const dy = grad(y, x, { createGraph: true });
    expect(dy.data).toBe(27);
    expect(grad(dy, x).data).toBe(18);
  });

  it("differentiates by an intermediate Value, sums several outputs and takes seeds", () => {
    const x = new Value(0.5);
    const h = x.mul(3);
    const y = h.tanh();
    const t = Math.tanh(1.5);
    expect(grad(y, h).data).toBe((1 - t) * (1 + t));
    const a = new Value(2);
    const b = new Value(-1);
    const [ga, gb] = grad([a.mul(b), a.add(b)], [a, b], { seeds: [2, new Value(10)] });
    // ∂(2ab + 10(a + b))/∂a = 2b + 10, ∂/∂b = 2a + 10.
    expect([ga!.data, gb!.data]).toEqual([8, 14]);
  });

  it("refuses an unused input unless allowUnused, and bad arguments, saying which", () => {
    const x = new Value(1);
    const z = new Value(2, { label: "z" });
    expect(() => grad(x.mul(2), [x, z])).toThrow(/inputs\[1\] \(Value\(data=2, grad=0\)\) is not used by the outputs; pass \{ allowUnused: true \}/);
    expect(grad(x.mul(2), [x, z], { allowUnused: true }).map((g) => g.data)).toEqual([2, 0]);
    expect(() => grad([], x)).toThrow(ShapeError);
    expect(() => grad(x, [])).toThrow(/inputs must not be empty/);
    expect(() => grad(x.mul(2), [x, 3 as unknown as Value])).toThrow(/inputs\[1\] must be a Value, got 3/);
    expect(() => grad([x, x], x, { seeds: [1] })).toThrow(/there are 2 outputs but 1 seeds/);
    expect(() => grad(x.mul(2), x, { create_graph: true } as never)).toThrow('unknown option "create_graph"; grad takes seeds, createGraph, allowUnused');
    expect(() => grad(x.mul(2), x, { createGraph: "yes" } as never)).toThrow('createGraph must be true or false, got "yes" (string)');
    expect(() => grad(x.mul(2), x, null as never)).toThrow("options must be an object");
  });

  it("keeps a relu's and a clamp's masked gradient out, and still spreads 0·∞ as backward does", () => {
    const x = new Value(-1);
    expect(grad(x.relu(), x).data).toBe(0);
    const big = new Value(800);
    // exp(800) is ∞; its grad is 0 (relu masks it), and 0·∞ is NaN in backward() and here alike.
    const y = big.exp().relu().mul(0).add(big.neg().relu());
    expect(Number.isNaN(backwardGrads(([v]) => v!.exp().relu().mul(0).add(v!.neg().relu()), [800])[0])).toBe(true);
    expect(Number.isNaN(grad(y, big).data)).toBe(true);
  });
});

describe("second derivatives against PyTorch", () => {
  for (const name of Object.keys(unary)) {
    const cases = fixtures.unary.filter((c) => c.op === name);
    it(`${name}'' at ${cases.length} points`, () => {
      expect(cases.length).toBeGreaterThan(0);
      for (const c of cases) {
        const f = ([x]: Value[]) => (unary[name] as (x: Value) => Value)(x!);
        const { first, rows } = hessian(f, [c.x]);
        // The first derivative is backward()'s to the bit (pytorch.test.ts holds that to PyTorch's).
        expect(Object.is(first[0], backwardGrads(f, [c.x])[0]), `${name}'(${c.x})`).toBe(true);
        // Near x = -3.7, gelu(tanh)'s 1 + tanh(…) cancels (tanh ≈ -0.99997): both sides lose the
        // same digits, rounded differently, so it is held to 1e-14 absolute there.
        const near = close(rows[0]![0]!, c.second) || (name === "geluTanh" && Math.abs(rows[0]![0]! - num(c.second)) < 1e-14);
        expect(near, `${name}''(${c.x}) = ${rows[0]![0]}, PyTorch ${c.second}`).toBe(true);
      }
    });
  }

  for (const name of Object.keys(binary)) {
    const cases = fixtures.binary.filter((c) => c.op === name);
    it(`${name}: the Hessian in both operands at ${cases.length} points`, () => {
      expect(cases.length).toBeGreaterThan(0);
      for (const c of cases) {
        const f = ([a, b]: Value[]) => (binary[name] as (a: Value, b: Value) => Value)(a!, b!);
        const { first, rows } = hessian(f, [c.a, c.b]);
        const expected = backwardGrads(f, [c.a, c.b]);
        first.forEach((g, i) => expect(Object.is(g, expected[i]), `${name} grad ${i} at (${c.a}, ${c.b})`).toBe(true));
        first.forEach((g, i) => expect(close(g, c.grads[i]!), `${name} grad ${i} at (${c.a}, ${c.b}) = ${g}, PyTorch ${c.grads[i]}`).toBe(true));
        rows.forEach((row, i) =>
          row.forEach((h, j) => {
            // PyTorch's binary_cross_entropy_double_backward adds 1e-12 to p and to 1 - p (ours is
            // the exact derivative of the first): within 1e-10 of it, and checked against the closed form below.
            const near = name === "bce" && i === 0 && j === 0 ? Math.abs(h - num(c.hessian[0]![0]!)) < 1e-10 * Math.abs(h) : close(h, c.hessian[i]![j]!);
            expect(near, `${name} H[${i}][${j}] at (${c.a}, ${c.b}) = ${h}, PyTorch ${c.hessian[i]![j]}`).toBe(true);
          }),
        );
      }
    });
  }

  it("bce: ∂²/∂p² is y/p² + (1 - y)/(1 - p)², the closed form", () => {
    for (const [p, y] of [[0.3, 0.7], [0.8, 0.25], [0.05, 1]] as const) {
      const { rows } = hessian(([a, b]) => bce(a!, b!), [p, y]);
      expect(rows[0]![0]).toBeCloseTo(y / p ** 2 + (1 - y) / (1 - p) ** 2, 12);
    }
  });

  it("sum, logsumexp and tanh of a dot: the Hessian", () => {
    const f: Record<string, (xs: Value[]) => Value> = {
      sum: (xs) => sum(xs),
      logsumexp: (xs) => logsumexp(xs),
      tanhOfDot: (xs) => dot(xs.slice(0, 3), xs.slice(3)).tanh(),
    };
    for (const c of fixtures.nary) {
      const { first, rows } = hessian(f[c.op] as (xs: Value[]) => Value, [...c.xs, ...(c.ys ?? [])]);
      first.forEach((g, i) => expect(close(g, c.grads[i]!), `${c.op} grad ${i}`).toBe(true));
      rows.forEach((row, i) => row.forEach((h, j) => expect(close(h, c.hessian[i]![j]!), `${c.op} H[${i}][${j}] = ${h}, PyTorch ${c.hessian[i]![j]}`).toBe(true)));
    }
  });

  it("a Hessian-vector product of an MLP's loss by its parameters", () => {
    const { params: values, xs, targets, v } = fixtures.hvp;
    const params = values.map((p) => new Value(p));
    const [w00, w01, w10, w11, b0, b1, v0, v1, c] = params as [Value, Value, Value, Value, Value, Value, Value, Value, Value];
    let loss: Value = new Value(0);
    xs.forEach(([x0, x1], k) => {
      const h0 = w00.mul(x0!).add(w01.mul(x1!)).add(b0).tanh();
      const h1 = w10.mul(x0!).add(w11.mul(x1!)).add(b1).tanh();
      const out = v0.mul(h0).add(v1.mul(h1)).add(c).tanh();
      loss = loss.add(out.sub(targets[k]!).pow(2));
    });
    expect(close(loss.data, fixtures.hvp.loss)).toBe(true);
    const grads = grad(loss, params, { createGraph: true });
    grads.forEach((g, i) => expect(close(g.data, fixtures.hvp.grads[i]!), `grad ${i}`).toBe(true));
    const hv = grad(sum(grads.map((g, i) => g.mul(v[i]!))), params);
    hv.forEach((h, i) => expect(close(h.data, fixtures.hvp.hv[i]!), `Hv[${i}] = ${h.data}, PyTorch ${fixtures.hvp.hv[i]}`).toBe(true));
  });

  it("third derivatives: grad of grad of grad", () => {
    for (const c of fixtures.third) {
      const x = new Value(c.x);
      const g1 = grad((unary[c.op] as (x: Value) => Value)(x), x, { createGraph: true });
      const g2 = grad(g1, x, { createGraph: true });
      const g3 = grad(g2, x);
      expect(close(g3.data, c.third), `${c.op}'''(${c.x}) = ${g3.data}, PyTorch ${c.third}`).toBe(true);
    }
  });

  it("on random smooth programs, second derivatives match central differences of the first", () => {
    fc.assert(
      fc.property(exprArbitrary, fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: INPUTS, maxLength: INPUTS }), (e, points) => {
        const kinks: number[] = [];
        const xs = points.map((p) => new Value(p));
        const first = grad(build(e, xs, kinks), xs, { createGraph: true, allowUnused: true });
        // Finite differences mean nothing within reach of a kink (relu, abs, clamp, max).
        if (kinks.some((k) => Math.abs(k) < 1e-3) || first.some((g) => !Number.isFinite(g.data))) return;
        const h = 1e-5;
        for (let i = 0; i < INPUTS; i++) {
          const row = grad(first[i]!, xs, { allowUnused: true }).map((v) => v.data);
          for (let j = 0; j < INPUTS; j++) {
            const at = (d: number) => {
              const shifted = points.map((p, k) => new Value(k === j ? p + d : p));
              return grad(build(e, shifted, []), shifted, { allowUnused: true })[i]!.data;
            };
            const numeric = (at(h) - at(-h)) / (2 * h);
            expect(Math.abs(row[j]! - numeric)).toBeLessThan(1e-4 * (1 + Math.abs(numeric)));
          }
        }
      }),
      { numRuns: 150 },
    );
  });
});
