export { Value, dot, sum, topologicalOrder, zeroGrad } from "./value.js";
export type { ValueOptions } from "./value.js";
export { detectAnomaly, isDetectAnomalyEnabled, setDetectAnomaly } from "./anomaly.js";
export { AnomalyError, ShapeError } from "./errors.js";
export { gradCheck } from "./grad-check.js";
export type { GradCheckOptions, GradCheckResult } from "./grad-check.js";
export { Random } from "./random.js";
export { CompiledGraph, compile } from "./compile.js";
