import { Random, ValueStore, Vector } from "@micrograd/engine";
import type { Value } from "@micrograd/engine";
import { checkActivation, checkInit } from "./activation.js";
import type { Activation, Init } from "./activation.js";
import { Layer } from "./layer.js";
import { Module, lockParameters } from "./module.js";
import { checkInputs, checkSize } from "./neuron.js";
import { readModelJSON } from "./model-json.js";
import type { MLPJSON } from "./model-json.js";

/** Options for an {@link MLP}. */
export interface MLPOptions {
  /** Activation of the hidden layers; default `"relu"`. */
  activation?: Activation;
  /** Activation of the last layer; default `"linear"` (micrograd's choice). */
  outputActivation?: Activation;
  /** Default `"uniform"`: U(-1, 1) as in the seeds; `"xavier"` or `"he"` scale by fan-in/out. */
  init?: Init;
  /** Seed of the initial weights: the same seed gives bit-identical weights everywhere. Default 0. */
  seed?: number;
  /**
   * Where the parameters keep their numbers. `"values"` (the default): each parameter is a plain
   * Value, as micrograd's. `"arrays"`: one `ValueStore` holds them all, in `parameters()` order —
   * each parameter still a Value, whose `data` and `grad` are entries of the store's arrays — so
   * that a compiled training step reads and updates them as arrays (the CLI and the demo train
   * so). Graph mode gives the same results either way, and runs slower on arrays.
   */
  storage?: "values" | "arrays";
}

/**
 * A multi-layer perceptron: `nin` inputs, then one {@link Layer} per entry of `nouts`.
 *
 * `parameters()` lists layer by layer, neuron by neuron, each neuron's weights in input order
 * then its bias — the order micrograd uses, so weights from another micrograd load by position.
 *
 * @example
 * const model = new MLP(3, [4, 4, 1], { activation: "tanh", outputActivation: "tanh", seed: 42 });
 * model.forward([2, 3, -1]); // [Value]
 */
export class MLP extends Module {
  readonly layers: Layer[];
  readonly activation: Activation;
  readonly outputActivation: Activation;
  readonly seed: number;
  /** Where the parameters keep their numbers (see {@link MLPOptions.storage}). */
  readonly storage: "values" | "arrays";

  constructor(nin: number, nouts: readonly number[], options: MLPOptions = {}) {
    super();
    checkSize(nin, "MLP(nin)");
    const sizesGiven: unknown = nouts;
    if (!Array.isArray(sizesGiven) || sizesGiven.length === 0) {
      throw new RangeError(`MLP(nin, nouts): nouts must be a non-empty array of layer sizes, got ${JSON.stringify(nouts)}`);
    }
    nouts.forEach((n, i) => checkSize(n, `MLP(nin, nouts): nouts[${i}]`));
    this.activation = checkActivation(options.activation ?? "relu", "MLP");
    this.outputActivation = checkActivation(options.outputActivation ?? "linear", "MLP (outputActivation)");
    const init = checkInit(options.init ?? "uniform", "MLP");
    this.seed = options.seed ?? 0;
    const storage: unknown = options.storage ?? "values";
    if (storage !== "values" && storage !== "arrays") throw new TypeError(`MLP(nin, nouts, options): storage must be "values" or "arrays", got ${JSON.stringify(storage)}`);
    this.storage = storage;
    const random = new Random(this.seed);
    const sizes = [nin, ...nouts];
    // With storage "arrays", one store holds every parameter, in parameters() order.
    const offsets = nouts.map((nout, i) => nout * ((sizes[i] as number) + 1));
    const store = this.storage === "arrays" ? new ValueStore(new Float64Array(offsets.reduce((a, b) => a + b, 0))) : null;
    let at = 0;
    this.layers = nouts.map((nout, i) => {
      const layer = new Layer(sizes[i] as number, nout, {
        activation: i === nouts.length - 1 ? this.outputActivation : this.activation,
        init,
        random,
        ...(store ? { place: { store, at } } : {}),
      });
      at += offsets[i] as number;
      return layer;
    });
    lockParameters(this, "layers");
  }

  /** Number of inputs. */
  get nin(): number {
    return (this.layers[0] as Layer).nin;
  }

  /** Size of each layer, input excluded. */
  get nouts(): number[] {
    return this.layers.map((l) => l.neurons.length);
  }

  /**
   * The network's outputs for one input — always an array, one Value per output neuron.
   *
   * @throws ShapeError if `x` does not have `nin` entries, e.g. `MLP expects 3 inputs, got 2`;
   *   TypeError for an entry that is not a Value or a number.
   */
  forward(x: readonly (Value | number)[]): Value[] {
    checkInputs(x, this.nin, "MLP");
    // Each layer's outputs become the next layer's one shared Vector of inputs.
    let out = (this.layers[0] as Layer)._forward(new Vector(x));
    for (let l = 1; l < this.layers.length; l++) out = (this.layers[l] as Layer)._forward(new Vector(out));
    return out;
  }

  /** Layer by layer, neuron by neuron, weights in input order then the bias. */
  parameters(): Value[] {
    return this.layers.flatMap((l) => l.parameters());
  }

  /** E.g. `MLP of [Layer of [ReLUNeuron(2), …], Layer of [LinearNeuron(16)]]`. */
  override toString(): string {
    return `MLP of [${this.layers.join(", ")}]`;
  }

  /** The model as versioned JSON (see {@link MLPJSON}); `MLP.fromJSON` restores it exactly. */
  toJSON(): MLPJSON {
    return {
      format: "micrograd-ts/mlp",
      version: 1,
      nin: this.nin,
      nouts: this.nouts,
      activation: this.activation,
      outputActivation: this.outputActivation,
      seed: this.seed,
      parameters: this.parameters().map((p) => p.data),
    };
  }

  /**
   * Restores a model saved with `toJSON` (an object or its JSON text), its parameters kept as
   * `options.storage` says (plain Values by default).
   *
   * @throws ModelFormatError saying what is wrong: not a model, another version, wrong number of
   * parameters, non-finite weights.
   */
  static fromJSON(json: unknown, options: Pick<MLPOptions, "storage"> = {}): MLP {
    const saved = readModelJSON(json);
    const model = new MLP(saved.nin, saved.nouts, {
      activation: saved.activation,
      outputActivation: saved.outputActivation,
      seed: saved.seed,
      ...(options.storage === undefined ? {} : { storage: options.storage }),
    });
    model.parameters().forEach((p, i) => {
      p.data = saved.parameters[i] as number;
    });
    return model;
  }
}
