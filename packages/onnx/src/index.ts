export { IR_VERSION, ML_OPSET, OPSET, toOnnx } from "./export.js";
export type { OnnxFeature, OnnxHead, OnnxOptions } from "./export.js";
export { inspectOnnx } from "./graph.js";
export type { OnnxInfo } from "./graph.js";
