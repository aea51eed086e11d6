import type { Value } from "@micrograd/engine";
import { MLP } from "@micrograd/nn";
import type { Activation } from "@micrograd/nn";
import { Adam, SGD, linearDecay } from "@micrograd/optim";
import { describe, expect, it } from "vitest";
import { Trainer, TrainingDivergedError, batchLoss, blobs, evaluate, moons, train } from "./index.js";
import type { Dataset, FlatDataset, LossName, TrainResult } from "./index.js";

const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((x, i) => Object.is(x, b[i]));

interface Setup {
  loss: LossName;
  data: Dataset;
  outputs: number;
  outputActivation?: Activation;
  l2?: number;
  l1?: number;
}

/** Regression targets: a smooth function of the moons' coordinates. */
const regression = (): Dataset => {
  const d = moons({ n: 45, noise: 0.1, seed: 2 });
  return { ...d, y: d.x.map(([a, b]) => Math.sin(a as number) + 0.5 * (b as number)) };
};

const setups: Setup[] = [
  { loss: "hinge", data: moons({ n: 45, noise: 0.1, seed: 0 }), outputs: 1, l2: 1e-4 },
  { loss: "mse", data: regression(), outputs: 1, l1: 1e-3 },
  { loss: "sse", data: regression(), outputs: 1, l2: 1e-3 },
  { loss: "bce", data: moons({ n: 45, noise: 0.1, seed: 1 }), outputs: 1, outputActivation: "sigmoid" },
  { loss: "bceWithLogits", data: moons({ n: 45, noise: 0.2, seed: 3 }), outputs: 1 },
  { loss: "crossEntropy", data: blobs({ n: 45, classes: 3, seed: 4 }), outputs: 3, l2: 1e-4 },
];

function run(setup: Setup, compiled: boolean, batchSize: number | undefined, lr = 0.05, steps = 7, activation: Activation = "tanh", data: Dataset | FlatDataset = setup.data, storage: "values" | "arrays" = "values") {
  const model = new MLP(2, [8, 8, setup.outputs], { activation, outputActivation: setup.outputActivation ?? "linear", seed: 11, storage });
  let result: TrainResult | Error;
  try {
    result = train({
      model, data, loss: setup.loss, steps, compiled, l2: setup.l2 ?? 0, l1: setup.l1 ?? 0, seed: 5,
      ...(batchSize === undefined ? {} : { batchSize }),
      optimizer: lr > 1 ? new SGD(model.parameters(), { lr }) : new Adam(model.parameters(), { lr }),
    });
  } catch (error) {
    result = error as Error;
  }
  return { result, weights: model.parameters().map((p) => p.data), grads: model.parameters().map((p) => p.grad) };
}

describe("train() compiles every run, with graph mode's losses and weights to the bit", () => {
  for (const setup of setups) {
    for (const batchSize of [undefined, 16, 45, 44]) {
      const what = batchSize === undefined ? "full batch" : batchSize === 16 ? "batches of 16 (45 rows: a last batch of 13)" : `batch size ${batchSize}`;
      it(`${setup.loss}, ${what}`, () => {
        const fast = run(setup, true, batchSize);
        const slow = run(setup, false, batchSize);
        if (fast.result instanceof Error) throw fast.result;
        if (slow.result instanceof Error) throw slow.result;
        expect(fast.result.mode).toBe("compiled");
        expect(slow.result.mode).toBe("graph");
        expect(same(fast.result.history.map((s) => s.loss), slow.result.history.map((s) => s.loss))).toBe(true);
        expect(fast.result.history.map((s) => s.accuracy)).toEqual(slow.result.history.map((s) => s.accuracy));
        expect(same(fast.weights, slow.weights)).toBe(true);
        expect(same(fast.grads, slow.grads)).toBe(true);
      });
    }
  }

  it("micrograd's demo step (moons 100, MLP(2,[16,16,1]) ReLU, hinge + 1e-4·L2, SGD) runs compiled, to the bit", () => {
    const data = moons({ n: 100, noise: 0.1, seed: 0 });
    const once = (compiled: boolean) => {
      const model = new MLP(2, [16, 16, 1], { seed: 1337 });
      const result = train({
        model, data, loss: "hinge", l2: 1e-4, steps: 20, compiled,
        optimizer: new SGD(model.parameters(), { lr: 1 }), schedule: linearDecay(1, 0.1, 100),
      });
      return { result, weights: model.parameters().map((p) => p.data) };
    };
    const fast = once(true);
    const slow = once(false);
    expect(fast.result.mode).toBe("compiled");
    expect(same(fast.weights, slow.weights)).toBe(true);
    expect(same(fast.result.history.map((s) => s.loss), slow.result.history.map((s) => s.loss))).toBe(true);
  });

  it("diverges at the same step with the same weights when the learning rate is far too high", () => {
    const setup = setups[1] as Setup;
    const fast = run(setup, true, 16, 1e100, 20, "relu");
    const slow = run(setup, false, 16, 1e100, 20, "relu");
    expect(fast.result).toBeInstanceOf(TrainingDivergedError);
    expect((fast.result as Error).message).toBe((slow.result as Error).message);
    expect(same(fast.weights, slow.weights)).toBe(true);
  });
});

describe('a model with storage: "arrays" trains compiled on its store, with graph mode\'s losses, weights and grads to the bit', () => {
  for (const setup of setups) {
    it(setup.loss, () => {
      const fast = run(setup, true, 16, 0.05, 7, "relu", setup.data, "arrays");
      const slow = run(setup, false, 16, 0.05, 7, "relu");
      if (fast.result instanceof Error) throw fast.result;
      if (slow.result instanceof Error) throw slow.result;
      expect(same(fast.result.history.map((s) => s.loss), slow.result.history.map((s) => s.loss))).toBe(true);
      expect(same(fast.weights, slow.weights)).toBe(true);
      expect(same(fast.grads, slow.grads)).toBe(true);
    });
  }
});

describe("a compiled step keeps the parameters' numbers in arrays, and the Values stay what graph mode leaves", () => {
  const setup = setups[5] as Setup;
  const trainer = (compiled: boolean, optimize: (model: MLP) => Value[], storage: "values" | "arrays" = "values") => {
    const model = new MLP(2, [8, 8, 3], { activation: "tanh", seed: 11, storage });
    const t = new Trainer({ model, data: setup.data, loss: setup.loss, l2: 1e-4, seed: 5, batchSize: 16, compiled, optimizer: new Adam(optimize(model), { lr: 0.05 }) });
    return { model, t };
  };
  const state = (model: MLP) => model.parameters().flatMap((p) => [p.data, p.grad]);

  it("reads a weight the user changed between steps (its parameters in Values or in a store)", () => {
    const all = (m: MLP) => m.parameters();
    const [fast, stored, slow] = [trainer(true, all), trainer(true, all, "arrays"), trainer(false, all)];
    for (const { model, t } of [fast, stored, slow]) {
      t.step();
      t.step();
      (model.parameters()[3] as Value).data = 0.25;
      t.step();
    }
    expect(same(state(fast.model), state(slow.model))).toBe(true);
    expect(same(state(stored.model), state(slow.model))).toBe(true);
  });

  it("trains only what the optimizer holds (a frozen first layer), to the bit", () => {
    const lastLayers = (m: MLP) => m.layers.slice(1).flatMap((l) => l.parameters());
    const [fast, slow] = [trainer(true, lastLayers, "arrays"), trainer(false, lastLayers)];
    const start = fast.model.layers[0]?.parameters().map((p) => p.data);
    for (const { t } of [fast, slow]) for (let k = 0; k < 4; k++) t.step();
    expect(same(state(fast.model), state(slow.model))).toBe(true);
    expect(fast.model.layers[0]?.parameters().map((p) => p.data)).toEqual(start);
  });
});

describe("evaluate runs compiled, with graph mode's loss and outputs to the bit", () => {
  for (const setup of setups) {
    it(setup.loss, () => {
      const model = new MLP(2, [8, setup.outputs], { activation: "tanh", outputActivation: setup.outputActivation ?? "linear", seed: 4 });
      const graph = setup.data.x.map((x) => model.forward(x));
      const result = evaluate(model, setup.data, setup.loss);
      expect(Object.is(result.loss, batchLoss(setup.loss, graph, setup.data.y).data)).toBe(true);
      expect(same(result.outputs.flat(), graph.flat().map((v) => v.data))).toBe(true);
    });
  }
});


describe("a FlatDataset trains and evaluates as the same rows as arrays do, to the bit", () => {
  const flat = (data: Dataset): FlatDataset => ({ name: data.name, x: Float64Array.from(data.x.flat()), width: 2, y: Float64Array.from(data.y), classes: data.classes });
  for (const setup of setups) {
    it(setup.loss, () => {
      for (const compiled of [true, false]) {
        const arrays = run(setup, compiled, 16);
        const rows = run(setup, compiled, 16, undefined, undefined, undefined, flat(setup.data));
        if (arrays.result instanceof Error || rows.result instanceof Error) throw new Error("training failed");
        expect(same(rows.result.history.map((s) => s.loss), arrays.result.history.map((s) => s.loss))).toBe(true);
        expect(same(rows.weights, arrays.weights)).toBe(true);
      }
      const model = new MLP(2, [8, setup.outputs], { activation: "tanh", outputActivation: setup.outputActivation ?? "linear", seed: 4 });
      const a = evaluate(model, setup.data, setup.loss);
      const b = evaluate(model, flat(setup.data), setup.loss);
      expect(Object.is(a.loss, b.loss)).toBe(true);
      expect(same(a.outputs.flat(), b.outputs.flat())).toBe(true);
    });
  }

  it("refuses features that do not fill width × rows", () => {
    const model = new MLP(2, [1], { seed: 0 });
    const data: FlatDataset = { name: "short", x: new Float64Array(5), width: 2, y: [0, 1, 0], classes: 2 };
    expect(() => train({ model, data, loss: "hinge", steps: 1, optimizer: new SGD(model.parameters(), { lr: 0.1 }) })).toThrow(/needs 6 features, got 5/);
  });

  it("refuses rows of another width than the model's inputs, in either mode, before any step", () => {
    const model = new MLP(3, [1], { seed: 0 });
    const data: FlatDataset = { name: "two wide", x: new Float64Array(6), width: 2, y: [0, 1, 0], classes: 2 };
    for (const compiled of [true, false]) {
      expect(() => new Trainer({ model, data, loss: "hinge", compiled, optimizer: new SGD(model.parameters(), { lr: 0.1 }) })).toThrow("train: the dataset's rows have 2 features; MLP expects 3 inputs");
    }
  });
});

describe("a row of another length than the model's inputs", () => {
  it("is refused with a ShapeError naming the row, as graph mode refuses it, and nothing is trained", () => {
    const data: Dataset = { name: "ragged", x: [[0, 1], [1, 0], [1], [0, 0]], y: [0, 1, 1, 0], classes: 2 };
    for (const compiled of [true, false]) {
      const model = new MLP(2, [1], { seed: 0 });
      const before = model.parameters().map((p) => p.data);
      const trainer = new Trainer({ model, data, loss: "hinge", compiled, optimizer: new SGD(model.parameters(), { lr: 0.1 }) });
      expect(() => trainer.step()).toThrow(compiled ? "train: row 2 of the dataset has 1 feature; MLP expects 2 inputs" : "MLP expects 2 inputs, got 1");
      expect(same(model.parameters().map((p) => p.data), before)).toBe(true);
    }
  });
});

describe("class weights", () => {
  const classSetups = setups.filter((s) => s.loss !== "mse" && s.loss !== "sse");
  const weights = (setup: Setup) => Array.from({ length: setup.data.classes }, (_, k) => 0.5 + k * 0.75);

  for (const setup of classSetups) {
    it(`${setup.loss}: compiled and graph mode weigh each row alike, to the bit`, () => {
      for (const batchSize of [undefined, 16]) {
        const runWeighted = (compiled: boolean) => {
          const model = new MLP(2, [8, setup.outputs], { activation: "tanh", outputActivation: setup.outputActivation ?? "linear", seed: 3 });
          const result = train({
            model, data: setup.data, loss: setup.loss, steps: 6, compiled, seed: 2, classWeights: weights(setup),
            ...(batchSize === undefined ? {} : { batchSize }), optimizer: new Adam(model.parameters(), { lr: 0.05 }),
          });
          return { losses: result.history.map((h) => h.loss), weights: model.parameters().map((p) => p.data), mode: result.mode };
        };
        const fast = runWeighted(true);
        const slow = runWeighted(false);
        expect([fast.mode, slow.mode]).toEqual(["compiled", "graph"]);
        expect(same(fast.losses, slow.losses)).toBe(true);
        expect(same(fast.weights, slow.weights)).toBe(true);
      }
    });
  }

  it("weights of 2 double the loss exactly, and under SGD train as twice the learning rate does", () => {
    for (const setup of classSetups) {
      const model = new MLP(2, [8, setup.outputs], { activation: "tanh", outputActivation: setup.outputActivation ?? "linear", seed: 4 });
      const twos = new Array<number>(setup.data.classes).fill(2);
      expect(Object.is(evaluate(model, setup.data, setup.loss, twos).loss, 2 * evaluate(model, setup.data, setup.loss).loss)).toBe(true);
      const sgd = (classWeights: number[] | undefined, lr: number) => {
        const m = new MLP(2, [8, setup.outputs], { activation: "tanh", outputActivation: setup.outputActivation ?? "linear", seed: 4 });
        train({ model: m, data: setup.data, loss: setup.loss, steps: 5, ...(classWeights ? { classWeights } : {}), optimizer: new SGD(m.parameters(), { lr }) });
        return m.parameters().map((p) => p.data);
      };
      expect(same(sgd(twos, 0.05), sgd(undefined, 0.1))).toBe(true);
    }
  });

  it("refuses weights for a regression, of the wrong length, or negative", () => {
    const model = new MLP(2, [1], { seed: 0 });
    const optimizer = new SGD(model.parameters(), { lr: 0.1 });
    const moonsData = moons({ n: 10 });
    expect(() => train({ model, data: regression(), loss: "mse", steps: 1, optimizer, classWeights: [1, 1] })).toThrow(/need a class target/);
    expect(() => train({ model, data: moonsData, loss: "hinge", steps: 1, optimizer, classWeights: [1] })).toThrow(/2 finite numbers ≥ 0/);
    expect(() => train({ model, data: moonsData, loss: "hinge", steps: 1, optimizer, classWeights: [1, -1] })).toThrow(/2 finite numbers ≥ 0/);
  });
});
