import type { MLP } from "@micrograd/nn";
import pkg from "../package.json" with { type: "json" };
import { DOUBLE, GraphBuilder, INT64, STRING, encodeModel } from "./graph.js";

/** The ONNX operator set the exported graphs use (ONNX 1.10), and that of `ai.onnx.ml`. */
export const OPSET = 15;
export const ML_OPSET = 2;
/** The ONNX IR version of the files. */
export const IR_VERSION = 8;

/**
 * One input column of an exported model. A number column is a `double [N, 1]` input,
 * standardised inside the graph as `(x - mean) / std`, a NaN read as `fill` when given
 * (`IsNaN` and `Where`). A text column is a `string [N, 1]` input, one-hot encoded over
 * `categories` in their order; a value in `missing` is read as `fill` when given (an
 * `ai.onnx.ml` LabelEncoder); an unknown value makes ONNX Runtime fail (`unknown: "error"`, the
 * default, as `micrograd predict` does) or encodes as all zeros (`"ignore"`).
 */
export type OnnxFeature =
  | { name: string; kind: "number"; mean?: number; std?: number; fill?: number }
  | { name: string; kind: "category"; categories: readonly string[]; fill?: string; missing?: readonly string[]; unknown?: "error" | "ignore" };

/**
 * What the exported model's outputs mean.
 * - `raw` (default): `output`, the network's outputs `double [N, outputs]`.
 * - `classes`: `label`, the class name `string [N]`, and — where the loss defines them —
 *   `probabilities`, `double [N, classes]`: the softmax for `crossEntropy`, `[1 - p, p]` for
 *   `bce` (the output is p) and `bceWithLogits` (p = sigmoid of the output); `hinge` has none.
 *   The class is the argmax, or for one output the side of 0 (of 0.5 for `bce`) — or, with a
 *   `threshold` (`bce` and `bceWithLogits`), whether the probability of the second class is above it.
 * - `regression`: `label`, `double [N]`, the output in the target's own units: `output·std + mean`.
 * Every head also gives `scores`, the network's raw outputs.
 */
export type OnnxHead =
  | { kind: "raw" }
  | { kind: "classes"; loss: "crossEntropy" | "bce" | "bceWithLogits" | "hinge"; classes: readonly string[]; threshold?: number }
  | { kind: "regression"; mean?: number; std?: number };

/** Options for {@link toOnnx}. */
export interface OnnxOptions {
  /** The input columns, in the order the network reads them; default one input `input`, `double [N, nin]`. */
  features?: readonly OnnxFeature[];
  /** What the outputs mean; default `{ kind: "raw" }`. */
  head?: OnnxHead;
  /** The graph's name; default `"micrograd"`. */
  name?: string;
  /** A description stored in the model. */
  description?: string;
}

/** How each activation is written in ONNX nodes, as the engine computes it. */
const ACTIVATIONS: Record<string, (g: GraphBuilder, x: string) => string> = {
  relu: (g, x) => g.node("Relu", [x]),
  tanh: (g, x) => g.node("Tanh", [x]),
  sigmoid: (g, x) => g.node("Sigmoid", [x]),
  linear: (_g, x) => x,
  // max(x, 0.01·x): the engine's leakyRelu() in double, where LeakyRelu's alpha is a float32.
  leakyRelu: (g, x) => g.node("Max", [x, g.node("Mul", [x, g.doubles([0.01], [])])]),
  // x / (1 + e^-x), the engine's formula; ONNX Runtime fuses x·Sigmoid(x) into a float32-only QuickGelu.
  silu: (g, x) => g.node("Div", [x, g.node("Add", [g.doubles([1], []), g.node("Exp", [g.node("Neg", [x])])])]),
};

/**
 * Activations the export refuses, and why. GELU needs `Erf` (opset 15 has no Gelu node), which
 * ONNX Runtime implements for float32 only: a double graph would not load, and a float32 one
 * would not give micrograd's numbers.
 */
const REFUSED: Record<string, string> = {
  gelu: "GELU needs Erf, which ONNX Runtime has only in float32, so the file could not give micrograd's float64 numbers; train with silu or leakyRelu to export",
};

/** `x` through `activation`. */
function activation(g: GraphBuilder, name: string, x: string): string {
  return (ACTIVATIONS[name] as (g: GraphBuilder, x: string) => string)(g, x);
}

/**
 * The MLP as an ONNX model, in float64 (`double`) so that ONNX Runtime computes what micrograd
 * computes: each layer one `Gemm` (weights as saved, `transB`) and its activation, with the
 * preprocessing of `features` and the head's outputs inside the graph. Opset {@link OPSET}
 * (and `ai.onnx.ml` {@link ML_OPSET} when text columns or class names need it), IR version
 * {@link IR_VERSION}; producer name and version, input and output names and class names are in
 * the model's metadata.
 *
 * @throws TypeError if `model` is not an MLP, or uses an activation ONNX cannot express here.
 * @throws RangeError for a corrupt model (a non-finite parameter) or options that do not fit it.
 * @example
 * writeFileSync("model.onnx", toOnnx(model, { head: { kind: "classes", loss: "crossEntropy", classes: ["a", "b", "c"] } }));
 */
export function toOnnx(model: MLP, options: OnnxOptions = {}): Uint8Array {
  const layers = checkModel(model);
  const nin = (layers[0] as Layer).nin;
  const nout = (layers.at(-1) as Layer).nout;
  const head = options.head ?? { kind: "raw" };
  checkHead(head, nout);
  const g = new GraphBuilder();
  const features = options.features ?? null;
  let x = features === null ? g.input("input", DOUBLE, nin) : preprocess(g, features, nin);
  for (const layer of layers) {
    x = g.node("Gemm", [x, g.doubles(layer.weights, [layer.nout, layer.nin]), g.doubles(layer.biases, [layer.nout])], { transB: { kind: "int", value: 1 } });
    x = activation(g, layer.activation, x);
  }
  const outputs = addHead(g, head, x, nout);
  const inputNames = features === null ? ["input"] : features.map((f) => f.name);
  const metadata: Record<string, string> = {
    format: "micrograd-ts/onnx",
    inputs: JSON.stringify(inputNames),
    outputs: JSON.stringify(outputs),
    head: head.kind,
  };
  if (head.kind === "classes") {
    metadata.classes = JSON.stringify(head.classes);
    metadata.loss = head.loss;
  }
  const opsets = [{ domain: "", version: OPSET }];
  if (g.usesMl) opsets.push({ domain: "ai.onnx.ml", version: ML_OPSET });
  return encodeModel({
    irVersion: IR_VERSION,
    opsets,
    producerName: "micrograd-ts",
    producerVersion: pkg.version,
    docString: options.description ?? "",
    graph: g.graph(options.name ?? "micrograd", options.description ?? ""),
    metadata: Object.entries(metadata),
  });
}

/** One layer, as the graph needs it. */
interface Layer {
  nin: number;
  nout: number;
  activation: string;
  /** Row-major `[nout, nin]`: neuron by neuron, its weights in input order. */
  weights: number[];
  biases: number[];
}

/** The model's layers, checked: an MLP with finite parameters and activations ONNX can express. */
function checkModel(model: MLP): Layer[] {
  const given = model as unknown as { layers?: unknown };
  if (typeof given !== "object" || given === null || !Array.isArray(given.layers) || given.layers.length === 0) {
    throw new TypeError(`toOnnx(model): model must be an MLP from @micrograd/nn, got ${typeof model === "object" ? "an object without layers" : String(model)}`);
  }
  return model.layers.map((layer, l) => {
    const activation = (layer.neurons[0] as { activation: string }).activation;
    if (activation in REFUSED) throw new TypeError(`toOnnx(model): layer ${l} uses the activation ${JSON.stringify(activation)}: ${REFUSED[activation]}`);
    if (!(activation in ACTIVATIONS)) {
      throw new TypeError(`toOnnx(model): layer ${l} uses the activation ${JSON.stringify(activation)}, which the ONNX export does not support (${Object.keys(ACTIVATIONS).join(", ")})`);
    }
    const weights = layer.neurons.flatMap((n) => n.w.map((w) => w.data));
    const biases = layer.neurons.map((n) => n.b.data);
    const bad = [...weights, ...biases].findIndex((p) => !Number.isFinite(p));
    if (bad >= 0) throw new RangeError(`toOnnx(model): layer ${l} has a parameter that is not finite (${[...weights, ...biases][bad]}); the model is corrupt or training diverged`);
    return { nin: layer.nin, nout: layer.neurons.length, activation, weights, biases };
  });
}

function checkHead(head: OnnxHead, nout: number): void {
  if (head.kind === "classes") {
    const { classes, loss } = head;
    if (!Array.isArray(classes) || classes.some((c) => typeof c !== "string") || new Set(classes).size !== classes.length || classes.length < 2) {
      throw new RangeError(`toOnnx: head.classes must be two or more distinct class names, got ${JSON.stringify(classes)}`);
    }
    const expected = loss === "crossEntropy" ? classes.length : 1;
    if (!["crossEntropy", "bce", "bceWithLogits", "hinge"].includes(loss)) throw new TypeError(`toOnnx: head.loss ${JSON.stringify(loss)} does not define classes`);
    if (loss !== "crossEntropy" && classes.length !== 2) throw new RangeError(`toOnnx: a ${loss} model has two classes, got ${classes.length}`);
    if (nout !== expected) throw new RangeError(`toOnnx: the network has ${nout} outputs but a ${loss} head over ${classes.length} classes needs ${expected}`);
    const { threshold } = head;
    if (threshold !== undefined && (loss === "crossEntropy" || loss === "hinge" || !(threshold > 0 && threshold < 1))) {
      throw new RangeError(`toOnnx: head.threshold must be a probability between 0 and 1 (exclusive), for a bce or bceWithLogits head; got ${threshold} for ${loss}`);
    }
  } else if (head.kind === "regression") {
    if (nout !== 1) throw new RangeError(`toOnnx: a regression head needs a network with 1 output, this one has ${nout}`);
    checkScale("head", head.mean, head.std);
  } else if (head.kind !== "raw") {
    throw new TypeError(`toOnnx: head.kind must be "raw", "classes" or "regression", got ${JSON.stringify((head as { kind: unknown }).kind)}`);
  }
}

function checkScale(where: string, mean: number | undefined, std: number | undefined): void {
  if (mean !== undefined && !Number.isFinite(mean)) throw new RangeError(`toOnnx: ${where}.mean must be a finite number, got ${mean}`);
  if (std !== undefined && !(Number.isFinite(std) && std > 0)) throw new RangeError(`toOnnx: ${where}.std must be a finite number > 0, got ${std}`);
}

/** One input per feature column, standardised or one-hot encoded, concatenated to `[N, nin]`. */
function preprocess(g: GraphBuilder, features: readonly OnnxFeature[], nin: number): string {
  const names = new Set<string>();
  let width = 0;
  const parts = features.map((f, i) => {
    if (typeof f.name !== "string" || f.name === "" || names.has(f.name) || f.name.startsWith("mg_")) {
      throw new RangeError(`toOnnx: features[${i}].name must be a distinct non-empty name not starting with "mg_", got ${JSON.stringify(f.name)}`);
    }
    names.add(f.name);
    if (f.kind === "number") {
      checkScale(`features[${i}]`, f.mean, f.std);
      width += 1;
      let x = g.input(f.name, DOUBLE, 1);
      if (f.fill !== undefined) {
        if (!Number.isFinite(f.fill)) throw new RangeError(`toOnnx: features[${i}].fill must be a finite number, got ${f.fill}`);
        x = g.node("Where", [g.node("IsNaN", [x]), g.doubles([f.fill], [1]), x]);
      }
      return g.node("Div", [g.node("Sub", [x, g.doubles([f.mean ?? 0], [1])]), g.doubles([f.std ?? 1], [1])]);
    }
    if (f.kind !== "category") throw new TypeError(`toOnnx: features[${i}].kind must be "number" or "category"`);
    const categories = f.categories;
    if (!Array.isArray(categories) || categories.length === 0 || categories.some((c) => typeof c !== "string") || new Set(categories).size !== categories.length) {
      throw new RangeError(`toOnnx: features[${i}].categories must be distinct strings, at least one, got ${JSON.stringify(categories)}`);
    }
    width += categories.length;
    let x = g.input(f.name, STRING, 1);
    if (f.fill !== undefined) x = fillMissingText(g, x, categories, f.fill, f.missing ?? [], i);
    // OneHotEncoder gives float [N, 1, k]; zeros = 0 makes an unknown category an error, 1 all zeros.
    const zeros = f.unknown === "ignore" ? 1 : 0;
    const hot = g.node("OneHotEncoder", [x], { cats_strings: { kind: "strings", value: categories }, zeros: { kind: "int", value: zeros } }, true);
    return g.node("Reshape", [g.node("Cast", [hot], { to: { kind: "int", value: DOUBLE } }), g.int64s([-1, categories.length], [2])]);
  });
  if (width !== nin) throw new RangeError(`toOnnx: the features make ${width} inputs but the network takes ${nin}`);
  return parts.length === 1 ? (parts[0] as string) : g.node("Concat", parts, { axis: { kind: "int", value: 1 } });
}

/**
 * A text input with each `missing` marker read as `fill`: a LabelEncoder that maps every known
 * category to itself and every marker to `fill`; anything else becomes a value no category has
 * (`mg_unknown`), which the one-hot encoder then treats as unknown.
 */
function fillMissingText(g: GraphBuilder, x: string, categories: readonly string[], fill: string, missing: readonly string[], i: number): string {
  if (!categories.includes(fill)) throw new RangeError(`toOnnx: features[${i}].fill must be one of its categories, got ${JSON.stringify(fill)}`);
  const markers = [...new Set(missing)].filter((m) => !categories.includes(m));
  return g.node("LabelEncoder", [x], {
    keys_strings: { kind: "strings", value: [...categories, ...markers] },
    values_strings: { kind: "strings", value: [...categories, ...markers.map(() => fill)] },
    default_string: { kind: "string", value: "mg_unknown" },
  }, true);
}

/** The head's outputs from the network's outputs `scores`; returns their names. */
function addHead(g: GraphBuilder, head: OnnxHead, scores: string, nout: number): string[] {
  if (head.kind === "raw") {
    g.output(g.rename(scores, "output"), DOUBLE, [null, nout]);
    return ["output"];
  }
  g.output(g.rename(scores, "scores"), DOUBLE, [null, nout]);
  if (head.kind === "regression") {
    const value = g.node("Add", [g.node("Mul", [scores, g.doubles([head.std ?? 1], [1])]), g.doubles([head.mean ?? 0], [1])]);
    g.output(g.rename(g.node("Reshape", [value, g.int64s([-1], [1])]), "label"), DOUBLE, [null]);
    return ["label", "scores"];
  }
  const { loss, classes } = head;
  let index: string;
  let probabilities: string | null = null;
  if (loss === "crossEntropy") {
    index = g.node("ArgMax", [scores], { axis: { kind: "int", value: 1 }, keepdims: { kind: "int", value: 0 } });
    probabilities = g.node("Softmax", [scores], { axis: { kind: "int", value: 1 } });
  } else {
    const p = loss === "bce" ? scores : loss === "bceWithLogits" ? g.node("Sigmoid", [scores]) : null;
    const side = head.threshold === undefined || p === null
      ? g.node("Greater", [scores, g.doubles([loss === "bce" ? 0.5 : 0], [1])])
      : g.node("Greater", [p, g.doubles([head.threshold], [1])]);
    const positive = g.node("Cast", [side], { to: { kind: "int", value: INT64 } });
    index = g.node("Reshape", [positive, g.int64s([-1], [1])]);
    if (p !== null) probabilities = g.node("Concat", [g.node("Sub", [g.doubles([1], [1]), p]), p], { axis: { kind: "int", value: 1 } });
  }
  const label = g.node("LabelEncoder", [index], {
    keys_int64s: { kind: "ints", value: classes.map((_, k) => k) },
    values_strings: { kind: "strings", value: classes },
  }, true);
  g.output(g.rename(label, "label"), STRING, [null]);
  if (probabilities === null) return ["label", "scores"];
  g.output(g.rename(probabilities, "probabilities"), DOUBLE, [null, classes.length]);
  return ["label", "probabilities", "scores"];
}
