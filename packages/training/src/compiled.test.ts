import { compile } from "@micrograd/engine";
import { hinge, l2 } from "@micrograd/losses";
import { MLP } from "@micrograd/nn";
import { Adam, SGD, linearDecay } from "@micrograd/optim";
import { describe, expect, it } from "vitest";
import { blobs, moons, train } from "./index.js";

const relClose = (a: number, b: number) => expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)));

describe("compiled mode on micrograd's moons step", () => {
  const data = moons({ n: 100, noise: 0.1, seed: 0 });
  const labels = data.y.map((y) => (y > 0 ? 1 : -1));
  const lossOf = (model: MLP) => hinge(data.x.map((x) => model.forward(x)[0]!), labels).add(l2(model.parameters(), 1e-4));

  it("gives the gradients of graph mode to 1e-12, after the weights have moved", () => {
    const model = new MLP(2, [16, 16, 1], { seed: 1337 });
    const step = compile(() => lossOf(model));
    model.parameters().forEach((p, i) => (p.data += 0.01 * Math.sin(i)));

    step.run().backward();
    const compiledGrads = model.parameters().map((p) => p.grad);
    const compiledLoss = step.output();
    model.zeroGrad();
    const loss = lossOf(model);
    loss.backward();
    relClose(compiledLoss, loss.data);
    model.parameters().forEach((p, i) => relClose(compiledGrads[i] as number, p.grad));
  });

  it("is what train uses for a full batch, and trains to the same weights as graph mode", () => {
    const run = (compiled: boolean) => {
      const model = new MLP(2, [16, 16, 1], { seed: 1337 });
      const result = train({
        model, data, loss: "hinge", l2: 1e-4, steps: 20, compiled,
        optimizer: new SGD(model.parameters(), { lr: 1 }), schedule: linearDecay(1, 0.1, 100),
      });
      return { result, weights: model.parameters().map((p) => p.data) };
    };
    const fast = run(true);
    const slow = run(false);
    expect(fast.result.mode).toBe("compiled");
    expect(slow.result.mode).toBe("graph");
    fast.weights.forEach((w, i) => relClose(w, slow.weights[i] as number));
    fast.result.history.forEach((s, i) => {
      relClose(s.loss, slow.result.history[i]!.loss);
      expect(s.accuracy).toBe(slow.result.history[i]!.accuracy);
    });
  });

  it("falls back to graph mode for mini-batches and for losses that branch on the data", () => {
    const model = new MLP(2, [4, 3], { seed: 1 });
    const optimizer = new Adam(model.parameters(), { lr: 0.01 });
    expect(train({ model, data: blobs({ n: 30 }), loss: "crossEntropy", optimizer, steps: 1 }).mode).toBe("graph");
    expect(train({ model: new MLP(2, [4, 1]), data, loss: "hinge", optimizer, steps: 1, batchSize: 10 }).mode).toBe("graph");
  });
});
