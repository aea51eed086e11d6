import { readFileSync } from "node:fs";
import { ShapeError, Value, gradCheck } from "@micrograd/engine";
import { describe, expect, it } from "vitest";
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, hinge, l1, l2, mse, sumSquaredError } from "./index.js";

type N = number | "Infinity" | "-Infinity" | "NaN";
interface Case { value: N; grads: N[] | N[][] }
// Computed by PyTorch 1.13 in float64 (scripts/pytorch/make_fixtures.py).
const torch = JSON.parse(readFileSync(new URL("../test/fixtures/pytorch-losses.json", import.meta.url), "utf8")) as {
  crossEntropy: (Case & { logits: N[][]; classes: number[] })[];
  bceWithLogits: (Case & { logits: N[]; targets: number[] })[];
  bce: (Case & { probabilities: number[]; targets: number[] })[];
  mse: (Case & { predictions: number[]; targets: number[] })[];
  hinge: (Case & { scores: number[]; labels: number[] })[];
};

/** Agreement with PyTorch: a few ulps relative, plus 1e-16 absolute for numbers that are nearly 0 (PyTorch's σ(z) - 1 loses digits there). */
function close(actual: number, expected: N, what: string): void {
  const e = Number(expected);
  expect(Math.abs(actual - e) <= 1e-14 * Math.abs(e) + 1e-16, `${what}: ${actual}, PyTorch ${e}`).toBe(true);
}

/** Our loss on leaves made from `inputs`, its value and each leaf's grad checked against PyTorch's. */
function againstTorch(inputs: number[], expected: Case, loss: (leaves: Value[]) => Value, what: string): void {
  const leaves = inputs.map((x) => new Value(x));
  const out = loss(leaves);
  out.backward();
  close(out.data, expected.value, `${what} value`);
  const grads: N[] = expected.grads.flat();
  leaves.forEach((leaf, i) => close(leaf.grad, grads[i] as N, `${what} grad ${i}`));
}

describe("every loss against PyTorch (float64): value and gradient", () => {
  it("mse", () => {
    for (const c of torch.mse) againstTorch(c.predictions, c, (p) => mse(p, c.targets), `mse(${c.predictions.join(", ")})`);
  });

  it("hinge (micrograd's mean relu(1 - y·s))", () => {
    for (const c of torch.hinge) againstTorch(c.scores, c, (s) => hinge(s, c.labels), `hinge(${c.scores.join(", ")})`);
  });

  it("binaryCrossEntropy, with PyTorch's -100 floor at p = 0 and p = 1", () => {
    for (const c of torch.bce) againstTorch(c.probabilities, c, (p) => binaryCrossEntropy(p, c.targets), `bce(${c.probabilities.join(", ")})`);
  });

  it("binaryCrossEntropyWithLogits, finite and exact for logits of ±30 and ±1e4, soft targets too", () => {
    for (const c of torch.bceWithLogits) {
      againstTorch(c.logits.map(Number), c, (z) => binaryCrossEntropyWithLogits(z, c.targets), `bceWithLogits(${c.logits.join(", ")})`);
    }
  });

  it("crossEntropy (the mean over rows), exact where shifting by the max alone cancels: [1e17, 1e17] → ln 2", () => {
    for (const c of torch.crossEntropy) {
      const width = (c.logits[0] as N[]).length;
      againstTorch(c.logits.flat().map(Number), c, (z) => {
        const rows = c.classes.map((k, r) => crossEntropy(z.slice(r * width, (r + 1) * width), k));
        return rows.reduce((a, b) => a.add(b)).div(rows.length);
      }, `crossEntropy(${JSON.stringify(c.logits)})`);
    }
    expect(crossEntropy([1e17, 1e17], 0).data).toBe(Math.LN2);
  });
});

describe("regression losses", () => {
  it("sumSquaredError is Σ (p - t)², as in seed 002's loop", () => {
    expect(sumSquaredError([0.5, -0.5, 2], [1, -1, 1]).data).toBe(0.25 + 0.25 + 1);
  });

  it("mse is the mean, and accepts a single Value", () => {
    expect(mse([0.5, -0.5, 2], [1, -1, 1]).data).toBeCloseTo(1.5 / 3, 15);
    const p = new Value(3);
    const loss = mse(p, 1);
    loss.backward();
    expect(loss.data).toBe(4);
    expect(p.grad).toBe(4);
  });

  it("have the gradients finite differences give", () => {
    expect(gradCheck((a, b) => mse([a, b], [1, -2]), [0.3, 0.7]).maxError).toBeLessThan(1e-8);
    expect(gradCheck((a, b) => sumSquaredError([a, b], [1, -2]), [0.3, 0.7]).maxError).toBeLessThan(1e-8);
  });

  it("refuse mismatched lengths and empty input", () => {
    expect(() => mse([1, 2], [1])).toThrow(ShapeError);
    expect(() => mse([1, 2], [1])).toThrow("mse: 2 predictions but 1 targets");
    expect(() => mse([], [])).toThrow("mse: no predictions given");
  });
});

describe("binary cross-entropy", () => {
  it("is finite with a finite gradient at p = 0 and p = 1", () => {
    for (const [p, y] of [[0, 1], [1, 0], [0, 0], [1, 1]] as const) {
      const v = new Value(p);
      const loss = binaryCrossEntropy(v, y);
      loss.backward();
      expect(Number.isFinite(loss.data)).toBe(true);
      expect(Number.isFinite(v.grad)).toBe(true);
    }
    expect(binaryCrossEntropy(0, 1).data).toBe(100);
  });

  it("refuses probabilities and targets outside [0, 1], naming them", () => {
    expect(() => binaryCrossEntropy([0.5], [2])).toThrow(RangeError);
    expect(() => binaryCrossEntropy([0.5], [2])).toThrow("binaryCrossEntropy: targets must lie in [0, 1], got 2 at index 0");
    expect(() => binaryCrossEntropy([1.5], [1])).toThrow("binaryCrossEntropy: probabilities must lie in [0, 1], got 1.5 at index 0");
    expect(() => binaryCrossEntropyWithLogits([0.5], [-1])).toThrow("targets must lie in [0, 1], got -1 at index 0");
  });

  it("name the argument that is not a Value or a number", () => {
    expect(() => mse([1, "a" as unknown as number], [1, 2])).toThrow(TypeError);
    expect(() => mse([1, "a" as unknown as number], [1, 2])).toThrow('mse: predictions[1] must be a Value or a number, got "a" (string)');
    expect(() => crossEntropy([null as unknown as number], 0)).toThrow("crossEntropy: logits[0] must be a Value or a number, got null");
  });

  it("with logits stays finite for logits of ±1000", () => {
    const big = new Value(1000);
    const loss = binaryCrossEntropyWithLogits([big, -1000], [0, 1]);
    loss.backward();
    expect(loss.data).toBe(1000);
    expect(big.grad).toBe(0.5);
  });
});

describe("softmax cross-entropy", () => {
  it("stays finite for logits of ±1000", () => {
    const z = [new Value(1000), new Value(-1000), new Value(999)];
    const loss = crossEntropy(z, 1);
    loss.backward();
    expect(loss.data).toBeCloseTo(2000 + Math.log(1 + Math.exp(-1)), 9);
    expect(z.every((v) => Number.isFinite(v.grad))).toBe(true);
  });

  it("refuses a class index out of range", () => {
    expect(() => crossEntropy([1, 2], 2)).toThrow("crossEntropy: class index must be an integer in [0, 1], got 2");
    expect(() => crossEntropy([1, 2], -1)).toThrow(RangeError);
    expect(() => crossEntropy([1, 2], 0.5)).toThrow(RangeError);
    expect(() => crossEntropy([], 0)).toThrow(ShapeError);
  });
});

describe("hinge", () => {
  it("is micrograd's mean of relu(1 - y·score)", () => {
    expect(hinge([2, 0.5, -0.5], [1, 1, 1]).data).toBeCloseTo((0 + 0.5 + 1.5) / 3, 15);
  });

  it("passes gradient only through margin violations", () => {
    const s = [new Value(2), new Value(0.5)];
    hinge(s, [1, -1]).backward();
    expect(s.map((v) => v.grad)).toEqual([0, 0.5]);
  });

  it("refuses labels other than ±1", () => {
    expect(() => hinge([1], [0])).toThrow("hinge: labels must be -1 or 1, got 0");
  });
});

describe("l2", () => {
  it("is alpha · Σ p² with gradient 2·alpha·p", () => {
    const ps = [new Value(3), new Value(-4)];
    const reg = l2(ps, 1e-4);
    reg.backward();
    expect(reg.data).toBeCloseTo(25e-4, 15);
    expect(ps[0]?.grad).toBeCloseTo(6e-4, 18);
    expect(ps[1]?.grad).toBeCloseTo(-8e-4, 18);
  });

  it("refuses a negative or non-finite alpha", () => {
    expect(() => l2([], -1)).toThrow("l2: alpha must be a finite number ≥ 0, got -1");
    expect(() => l2([], NaN)).toThrow(RangeError);
  });
});

describe("l1", () => {
  it("is alpha · Σ |p| with gradient alpha · sign(p), 0 at p = 0", () => {
    const ps = [new Value(3), new Value(-4), new Value(0)];
    const reg = l1(ps, 0.5);
    reg.backward();
    expect(reg.data).toBe(3.5);
    expect(ps.map((p) => p.grad)).toEqual([0.5, -0.5, 0]);
  });

  it("refuses a negative or non-finite alpha", () => {
    expect(() => l1([], -1)).toThrow("l1: alpha must be a finite number ≥ 0, got -1");
  });
});

