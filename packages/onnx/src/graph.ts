import { ProtoWriter, readFields, utf8 } from "./protobuf.js";
import type { ProtoField } from "./protobuf.js";

/** ONNX element types used here (`TensorProto.DataType` in onnx.proto). */
export const DOUBLE = 11;
export const STRING = 8;
export const INT64 = 7;

/** `AttributeProto.AttributeType` values of the attributes written here. */
const ATTRIBUTE_TYPE = { int: 2, string: 3, ints: 7, strings: 8 } as const;

/** An attribute value: an integer, a list of them, a string or strings. */
type Attribute =
  | { kind: "int"; value: number }
  | { kind: "ints"; value: readonly number[] }
  | { kind: "string"; value: string }
  | { kind: "strings"; value: readonly string[] };

interface Node {
  op: string;
  domain: string;
  name: string;
  inputs: readonly string[];
  outputs: readonly string[];
  attributes: readonly [string, Attribute][];
}

interface Tensor {
  name: string;
  type: typeof DOUBLE | typeof INT64;
  dims: readonly number[];
  values: readonly number[];
}

interface ValueInfo {
  name: string;
  type: number;
  /** A dimension's size, or `null` for the batch (the symbolic dimension `N`). */
  shape: readonly (number | null)[];
}

/** A whole model as {@link encodeModel} writes it. */
export interface Model {
  irVersion: number;
  opsets: readonly { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  docString: string;
  graph: Graph;
  metadata: readonly [string, string][];
}

/** One graph, as {@link GraphBuilder.graph} gives it. */
export interface Graph {
  name: string;
  docString: string;
  nodes: readonly Node[];
  initializers: readonly Tensor[];
  inputs: readonly ValueInfo[];
  outputs: readonly ValueInfo[];
}

/**
 * Builds one ONNX graph: inputs, outputs, constant tensors and nodes, each value named once.
 * Names are generated from a prefix and a counter, so they never collide with user names.
 */
export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly initializers: Tensor[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private counter = 0;
  /** Whether a node of the `ai.onnx.ml` domain was used, so the model must import it. */
  usesMl = false;

  /** A fresh internal value name. */
  fresh(prefix: string): string {
    this.counter += 1;
    return `mg_${prefix}_${this.counter}`;
  }

  /** Declares a graph input of element type `type` and shape `[N, width]`. */
  input(name: string, type: number, width: number): string {
    this.inputs.push({ name, type, shape: [null, width] });
    return name;
  }

  /** Declares `value` a graph output of element type `type` and the given shape (`null` for the batch). */
  output(value: string, type: number, shape: readonly (number | null)[]): void {
    this.outputs.push({ name: value, type, shape });
  }

  /** A double constant of shape `dims`, row-major. */
  doubles(values: readonly number[], dims: readonly number[]): string {
    const name = this.fresh("const");
    this.initializers.push({ name, type: DOUBLE, dims, values });
    return name;
  }

  /** An int64 constant of shape `dims`. */
  int64s(values: readonly number[], dims: readonly number[]): string {
    const name = this.fresh("const");
    this.initializers.push({ name, type: INT64, dims, values });
    return name;
  }

  /** Adds a node of `op` (in the `ai.onnx.ml` domain when `ml`) and returns the name of its first output. */
  node(op: string, inputs: readonly string[], attributes: Record<string, Attribute> = {}, ml = false): string {
    const out = this.fresh(op.toLowerCase());
    this.nodes.push({ op, domain: ml ? "ai.onnx.ml" : "", name: `${out}_node`, inputs, outputs: [out], attributes: Object.entries(attributes) });
    if (ml) this.usesMl = true;
    return out;
  }

  /** Passes `value` on under the name `name` (for outputs with fixed names). */
  rename(value: string, name: string): string {
    this.nodes.push({ op: "Identity", domain: "", name: `${name}_identity`, inputs: [value], outputs: [name], attributes: [] });
    return name;
  }

  /** The finished graph. */
  graph(name: string, docString: string): Graph {
    return { name, docString, nodes: this.nodes, initializers: this.initializers, inputs: this.inputs, outputs: this.outputs };
  }
}

/*
 * The field numbers below are those of onnx.proto (ModelProto, GraphProto, NodeProto…), written
 * in field order, as protobuf's own encoders do.
 */

/** The model as ONNX bytes (a serialised `ModelProto`), in a buffer of their own. */
export function encodeModel(model: Model): Uint8Array {
  const w = new ProtoWriter()
    .int(1, model.irVersion)
    .string(2, model.producerName)
    .string(3, model.producerVersion)
    .string(6, model.docString)
    .message(7, (g) => writeGraph(g, model.graph));
  for (const { domain, version } of model.opsets) w.message(8, (o) => o.string(1, domain).int(2, version));
  for (const [key, value] of model.metadata) w.message(14, (m) => m.string(1, key).string(2, value));
  return w.finish();
}

function writeGraph(w: ProtoWriter, graph: Graph): void {
  for (const node of graph.nodes) w.message(1, (n) => writeNode(n, node));
  w.string(2, graph.name);
  for (const tensor of graph.initializers) w.message(5, (t) => writeTensor(t, tensor));
  w.string(10, graph.docString);
  for (const input of graph.inputs) w.message(11, (v) => writeValueInfo(v, input));
  for (const output of graph.outputs) w.message(12, (v) => writeValueInfo(v, output));
}

function writeNode(w: ProtoWriter, node: Node): void {
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  w.string(3, node.name).string(4, node.op);
  for (const [name, a] of node.attributes) w.message(5, (at) => writeAttribute(at, name, a));
  w.string(7, node.domain);
}

function writeAttribute(w: ProtoWriter, name: string, a: Attribute): void {
  w.string(1, name);
  if (a.kind === "int") w.int(3, a.value);
  else if (a.kind === "string") w.string(4, a.value);
  else if (a.kind === "ints") w.packedInts(8, a.value);
  else for (const s of a.value) w.string(9, s);
  w.int(20, ATTRIBUTE_TYPE[a.kind]);
}

function writeTensor(w: ProtoWriter, tensor: Tensor): void {
  w.packedInts(1, tensor.dims).int(2, tensor.type);
  if (tensor.type === INT64) w.packedInts(7, tensor.values);
  w.string(8, tensor.name);
  if (tensor.type === DOUBLE) w.packedDoubles(10, tensor.values);
}

function writeValueInfo(w: ProtoWriter, info: ValueInfo): void {
  w.string(1, info.name).message(2, (type) =>
    type.message(1, (tensor) =>
      tensor.int(1, info.type).message(2, (shape) => {
        for (const d of info.shape) shape.message(1, (dim) => (d === null ? dim.string(2, "N") : dim.int(1, d)));
      })));
}

/** What {@link inspectOnnx} reads from an ONNX file: enough to check it against what a program expects. */
export interface OnnxInfo {
  /** The ONNX IR version. */
  irVersion: number;
  /** The operator sets imported, in the file's order (`""` is the default ONNX domain). */
  opsets: { domain: string; version: number }[];
  producerName: string;
  producerVersion: string;
  /** The graph's input names, in order. */
  inputs: string[];
  /** The graph's output names, in order: the order ONNX Runtime returns them in. */
  outputs: string[];
  /** The model's `metadata_props`. */
  metadata: Record<string, string>;
}

/**
 * Reads the names, versions and metadata of an ONNX model (any producer's), without loading its
 * weights into anything: for tools and tests that check a file before they use it.
 *
 * @throws RangeError if `bytes` is not a well-formed protobuf message holding an ONNX graph.
 * @example
 * inspectOnnx(readFileSync("model.onnx")).outputs; // ["scores", "label", "probabilities"]
 */
export function inspectOnnx(bytes: Uint8Array): OnnxInfo {
  const info: OnnxInfo = { irVersion: 0, opsets: [], producerName: "", producerVersion: "", inputs: [], outputs: [], metadata: {} };
  const fields = readFields(bytes);
  if (!fields.some((f) => f.field === 7 && "bytes" in f)) {
    throw new RangeError(`inspectOnnx: these ${bytes.length} bytes hold no ONNX graph (a ModelProto's field 7); is it an ONNX model file?`);
  }
  for (const f of fields) {
    if (f.field === 1 && "value" in f) info.irVersion = f.value;
    else if (f.field === 2 && "bytes" in f) info.producerName = utf8(f.bytes);
    else if (f.field === 3 && "bytes" in f) info.producerVersion = utf8(f.bytes);
    else if (f.field === 8 && "bytes" in f) {
      const fields = readFields(f.bytes);
      info.opsets.push({ domain: stringOf(fields, 1), version: numberOf(fields, 2) });
    } else if (f.field === 14 && "bytes" in f) {
      const fields = readFields(f.bytes);
      info.metadata[stringOf(fields, 1)] = stringOf(fields, 2);
    } else if (f.field === 7 && "bytes" in f) {
      for (const g of readFields(f.bytes)) {
        if (!("bytes" in g) || (g.field !== 11 && g.field !== 12)) continue;
        (g.field === 11 ? info.inputs : info.outputs).push(stringOf(readFields(g.bytes), 1));
      }
    }
  }
  return info;
}

function stringOf(fields: ProtoField[], field: number): string {
  const f = fields.find((x) => x.field === field && "bytes" in x);
  return f && "bytes" in f ? utf8(f.bytes) : "";
}

function numberOf(fields: ProtoField[], field: number): number {
  const f = fields.find((x) => x.field === field && "value" in x);
  return f && "value" in f ? f.value : 0;
}
