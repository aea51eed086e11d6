import type { Value } from "@micrograd/engine";

/**
 * The nonlinearity a neuron applies to `w·x + b`: micrograd's relu, tanh, sigmoid or none, or
 * leaky relu (slope 0.01, PyTorch's default), GELU (exact) or SiLU, as PyTorch computes them.
 */
export type Activation = "relu" | "tanh" | "sigmoid" | "linear" | "leakyRelu" | "gelu" | "silu";

/** How a layer's initial weights are drawn. */
export type Init = "uniform" | "xavier" | "he";

const ACTIVATIONS: readonly Activation[] = ["relu", "tanh", "sigmoid", "linear", "leakyRelu", "gelu", "silu"];
const INITS: readonly Init[] = ["uniform", "xavier", "he"];

/** Applies `activation` to `x`. */
export function activate(x: Value, activation: Activation): Value {
  switch (activation) {
    case "relu":
      return x.relu();
    case "tanh":
      return x.tanh();
    case "sigmoid":
      return x.sigmoid();
    case "linear":
      return x;
    case "leakyRelu":
      return x.leakyRelu();
    case "gelu":
      return x.gelu();
    case "silu":
      return x.silu();
  }
}

/** The name micrograd prints for a neuron with this activation: `ReLU`, `Tanh`, `Sigmoid`, `Linear` (and PyTorch's `LeakyReLU`, `GELU`, `SiLU`). */
export function activationName(activation: Activation): string {
  return { relu: "ReLU", tanh: "Tanh", sigmoid: "Sigmoid", linear: "Linear", leakyRelu: "LeakyReLU", gelu: "GELU", silu: "SiLU" }[activation];
}

/** @throws TypeError unless `value` is one of the activations. */
export function checkActivation(value: unknown, where: string): Activation {
  if (!ACTIVATIONS.includes(value as Activation)) {
    throw new TypeError(`${where}: activation must be one of ${ACTIVATIONS.join(", ")}; got ${JSON.stringify(value)}`);
  }
  return value as Activation;
}

/** @throws TypeError unless `value` is one of the initialisations. */
export function checkInit(value: unknown, where: string): Init {
  if (!INITS.includes(value as Init)) {
    throw new TypeError(`${where}: init must be one of ${INITS.join(", ")}; got ${JSON.stringify(value)}`);
  }
  return value as Init;
}

/**
 * Half-width `a` of the uniform range U(-a, a) the weights are drawn from: 1 as in micrograd,
 * Glorot/Xavier's √(6/(nin+nout)), or He/Kaiming's √(6/nin) for ReLU networks.
 */
export function initScale(init: Init, nin: number, nout: number): number {
  switch (init) {
    case "uniform":
      return 1;
    case "xavier":
      return Math.sqrt(6 / (nin + nout));
    case "he":
      return Math.sqrt(6 / nin);
  }
}
