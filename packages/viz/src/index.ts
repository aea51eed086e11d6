export { GraphTooLargeError, toDot } from "./dot.js";
export type { DotOptions } from "./dot.js";
