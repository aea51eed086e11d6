import type { Activation } from "@micrograd/nn";
import { Random } from "@micrograd/engine";
import type { Dataset, ToyDatasetName } from "@micrograd/training";

/** The input features the network can read, computed from a point's coordinates (x₁, x₂). */
export const FEATURES = {
  x1: (x: number) => x,
  x2: (_: number, y: number) => y,
  "x1^2": (x: number) => x * x,
  "x2^2": (_: number, y: number) => y * y,
  x1x2: (x: number, y: number) => x * y,
  "sin x1": (x: number) => Math.sin(x),
  "sin x2": (_: number, y: number) => Math.sin(y),
} as const;
export type Feature = keyof typeof FEATURES;
export const FEATURE_NAMES = Object.keys(FEATURES) as Feature[];

/** A point's inputs for the network: the selected features, in their fixed order. */
export function featurize(features: readonly Feature[], x: number, y: number): number[] {
  return features.map((f) => FEATURES[f](x, y));
}

/** Everything that defines a Train-view setup; it lives in the URL so a link reproduces it. */
export interface TrainConfig {
  /** Classes (the toy datasets) or a number to predict (Playground's plane and Gaussians). */
  problem: "classification" | "regression";
  dataset: ToyDatasetName | RegressionDatasetName;
  n: number;
  noise: number;
  seed: number;
  layers: number[];
  activation: Activation;
  loss: "hinge" | "bce" | "crossEntropy";
  optimizer: "sgd" | "adam";
  lr: number;
  /** Rows per step; 0 for the whole dataset. */
  batch: number;
  /** The penalty on the weights, and its rate. */
  regularization: "none" | "l1" | "l2";
  rate: number;
  /** The network's inputs, at least one. */
  features: Feature[];
  /** Whether the plot shows only the predicted class (no shades of confidence). */
  discretize: boolean;
  /** Share of the points held out as test data, 0–0.9. */
  test: number;
  /** Whether test points are drawn. */
  showTest: boolean;
  /** Points added by clicking: x, y, class. */
  extra: [number, number, number][];
}

export const DATASETS: readonly ToyDatasetName[] = ["moons", "circles", "xor", "spiral", "blobs"];
export type RegressionDatasetName = "plane" | "gaussians";
export const REGRESSION_DATASETS: readonly RegressionDatasetName[] = ["plane", "gaussians"];
export const PROBLEMS: readonly TrainConfig["problem"][] = ["classification", "regression"];

/**
 * Playground's regression datasets, seeded: points uniform in [-2, 2]², with a target in about
 * [-1, 1] — a tilted plane, or a sum of Gaussian bumps of either sign — plus noise.
 */
export function regressionDataset(name: RegressionDatasetName, n: number, noise: number, seed: number): Dataset {
  const random = new Random(seed);
  const bumps = Array.from({ length: 6 }, (_, k) => ({ x: random.uniform(-1.5, 1.5), y: random.uniform(-1.5, 1.5), sign: k % 2 === 0 ? 1 : -1 }));
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < n; i++) {
    const a = random.uniform(-2, 2);
    const b = random.uniform(-2, 2);
    const value = name === "plane"
      ? (a + b) / 4
      : bumps.reduce((s, g) => s + g.sign * Math.exp(-((a - g.x) ** 2 + (b - g.y) ** 2) / 0.5), 0);
    x.push([a, b]);
    y.push(value + noise * random.normal());
  }
  return { name, x, y, classes: 0 };
}
export const ACTIVATIONS: readonly Activation[] = ["relu", "tanh", "sigmoid", "linear"];
export const LOSSES: readonly TrainConfig["loss"][] = ["hinge", "bce", "crossEntropy"];
export const OPTIMIZERS: readonly TrainConfig["optimizer"][] = ["adam", "sgd"];
export const REGULARIZATIONS: readonly TrainConfig["regularization"][] = ["none", "l1", "l2"];

export const DEFAULTS: TrainConfig = {
  problem: "classification", dataset: "moons", n: 100, noise: 0.1, seed: 0, layers: [16, 16], activation: "relu",
  loss: "hinge", optimizer: "adam", lr: 0.01, batch: 0, regularization: "l2", rate: 1e-4, features: ["x1", "x2"], discretize: false, test: 0, showTest: true, extra: [],
};

const number = (raw: string | null, fallback: number, min: number, max: number, integer = false): number => {
  const x = raw === null ? NaN : Number(raw);
  return raw !== null && raw.trim() !== "" && Number.isFinite(x) && x >= min && x <= max && (!integer || Number.isInteger(x)) ? x : fallback;
};
const choice = <T extends string>(raw: string | null, choices: readonly T[], fallback: T): T =>
  raw !== null && (choices as readonly string[]).includes(raw) ? (raw as T) : fallback;

/** Reads a setup from URL parameters; anything missing or invalid takes its default. */
export function readConfig(params: URLSearchParams): TrainConfig {
  const problem = choice(params.get("problem"), PROBLEMS, DEFAULTS.problem);
  const layers = (params.get("layers") ?? "").split(",").map(Number);
  const extra = (params.get("points") ?? "").split(";").filter(Boolean).map((p) => p.split(",").map(Number))
    .filter((p): p is [number, number, number] => p.length === 3 && p.every(Number.isFinite) && [0, 1, 2].includes(p[2] as number));
  return {
    problem,
    dataset: problem === "regression" ? choice(params.get("dataset"), REGRESSION_DATASETS, "plane") : choice(params.get("dataset"), DATASETS, "moons"),
    n: number(params.get("n"), DEFAULTS.n, 10, 1000, true),
    noise: number(params.get("noise"), DEFAULTS.noise, 0, 1),
    seed: number(params.get("seed"), DEFAULTS.seed, 0, 2 ** 31, true),
    layers: layers.length > 0 && layers.length <= 6 && layers.every((n) => Number.isInteger(n) && n >= 1 && n <= 64) ? layers : DEFAULTS.layers,
    activation: choice(params.get("activation"), ACTIVATIONS, DEFAULTS.activation),
    loss: choice(params.get("loss"), LOSSES, DEFAULTS.loss),
    optimizer: choice(params.get("optimizer"), OPTIMIZERS, DEFAULTS.optimizer),
    lr: number(params.get("lr"), DEFAULTS.lr, 1e-6, 10),
    batch: number(params.get("batch"), DEFAULTS.batch, 0, 1000, true),
    // Links from before the regularization choice say `l2=…`.
    regularization: choice(params.get("regularization"), REGULARIZATIONS, params.has("l2") ? "l2" : DEFAULTS.regularization),
    rate: number(params.get("rate") ?? params.get("l2"), DEFAULTS.rate, 0, 1),
    features: readFeatures(params.get("features")),
    discretize: params.get("discretize") === "true",
    test: number(params.get("test"), DEFAULTS.test, 0, 0.9),
    showTest: params.get("showTest") === null ? DEFAULTS.showTest : params.get("showTest") !== "false",
    extra,
  };
}

/** The features named in a URL, in their fixed order; the defaults when none is valid. */
function readFeatures(raw: string | null): Feature[] {
  const named = (raw ?? "").split(",").map((s) => s.trim());
  const features = FEATURE_NAMES.filter((f) => named.includes(f));
  return features.length > 0 ? features : DEFAULTS.features;
}

/** Writes a setup into URL parameters (keeping others, such as the view). */
export function writeConfig(config: TrainConfig, params: URLSearchParams): void {
  const { extra, layers, features, ...rest } = config;
  params.delete("l2");
  for (const [k, v] of Object.entries(rest)) params.set(k, String(v));
  params.set("layers", layers.join(","));
  params.set("features", features.join(","));
  if (extra.length > 0) params.set("points", extra.map((p) => p.map((x) => +x.toFixed(3)).join(",")).join(";"));
  else params.delete("points");
}

/** The loss actually used: more than two classes need cross-entropy. */
export function effectiveLoss(config: TrainConfig, classes: number): TrainConfig["loss"] {
  return classes > 2 ? "crossEntropy" : config.loss;
}
