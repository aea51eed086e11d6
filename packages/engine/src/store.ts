import { describe } from "./errors.js";
import { STORED, Value } from "./value.js";
import type { LeafPass } from "./pass.js";

/**
 * Leaves whose `data` and `grad` live in two Float64Arrays: `values[i].data` is `data[i]`, and
 * writing either writes both, so the Values and the arrays never disagree. A model can keep its
 * parameters here (PyTorch keeps a tensor's numbers in its storage the same way: `new MLP(…, {
 * storage: "arrays" })`), so that a training step touches them as arrays — a store is
 * `compile`'s `parameters` as it is, and an optimizer's `stepArrays` updates its arrays — and
 * never visits the Values one by one. The Values are ordinary leaves in every other way: graph
 * mode, `compile`, `grad` and the optimizers take them as they take any Value, with the same
 * results to the bit; graph mode runs slower on them, each `data` and `grad` being a read
 * through the store (measured in the engine's README).
 *
 * @example
 * const store = new ValueStore([0.5, -1, 0]);
 * const [w0, w1, b] = store.values;
 * w0.mul(2).add(w1).add(b).backward();
 * store.grad; // Float64Array [2, 1, 1]
 */
export class ValueStore {
  /** Every leaf's data, by index. */
  readonly data: Float64Array;
  /** Every leaf's grad, by index. */
  readonly grad: Float64Array;
  /** The leaves, one per entry, made once: `values[i]` is the same Value for the store's life. */
  readonly values: readonly Value[];
  /** @internal Per entry, the backward pass that last reached the leaf (a leaf's `_pass`, see `pass.ts`). */
  readonly _passes: (LeafPass | undefined)[];

  /**
   * A store of `initial.length` leaves holding those numbers, their grads 0.
   *
   * @throws TypeError if `initial` is not a list, or an entry is not a number or is NaN, as `new Value(x)` does.
   */
  constructor(initial: ArrayLike<number>) {
    const given: unknown = initial;
    if (typeof given !== "object" || given === null || typeof (given as { length?: unknown }).length !== "number") {
      throw new TypeError(`new ValueStore(initial): initial must be an array of numbers, got ${describe(given)}`);
    }
    const n = initial.length;
    this.data = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x: unknown = initial[i];
      if (typeof x !== "number" || Number.isNaN(x)) throw new TypeError(`new ValueStore(initial): initial[${i}] must be a number, got ${describe(x)}`);
      this.data[i] = x;
    }
    this.grad = new Float64Array(n);
    this._passes = new Array<LeafPass | undefined>(n).fill(undefined);
    const values = new Array<Value>(n);
    for (let i = 0; i < n; i++) values[i] = new StoredLeaf(this, i);
    this.values = Object.freeze(values);
  }
}

/** A leaf of a {@link ValueStore}: its data, grad and pass stamp are the store's entries at `_index`. */
class StoredLeaf extends Value {
  declare _store: ValueStore;
  declare _index: number;

  constructor(store: ValueStore, index: number) {
    super(0, STORED);
    this._store = store;
    this._index = index;
  }
}

// Accessors on the prototype, where Value has plain fields: defined here rather than in the class
// body, which TypeScript does not let override a field with an accessor.
Object.defineProperties(StoredLeaf.prototype, {
  data: {
    get(this: StoredLeaf): number {
      return this._store.data[this._index] as number;
    },
    set(this: StoredLeaf, x: number) {
      this._store.data[this._index] = x;
    },
  },
  grad: {
    get(this: StoredLeaf): number {
      return this._store.grad[this._index] as number;
    },
    set(this: StoredLeaf, g: number) {
      this._store.grad[this._index] = g;
    },
  },
  _pass: {
    get(this: StoredLeaf): LeafPass | undefined {
      return this._store._passes[this._index];
    },
    set(this: StoredLeaf, pass: LeafPass | undefined) {
      this._store._passes[this._index] = pass;
    },
  },
});

/**
 * The store whose leaves `values` are — all of them, in order — or null for any other list. A
 * training loop given such a list (`model.parameters()` of a model that keeps its parameters in
 * a store) hands the store itself to `compile` as its `parameters`, and the optimizer its arrays.
 */
export function storeOf(values: readonly Value[]): ValueStore | null {
  const store = values[0]?._store;
  if (store === undefined || store.values.length !== values.length) return null;
  for (let i = 0; i < values.length; i++) if (values[i] !== store.values[i]) return null;
  return store;
}
