import { describe, expect, it } from "vitest";
import { fixture } from "../test/fixtures.js";
import { Random } from "./index.js";

// Written by an independent Python port of mulberry32 (scripts/pytorch/make_fixtures.py).
const reference = fixture<{ next: Record<string, number[]>; shuffle: { seed: number; input: number[]; output: number[] } }>(
  new URL("../test/fixtures/mulberry32.json", import.meta.url),
);

describe("Random", () => {
  it("gives the same sequence for the same seed and another for another seed", () => {
    const a = new Random(7);
    const b = new Random(7);
    const c = new Random(8);
    const seqA = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(seqA);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(seqA);
  });

  it("draws mulberry32's numbers, bit for bit, for every seed (negative ones too)", () => {
    for (const [seed, numbers] of Object.entries(reference.next)) {
      const r = new Random(Number(seed));
      expect(numbers.map(() => r.next()), `seed ${seed}`).toEqual(numbers);
    }
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

  it("shuffles as Fisher–Yates with its own draws does, in place", () => {
    const { seed, input, output } = reference.shuffle;
    const xs = [...input];
    expect(new Random(seed).shuffle(xs)).toBe(xs);
    expect(xs).toEqual(output);
    expect(output).not.toEqual(input);
  });

  it("refuses a seed that is not an integer", () => {
    expect(() => new Random(1.5)).toThrow("seed must be an integer, got 1.5");
  });
});
