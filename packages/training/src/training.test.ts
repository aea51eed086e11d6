import { MLP } from "@micrograd/nn";
import { SGD } from "@micrograd/optim";
import { describe, expect, it } from "vitest";
import {
  Trainer, TrainingDivergedError, accuracy, andGate, prediction, blobs, circles, evaluate, moons, predictedClass, seed002Rows, spiral, toyDatasets, train, xor,
} from "./index.js";

describe("toy datasets", () => {
  for (const [name, make] of Object.entries(toyDatasets)) {
    it(`${name}: n points of 2 features, every class present, the same for the same seed`, () => {
      const data = make({ n: 90, seed: 3 });
      expect(data.x).toHaveLength(90);
      expect(data.y).toHaveLength(90);
      expect(data.x.every((row) => row.length === 2 && row.every(Number.isFinite))).toBe(true);
      expect(new Set(data.y).size).toBe(data.classes);
      expect(make({ n: 90, seed: 3 })).toEqual(data);
      expect(make({ n: 90, seed: 4 }).x).not.toEqual(data.x);
    });
  }

  it("moons without noise lie on two unit half circles", () => {
    const { x, y } = moons({ n: 20, noise: 0 });
    x.forEach(([a, b], i) => {
      const [cx, cy] = y[i] === 0 ? [0, 0] : [1, 0.5];
      expect(Math.hypot((a as number) - cx, (b as number) - cy)).toBeCloseTo(1, 12);
    });
  });

  it("circles without noise have radii 1 and 0.5", () => {
    const { x, y } = circles({ n: 10, noise: 0 });
    x.forEach(([a, b], i) => expect(Math.hypot(a as number, b as number)).toBeCloseTo(y[i] === 0 ? 1 : 0.5, 12));
  });

  it("xor labels the quadrants where x·y < 0 as class 1", () => {
    const { x, y } = xor({ n: 200, noise: 0 });
    x.forEach(([a, b], i) => expect(y[i]).toBe((a as number) * (b as number) < 0 ? 1 : 0));
  });

  it("spiral and blobs take a number of classes", () => {
    expect(spiral({ n: 100, classes: 4 }).classes).toBe(4);
    expect(new Set(blobs({ n: 100, classes: 5 }).y).size).toBe(5);
  });

  it("refuses bad sizes and noise", () => {
    expect(() => moons({ n: 1 })).toThrow("dataset size must be an integer ≥ 2, got 1");
    expect(() => moons({ noise: -1 })).toThrow("noise must be a finite number ≥ 0, got -1");
    expect(() => blobs({ classes: 1 })).toThrow("classes must be an integer ≥ 2, got 1");
  });
});

describe("the seeds' tables", () => {
  it("hold the AND gate and the rows of seed 002", () => {
    expect(andGate().y).toEqual([0, 0, 0, 1]);
    expect(seed002Rows().x[0]).toEqual([2, 3, -1]);
  });
});

describe("predictions and accuracy", () => {
  it("reads a class the way each loss means it", () => {
    expect(predictedClass("hinge", [0.2])).toBe(1);
    expect(predictedClass("bce", [0.4])).toBe(0);
    expect(predictedClass("crossEntropy", [0.1, 3, -2])).toBe(1);
    expect(predictedClass("mse", [0.1])).toBeNull();
  });

  it("gives the probability each loss implies for the predicted class", () => {
    const softmax = Math.exp(2) / (Math.exp(2) + 2);
    const ce = prediction("crossEntropy", [2, 0, 0]);
    expect(ce.class).toBe(0);
    expect(ce.probability).toBeCloseTo(softmax, 15);
    expect(prediction("bce", [0.2])).toEqual({ class: 0, probability: 0.8 });
    expect(prediction("bceWithLogits", [0])).toEqual({ class: 0, probability: 0.5 });
    expect(prediction("bceWithLogits", [2]).probability).toBeCloseTo(1 / (1 + Math.exp(-2)), 15);
    expect(prediction("hinge", [-0.3])).toEqual({ class: 0, probability: null });
    expect(prediction("mse", [4.2])).toEqual({ class: null, probability: null });
  });

  it("counts the right answers", () => {
    expect(accuracy("hinge", [[1], [-1], [2], [-3]], [1, 1, 1, 0])).toBe(0.75);
  });
});

describe("train", () => {
  const setup = (lr = 0.5) => {
    const model = new MLP(2, [8, 1], { seed: 1 });
    return { model, optimizer: new SGD(model.parameters(), { lr }), data: moons({ n: 40, seed: 1 }) };
  };

  it("reports every step and lowers the loss", () => {
    const { model, optimizer, data } = setup();
    const seen: number[] = [];
    const { history, last } = train({ model, optimizer, data, loss: "hinge", steps: 30, onStep: (s) => void seen.push(s.step) });
    expect(seen).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(last?.loss).toBeLessThan(history[0]!.loss);
    expect(history.every((s) => s.ms >= 0 && s.accuracy !== null)).toBe(true);
  });

  it("stops when the callback returns false", () => {
    const { model, optimizer, data } = setup();
    const result = train({ model, optimizer, data, loss: "hinge", steps: 50, onStep: (s) => s.step < 5 });
    expect(result.history).toHaveLength(5);
    expect(result.stoppedEarly).toBe(true);
  });

  it("applies the schedule before each step", () => {
    const { model, optimizer, data } = setup();
    const { history } = train({ model, optimizer, data, loss: "hinge", steps: 3, schedule: (k) => 0.1 * (k + 1) });
    expect(history.map((s) => s.lr)).toEqual([0.1, 0.2, 0.1 * 3]);
  });

  it("is reproducible with mini-batches: same seed, same weights", () => {
    const weights = () => {
      const { model, optimizer, data } = setup();
      train({ model, optimizer, data, loss: "hinge", steps: 25, batchSize: 7, seed: 9 });
      return model.parameters().map((p) => p.data);
    };
    expect(weights()).toEqual(weights());
  });

  it("stops with advice when the loss diverges", () => {
    const model = new MLP(3, [4, 1], { activation: "linear", seed: 2 });
    const optimizer = new SGD(model.parameters(), { lr: 1e6 });
    const run = () => train({ model, optimizer, data: seed002Rows(), loss: "mse", steps: 50 });
    expect(run).toThrow(TrainingDivergedError);
    expect(run).toThrow(/lower the learning rate/);
  });

  it("refuses nonsense step counts and batch sizes", () => {
    const { model, optimizer, data } = setup();
    expect(() => train({ model, optimizer, data, loss: "hinge", steps: -1 })).toThrow("steps must be an integer ≥ 0");
    expect(() => train({ model, optimizer, data, loss: "hinge", steps: 1, batchSize: 0 })).toThrow("batchSize must be a positive integer");
  });

  it("evaluates a model on a whole dataset", () => {
    const { model, data } = setup();
    const { outputs, accuracy: acc, loss } = evaluate(model, data, "hinge");
    expect(outputs).toHaveLength(40);
    expect(acc).toBeGreaterThanOrEqual(0);
    expect(Number.isFinite(loss)).toBe(true);
  });
});

describe("Trainer", () => {
  it("steps one at a time and matches train() step for step", () => {
    const make = () => {
      const model = new MLP(2, [8, 1], { seed: 4 });
      return { model, optimizer: new SGD(model.parameters(), { lr: 0.3 }), data: moons({ n: 30, seed: 2 }), loss: "hinge" as const };
    };
    const a = make();
    const trainer = new Trainer(a);
    const stepped = [trainer.step(), trainer.step(), trainer.step()];
    expect(stepped.map((s) => s.step)).toEqual([1, 2, 3]);
    expect(trainer.steps).toBe(3);
    const b = make();
    const { history } = train({ ...b, steps: 3 });
    expect(stepped.map((s) => s.loss)).toEqual(history.map((s) => s.loss));
    expect(a.model.parameters().map((p) => p.data)).toEqual(b.model.parameters().map((p) => p.data));
  });
});
