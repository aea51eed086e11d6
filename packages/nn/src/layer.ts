import { Random, Vector } from "@micrograd/engine";
import type { Value } from "@micrograd/engine";
import type { Activation, Init } from "./activation.js";
import { Module, lockParameters } from "./module.js";
import { Neuron, checkInputs, checkSize } from "./neuron.js";
import type { Place } from "./neuron.js";

/** Options for a {@link Layer}. */
export interface LayerOptions {
  /** Default `"relu"`. */
  activation?: Activation;
  /** Default `"uniform"`. */
  init?: Init;
  /** Where the initial weights come from; default a `Random` seeded with `seed`. */
  random?: Random;
  /** Seed for the initial weights when no `random` is given; default 0. */
  seed?: number;
  /** @internal Where its parameters live (plain Values by default): neuron j's from `at + j·(nin+1)`. */
  place?: Place;
}

/**
 * `nout` neurons that all read the same `nin` inputs. `forward` always returns an array, even
 * for one neuron, so a layer's output shape never depends on its width.
 *
 * @example
 * new Layer(3, 4, { activation: "tanh", seed: 1 }).forward([2, 3, -1]); // 4 Values
 */
export class Layer extends Module {
  readonly neurons: Neuron[];

  constructor(nin: number, nout: number, options: LayerOptions = {}) {
    super();
    checkSize(nin, "Layer(nin)");
    checkSize(nout, "Layer(nout)");
    const random = options.random ?? new Random(options.seed ?? 0);
    const place = options.place;
    this.neurons = Array.from(
      { length: nout },
      (_, j) => new Neuron(nin, {
        activation: options.activation ?? "relu", init: options.init ?? "uniform", nout, random,
        ...(place ? { place: { store: place.store, at: place.at + j * (nin + 1) } } : {}),
      }),
    );
    lockParameters(this, "neurons");
  }

  /** Number of inputs each neuron reads. */
  get nin(): number {
    return (this.neurons[0] as Neuron).w.length;
  }

  /**
   * Every neuron's output, in order.
   *
   * @throws ShapeError if `x` has the wrong length.
   */
  forward(x: readonly (Value | number)[] | Vector): Value[] {
    checkInputs(x, this.nin, "Layer");
    return this._forward(new Vector(x));
  }

  /** @internal `forward` for inputs already checked: every neuron reads the one Vector, shared by every neuron's dot. */
  _forward(inputs: Vector): Value[] {
    return this.neurons.map((n) => n._forward(inputs));
  }

  /** Neuron by neuron, each its weights then its bias. */
  parameters(): Value[] {
    return this.neurons.flatMap((n) => n.parameters());
  }

  /** E.g. `Layer of [ReLUNeuron(2), ReLUNeuron(2)]`. */
  override toString(): string {
    return `Layer of [${this.neurons.join(", ")}]`;
  }
}
