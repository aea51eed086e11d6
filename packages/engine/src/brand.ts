/**
 * How Values and Vectors are recognised across copies of this package.
 *
 * An app can end up with several copies of `@micrograd/engine`: its ESM build next to a CJS
 * dependency's `require()` of the CJS build, or a nested older version under `@micrograd/nn`.
 * `instanceof` against one copy's class would reject the others' objects, so each class carries
 * a brand under a registry symbol (`Symbol.for`, shared by every copy in the process) whose value
 * is the version of the internal layout that the copies read from each other's objects.
 */
import { describe } from "./errors.js";

/**
 * The layout version: raise it whenever a field or op code the copies share changes. 2: n-ary
 * ops keep their operand lists in `_a`/`_b`, and op objects no longer carry every backward rule.
 * 3: a leaf of a `ValueStore` keeps its data, grad and pass in the store (`_store`, `_index`).
 */
export const PROTOCOL = 3;

/** The brand of a {@link Value}. */
export const VALUE_BRAND: unique symbol = Symbol.for("@micrograd/engine/Value");

/** The brand of a {@link Vector}. */
export const VECTOR_BRAND: unique symbol = Symbol.for("@micrograd/engine/Vector");

/**
 * Makes `instanceof errorClass` true for instances of `errorClass` from any copy of its package
 * in the process (an ESM and a CJS build, two installed versions), as `instanceof Value` is: the
 * class's prototype carries a brand under `Symbol.for(key)`, and `instanceof` reads it. A
 * subclass keeps the ordinary `instanceof` of its own. Error classes keep no fields the copies
 * read from each other, so the brand carries no layout version.
 *
 * @example
 * export class ModelFormatError extends Error {}
 * crossCopyInstanceof(ModelFormatError, "@micrograd/nn/ModelFormatError");
 */
export function crossCopyInstanceof(errorClass: abstract new (...args: never[]) => Error, key: string): void {
  const brand = Symbol.for(key);
  Object.defineProperty(errorClass.prototype, brand, { value: true });
  Object.defineProperty(errorClass, Symbol.hasInstance, {
    value(this: unknown, value: unknown): boolean {
      if (this !== errorClass) return Function.prototype[Symbol.hasInstance].call(this, value);
      return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[brand] === true;
    },
  });
}

/**
 * Whether `value` carries `brand` at this copy's {@link PROTOCOL}: true for this copy's objects
 * and any compatible copy's, false for anything else.
 *
 * @throws TypeError for an object of an incompatible copy, naming it and how to dedupe.
 */
export function checkBrand(value: unknown, brand: symbol, kind: string): boolean {
  if (typeof value !== "object" || value === null) return false;
  const protocol = (value as Record<symbol, unknown>)[brand];
  if (protocol === PROTOCOL) return true;
  if (protocol === undefined) return false;
  throw new TypeError(
    `Got a ${kind} from another copy of @micrograd/engine that this copy cannot read (its layout ` +
      `version is ${describe(protocol)}, this one's is ${PROTOCOL}). Install one version of ` +
      `@micrograd/engine for every @micrograd package: \`npm ls @micrograd/engine\` shows the copies, ` +
      `\`npm dedupe\` (or aligned versions) merges them.`,
  );
}
