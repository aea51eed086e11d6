export { Value, backwardSteps, dot, sum, topologicalOrder, topologicalOrderOf, zeroGrad } from "./value.js";
export type { BackwardStep, ValueOptions } from "./value.js";
export { detectAnomaly, isDetectAnomalyEnabled, setDetectAnomaly } from "./anomaly.js";
export { AnomalyError, ShapeError } from "./errors.js";
export { gradCheck } from "./grad-check.js";
export type { GradCheckOptions, GradCheckResult } from "./grad-check.js";
export { Random } from "./random.js";
export { CompiledGraph, compile } from "./compile.js";
