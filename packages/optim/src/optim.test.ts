import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Value } from "@micrograd/engine";
import fc from "fast-check";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Adam, AdamW, SGD, cosineDecay, linearDecay, stepDecay } from "./index.js";
import type { AdamOptions, SGDOptions } from "./index.js";

// Six steps of each optimizer on two parameters, and the schedules, run by PyTorch 1.13 in float64
// (scripts/pytorch/make_fixtures.py): grads [g, -2g + 0.1·t] at step t.
const torch = JSON.parse(readFileSync(new URL("../test/fixtures/pytorch-optim.json", import.meta.url), "utf8")) as {
  grads: number[];
  start: number[];
  cases: { optimizer: "SGD" | "Adam" | "AdamW"; options: SGDOptions & AdamOptions; final: number[] }[];
  schedules: { schedule: "cosine" | "step"; initial: number; steps?: number; min?: number; gamma?: number; every?: number; step: number; lr: number }[];
};

describe("every optimizer against PyTorch (float64)", () => {
  const make = { SGD: (ps: Value[], o: SGDOptions) => new SGD(ps, o), Adam: (ps: Value[], o: AdamOptions) => new Adam(ps, o), AdamW: (ps: Value[], o: AdamOptions) => new AdamW(ps, o) };
  /** The fixture's run: six steps of grads [g, -2g + 0.1·t], each written by `set` before `step`. */
  const feed = (set: (g0: number, g1: number) => void, step: () => void) =>
    torch.grads.forEach((g, t) => {
      set(g, -2 * g + 0.1 * t);
      step();
    });
  /** Six steps() on Values starting at the fixture's start; returns the Values. */
  const stepped = (c: (typeof torch.cases)[number]) => {
    const ps = torch.start.map((x) => new Value(x));
    const opt = make[c.optimizer](ps, c.options);
    feed((g0, g1) => ([ps[0]!.grad, ps[1]!.grad] = [g0, g1]), () => opt.step());
    return ps;
  };
  for (const c of torch.cases) {
    it(`${c.optimizer} ${JSON.stringify(c.options)} lands where PyTorch's does after ${torch.grads.length} steps`, () => {
      const ps = stepped(c);
      ps.forEach((p, i) => expect(Math.abs(p.data - (c.final[i] as number)), `parameter ${i}: ${p.data}, PyTorch ${c.final[i]}`).toBeLessThanOrEqual(4 * Number.EPSILON * Math.abs(c.final[i] as number)));
    });

    it(`${c.optimizer} ${JSON.stringify(c.options)} on arrays (stepArrays) lands on step()'s numbers to the bit, leaving the Values alone`, () => {
      const ps = torch.start.map((x) => new Value(x));
      const opt = make[c.optimizer](ps, c.options);
      const data = Float64Array.from(torch.start);
      const grad = new Float64Array(2);
      feed((g0, g1) => grad.set([g0, g1]), () => opt.stepArrays(data, grad));
      expect(ps.map((p) => p.data)).toEqual(torch.start);
      const reference = stepped(c);
      expect(Array.from(data).every((x, i) => Object.is(x, reference[i]!.data))).toBe(true);
      data.forEach((x, i) => expect(Math.abs(x - (c.final[i] as number))).toBeLessThanOrEqual(4 * Number.EPSILON * Math.abs(c.final[i] as number)));
    });
  }

  it("stepDecay and cosineDecay (up to T_max) give PyTorch's StepLR and CosineAnnealingLR rates", () => {
    for (const s of torch.schedules) {
      const lr = s.schedule === "step" ? stepDecay(s.initial, s.gamma as number, s.every as number) : cosineDecay(s.initial, s.steps as number, s.min);
      expect(Math.abs(lr(s.step) - s.lr), `${s.schedule} at step ${s.step}: ${lr(s.step)}, PyTorch ${s.lr}`).toBeLessThanOrEqual(1e-15);
    }
  });
});

const close = (actual: number, expected: number) =>
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(expected)));

describe("every optimizer's parameters", () => {
  it("are listed once: a Value twice is refused, as are arrays of another length in stepArrays", () => {
    const p = new Value(1);
    const q = new Value(2);
    expect(() => new Adam([p, q, p])).toThrow("Adam(params, options): params[2] is params[0] again; list each parameter once");
    expect(() => new SGD([q, q], { lr: 0.1 })).toThrow("params[1] is params[0] again");
    const opt = new SGD([p, q], { lr: 0.1 });
    expect(() => opt.stepArrays(new Float64Array(3), new Float64Array(2))).toThrow("SGD.stepArrays(data, grad): data must be a Float64Array of 2 numbers, one per parameter, got 3");
    expect(() => opt.stepArrays(new Float64Array(2), [0, 0] as unknown as Float64Array)).toThrow("grad must be a Float64Array");
  });
});

describe("SGD", () => {
  it("takes p -= lr·grad", () => {
    const p = new Value(1);
    const opt = new SGD([p], { lr: 0.1 });
    p.grad = 2;
    opt.step();
    expect(p.data).toBeCloseTo(0.8, 15);
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
});

describe("Adam and AdamW on WebAssembly SIMD", () => {
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.resetModules();
  });
  /**
   * 40 steps of `make`'s optimizer on 2,001 parameters (an odd count: the last pair of lanes
   * has one parameter) with grads that span magnitudes and include ±0 and some large ones;
   * returns the parameters, the moments and whether the kernel ran.
   */
  const run = (Opt: typeof Adam | typeof AdamW, options: AdamOptions) => {
    const n = 2001;
    const data = Float64Array.from({ length: n }, (_, i) => Math.sin(i * 1.7) * 2);
    const grad = new Float64Array(n);
    const opt = new Opt(Array.from({ length: n }, () => new Value(0)), options);
    for (let t = 0; t < 40; t++) {
      for (let i = 0; i < n; i++) grad[i] = i % 97 === 0 ? (t % 2 ? -0 : 0) : Math.cos(i * 0.37 + t) * 10 ** ((i % 9) - 4);
      opt.stepArrays(data, grad);
    }
    const { m, v } = opt.toJSON();
    return { data, m, v, simd: opt.simd };
  };
  const same = (a: ArrayLike<unknown>, b: ArrayLike<unknown>) => a.length === b.length && Array.from(a).every((x, i) => Object.is(x, b[i]));
  const cases: [string, typeof Adam | typeof AdamW, AdamOptions][] = [
    ["Adam", Adam, { lr: 0.01 }],
    ["Adam with weight decay (L2 in the gradient)", Adam, { lr: 0.003, betas: [0.8, 0.95], eps: 1e-6, weightDecay: 0.05 }],
    ["AdamW", AdamW, { lr: 0.02, weightDecay: 0.1 }],
  ];
  for (const [name, Opt, options] of cases) {
    it(`${name}: the SIMD kernel's parameters and moments are the JavaScript loop's, to the bit`, () => {
      const simd = run(Opt, options);
      const plain = run(Opt, { ...options, simd: false });
      expect(simd.simd).toBe(true);
      expect(plain.simd).toBe(false);
      expect(same(simd.data, plain.data)).toBe(true);
      expect(same(simd.m, plain.m)).toBe(true);
      expect(same(simd.v, plain.v)).toBe(true);
    });
  }

  it("give the JavaScript loop's bits on fuzzed parameters, grads and options (±0, ±∞, NaN, tiny and huge numbers)", () => {
    const number = fc.oneof(
      { weight: 6, arbitrary: fc.double({ min: -1e3, max: 1e3, noNaN: true }) },
      { weight: 1, arbitrary: fc.constantFrom(0, -0, Infinity, -Infinity, NaN, 1e-300, -1e300, 5e-324) },
    );
    fc.assert(
      fc.property(
        fc.array(fc.tuple(number, fc.array(number, { minLength: 3, maxLength: 3 })), { minLength: 1, maxLength: 9 }),
        fc.constantFrom("Adam", "AdamW"),
        fc.double({ min: 0, max: 0.1, noNaN: true }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (params, kind, lr, weightDecay) => {
          const Opt = kind === "Adam" ? Adam : AdamW;
          const results = [true, false].map((simd) => {
            const opt = new Opt(params.map(() => new Value(0)), { lr, weightDecay, simd });
            const data = Float64Array.from(params, ([p]) => p);
            for (let t = 0; t < 3; t++) opt.stepArrays(data, Float64Array.from(params, ([, g]) => g[t] as number));
            const { m, v } = opt.toJSON();
            return { data, m, v };
          });
          const [simd, plain] = results as [(typeof results)[number], (typeof results)[number]];
          expect(same(simd.data, plain.data) && same(simd.m, plain.m) && same(simd.v, plain.v)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("fall back to the JavaScript loop, with the same bits, where WebAssembly is missing", async () => {
    const withKernel = run(Adam, { lr: 0.01 });
    vi.stubGlobal("WebAssembly", undefined);
    vi.resetModules();
    const fresh = (await import("./index.js")) as { Adam: typeof Adam };
    const without = run(fresh.Adam, { lr: 0.01 });
    expect(without.simd).toBe(false);
    expect(same(without.data, withKernel.data)).toBe(true);
  });

  // What a browser throws when it refuses a synchronous compile (Chromium, on a page, above a
  // size), and when it cannot reserve the memory.
  const refusals = [
    ["compile the module", "Module", "WebAssembly.Compile is disallowed on the main thread, if the buffer size is larger than 4KB."],
    ["reserve the memory", "Memory", "WebAssembly.Memory(): could not allocate memory"],
  ] as const;
  for (const [what, constructor, message] of refusals) {
    it(`fall back to the JavaScript loop where the engine cannot ${what}, and say so in opt.simd`, async () => {
      const withKernel = run(Adam, { lr: 0.01 });
      const { validate, Module, Instance, Memory } = (globalThis as unknown as { WebAssembly: Record<string, unknown> }).WebAssembly;
      const refuse = function () {
        throw new RangeError(message);
      };
      vi.stubGlobal("WebAssembly", { validate, Module, Instance, Memory, [constructor]: refuse });
      vi.resetModules();
      const fresh = (await import("./index.js")) as { Adam: typeof Adam };
      const without = run(fresh.Adam, { lr: 0.01 });
      expect(without.simd).toBe(false);
      expect(same(without.data, withKernel.data)).toBe(true);
    });
  }

  it("refuse a simd option that is not true or false", () => {
    expect(() => new Adam([new Value(1)], { simd: "no" } as never)).toThrow("new Adam(params, options): simd must be true or false, got no");
    expect(() => new AdamW([new Value(1)], { simd: 0 } as never)).toThrow("new AdamW(params, options): simd must be true or false, got 0");
  });

  it("is assembled from adam.wat: the committed module is up to date", () => {
    const script = fileURLToPath(new URL("../../../scripts/build-wat.mjs", import.meta.url));
    const source = fileURLToPath(new URL("adam.wat", import.meta.url));
    expect(() => execFileSync(process.execPath, [script, source, "ADAM_WASM", "--check"], { encoding: "utf8", stdio: "pipe" })).not.toThrow();
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

  it.each([
    ["no options", () => new SGD(p, undefined as unknown as { lr: number }), "new SGD(params, options): options must be an object like { lr, momentum, dampening, nesterov, weightDecay }, got undefined"],
    ["a misspelt option", () => new SGD(p, { lr: 0.1, weight_decay: 0.5 } as unknown as { lr: number }), 'new SGD(params, options): unknown option "weight_decay" (did you mean "weightDecay"?)'],
    ["an option Adam does not have", () => new Adam(p, { amsgrad: true } as unknown as { lr: number }), 'new Adam(params, options): unknown option "amsgrad"; Adam takes lr, betas, eps, weightDecay'],
    ["parameters that are not a list", () => new Adam(undefined as unknown as Value[]), "Adam(params, options): params must be an array of Values, e.g. model.parameters(), got undefined"],
    ["a number among the parameters", () => new SGD([1] as unknown as Value[], { lr: 0.1 }), "SGD(params, options): params[0] must be a Value, got 1"],
    ["betas that are not a pair", () => new Adam(p, { betas: 0.9 as unknown as [number, number] }), "Adam betas must be a pair [beta1, beta2], got 0.9"],
  ])("throws a TypeError for %s", (_, make, message) => {
    expect(make).toThrow(TypeError);
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

  it("cosineDecay stays at the minimum after T_max (PyTorch's closed form would climb back up)", () => {
    const lr = cosineDecay(0.1, 100, 0.001);
    expect([lr(100), lr(150), lr(200)]).toEqual([0.001, 0.001, 0.001]);
  });
});

describe("saving and resuming an optimizer", () => {
  /** A small nonlinear loss of five parameters, so that every moment and buffer moves. */
  const lossOf = (ps: Value[]) =>
    ps.reduce((acc, p, i) => acc.add(p.mul(0.3 * (i + 1)).sub(ps[(i + 1) % ps.length]!).tanh().pow(2)), new Value(0)).add(ps[0]!.mul(ps[4]!));
  const configs: [string, (ps: Value[]) => SGD | Adam | AdamW, (ps: Value[], json: unknown) => SGD | Adam | AdamW][] = [
    ["SGD", (ps) => new SGD(ps, { lr: 0.1 }), (ps, json) => SGD.fromJSON(ps, json)],
    ["SGD with Nesterov momentum and weight decay", (ps) => new SGD(ps, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 0.01 }), (ps, json) => SGD.fromJSON(ps, json)],
    ["SGD with dampened momentum", (ps) => new SGD(ps, { lr: 0.05, momentum: 0.5, dampening: 0.3 }), (ps, json) => SGD.fromJSON(ps, json)],
    ["Adam", (ps) => new Adam(ps, { lr: 0.02, betas: [0.8, 0.99], weightDecay: 0.001 }), (ps, json) => Adam.fromJSON(ps, json)],
    ["AdamW", (ps) => new AdamW(ps, { lr: 0.02 }), (ps, json) => AdamW.fromJSON(ps, json)],
  ];
  const start = [0.5, -1.25, 2, 0.1, -0.7];
  const train = (ps: Value[], opt: SGD | Adam | AdamW, steps: number, lr?: (k: number) => number, from = 0) => {
    for (let k = from; k < from + steps; k++) {
      if (lr) opt.lr = lr(k);
      opt.zeroGrad();
      lossOf(ps).backward();
      opt.step();
    }
  };

  for (const [name, make, resume] of configs) {
    it(`${name}: 8 steps, saved through JSON text and resumed for 12, lands on the uninterrupted 20 steps to the bit`, () => {
      const schedule = linearDecay(1, 0.5, 20);
      const whole = start.map((x) => new Value(x));
      const wholeOpt = make(whole);
      const base = wholeOpt.lr;
      train(whole, wholeOpt, 20, (k) => base * schedule(k));

      const first = start.map((x) => new Value(x));
      const firstOpt = make(first);
      train(first, firstOpt, 8, (k) => base * schedule(k));
      const saved = JSON.stringify({ parameters: first.map((p) => p.data), optimizer: firstOpt });
      const loaded = JSON.parse(saved) as { parameters: number[]; optimizer: unknown };
      const resumed = loaded.parameters.map((x) => new Value(x));
      train(resumed, resume(resumed, loaded.optimizer), 12, (k) => base * schedule(k), 8);

      expect(resumed.every((p, i) => Object.is(p.data, whole[i]!.data)), `${resumed.map((p) => p.data).join()} vs ${whole.map((p) => p.data).join()}`).toBe(true);
    });
  }

  it("keeps -0, NaN and ±Infinity in its buffers through JSON text, which would write -0 as 0 and the others as null", () => {
    const ps = [new Value(1), new Value(2), new Value(3), new Value(4)];
    const opt = new SGD(ps, { lr: 1, momentum: 0.5 });
    [-0, NaN, Infinity, -Infinity].forEach((g, i) => (ps[i]!.grad = g));
    opt.step();
    const state = JSON.parse(JSON.stringify(opt)) as unknown;
    const again = SGD.fromJSON(ps, state).toJSON();
    expect(again.buffers).toEqual(["-0", "NaN", "Infinity", "-Infinity"]);
  });

  it("refuses a state of another optimizer or model, saying what it found", () => {
    const ps = [new Value(1), new Value(2)];
    const adam = new Adam(ps).toJSON();
    expect(() => SGD.fromJSON(ps, adam)).toThrow('SGD.fromJSON: state is of "Adam", expected "SGD"');
    expect(() => AdamW.fromJSON(ps, adam)).toThrow('expected "AdamW"');
    expect(() => Adam.fromJSON([ps[0]!], adam)).toThrow(/state.m holds 2 numbers, but the optimizer has 1 parameters: was the state saved for another model\?/);
    expect(() => Adam.fromJSON(ps, { ...adam, t: 1.5 })).toThrow("state.t must be a whole number of steps, got 1.5");
    expect(() => Adam.fromJSON(ps, { ...adam, m: ["x", 0] })).toThrow('state.m[0] must be a number (or "NaN", "Infinity", "-Infinity", "-0"), got "x"');
    expect(() => SGD.fromJSON(ps, null)).toThrow("state must be an object from toJSON(), got null");
  });
});
