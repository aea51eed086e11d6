import { crossCopyInstanceof } from "./brand.js";

/**
 * Thrown when two things that must have matching sizes do not, e.g. `dot` of a 3-vector and a
 * 2-vector, or an MLP fed the wrong number of inputs.
 *
 * @example
 * try { dot([1, 2], [3]); } catch (e) { e instanceof ShapeError; } // true, whichever copy of the engine threw it
 */
export class ShapeError extends RangeError {
  override name = "ShapeError";
}
crossCopyInstanceof(ShapeError, "@micrograd/engine/ShapeError");
