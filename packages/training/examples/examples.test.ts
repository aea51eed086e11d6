import { describe, expect, it } from "vitest";
import { andGateExample } from "./and-gate.js";
import { blobsExample } from "./blobs-softmax.js";
import { moonsExample } from "./moons-demo.js";
import { saveLoadExample } from "./save-load.js";
import { seed002Example } from "./seed002-mlp.js";
import { seed003Example } from "./seed003-perceptron.js";

describe("the seeds' examples, end to end", () => {
  it("seed 000: a sigmoid neuron learns the AND gate, all four rows right", () => {
    const { predictions, targets } = andGateExample();
    expect(predictions.map((p) => (p > 0.5 ? 1 : 0))).toEqual(targets);
  });

  it("seed 002: MLP(3, [4, 4, 1]) fits the four rows to a loss below 0.01, every sign right", () => {
    const { loss, predictions, targets } = seed002Example();
    expect(loss).toBeLessThan(0.01);
    predictions.forEach((p, i) => expect(Math.sign(p)).toBe(Math.sign(targets[i] as number)));
  });

  it("seed 003: the sigmoid perceptron's predictions round to y", () => {
    const { predictions, targets } = seed003Example();
    expect(predictions.map(Math.round)).toEqual(targets);
  });
});

describe("micrograd's demo and beyond", () => {
  it("moons, MLP(2, [16, 16, 1]), hinge + L2, SGD with linear decay: 100 % training accuracy in 100 steps", () => {
    expect(moonsExample()).toBe(1);
  });

  it("three blobs with softmax cross-entropy and Adam: at least 95 % accuracy", () => {
    expect(blobsExample()).toBeGreaterThanOrEqual(0.95);
  });

  it("a saved and loaded model predicts exactly the same numbers", () => {
    const { before, after } = saveLoadExample();
    expect(after).toEqual(before);
  });
});
