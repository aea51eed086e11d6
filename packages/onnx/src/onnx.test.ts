import { Random } from "@micrograd/engine";
import { MLP } from "@micrograd/nn";
import type { Activation } from "@micrograd/nn";
import * as ort from "onnxruntime-node";
import { describe, expect, it } from "vitest";
import onnxProto from "onnx-proto";
import { IR_VERSION, OPSET, inspectOnnx, toOnnx } from "./index.js";
import type { OnnxOptions } from "./index.js";
import pkg from "../package.json" with { type: "json" };

// Every exported model is run in ONNX Runtime (onnxruntime-node, its native CPU build) and
// compared with what micrograd computes for the same inputs.

const random = new Random(7);
const rows = (n: number, width: number) => Array.from({ length: n }, () => Array.from({ length: width }, () => random.uniform(-2, 2)));

async function run(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  return session.run(feeds);
}

const doubles = (xs: number[][]) => new ort.Tensor("float64", Float64Array.from(xs.flat()), [xs.length, (xs[0] as number[]).length]);
const forward = (model: MLP, xs: number[][]) => xs.map((x) => model.forward(x).map((v) => v.data));
const close = (actual: ArrayLike<number>, expected: number[]) => {
  expect(actual.length).toBe(expected.length);
  expected.forEach((e, i) => expect(Math.abs((actual[i] as number) - e)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(e))));
};

describe("toOnnx in ONNX Runtime", () => {
  for (const [activation, outputActivation] of [["relu", "linear"], ["tanh", "sigmoid"], ["sigmoid", "tanh"], ["linear", "relu"], ["leakyRelu", "linear"], ["silu", "leakyRelu"]] as [Activation, Activation][]) {
    it(`gives micrograd's outputs in float64 for ${activation} hidden layers and a ${outputActivation} output`, async () => {
      const model = new MLP(3, [5, 4, 2], { activation, outputActivation, seed: 3 });
      const xs = rows(9, 3);
      const out = await run(toOnnx(model), { input: doubles(xs) });
      expect(out.output?.type).toBe("float64");
      close(out.output?.data as Float64Array, forward(model, xs).flat());
    });
  }

  it("standardises number columns and one-hot encodes text columns inside the graph", async () => {
    const model = new MLP(4, [6, 3], { activation: "tanh", seed: 5 });
    const options: OnnxOptions = {
      features: [
        { name: "petal length", kind: "number", mean: 3.5, std: 1.25 },
        { name: "colour", kind: "category", categories: ["blue", "red", "white"] },
      ],
      head: { kind: "classes", loss: "crossEntropy", classes: ["iris", "rosa", "tulip"] },
    };
    const lengths = [1.5, 4.25, 6, 3.5];
    const colours = ["red", "blue", "white", "red"];
    const out = await run(toOnnx(model, options), {
      "petal length": new ort.Tensor("float64", Float64Array.from(lengths), [4, 1]),
      colour: new ort.Tensor("string", colours, [4, 1]),
    });
    const expected = forward(model, lengths.map((l, i) => [(l - 3.5) / 1.25, ...["blue", "red", "white"].map((c) => (c === colours[i] ? 1 : 0))]));
    close(out.scores?.data as Float64Array, expected.flat());
    const softmax = expected.map((z) => z.map((v) => Math.exp(v - Math.max(...z)) / z.reduce((s, u) => s + Math.exp(u - Math.max(...z)), 0)));
    close(out.probabilities?.data as Float64Array, softmax.flat());
    expect(out.label?.data).toEqual(expected.map((z) => ["iris", "rosa", "tulip"][z.indexOf(Math.max(...z))]));
  });

  it("labels binary models by the side of 0 (of 0.5 for probabilities) with [1 - p, p]", async () => {
    const xs = rows(12, 2);
    for (const loss of ["bceWithLogits", "bce", "hinge"] as const) {
      const model = new MLP(2, [4, 1], { activation: "relu", outputActivation: loss === "bce" ? "sigmoid" : "linear", seed: 11 });
      const out = await run(toOnnx(model, { head: { kind: "classes", loss, classes: ["no", "yes"] } }), { input: doubles(xs) });
      const scores = forward(model, xs).map((o) => o[0] as number);
      const threshold = loss === "bce" ? 0.5 : 0;
      expect(out.label?.data, loss).toEqual(scores.map((s) => (s > threshold ? "yes" : "no")));
      if (loss === "hinge") expect(out.probabilities).toBeUndefined();
      else {
        const p = scores.map((s) => (loss === "bce" ? s : 1 / (1 + Math.exp(-s))));
        close(out.probabilities?.data as Float64Array, p.flatMap((q) => [1 - q, q]));
      }
    }
  });

  it("gives a regressor's prediction in the target's own units", async () => {
    const model = new MLP(2, [5, 1], { activation: "tanh", seed: 2 });
    const xs = rows(6, 2);
    const out = await run(toOnnx(model, { head: { kind: "regression", mean: 120.5, std: 14.25 } }), { input: doubles(xs) });
    close(out.label?.data as Float64Array, forward(model, xs).map((o) => (o[0] as number) * 14.25 + 120.5));
  });

  it("fails in ONNX Runtime, as micrograd predict does, on a text value never seen in training", async () => {
    const model = new MLP(2, [1], { seed: 1 });
    const bytes = toOnnx(model, { features: [{ name: "colour", kind: "category", categories: ["blue", "red"] }] });
    await expect(run(bytes, { colour: new ort.Tensor("string", ["green"], [1, 1]) })).rejects.toThrow();
    const ok = await run(bytes, { colour: new ort.Tensor("string", ["red"], [1, 1]) });
    close(ok.output?.data as Float64Array, forward(model, [[0, 1]]).flat());
  });

  it("gives bytes in a buffer of their own, safe to transfer to another thread", () => {
    const bytes = toOnnx(new MLP(2, [1], { seed: 1 }));
    expect(bytes.byteOffset).toBe(0);
    expect(bytes.buffer.byteLength).toBe(bytes.byteLength);
  });

  it("states its opset, producer and names in the model", () => {
    const info = inspectOnnx(toOnnx(new MLP(2, [3, 3], { seed: 1 }), { head: { kind: "classes", loss: "crossEntropy", classes: ["a", "b", "c"] } }));
    expect(info.irVersion).toBe(IR_VERSION);
    expect(info.opsets).toEqual([{ domain: "", version: OPSET }, { domain: "ai.onnx.ml", version: 2 }]);
    expect(info.producerName).toBe("micrograd-ts");
    expect(info.producerVersion).toBe(pkg.version);
    expect(info.metadata).toMatchObject({ inputs: '["input"]', outputs: '["label","probabilities","scores"]', classes: '["a","b","c"]', loss: "crossEntropy" });
    expect(info.inputs).toEqual(["input"]);
    expect(info.outputs).toEqual(["scores", "label", "probabilities"]);
  });
});

describe("the file's bytes against the published ONNX schema", () => {
  // onnx-proto (protobufjs, generated from onnx.proto) decodes each file and encodes it again: the
  // same bytes mean every field has the schema's number, wire type and packing, nothing unknown.
  const { onnx } = onnxProto;
  const models: [string, Uint8Array][] = [
    ["a raw head", toOnnx(new MLP(3, [5, 2], { activation: "silu", seed: 2 }), { name: "ünïcode ✓", description: "a description" })],
    ["columns with fills and a classes head", toOnnx(new MLP(4, [3, 1], { seed: 4 }), {
      features: [
        { name: "size", kind: "number", mean: -1.5, std: 1e-300, fill: -0 },
        { name: "colour", kind: "category", categories: ["blue", "red", "green"], fill: "red", missing: ["", "?"], unknown: "ignore" },
      ],
      head: { kind: "classes", loss: "bceWithLogits", classes: ["no", "yes"], threshold: 0.25 },
    })],
    ["a regression head", toOnnx(new MLP(2, [1], { seed: 6 }), { head: { kind: "regression", mean: 1e300, std: Number.MIN_VALUE } })],
  ];
  it.each(models)("%s: re-encoded by onnx-proto to the same bytes", (_, bytes) => {
    const decoded = onnx.ModelProto.decode(bytes);
    expect(onnx.ModelProto.verify(decoded)).toBeNull();
    expect(Buffer.from(onnx.ModelProto.encode(decoded).finish()).equals(Buffer.from(bytes))).toBe(true);
  });

  it("writes weights as exact doubles and negative int64s as two's complement", () => {
    const model = new MLP(2, [1], { seed: 6 });
    const decoded = onnx.ModelProto.decode(toOnnx(model, { head: { kind: "regression" } }));
    const initializers = decoded.graph?.initializer ?? [];
    const weights = initializers.find((t) => (t.dims ?? []).map(Number).join() === "1,2");
    expect(weights?.doubleData).toEqual(model.layers[0]!.neurons[0]!.w.map((w) => w.data));
    expect(initializers.some((t) => t.int64Data?.length === 1 && Number(t.int64Data[0]) === -1)).toBe(true);
  });

  it("refuses bytes that are not a protobuf message, saying where", () => {
    expect(() => inspectOnnx(Uint8Array.of(0x0a, 0x05, 0x41))).toThrow(/field 1 at byte 2 claims 5 bytes, past the end/);
    expect(() => inspectOnnx(Uint8Array.of(0x0f))).toThrow(/wire type 7/);
    expect(() => inspectOnnx(new Uint8Array(0))).toThrow("these 0 bytes hold no ONNX graph");
    expect(() => inspectOnnx(new TextEncoder().encode("{\"format\": 1}"))).toThrow(RangeError);
  });
});

describe("toOnnx refuses what it cannot express, with a clear error and no file", () => {
  const model = () => new MLP(2, [3, 1], { seed: 1 });
  it.each([
    ["not a model", () => toOnnx({} as MLP), TypeError, "model must be an MLP"],
    ["an unknown activation", () => {
      const m = model();
      (m.layers[0]!.neurons[0] as unknown as { activation: string }).activation = "swish";
      return toOnnx(m);
    }, TypeError, 'layer 0 uses the activation "swish"'],
    ["GELU, whose Erf ONNX Runtime has only in float32", () => toOnnx(new MLP(2, [3, 1], { activation: "gelu", seed: 1 })), TypeError,
      'layer 0 uses the activation "gelu": GELU needs Erf, which ONNX Runtime has only in float32'],
    ["a NaN weight (a corrupt or diverged model)", () => {
      const m = model();
      m.parameters()[2]!.data = NaN;
      return toOnnx(m);
    }, RangeError, "layer 0 has a parameter that is not finite (NaN)"],
    ["features that do not fit the network", () => toOnnx(model(), { features: [{ name: "a", kind: "number" }] }), RangeError, "the features make 1 inputs but the network takes 2"],
    ["classes that do not fit the network", () => toOnnx(model(), { head: { kind: "classes", loss: "crossEntropy", classes: ["a", "b"] } }), RangeError, "the network has 1 outputs but a crossEntropy head over 2 classes needs 2"],
    ["a zero standard deviation", () => toOnnx(model(), { features: [{ name: "a", kind: "number", std: 0 }, { name: "b", kind: "number" }] }), RangeError, "features[0].std must be a finite number > 0"],
    ["a repeated column name", () => toOnnx(model(), { features: [{ name: "a", kind: "number" }, { name: "a", kind: "number" }] }), RangeError, "features[1].name must be a distinct non-empty name"],
  ])("%s", (_, make, type, message) => {
    expect(make).toThrow(type);
    expect(make).toThrow(message);
  });
});
