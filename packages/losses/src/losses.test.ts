import { ShapeError, Value, gradCheck } from "@micrograd/engine";
import { describe, expect, it } from "vitest";
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, crossEntropy, hinge, l2, mse, sumSquaredError } from "./index.js";

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

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
  it("matches -(y log p + (1-y) log(1-p)) averaged", () => {
    const expected = -(Math.log(0.8) + Math.log(1 - 0.3)) / 2;
    expect(binaryCrossEntropy([0.8, 0.3], [1, 0]).data).toBeCloseTo(expected, 10);
  });

  it("is finite with a finite gradient at p = 0 and p = 1", () => {
    for (const [p, y] of [[0, 1], [1, 0], [0, 0], [1, 1]] as const) {
      const v = new Value(p);
      const loss = binaryCrossEntropy(v, y);
      loss.backward();
      expect(Number.isFinite(loss.data)).toBe(true);
      expect(Number.isFinite(v.grad)).toBe(true);
    }
    expect(binaryCrossEntropy(0, 1).data).toBeGreaterThan(25);
  });

  it("refuses targets outside [0, 1]", () => {
    expect(() => binaryCrossEntropy([0.5], [2])).toThrow(RangeError);
    expect(() => binaryCrossEntropy([0.5], [2])).toThrow("binaryCrossEntropy: targets must lie in [0, 1], got 2");
    expect(() => binaryCrossEntropyWithLogits([0.5], [-1])).toThrow("targets must lie in [0, 1], got -1");
  });

  it("with logits equals BCE of the sigmoid, with gradient sigmoid(z) - y even at z = 0", () => {
    for (const z of [-3, -0.5, 0, 0.5, 3]) {
      for (const y of [0, 1]) {
        const logit = new Value(z);
        const loss = binaryCrossEntropyWithLogits(logit, y);
        loss.backward();
        const p = sigmoid(z);
        expect(loss.data).toBeCloseTo(-(y * Math.log(p) + (1 - y) * Math.log(1 - p)), 12);
        expect(logit.grad).toBeCloseTo(p - y, 14);
      }
    }
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
  it("is log Σ exp(z) - z_class", () => {
    const expected = Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 1;
    expect(crossEntropy([1, 2, 3], 0).data).toBeCloseTo(expected, 14);
  });

  it("has gradient softmax - onehot", () => {
    const z = [new Value(1), new Value(2), new Value(3)];
    crossEntropy(z, 2).backward();
    const total = Math.exp(1) + Math.exp(2) + Math.exp(3);
    z.forEach((v, i) => expect(v.grad).toBeCloseTo(Math.exp(i + 1) / total - (i === 2 ? 1 : 0), 14));
  });

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
