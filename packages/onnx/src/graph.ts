import onnxProto from "onnx-proto";
import type { onnx as Onnx } from "onnx-proto";

// onnx-proto is CommonJS: its namespace comes as the default export.
const { onnx } = onnxProto;

/** ONNX element types used here (`onnx.TensorProto.DataType`). */
export const DOUBLE = onnx.TensorProto.DataType.DOUBLE;
export const STRING = onnx.TensorProto.DataType.STRING;
export const INT64 = onnx.TensorProto.DataType.INT64;

const text = new TextEncoder();

/** An attribute value: a number (int or float by `kind`), a list of them, a string or strings. */
type Attribute =
  | { kind: "int"; value: number }
  | { kind: "ints"; value: readonly number[] }
  | { kind: "floats"; value: readonly number[] }
  | { kind: "string"; value: string }
  | { kind: "strings"; value: readonly string[] };

/**
 * Builds one ONNX graph: inputs, outputs, constant tensors and nodes, each value named once.
 * Names are generated from a prefix and a counter, so they never collide with user names.
 */
export class GraphBuilder {
  private readonly nodes: Onnx.INodeProto[] = [];
  private readonly initializers: Onnx.ITensorProto[] = [];
  private readonly inputs: Onnx.IValueInfoProto[] = [];
  private readonly outputs: Onnx.IValueInfoProto[] = [];
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
    this.inputs.push(valueInfo(name, type, [null, width]));
    return name;
  }

  /** Declares `value` a graph output of element type `type` and the given shape (`null` for the batch). */
  output(value: string, type: number, shape: readonly (number | null)[]): void {
    this.outputs.push(valueInfo(value, type, shape));
  }

  /** A double constant of shape `dims`, row-major. */
  doubles(values: readonly number[], dims: readonly number[]): string {
    const name = this.fresh("const");
    this.initializers.push({ name, dataType: DOUBLE, dims: [...dims], doubleData: [...values] });
    return name;
  }

  /** An int64 constant of shape `dims`. */
  int64s(values: readonly number[], dims: readonly number[]): string {
    const name = this.fresh("const");
    this.initializers.push({ name, dataType: INT64, dims: [...dims], int64Data: [...values] });
    return name;
  }

  /** Adds a node of `op` (in the `ai.onnx.ml` domain when `ml`) and returns the name of its first output. */
  node(op: string, inputs: readonly string[], attributes: Record<string, Attribute> = {}, ml = false): string {
    const out = this.fresh(op.toLowerCase());
    this.nodes.push({
      opType: op,
      domain: ml ? "ai.onnx.ml" : "",
      name: `${out}_node`,
      input: [...inputs],
      output: [out],
      attribute: Object.entries(attributes).map(([name, a]) => attribute(name, a)),
    });
    if (ml) this.usesMl = true;
    return out;
  }

  /** Passes `value` on under the name `name` (for outputs with fixed names). */
  rename(value: string, name: string): string {
    this.nodes.push({ opType: "Identity", domain: "", name: `${name}_identity`, input: [value], output: [name] });
    return name;
  }

  /** The finished graph. */
  graph(name: string, doc: string): Onnx.IGraphProto {
    return { name, docString: doc, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs };
  }
}

function valueInfo(name: string, type: number, shape: readonly (number | null)[]): Onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType: type, shape: { dim: shape.map((d) => (d === null ? { dimParam: "N" } : { dimValue: d })) } } },
  };
}

function attribute(name: string, a: Attribute): Onnx.IAttributeProto {
  const { AttributeType } = onnx.AttributeProto;
  switch (a.kind) {
    case "int":
      return { name, type: AttributeType.INT, i: a.value };
    case "ints":
      return { name, type: AttributeType.INTS, ints: [...a.value] };
    case "floats":
      return { name, type: AttributeType.FLOATS, floats: [...a.value] };
    case "string":
      return { name, type: AttributeType.STRING, s: text.encode(a.value) };
    case "strings":
      return { name, type: AttributeType.STRINGS, strings: a.value.map((s) => text.encode(s)) };
  }
}

/**
 * Encodes a model proto to bytes with the published ONNX schema, in a buffer of their own:
 * protobufjs may hand out a view of a pooled buffer (a Node Buffer in Node), which a `postMessage`
 * transfer would detach.
 */
export function encodeModel(model: Onnx.IModelProto): Uint8Array {
  return new Uint8Array(onnx.ModelProto.encode(onnx.ModelProto.create(model)).finish());
}

/** Decodes bytes made by {@link encodeModel} (for tests and tools). */
export function decodeModel(bytes: Uint8Array): Onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}
