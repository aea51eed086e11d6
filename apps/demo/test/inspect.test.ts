import { topologicalOrder } from "@micrograd/engine";
import type { Value } from "@micrograd/engine";
import { describe, expect, it } from "vitest";
import { predictionGraph } from "../src/inspect.js";

// A 2 → 2 (tanh) → 3 network with weights set by hand, so every expected number is arithmetic.
const weights = [
  [[0.5, -1, 0.25], [2, 0.5, -0.5]],
  [[1, -1, 0.1], [0.5, 0.5, 0], [-2, 1, 0.3]],
];
const inputs = [{ name: "x1", value: 0.8 }, { name: "x2^2", value: -0.4 }];
const hidden = weights[0]!.map(([a, b, c]) => Math.tanh(a! * 0.8 + b! * -0.4 + c!));
const logits = weights[1]!.map(([a, b, c]) => a! * hidden[0]! + b! * hidden[1]! + c!);

const byLabel = (root: Value) => new Map(topologicalOrder(root).filter((v) => v.label !== "").map((v) => [v.label, v]));

describe("one point's prediction as a graph (the Backprop view's inspection)", () => {
  it("builds the forward pass and cross-entropy of one point, every input, weight and bias labelled", () => {
    const loss = predictionGraph({ sizes: [2, 2, 3], weights, activation: "tanh", outputActivation: "linear", inputs, loss: "crossEntropy", target: 2 });
    const expected = Math.log(logits.reduce((s, z) => s + Math.exp(z), 0)) - logits[2]!;
    expect(loss.data).toBeCloseTo(expected, 12);
    const values = byLabel(loss);
    expect([...values.keys()].sort()).toEqual([
      "b1.1", "b1.2", "b2.1", "b2.2", "b2.3", "h1.1", "h1.2", "loss", "out1", "out2", "out3",
      "w1.1.1", "w1.1.2", "w1.2.1", "w1.2.2", "w2.1.1", "w2.1.2", "w2.2.1", "w2.2.2", "w2.3.1", "w2.3.2", "x1", "x2^2", "z1.1", "z1.2",
    ]);
    expect(values.get("w2.3.1")?.data).toBe(-2);
    // Each hidden unit is tanh of its sum, named as the page names it.
    hidden.forEach((h, j) => {
      expect(values.get(`h1.${j + 1}`)?.data).toBeCloseTo(h, 14);
      expect(values.get(`h1.${j + 1}`)?.op).toBe("tanh");
      expect(Math.tanh(values.get(`z1.${j + 1}`)?.data ?? NaN)).toBeCloseTo(h, 14);
    });
    loss.backward();
    // ∂loss/∂b₂ⱼ = softmax(z)ⱼ − [j = target].
    const total = logits.reduce((s, z) => s + Math.exp(z), 0);
    logits.forEach((z, j) => expect(values.get(`b2.${j + 1}`)?.grad).toBeCloseTo(Math.exp(z) / total - (j === 2 ? 1 : 0), 12));
  });

  it("builds a regression's squared error, with the gradient 2(ŷ − y) at the output", () => {
    const single = [weights[0]!, [[1, -1, 0.1]]];
    const loss = predictionGraph({ sizes: [2, 2, 1], weights: single, activation: "tanh", outputActivation: "linear", inputs, loss: "mse", target: 0.3 });
    expect(loss.data).toBeCloseTo((logits[0]! - 0.3) ** 2, 12);
    loss.backward();
    expect(byLabel(loss).get("b2.1")?.grad).toBeCloseTo(2 * (logits[0]! - 0.3), 12);
    expect(byLabel(loss).get("out")?.data).toBeCloseTo(logits[0]!, 12);
  });

  it("refuses weights that do not fit the network, naming the neuron", () => {
    expect(() => predictionGraph({ sizes: [2, 2, 3], weights: [weights[0]!, [[1, 2, 3]]], activation: "tanh", outputActivation: "linear", inputs, loss: "crossEntropy", target: 0 })).toThrow(
      "the weights of neuron 2 of layer 2 do not fit the network",
    );
  });
});
