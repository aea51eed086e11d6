export { IR_VERSION, ML_OPSET, OPSET, toOnnx } from "./export.js";
export type { OnnxFeature, OnnxHead, OnnxOptions } from "./export.js";
export { decodeModel } from "./graph.js";
