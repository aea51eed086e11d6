import { PROTOCOL, VECTOR_BRAND, checkBrand } from "./brand.js";
import { describe } from "./errors.js";
import { Value, copyOperands } from "./value.js";

/**
 * An immutable list of Values. `dot` and `sum` keep a Vector by reference instead of copying it,
 * which is what lets a layer's sixteen neurons share one list of inputs and each neuron reuse its
 * own weights step after step — the copies would otherwise dominate a graph's memory.
 *
 * @example
 * const w = new Vector([w1, w2]);
 * dot(w, new Vector([2, 0]));
 */
export class Vector {
  /** @internal The Values, copied once when the Vector is made; never changed afterwards. */
  readonly _items: readonly Value[];

  /** Copies `values`, making each number a constant Value. */
  constructor(values: readonly (Value | number)[] | Vector) {
    if (isVector(values)) {
      this._items = values._items;
      return;
    }
    const given: unknown = values;
    if (!Array.isArray(given)) throw new TypeError(`new Vector(values): values must be an array of Values or numbers, got ${describe(given)}`);
    this._items = copyOperands(values, "new Vector(values): values");
  }

  /** Whether `value` is a Vector from this or any compatible copy of `@micrograd/engine`. */
  static [Symbol.hasInstance](value: unknown): value is Vector {
    return isVector(value);
  }

  /** Number of Values. */
  get length(): number {
    return this._items.length;
  }

  /** The Value at `index` (negative counts from the end), or undefined. */
  at(index: number): Value | undefined {
    return this._items.at(index);
  }

  /** The Values as a new array. */
  toArray(): Value[] {
    return [...this._items];
  }

  /** Iterates over the Values, so a Vector works with `for…of` and spread. */
  [Symbol.iterator](): Iterator<Value> {
    return this._items[Symbol.iterator]();
  }
}

Object.defineProperty(Vector.prototype, VECTOR_BRAND, { value: PROTOCOL });

/**
 * Whether `value` is a Vector of this or a compatible copy of the engine (what `instanceof
 * Vector` answers), with the brand read inline: `dot` and every layer ask it for each call.
 *
 * @throws TypeError for a Vector of an incompatible copy.
 */
export function isVector(value: unknown): value is Vector {
  // Arrays, the other thing `dot` and `sum` take, are ruled out first: reading the brand of
  // arrays of every kind would make that read megamorphic. Then a Vector of this or a compatible
  // copy by its brand, read inline (`Object.getPrototypeOf` does not inline), before the slower
  // check for an incompatible copy.
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  if ((value as { [VECTOR_BRAND]?: unknown })[VECTOR_BRAND] === PROTOCOL) return true;
  return checkBrand(value, VECTOR_BRAND, "Vector");
}
