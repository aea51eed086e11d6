import { readFileSync } from "node:fs";
import { ShapeError, Value, storeOf } from "@micrograd/engine";
import { describe, expect, it } from "vitest";
import { Layer, MLP, ModelFormatError, Neuron } from "./index.js";

const reference = (JSON.parse(readFileSync(new URL("../../engine/test/fixtures/mulberry32.json", import.meta.url), "utf8")) as { mlpSeed42: number[] }).mlpSeed42;

describe("Neuron", () => {
  it("has PyTorch's leaky relu (slope 0.01), GELU and SiLU as activations, saved and named as PyTorch names them", () => {
    for (const [activation, apply, name] of [
      ["leakyRelu", (z: Value) => z.leakyRelu(0.01), "LeakyReLU"],
      ["gelu", (z: Value) => z.gelu(), "GELU"],
      ["silu", (z: Value) => z.silu(), "SiLU"],
    ] as const) {
      const model = new MLP(2, [3, 1], { activation, seed: 4 });
      const [first] = model.layers;
      const x = [0.8, -1.9];
      // Each hidden unit is the engine's op of its w·x + b, by hand.
      const hidden = first!.neurons.map((n) => apply(new Value(n.w[0]!.data * x[0]! + n.w[1]!.data * x[1]! + n.b.data)).data);
      expect(first!.forward(x).map((v) => v.data).every((v, j) => Math.abs(v - hidden[j]!) < 1e-15)).toBe(true);
      expect(String(model)).toContain(`${name}Neuron(2)`);
      expect(MLP.fromJSON(JSON.parse(JSON.stringify(model.toJSON()))).forward(x)[0]?.data).toBe(model.forward(x)[0]?.data);
    }
  });

  it("computes activation(w·x + b)", () => {
    const n = new Neuron(2, { activation: "tanh" });
    n.w[0]!.data = -3;
    n.w[1]!.data = 1;
    n.b.data = 6.8813735870195432;
    expect(n.forward([2, 0]).data).toBeCloseTo(Math.SQRT1_2, 15);
  });

  it("starts with weights in U(-1, 1) and a zero bias, as the seeds do", () => {
    const n = new Neuron(1000, { seed: 4 });
    expect(n.w.every((w) => w.data >= -1 && w.data < 1)).toBe(true);
    expect(Math.max(...n.w.map((w) => Math.abs(w.data)))).toBeGreaterThan(0.99);
    expect(n.b.data).toBe(0);
  });

  it("back-propagates into its weights, bias and inputs", () => {
    const n = new Neuron(3, { activation: "sigmoid", seed: 2 });
    const x = [new Value(0.5), new Value(-1), new Value(2)];
    const out = n.forward(x);
    out.backward();
    const s = out.data * (1 - out.data);
    n.w.forEach((w, i) => expect(w.grad).toBeCloseTo(s * (x[i] as Value).data, 14));
    expect(n.b.grad).toBeCloseTo(s, 14);
    x.forEach((xi, i) => expect(xi.grad).toBeCloseTo(s * (n.w[i] as Value).data, 14));
  });
});

describe("Layer", () => {
  it("returns an array even for a single neuron", () => {
    const out = new Layer(2, 1).forward([1, 2]);
    expect(Array.isArray(out)).toBe(true);
    expect(out).toHaveLength(1);
  });

  it("rejects the wrong number of inputs", () => {
    expect(() => new Layer(3, 2).forward([1])).toThrow("Layer expects 3 inputs, got 1");
  });
});

describe("MLP", () => {
  it("lists parameters layer by layer, neuron by neuron, weights then bias", () => {
    const model = new MLP(2, [3, 1]);
    const expected = model.layers.flatMap((l) => l.neurons.flatMap((n) => [...n.w, n.b]));
    expect(model.parameters()).toHaveLength(3 * 3 + 4);
    model.parameters().forEach((p, i) => expect(p).toBe(expected[i]));
    const firstNeuron = model.layers[0]!.neurons[0]!;
    expect(model.parameters().slice(0, 3)).toEqual([firstNeuron.w[0], firstNeuron.w[1], firstNeuron.b]);
  });

  it("gives bit-identical weights for the same seed, and pins them", () => {
    const a = new MLP(2, [16, 16, 1], { seed: 42 }).parameters().map((p) => p.data);
    const b = new MLP(2, [16, 16, 1], { seed: 42 }).parameters().map((p) => p.data);
    const c = new MLP(2, [16, 16, 1], { seed: 43 }).parameters().map((p) => p.data);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    // From an independent Python port of the generator and the draw order (weights U(-1, 1) neuron
    // by neuron, bias 0): a change that would break saved experiments fails here.
    expect(a.slice(0, reference.length)).toEqual(reference);
  });

  it("scales weights by fan-in and fan-out with xavier and he", () => {
    const max = (m: MLP) => Math.max(...m.layers[0]!.neurons.flatMap((n) => n.w.map((w) => Math.abs(w.data))));
    expect(max(new MLP(64, [32], { init: "xavier" }))).toBeLessThanOrEqual(Math.sqrt(6 / 96));
    expect(max(new MLP(64, [32], { init: "xavier" }))).toBeGreaterThan(0.9 * Math.sqrt(6 / 96));
    expect(max(new MLP(64, [32], { init: "he" }))).toBeLessThanOrEqual(Math.sqrt(6 / 64));
    expect(max(new MLP(64, [32], { init: "he" }))).toBeGreaterThan(0.9 * Math.sqrt(6 / 64));
  });

  it("uses ReLU hidden layers and a linear output by default, and says so", () => {
    expect(String(new MLP(2, [2, 1]))).toBe("MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2)], Layer of [LinearNeuron(2)]]");
    expect(String(new MLP(3, [1], { outputActivation: "sigmoid" }))).toBe("MLP of [Layer of [SigmoidNeuron(3)]]");
    expect(String(new MLP(1, [1, 1], { activation: "tanh" }))).toBe("MLP of [Layer of [TanhNeuron(1)], Layer of [LinearNeuron(1)]]");
  });

  it("throws a ShapeError naming expected and actual input sizes", () => {
    const model = new MLP(3, [4, 1]);
    expect(() => model.forward([1, 2])).toThrow(ShapeError);
    expect(() => model.forward([1, 2])).toThrow("MLP expects 3 inputs, got 2");
  });

  it("throws a TypeError naming an input that is not a Value or a number", () => {
    const model = new MLP(2, [1]);
    expect(() => model.forward([1, "a" as unknown as number])).toThrow(TypeError);
    expect(() => model.forward([1, "a" as unknown as number])).toThrow('MLP.forward(x): x[1] must be a Value or a number, got "a" (string)');
    expect(() => model.forward("ab" as unknown as number[])).toThrow('MLP.forward(x): x must be an array of Values or numbers, got "ab"');
  });

  it("rejects impossible shapes and unknown options", () => {
    expect(() => new MLP(0, [1])).toThrow("MLP(nin): expected a positive integer, got 0");
    expect(() => new MLP(2, [])).toThrow("nouts must be a non-empty array");
    expect(() => new MLP(2, [4, 1.5])).toThrow("nouts[1]: expected a positive integer, got 1.5");
    expect(() => new MLP(2, [1], { activation: "swish" as "relu" })).toThrow('activation must be one of relu, tanh, sigmoid, linear, leakyRelu, gelu, silu; got "swish"');
    expect(() => new MLP(2, [1], { init: "zeros" as "he" })).toThrow("init must be one of uniform, xavier, he");
  });

  it("zeroGrad clears every parameter's grad", () => {
    const model = new MLP(2, [3, 1], { seed: 1 });
    model.forward([1, -1])[0]!.backward();
    expect(model.parameters().some((p) => p.grad !== 0)).toBe(true);
    model.zeroGrad();
    expect(model.parameters().every((p) => p.grad === 0)).toBe(true);
  });
});

describe("saving and loading", () => {
  const trained = () => {
    const model = new MLP(2, [4, 3], { activation: "tanh", outputActivation: "sigmoid", seed: 9 });
    model.parameters().forEach((p, i) => (p.data += Math.sin(i) / 3));
    return model;
  };

  it("round-trips exactly through JSON text", () => {
    const model = trained();
    const loaded = MLP.fromJSON(JSON.stringify(model));
    expect(loaded.parameters().map((p) => p.data)).toEqual(model.parameters().map((p) => p.data));
    expect(String(loaded)).toBe(String(model));
    expect(loaded.forward([0.3, -2]).map((v) => v.data)).toEqual(model.forward([0.3, -2]).map((v) => v.data));
  });

  it("writes a versioned, readable format", () => {
    const json = trained().toJSON();
    expect(json).toMatchObject({ format: "micrograd-ts/mlp", version: 1, nin: 2, nouts: [4, 3], activation: "tanh", outputActivation: "sigmoid" });
    expect(json.parameters).toHaveLength(4 * 3 + 3 * 5);
  });

  const corrupt: [string, (json: Record<string, unknown>) => unknown, string][] = [
    ["foreign JSON", () => ({ weights: [1, 2] }), 'this is not a micrograd-ts model (format is undefined, expected "micrograd-ts/mlp")'],
    ["an array", () => [1, 2], "expected a model object"],
    ["a newer version", (j) => ({ ...j, version: 2 }), "unsupported model version 2; this library reads version 1"],
    ["too few parameters", (j) => ({ ...j, parameters: (j.parameters as number[]).slice(1) }), "a 2-4-3 network has 27 parameters, but the file has 26"],
    ["a wrong shape", (j) => ({ ...j, nouts: [4, 0] }), "nouts must be a non-empty array of positive integers"],
    ["a non-finite weight", (j) => ({ ...j, parameters: (j.parameters as number[]).map((p, i) => (i === 5 ? null : p)) }), "parameter 5 is null, not a finite number"],
    ["an unknown activation", (j) => ({ ...j, activation: "swish" }), 'activation must be one of relu, tanh, sigmoid, linear, leakyRelu, gelu, silu; got "swish"'],
  ];
  for (const [what, change, message] of corrupt) {
    it(`refuses ${what} with a ModelFormatError that says what is wrong`, () => {
      const json = JSON.parse(JSON.stringify(trained())) as Record<string, unknown>;
      const load = () => MLP.fromJSON(change(json));
      expect(load).toThrow(ModelFormatError);
      expect(load).toThrow(message);
    });
  }

  it("refuses text that is not JSON", () => {
    expect(() => MLP.fromJSON("{ not json")).toThrow(/the text is not JSON/);
  });
});

describe("parameters are a module's for life", () => {
  it("refuses a replaced bias, neuron or layer, so that a compiled step or an optimizer never trains Values the model no longer has", () => {
    const model = new MLP(2, [3, 1], { seed: 1 });
    const layer = model.layers[0]!;
    const neuron = layer.neurons[0]!;
    const other = new MLP(2, [3, 1], { seed: 2 });
    expect(() => ((neuron as { b: Value }).b = new Value(1))).toThrow(TypeError);
    expect(() => ((neuron.w as Value[])[0] = new Value(1))).toThrow(TypeError);
    expect(() => (layer.neurons[1] = other.layers[0]!.neurons[1]!)).toThrow(TypeError);
    expect(() => ((model as { layers: unknown }).layers = other.layers)).toThrow(TypeError);
    expect(() => model.layers.push(other.layers[1]!)).toThrow(TypeError);
    // Their numbers change as training needs.
    neuron.b.data = 0.5;
    expect(model.parameters()).toContain(neuron.b);
  });
});

describe('storage: "arrays"', () => {
  it("keeps the same parameters in one store, in parameters() order, with the same outputs and grads to the bit", () => {
    const plain = new MLP(3, [4, 4, 2], { activation: "tanh", seed: 7 });
    const stored = new MLP(3, [4, 4, 2], { activation: "tanh", seed: 7, storage: "arrays" });
    expect(plain.storage).toBe("values");
    expect(stored.storage).toBe("arrays");
    const params = stored.parameters();
    const store = storeOf(params);
    expect(store).not.toBeNull();
    expect(storeOf(plain.parameters())).toBeNull();
    expect(Array.from(store?.data ?? [])).toEqual(plain.parameters().map((p) => p.data));
    for (const model of [plain, stored]) {
      const [a, b] = model.forward([0.5, -1, 2]) as [Value, Value];
      a.mul(b).backward();
    }
    const same = (x: number[], y: number[]) => x.every((v, i) => Object.is(v, y[i]));
    expect(same(params.map((p) => p.grad), plain.parameters().map((p) => p.grad))).toBe(true);
    expect(same(Array.from(store?.grad ?? []), plain.parameters().map((p) => p.grad))).toBe(true);
  });

  it("loads a saved model into arrays, and refuses another storage", () => {
    const saved = JSON.stringify(new MLP(2, [3, 1], { seed: 4 }));
    const loaded = MLP.fromJSON(saved, { storage: "arrays" });
    expect(loaded.storage).toBe("arrays");
    expect(loaded.parameters().map((p) => p.data)).toEqual(MLP.fromJSON(saved).parameters().map((p) => p.data));
    expect(() => new MLP(2, [1], { storage: "tensor" as "arrays" })).toThrow('MLP(nin, nouts, options): storage must be "values" or "arrays", got "tensor"');
  });
});
