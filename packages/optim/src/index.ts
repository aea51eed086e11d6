export { Optimizer } from "./optimizer.js";
export { SGD } from "./sgd.js";
export type { SGDOptions, SGDState } from "./sgd.js";
export { Adam, AdamW } from "./adam.js";
export type { AdamOptions, AdamState } from "./adam.js";
export type { StateNumber } from "./state.js";
export { cosineDecay, linearDecay, stepDecay } from "./schedules.js";
export type { Schedule } from "./schedules.js";
