import { Random, ShapeError, Value, Vector, dot, isValue, isVector } from "@micrograd/engine";
import type { ValueStore } from "@micrograd/engine";
import { activate, activationName, checkActivation, checkInit, initScale } from "./activation.js";
import type { Activation, Init } from "./activation.js";
import { Module, lockParameters } from "./module.js";

/** Options for a {@link Neuron}. */
export interface NeuronOptions {
  /** Default `"relu"`. */
  activation?: Activation;
  /** Default `"uniform"`: U(-1, 1) as in the seeds. */
  init?: Init;
  /** The fan-out used by `"xavier"`; default 1. */
  nout?: number;
  /** Where the initial weights come from; default a `Random` seeded with `seed`. */
  random?: Random;
  /** Seed for the initial weights when no `random` is given; default 0. */
  seed?: number;
  /** @internal Where its parameters live: its network's store, from entry `at` on (plain Values by default). */
  place?: Place;
}

/**
 * @internal Where a module's parameters start in a {@link ValueStore}: a network made with
 * `storage: "arrays"` keeps all of its parameters in one store, in `parameters()` order.
 */
export interface Place {
  store: ValueStore;
  at: number;
}

/**
 * One neuron: `activation(w·x + b)`. Its weights start uniform in a range set by `init`; its
 * bias starts at 0 (micrograd's choice).
 *
 * @example
 * const n = new Neuron(2, { activation: "tanh", seed: 1 });
 * n.forward([2, 0]).data;
 */
export class Neuron extends Module {
  /** One weight per input, in input order. */
  readonly w: readonly Value[];
  readonly b: Value;
  readonly activation: Activation;
  /** The same weights as a Vector, which every forward pass shares instead of copying. */
  private readonly weights: Vector;

  constructor(nin: number, options: NeuronOptions = {}) {
    super();
    checkSize(nin, "Neuron(nin)");
    this.activation = checkActivation(options.activation ?? "relu", "Neuron");
    const scale = initScale(checkInit(options.init ?? "uniform", "Neuron"), nin, options.nout ?? 1);
    const random = options.random ?? new Random(options.seed ?? 0);
    const weights = Array.from({ length: nin }, () => random.uniform(-scale, scale));
    const place = options.place;
    if (place) place.store.data.set([...weights, 0], place.at);
    const values = place ? place.store.values.slice(place.at, place.at + nin + 1) : [...weights.map((w) => new Value(w)), new Value(0)];
    // Frozen: the weights Vector below holds these same Values, so the list must not change.
    this.w = Object.freeze(values.slice(0, nin));
    this.weights = new Vector(this.w);
    this.b = values[nin] as Value;
    lockParameters(this, "b");
  }

  /**
   * `activation(w·x + b)`.
   *
   * @throws ShapeError if `x` does not have one entry per weight.
   */
  forward(x: readonly (Value | number)[] | Vector): Value {
    checkInputs(x, this.w.length, "Neuron");
    return this._forward(x);
  }

  /** @internal `forward` for inputs its layer has already checked. */
  _forward(x: readonly (Value | number)[] | Vector): Value {
    return activate(dot(this.weights, x).add(this.b), this.activation);
  }

  /** Its weights in input order, then its bias. */
  parameters(): Value[] {
    return [...this.w, this.b];
  }

  /** E.g. `ReLUNeuron(2)`, as micrograd prints it. */
  override toString(): string {
    return `${activationName(this.activation)}Neuron(${this.w.length})`;
  }
}

/** @throws RangeError unless `n` is a positive integer. */
/**
 * @internal `x` as the inputs of a module expecting `n`: an array or Vector of that length whose
 * entries are Values or numbers.
 *
 * @throws TypeError for anything else, naming `where` and the bad entry; ShapeError for the wrong length.
 */
export function checkInputs(x: readonly (Value | number)[] | Vector, n: number, where: string): void {
  const given: unknown = x;
  if (isVector(given)) {
    if (given.length !== n) throw new ShapeError(`${where} expects ${n} inputs, got ${given.length}`);
    return;
  }
  if (!Array.isArray(given)) throw new TypeError(`${where}.forward(x): x must be an array of Values or numbers, got ${typeof given === "string" ? JSON.stringify(given) : String(given)}`);
  if (given.length !== n) throw new ShapeError(`${where} expects ${n} inputs, got ${given.length}`);
  for (let i = 0; i < given.length; i++) {
    const v: unknown = given[i];
    if (!(isValue(v) || (typeof v === "number" && !Number.isNaN(v)))) {
      throw new TypeError(`${where}.forward(x): x[${i}] must be a Value or a number, got ${typeof v === "string" ? `${JSON.stringify(v)} (string)` : String(v)}`);
    }
  }
}

export function checkSize(n: unknown, where: string): number {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 1) {
    throw new RangeError(`${where}: expected a positive integer, got ${JSON.stringify(n)}`);
  }
  return n;
}
