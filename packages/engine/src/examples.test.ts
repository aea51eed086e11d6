import { readFileSync } from "node:fs";
import { expect, it } from "vitest";

it("the README's batch-training example is examples/batch-training.ts, and it fits its target", async () => {
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  const file = readFileSync(new URL("../examples/batch-training.ts", import.meta.url), "utf8");
  // The README shows the file without its last line, the export this test reads.
  const shown = file.slice(0, file.lastIndexOf("\nexport "));
  expect(readme).toContain("```ts\n" + shown.trimEnd() + "\n```");
  const { w, b, mean } = (await import("../examples/batch-training.js")) as { w: { data: number }[]; b: { data: number }; mean: number };
  // y = tanh(2x₀ - x₁) is the neuron with w = [2, -1], b = 0: training finds it.
  expect(mean).toBeLessThan(1e-3);
  expect(w[0]!.data).toBeCloseTo(2, 1);
  expect(w[1]!.data).toBeCloseTo(-1, 1);
  expect(Math.abs(b.data)).toBeLessThan(0.05);
});
