import { describe, expect, it } from "vitest";
import { Value, ValueStore, compile, dot, onePass, storeOf, sum } from "./index.js";

const same = (a: ArrayLike<number>, b: ArrayLike<number>) => a.length === b.length && Array.from(a).every((x, i) => Object.is(x, b[i]));

describe("ValueStore", () => {
  it("makes leaves whose data and grad are the store's entries, both ways", () => {
    const store = new ValueStore([0.5, -1, 0]);
    const [w0, w1, b] = store.values as [Value, Value, Value];
    expect([w0.data, w1.data, b.data]).toEqual([0.5, -1, 0]);
    w0.data = 2;
    store.data[1] = 3;
    expect([store.data[0], w1.data]).toEqual([2, 3]);
    // f = 2·w0 + w1 + b: grads 2, 1, 1, in the store's grad too.
    w0.mul(2).add(w1).add(b).backward();
    expect(Array.from(store.grad)).toEqual([2, 1, 1]);
    store.grad[2] = 7;
    expect(b.grad).toBe(7);
    expect(store.values[0]).toBe(w0);
    expect(Object.isFrozen(store.values)).toBe(true);
    expect(w0 instanceof Value && w0.op === "" && w0.children.length === 0).toBe(true);
  });

  it("refuses what new Value refuses", () => {
    expect(() => new ValueStore([1, NaN])).toThrow("new ValueStore(initial): initial[1] must be a number, got NaN");
    expect(() => new ValueStore([1, "2" as unknown as number])).toThrow('initial[1] must be a number, got "2" (string)');
    expect(() => new ValueStore(null as unknown as number[])).toThrow("new ValueStore(initial): initial must be an array of numbers, got null");
    expect(new ValueStore([]).values).toEqual([]);
  });

  it("gives graph mode's grads of plain Values to the bit: a neuron's dot, a pass joined by several calls, grads that start non-zero", () => {
    const numbers = [0.3, -1.7, 1e16, -0, 2.5, 1e-3, -4];
    const start = [0, -0, 1e16, 3, 0, -2, 0.5];
    const run = (params: readonly Value[]) => {
      params.forEach((p, i) => (p.grad = start[i] as number));
      const x = [1.5, -2, 0.25, 3, -0.5, 7].map((v) => new Value(v));
      const h = dot(params.slice(0, 6), x).add(params[6] as Value).tanh();
      const penalty = sum(params.map((p) => p.mul(p))).mul(1e-3);
      onePass(() => {
        h.backward();
        penalty.add(h.mul(h)).backward();
      });
      return params.map((p) => p.grad);
    };
    const plain = run(numbers.map((v) => new Value(v)));
    const store = new ValueStore(numbers);
    expect(same(run(store.values), plain)).toBe(true);
    expect(same(store.grad, plain)).toBe(true);
  });

  it("is compile's parameters as it is: a replay reads its data and sums into its grad, as graph mode does on plain Values", () => {
    const numbers = Array.from({ length: 17 * 20 }, (_, i) => Math.sin(i) * (i % 7 === 0 ? -1 : 1));
    const row = (ps: readonly Value[]) => (x: Value[]) => sum(Array.from({ length: 20 }, (_, j) => dot(ps.slice(j * 17, j * 17 + 16), x).add(ps[j * 17 + 16] as Value).relu()));
    const xs = Array.from({ length: 6 }, (_, r) => Array.from({ length: 16 }, (_, k) => Math.cos(r * 16 + k)));
    const plain = numbers.map((v) => new Value(v));
    sum(xs.map((x) => row(plain)(x.map((v) => new Value(v))))).backward();
    const store = new ValueStore(numbers);
    const compiled = compile(row(store.values), xs[0], { parameters: store });
    expect(compiled.simd).toBe(true);
    compiled.runBatch(xs.flat(), xs.length).backwardBatch();
    expect(same(store.grad, plain.map((p) => p.grad))).toBe(true);
  });

  it("storeOf names the store only for its whole list of leaves, in order", () => {
    const store = new ValueStore([1, 2, 3]);
    expect(storeOf(store.values)).toBe(store);
    expect(storeOf([...store.values])).toBe(store);
    expect(storeOf(store.values.slice(1))).toBeNull();
    expect(storeOf([...store.values].reverse())).toBeNull();
    expect(storeOf([new Value(1), new Value(2), new Value(3)])).toBeNull();
    expect(storeOf([])).toBeNull();
  });
});
