import { describe, expect, it } from "vitest";
import { Random } from "./index.js";

describe("Random", () => {
  it("gives the same sequence for the same seed and another for another seed", () => {
    const a = new Random(7);
    const b = new Random(7);
    const c = new Random(8);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
  });

  it("pins its first numbers, so a change that breaks reproducibility fails here", () => {
    const r = new Random(42);
    expect([r.next(), r.next()]).toEqual([0.6011037519201636, 0.44829055899754167]);
  });

  it("stays in range and looks uniform", () => {
    const r = new Random(1);
    const xs = Array.from({ length: 20000 }, () => r.uniform(-1, 1));
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(Math.abs(xs.reduce((s, x) => s + x, 0) / xs.length)).toBeLessThan(0.02);
  });

  it("draws normals with the right mean and spread", () => {
    const r = new Random(3);
    const xs = Array.from({ length: 20000 }, () => r.normal(2, 0.5));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(2, 1);
    expect(sd).toBeCloseTo(0.5, 1);
  });

  it("shuffles into a permutation", () => {
    const xs = new Random(5).shuffle([0, 1, 2, 3, 4, 5, 6, 7]);
    expect([...xs].sort()).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
  });

  it("refuses a seed that is not an integer", () => {
    expect(() => new Random(1.5)).toThrow("seed must be an integer, got 1.5");
  });
});
