import { describe, expect, it } from "vitest";
import { AnomalyError, ShapeError, Value, Vector, crossCopyInstanceof, backwardSteps, compile, dot, isGradEnabled, noGrad, sum, topologicalOrder, zeroGrad } from "./index.js";

describe("the worked example of seed 002: o = tanh(x1*w1 + x2*w2 + b)", () => {
  const build = () => {
    const x1 = new Value(2, { label: "x1" });
    const x2 = new Value(0, { label: "x2" });
    const w1 = new Value(-3, { label: "w1" });
    const w2 = new Value(1, { label: "w2" });
    const b = new Value(6.8813735870195432, { label: "b" });
    const n = x1.mul(w1).add(x2.mul(w2)).add(b);
    const o = n.tanh();
    return { x1, x2, w1, w2, b, n, o };
  };

  it("computes o = 0.7071067811865476", () => {
    // The seed prints …476 from (e²ˣ-1)/(e²ˣ+1); glibc's tanh (Python, PyTorch) and V8's give …477.
    expect(build().o.data).toBeCloseTo(0.7071067811865476, 15);
  });

  it("gives every leaf the gradient the chain rule gives", () => {
    const { x1, x2, w1, w2, b, n, o } = build();
    o.backward();
    // do/dn = 1 - o² = 0.5; each product passes it on times the other factor.
    expect(o.grad).toBe(1);
    expect(n.grad).toBeCloseTo(0.5, 14);
    expect(b.grad).toBeCloseTo(0.5, 14);
    expect(x1.grad).toBeCloseTo(-1.5, 14);
    expect(w1.grad).toBeCloseTo(1.0, 14);
    expect(x2.grad).toBeCloseTo(0.5, 14);
    expect(w2.grad).toBe(0);
  });
});

// Each op's value and gradient against PyTorch's numbers: see pytorch.test.ts.
describe("ops", () => {
  it("relu of a negative input passes a gradient of exactly 0", () => {
    const x = new Value(-0.5);
    x.relu().backward();
    expect(x.grad).toBe(0);
  });

  it("pow 0 has gradient 0, even at x = 0", () => {
    const x = new Value(0);
    const y = x.pow(0);
    y.backward();
    expect(y.data).toBe(1);
    expect(x.grad).toBe(0);
  });

  it("never changes its operands", () => {
    const a = new Value(2);
    const b = new Value(3);
    a.mul(b).add(a).tanh().relu().sigmoid().exp().log().pow(2).div(b).sub(1).neg();
    expect([a.data, b.data, a.grad, b.grad]).toEqual([2, 3, 0, 0]);
  });

  it("names each op as micrograd writes it and keeps operands in order", () => {
    const a = new Value(2);
    const b = new Value(3);
    const p = a.mul(b);
    expect(p.op).toBe("*");
    expect(p.children).toEqual([a, b]);
    expect(a.pow(2).op).toBe("**2");
    expect(a.tanh().op).toBe("tanh");
    expect(a.op).toBe("");
    expect(a.children).toEqual([]);
  });
});

describe("relu at the boundary", () => {
  it("has relu'(0) = 0", () => {
    const x = new Value(0);
    x.relu().backward();
    expect(x.grad).toBe(0);
  });

  it("passes no gradient at all through an inactive unit, even an infinite one", () => {
    const x = new Value(-1);
    const y = x.relu().mul(Infinity);
    y.backward();
    expect(x.grad).toBe(0);
    const z = new Value(-2);
    z.relu().mul(0).log().backward(); // upstream grad of log(0)·0 path is ±Infinity/NaN
    expect(z.grad).toBe(0);
  });
});

describe("numerical care", () => {
  it("keeps tanh and sigmoid finite for every finite input", () => {
    for (const x of [-1e308, -1000, -710, -356, -20, 0, 20, 356, 710, 1000, 1e308]) {
      for (const f of [(v: Value) => v.tanh(), (v: Value) => v.sigmoid()]) {
        const leaf = new Value(x);
        const y = f(leaf);
        y.backward();
        expect(Number.isFinite(y.data)).toBe(true);
        expect(Number.isFinite(leaf.grad)).toBe(true);
      }
    }
    expect(new Value(1000).tanh().data).toBe(1);
    expect(new Value(-1000).sigmoid().data).toBe(0);
  });

  it("lets exp overflow to Infinity, never NaN", () => {
    const x = new Value(1000);
    const y = x.exp();
    y.backward();
    expect(y.data).toBe(Infinity);
    expect(x.grad).toBe(Infinity);
  });
});

describe("accumulation when a Value is used more than once", () => {
  it("a + a gives a gradient of 2", () => {
    const a = new Value(3);
    a.add(a).backward();
    expect(a.grad).toBe(2);
  });

  it("a * a gives 2a", () => {
    const a = new Value(-4);
    a.mul(a).backward();
    expect(a.grad).toBe(-8);
  });

  it("accumulates through tanh when its input is reused (seed 002 assigned instead)", () => {
    const x = new Value(0.5);
    x.tanh().add(x.mul(2)).backward();
    expect(x.grad).toBeCloseTo(1 - Math.tanh(0.5) ** 2 + 2, 14);
  });

  it("sums every path of a diamond", () => {
    const a = new Value(1.5);
    const b = a.mul(2);
    const c = a.exp();
    const d = b.mul(c);
    d.backward();
    // d = 2a·eᵃ, so d' = 2eᵃ + 2a·eᵃ
    expect(a.grad).toBeCloseTo(2 * Math.exp(1.5) * (1 + 1.5), 12);
  });

  it("gives the same gradient for a node that feeds many others", () => {
    const x = new Value(0.7);
    const terms = Array.from({ length: 50 }, (_, i) => x.mul(i));
    sum(terms).backward();
    expect(x.grad).toBe((49 * 50) / 2);
  });

  it("a leaf that is its own root accumulates too (PyTorch: w.grad = 5; w.backward() gives 6)", () => {
    const w = new Value(2);
    w.grad = 5;
    w.backward();
    expect(w.grad).toBe(6);
  });

  it("accumulates leaves across two backward calls but recomputes intermediate grads", () => {
    const x = new Value(2);
    const h = x.mul(3);
    const y = h.mul(h);
    y.backward();
    y.backward();
    expect(x.grad).toBe(2 * 36); // twice dy/dx = 2·(18x) = 36 at x = 2
    expect(h.grad).toBe(12); // dy/dh = 2h, not doubled
  });
});

describe("sum and dot", () => {
  it("sum makes one node with every operand as a child", () => {
    const xs = [new Value(1), new Value(2), new Value(3)];
    const s = sum([...xs, 4]);
    expect(s.data).toBe(10);
    expect(s.op).toBe("sum");
    expect(s.children.slice(0, 3)).toEqual(xs);
    s.backward();
    expect(xs.map((x) => x.grad)).toEqual([1, 1, 1]);
  });

  it("sum of nothing is 0", () => {
    expect(sum([]).data).toBe(0);
  });

  it("dot makes one node whose gradients are the other vector", () => {
    const w = [new Value(0.5), new Value(-2)];
    const x = [new Value(3), new Value(4)];
    const d = dot(w, x);
    expect(d.data).toBe(1.5 - 8);
    expect(topologicalOrder(d)).toHaveLength(5);
    d.mul(2).backward();
    expect(w.map((v) => v.grad)).toEqual([6, 8]);
    expect(x.map((v) => v.grad)).toEqual([1, -4]);
  });

  it("dot accumulates when the same Value appears on both sides", () => {
    const a = new Value(3);
    dot([a, a], [a, 2]).backward(); // a² + 2a
    expect(a.grad).toBe(8);
  });

  it("cannot be changed by mutating the caller's arrays afterwards", () => {
    const xs = [new Value(1), new Value(2)];
    const ys = [new Value(3), new Value(4)];
    const d = dot(xs, ys);
    const s = sum(xs);
    xs[0] = new Value(100);
    expect(d.children.map((v) => v.data)).toEqual([1, 2, 3, 4]);
    expect(s.children.map((v) => v.data)).toEqual([1, 2]);
    d.add(s).backward();
    expect(ys.map((v) => v.grad)).toEqual([1, 2]);
  });

  it("takes Vectors, which copy their list once and can be shared by many nodes", () => {
    const list = [new Value(1), new Value(2)];
    const w = new Vector(list);
    list[0] = new Value(100);
    const x = new Vector([3, 4]);
    expect([w.length, w.at(0)?.data, [...x].map((v) => v.data)]).toEqual([2, 1, [3, 4]]);
    const a = dot(w, x);
    const b = dot(w, [5, 6]);
    sum([a, b]).backward();
    expect(w.toArray().map((v) => v.grad)).toEqual([3 + 5, 4 + 6]);
    expect(x.toArray().map((v) => v.grad)).toEqual([1, 2]);
    expect(sum(x).data).toBe(7);
  });

  it("dot of different lengths throws a ShapeError naming both", () => {
    expect(() => dot([1, 2, 3], [1, 2])).toThrow(ShapeError);
    expect(() => dot([1, 2, 3], [1, 2])).toThrow("xs has 3 entries but ys has 2");
  });
});

describe("deep graphs", () => {
  it("backprops through a chain of 1,000,000 nodes without a stack overflow", () => {
    const step = new Value(1e-6);
    let x = new Value(0);
    for (let i = 0; i < 1_000_000; i++) x = x.add(step);
    x.backward();
    expect(step.grad).toBe(1_000_000);
    expect(x.data).toBeCloseTo(1, 9);
    // About 2 s alone; its two million Values made one run on a loaded 2-core machine take 81 s
    // (garbage collection), past the suite's 60 s: this test's budget says what it may take.
  }, 300_000);

  it("orders a graph deeper than the walk recurses exactly as a shallow one, through every kind of op", () => {
    // Each step reads the previous result first and a fresh leaf second, so depth-first order
    // is creation order: x₀, k₀, x₁, k₁, … — past the depth where the walk stops recursing too.
    const created: Value[] = [new Value(0)];
    let x = created[0] as Value;
    for (let i = 0; i < 5000; i++) {
      const k = new Value(i);
      const kinds = [() => x.add(k), () => sum([x, k]), () => dot([x, k], [k, x]), () => x.mul(k)];
      x = (kinds[i % kinds.length] as () => Value)();
      created.push(k, x);
    }
    expect(topologicalOrder(x)).toEqual(created);
    // A small graph walked right after the large one lists its own Values and nothing more.
    const a = new Value(2);
    const small = a.mul(a);
    expect(topologicalOrder(small)).toEqual([a, small]);
    small.backward();
    expect(a.grad).toBe(4);
  });
});

describe("printing and zeroing", () => {
  it("prints as micrograd does", () => {
    const v = new Value(0.5);
    v.grad = -1;
    expect(String(v)).toBe("Value(data=0.5, grad=-1)");
  });

  it("zeroGrad zeroes every given Value", () => {
    const vs = [new Value(1), new Value(2)];
    vs[0]?.mul(vs[1] as Value).backward();
    zeroGrad(vs);
    expect(vs.map((v) => v.grad)).toEqual([0, 0]);
  });

  it("keeps a label and lets it be changed, as the seeds do", () => {
    const o = new Value(1, { label: "x" });
    expect(o.label).toBe("x");
    o.label = "output";
    expect(o.label).toBe("output");
    expect(o.tanh().label).toBe("");
  });
});

describe("bad input", () => {
  const bad: [string, () => unknown, string][] = [
    ["a string to the constructor", () => new Value("2" as unknown as number), 'new Value(data): data must be a number, got "2" (string)'],
    ["NaN to the constructor", () => new Value(NaN), "got NaN"],
    ["undefined to the constructor", () => new Value(undefined as unknown as number), "got undefined"],
    ["a string operand", () => new Value(1).add("x" as unknown as number), 'Value.add(other): other must be a Value or a number, got "x" (string)'],
    ["a NaN operand", () => new Value(1).mul(NaN), "Value.mul(other): other must be a Value or a number, got NaN"],
    ["an object operand", () => new Value(1).div({} as unknown as number), "got an object (Object)"],
    ["an infinite exponent", () => new Value(2).pow(Infinity), "Value.pow(exponent): exponent must be a finite number or a Value, got Infinity"],
    ["a slope that is not a number", () => new Value(2).leakyRelu(NaN), "Value.leakyRelu(slope): slope must be a finite number, got NaN"],
    ["a NaN bound", () => new Value(2).clamp(NaN, 1), "Value.clamp(min, max): min must be a number, got NaN"],
    ["an unknown gelu approximation", () => new Value(2).gelu({ approximate: "erf" as "tanh" }), 'Value.gelu({ approximate }): approximate must be "none" or "tanh", got "erf"'],
    ["a string on the left", () => new Value(2).rsub("1" as unknown as number), "Value.rsub(k): k"],
    ["a string exponent", () => new Value(2).pow("2" as unknown as number), 'got "2" (string)'],
    ["a non-string label", () => new Value(2, { label: 5 as unknown as string }), "label must be a string, got 5"],
    ["a bad entry to sum", () => sum([1, null as unknown as number]), "sum(values): values[1] must be a Value or a number, got null"],
    ["no list to sum", () => sum(undefined as unknown as number[]), "sum(values): values must be an array of Values or numbers, or a Vector, got undefined"],
    ["numbers to dot", () => dot(1 as unknown as number[], 2 as unknown as number[]), "dot(xs, ys): xs must be an array of Values or numbers, or a Vector, got 1"],
    ["a Value as dot's second list", () => dot([new Value(1)], new Value(1) as unknown as number[]), "dot(xs, ys): ys must be an array of Values or numbers, or a Vector, got an object (Value)"],
    ["a string to Vector", () => new Vector("ab" as unknown as number[]), 'new Vector(values): values must be an array of Values or numbers, got "ab" (string)'],
  ];
  for (const [what, call, message] of bad) {
    it(`throws a TypeError for ${what}`, () => {
      expect(call).toThrow(TypeError);
      expect(call).toThrow(message);
    });
  }

  it("accepts infinite operands, as IEEE arithmetic does", () => {
    expect(new Value(1).add(Infinity).data).toBe(Infinity);
  });
});

describe("backwardSteps", () => {
  const neuron = () => {
    const x1 = new Value(2, { label: "x1" });
    const w1 = new Value(-3, { label: "w1" });
    const b = new Value(6.8813735870195432, { label: "b" });
    const o = x1.mul(w1).add(b).tanh();
    return { x1, w1, b, o };
  };

  it("walks the ops in reverse topological order, reporting local derivatives and what each adds", () => {
    const { x1, w1, o } = neuron();
    const steps = [...backwardSteps(o)];
    expect(steps.map((s) => s.node.op)).toEqual(["tanh", "+", "*"]);
    expect(steps.map((s) => s.index)).toEqual([5, 4, 2]);
    const [tanh, , mul] = steps;
    expect(tanh?.contributions[0]?.local).toBeCloseTo(1 - o.data ** 2, 15);
    expect(tanh?.contributions[0]?.added).toBeCloseTo(1 - o.data ** 2, 15);
    expect(mul?.contributions.map((c) => c.child)).toEqual([x1, w1]);
    expect(mul?.contributions.map((c) => c.local)).toEqual([-3, 2]);
  });

  it("ends with the grads of backward()", () => {
    const a = neuron();
    a.o.backward();
    const b = neuron();
    expect([...backwardSteps(b.o)]).toHaveLength(3);
    expect([b.x1.grad, b.w1.grad, b.b.grad]).toEqual([a.x1.grad, a.w1.grad, a.b.grad]);
  });

  it("reports a reused operand once, with its whole local derivative", () => {
    const a = new Value(3);
    const [step] = [...backwardSteps(a.mul(a))];
    expect(step?.contributions).toEqual([{ child: a, local: 6, added: 6 }]);
  });
});

describe("printing", () => {
  it("shows data, grad, op and label in util.inspect and console.log, and JSON.stringify writes them, never the graph", async () => {
    const { inspect } = await import("node:util");
    const x = new Value(2, { label: "x" });
    const y = x.mul(3);
    y.backward();
    expect(inspect(x)).toBe('Value(data=2, grad=3, label="x")');
    expect(inspect(y)).toBe('Value(data=6, grad=1, op="*")');
    expect(inspect({ y })).toBe('{ y: Value(data=6, grad=1, op="*") }');
    expect(JSON.stringify(y)).toBe('{"data":6,"grad":1,"label":"","op":"*"}');
    expect(JSON.stringify([x])).toBe('[{"data":2,"grad":3,"label":"x","op":""}]');
    expect(String(y)).toBe("Value(data=6, grad=1)");
  });
});

describe("autograd controls: detach, noGrad, a seed for backward", () => {
  it("detach gives a leaf with the number and the label, through which no gradient flows back", () => {
    const x = new Value(3, { label: "x" });
    const twice = x.mul(2);
    twice.label = "2x";
    const held = twice.detach();
    expect([held.data, held.label, held.op, held.children]).toEqual([6, "2x", "", []]);
    // d(2x·x)/dx is 4x = 12 through both factors; with the first detached, only x's own path: 6.
    held.mul(x).backward();
    expect(x.grad).toBe(6);
    expect(held.grad).toBe(3);
    expect(twice.grad).toBe(0);
    // A NaN detaches too (a user's new Value(NaN) is refused).
    expect(new Value(0).div(0).detach().data).toBeNaN();
  });

  it("noGrad records nothing inside, nests, and records again after it returns or throws", () => {
    const w = new Value(2);
    expect(isGradEnabled()).toBe(true);
    const inside = noGrad(() => {
      expect(isGradEnabled()).toBe(false);
      const nested = noGrad(() => w.mul(5));
      expect(isGradEnabled()).toBe(false);
      return w.mul(3).add(nested);
    });
    expect(isGradEnabled()).toBe(true);
    expect([inside.data, inside.op, inside.children]).toEqual([16, "", []]);
    inside.mul(w).backward();
    expect(w.grad).toBe(16); // only the outer mul's path
    expect(() => noGrad(() => {
      throw new Error("stop");
    })).toThrow("stop");
    expect(isGradEnabled()).toBe(true);
    expect(w.mul(2).op).toBe("*");
    // A recording inside noGrad has nothing to replay back into.
    expect(() => noGrad(() => compile(() => w.mul(2)))).not.toThrow();
  });

  it("backward(seed) starts from seed instead of 1, as PyTorch's backward(gradient)", () => {
    const x = new Value(1.5);
    x.mul(3).tanh().backward(2);
    // 2 · 3 · (1 - tanh²(4.5))
    expect(x.grad).toBeCloseTo(6 * (1 - Math.tanh(4.5) ** 2), 14);
    expect(() => x.mul(1).backward(NaN)).toThrow("Value.backward(seed): seed must be a number, got NaN");
  });
});


describe("errors across copies of the engine", () => {
  it("a ShapeError or AnomalyError from another copy is `instanceof` this copy's, and a subclass keeps its own instanceof", () => {
    // Another copy's class: another class object, branded with the same key.
    class OtherShapeError extends RangeError {}
    crossCopyInstanceof(OtherShapeError, "@micrograd/engine/ShapeError");
    class OtherAnomalyError extends Error {}
    crossCopyInstanceof(OtherAnomalyError, "@micrograd/engine/AnomalyError");
    expect(new OtherShapeError("x")).toBeInstanceOf(ShapeError);
    expect(new ShapeError("x")).toBeInstanceOf(OtherShapeError);
    expect(new OtherAnomalyError("x")).toBeInstanceOf(AnomalyError);
    expect(new RangeError("x")).not.toBeInstanceOf(ShapeError);
    expect(new OtherShapeError("x")).not.toBeInstanceOf(AnomalyError);
    expect(new ShapeError("x")).toBeInstanceOf(RangeError);
    class NarrowError extends ShapeError {}
    expect(new NarrowError("x")).toBeInstanceOf(ShapeError);
    expect(new ShapeError("x")).not.toBeInstanceOf(NarrowError);
    expect(() => dot([1, 2], [3])).toThrow(ShapeError);
  });
});
