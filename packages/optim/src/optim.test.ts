import { Value } from "@micrograd/engine";
import { describe, expect, it } from "vitest";
import { Adam, AdamW, SGD, cosineDecay, linearDecay, stepDecay } from "./index.js";

/** Gradients fed to the optimizers, step by step, as if backward had produced them. */
const GRADS = [0.5, -1.25, 2, 0.1, -0.3];

function run(makeOpt: (p: Value[]) => { step(): void }, start = 1.5): number {
  const p = new Value(start);
  const opt = makeOpt([p]);
  for (const g of GRADS) {
    p.grad = g;
    opt.step();
  }
  return p.data;
}

const close = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));

describe("SGD", () => {
  it("takes p -= lr·grad", () => {
    const p = new Value(1);
    const opt = new SGD([p], { lr: 0.1 });
    p.grad = 2;
    opt.step();
    expect(p.data).toBeCloseTo(0.8, 15);
  });

  it("follows PyTorch's momentum, dampening, Nesterov and weight decay equations", () => {
    for (const [momentum, dampening, nesterov, weightDecay] of [
      [0.9, 0, false, 0],
      [0.9, 0, true, 0],
      [0.5, 0.1, false, 0.01],
      [0.8, 0, true, 0.05],
    ] as const) {
      let p = 1.5;
      let buf = 0;
      GRADS.forEach((grad, t) => {
        let g = grad + weightDecay * p;
        buf = t === 0 ? g : momentum * buf + (1 - dampening) * g;
        g = nesterov ? g + momentum * buf : buf;
        p -= 0.1 * g;
      });
      close(run((ps) => new SGD(ps, { lr: 0.1, momentum, dampening, nesterov, weightDecay })), p);
    }
  });

  it("on two momentum steps gives the hand-computed value", () => {
    const p = new Value(0);
    const opt = new SGD([p], { lr: 0.1, momentum: 0.9 });
    p.grad = 1;
    opt.step(); // buf = 1, p = -0.1
    p.grad = 1;
    opt.step(); // buf = 1.9, p = -0.29
    close(p.data, -0.29);
  });
});

describe("Adam", () => {
  it("moves the first step by lr·g/(|g| + eps)", () => {
    const p = new Value(1);
    const opt = new Adam([p], { lr: 0.01 });
    p.grad = -4;
    opt.step();
    close(p.data, 1 + (0.01 * 4) / (4 + 1e-8));
  });

  it("matches PyTorch's formula after five steps, with and without L2", () => {
    for (const weightDecay of [0, 0.1]) {
      let p = 1.5;
      let m = 0;
      let v = 0;
      const [b1, b2, lr, eps] = [0.8, 0.99, 0.05, 1e-8];
      GRADS.forEach((grad, i) => {
        const t = i + 1;
        const g = grad + weightDecay * p;
        m = m + (g - m) * (1 - b1); // PyTorch: exp_avg.lerp_(grad, 1 - beta1)
        v = v * b2 + (1 - b2) * g * g;
        const denom = Math.sqrt(v) / Math.sqrt(1 - b2 ** t) + eps;
        p -= (lr / (1 - b1 ** t)) * (m / denom);
      });
      close(run((ps) => new Adam(ps, { lr, betas: [b1, b2], eps, weightDecay })), p);
    }
  });
});

describe("AdamW", () => {
  it("decays the weights before the Adam step (decoupled), by PyTorch's default 0.01", () => {
    let p = 1.5;
    let m = 0;
    let v = 0;
    GRADS.forEach((g, i) => {
      const t = i + 1;
      p *= 1 - 0.01 * 0.01;
      m = 0.9 * m + 0.1 * g;
      v = 0.999 * v + 0.001 * g * g;
      p -= ((0.01 / (1 - 0.9 ** t)) * m) / (Math.sqrt(v) / Math.sqrt(1 - 0.999 ** t) + 1e-8);
    });
    close(run((ps) => new AdamW(ps, { lr: 0.01 })), p);
  });
});

describe("invalid hyper-parameters", () => {
  const p = [new Value(0)];
  it.each([
    ["a negative lr", () => new SGD(p, { lr: -0.1 }), "lr must be a finite number in [0, ∞), got -0.1"],
    ["a NaN lr", () => new Adam(p, { lr: NaN }), "lr must be a finite number in [0, ∞), got NaN"],
    ["an infinite lr", () => new SGD(p, { lr: Infinity }), "got Infinity"],
    ["momentum 1", () => new SGD(p, { lr: 0.1, momentum: 1 }), "SGD momentum must be a finite number in [0, 1), got 1"],
    ["negative momentum", () => new SGD(p, { lr: 0.1, momentum: -0.5 }), "SGD momentum must be a finite number in [0, 1)"],
    ["Nesterov without momentum", () => new SGD(p, { lr: 0.1, nesterov: true }), "Nesterov momentum needs momentum > 0"],
    ["beta 1", () => new Adam(p, { betas: [0.9, 1] }), "Adam beta2 must be a finite number in [0, 1), got 1"],
    ["negative weight decay", () => new AdamW(p, { weightDecay: -1 }), "Adam weightDecay must be a finite number in [0, ∞), got -1"],
  ])("throws a RangeError for %s", (_, make, message) => {
    expect(make).toThrow(RangeError);
    expect(make).toThrow(message);
  });

  it("also when a schedule sets a bad lr later", () => {
    const opt = new SGD(p, { lr: 0.1 });
    expect(() => (opt.lr = -1)).toThrow(RangeError);
    expect(opt.lr).toBe(0.1);
  });
});

describe("learning-rate schedules", () => {
  it("linearDecay(1, 0.1, 100) is micrograd's 1 - 0.9·k/100", () => {
    const lr = linearDecay(1, 0.1, 100);
    for (const k of [0, 1, 37, 99]) expect(lr(k)).toBeCloseTo(1 - (0.9 * k) / 100, 15);
    expect(lr(100)).toBeCloseTo(0.1, 15);
    expect(lr(500)).toBeCloseTo(0.1, 15);
  });

  it("stepDecay multiplies by gamma every n steps", () => {
    const lr = stepDecay(0.1, 0.5, 10);
    expect([lr(0), lr(9), lr(10), lr(25)]).toEqual([0.1, 0.1, 0.05, 0.025]);
  });

  it("cosineDecay goes from the initial rate to the minimum along a half cosine", () => {
    const lr = cosineDecay(0.1, 100, 0.001);
    expect(lr(0)).toBeCloseTo(0.1, 15);
    expect(lr(50)).toBeCloseTo(0.0505, 15);
    expect(lr(100)).toBeCloseTo(0.001, 15);
  });
});
