import { Random } from "@micrograd/engine";
import { describe, expect, it } from "vitest";
import { median } from "../src/encoding.js";

describe("median", () => {
  it("is the middle of the sorted values, or the mean of the middle two, for random and tied columns", () => {
    const random = new Random(5);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + random.int(60);
      // Few distinct values in some trials, so that ties and repeated pivots are covered.
      const spread = trial % 3 === 0 ? 3 : 1000;
      const values = Array.from({ length: n }, () => random.int(spread) - spread / 2);
      const sorted = [...values].sort((a, b) => a - b);
      const expected = n % 2 ? sorted[(n - 1) / 2] : ((sorted[n / 2 - 1] as number) + (sorted[n / 2] as number)) / 2;
      expect(median(Float64Array.from(values))).toBe(expected);
    }
  });
});
