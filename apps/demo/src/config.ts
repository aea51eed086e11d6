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

/** Playground's learning rates. */
export const LEARNING_RATES: readonly number[] = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
/** Playground's regularization rates, with micrograd's 0.0001 (its demo's L2) among them. */
export const REGULARIZATION_RATES: readonly number[] = [0, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
/** Shares of the points held out as test data: none, or Playground's 10–90 %. */
export const TEST_SHARES: readonly number[] = [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9];
/** Playground's limits: up to 6 hidden layers (none is allowed) of up to 8 neurons. */
export const MAX_LAYERS = 6;
export const MAX_NEURONS = 8;

export const DEFAULTS: TrainConfig = {
  problem: "classification", dataset: "moons", n: 100, noise: 0.1, seed: 0, layers: [8, 8], activation: "relu",
  loss: "hinge", optimizer: "adam", lr: 0.01, batch: 0, regularization: "l2", rate: 1e-4, features: ["x1", "x2"], discretize: false, test: 0, showTest: true, extra: [],
};

/** The numbers a setup takes, with their bounds: what a URL or a field may hold. */
const NUMBERS = {
  n: { min: 10, max: 1000, integer: true },
  noise: { min: 0, max: 1, integer: false },
  seed: { min: 0, max: 2 ** 31, integer: true },
  batch: { min: 0, max: 1000, integer: true },
} as const;
type NumberField = keyof typeof NUMBERS;

/** The numbers a setup picks from a list, as Playground does: what a URL may hold. */
const NUMBER_CHOICES = { lr: LEARNING_RATES, rate: REGULARIZATION_RATES, test: TEST_SHARES } as const;
type NumberChoice = keyof typeof NUMBER_CHOICES;

/** The value `raw` holds for choice `name` (`0.010` is 0.01), or null when it is not one of the choices. */
function numberChoiceIn(name: NumberChoice, raw: string): number | null {
  const x = Number(raw);
  return raw.trim() !== "" && NUMBER_CHOICES[name].includes(x) ? x : null;
}

/** The value `raw` holds for number field `name`, or null when it is not one of the values allowed. */
function numberIn(name: NumberField, raw: string): number | null {
  const { min, max, integer } = NUMBERS[name];
  const x = Number(raw);
  return raw.trim() !== "" && Number.isFinite(x) && x >= min && x <= max && (!integer || Number.isInteger(x)) ? x : null;
}

/** Hidden layer sizes from `8,8` (`0`: none), or null when they are not 0 to 6 whole numbers from 1 to 8. */
function layersIn(raw: string): number[] | null {
  if (raw.trim() === "0") return [];
  const layers = raw.split(",").map((s) => (s.trim() === "" ? NaN : Number(s)));
  return layers.length <= MAX_LAYERS && layers.every((n) => Number.isInteger(n) && n >= 1 && n <= MAX_NEURONS) ? layers : null;
}

const number = (params: URLSearchParams, name: NumberField, fallback: number): number => {
  const raw = params.get(name);
  return raw === null ? fallback : numberIn(name, raw) ?? fallback;
};
const numberChoice = (params: URLSearchParams, name: NumberChoice, fallback: number): number => {
  const raw = params.get(name);
  return raw === null ? fallback : numberChoiceIn(name, raw) ?? fallback;
};
const choice = <T extends string>(raw: string | null, choices: readonly T[], fallback: T): T =>
  raw !== null && (choices as readonly string[]).includes(raw) ? (raw as T) : fallback;

/** A value a setup cannot take: the parameter, what it held, and what it may hold. */
export interface ConfigProblem {
  name: string;
  given: string;
  allowed: string;
}

/** The choices each choice parameter allows. */
function choicesOf(params: URLSearchParams): Record<string, readonly string[]> {
  const problem = choice(params.get("problem"), PROBLEMS, DEFAULTS.problem);
  return {
    problem: PROBLEMS, dataset: problem === "regression" ? REGRESSION_DATASETS : DATASETS, activation: ACTIVATIONS, loss: LOSSES,
    optimizer: OPTIMIZERS, regularization: REGULARIZATIONS,
  };
}

/** How a number field's allowed values read in a message. */
function describeRange(name: NumberField): string {
  const { min, max, integer } = NUMBERS[name];
  return `${integer ? "a whole number" : "a number"} from ${min} to ${max}`;
}

/**
 * The parameters of `params` that a setup cannot take — out of range, not a number, not one of
 * the choices — each with what is allowed: what {@link readConfig} replaces by a default, so that
 * the page can say so instead of training on something else silently.
 */
export function configProblems(params: URLSearchParams): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const name of Object.keys(NUMBERS) as NumberField[]) {
    const raw = params.get(name);
    if (raw !== null && numberIn(name, raw) === null) problems.push({ name, given: raw, allowed: describeRange(name) });
  }
  for (const name of Object.keys(NUMBER_CHOICES) as NumberChoice[]) {
    const raw = params.get(name);
    if (raw !== null && numberChoiceIn(name, raw) === null) problems.push({ name, given: raw, allowed: `one of ${NUMBER_CHOICES[name].join(", ")}` });
  }
  for (const [name, choices] of Object.entries(choicesOf(params))) {
    const raw = params.get(name);
    if (raw !== null && !choices.includes(raw)) problems.push({ name, given: raw, allowed: `one of ${choices.join(", ")}` });
  }
  const points = params.get("points");
  if (points !== null && pointsIn(points, choice(params.get("problem"), PROBLEMS, DEFAULTS.problem)) === null) {
    problems.push({ name: "points", given: points, allowed: "points as x,y,class separated by semicolons, like 0.5,-1,1;2,0,0 (a class from 0 to 2, or any value for a regression)" });
  }
  const layers = params.get("layers");
  if (layers !== null && layersIn(layers) === null) {
    problems.push({ name: "layers", given: layers, allowed: `0 (no hidden layer) or up to ${MAX_LAYERS} sizes from 1 to ${MAX_NEURONS}, separated by commas, like 4,2` });
  }
  return problems;
}

/**
 * Added points from `x,y,label;x,y,label`, or null when one does not read: three finite numbers,
 * the label a class 0–2 for a classification, any value for a regression.
 */
function pointsIn(raw: string, problem: TrainConfig["problem"]): [number, number, number][] | null {
  const points = raw.split(";").filter(Boolean).map((p) => p.split(",").map((s) => (s.trim() === "" ? NaN : Number(s))));
  const fine = points.every((p) => p.length === 3 && p.every(Number.isFinite) && (problem === "regression" || [0, 1, 2].includes(p[2] as number)));
  return fine ? (points as [number, number, number][]) : null;
}

/** Reads a setup from URL parameters; anything missing or invalid takes its default (see {@link configProblems} for what was invalid). */
export function readConfig(params: URLSearchParams): TrainConfig {
  const problem = choice(params.get("problem"), PROBLEMS, DEFAULTS.problem);
  const extra = pointsIn(params.get("points") ?? "", problem) ?? [];
  return {
    problem,
    dataset: problem === "regression" ? choice(params.get("dataset"), REGRESSION_DATASETS, "plane") : choice(params.get("dataset"), DATASETS, "moons"),
    n: number(params, "n", DEFAULTS.n),
    noise: number(params, "noise", DEFAULTS.noise),
    seed: number(params, "seed", DEFAULTS.seed),
    layers: layersIn(params.get("layers") ?? "") ?? DEFAULTS.layers,
    activation: choice(params.get("activation"), ACTIVATIONS, DEFAULTS.activation),
    loss: choice(params.get("loss"), LOSSES, DEFAULTS.loss),
    optimizer: choice(params.get("optimizer"), OPTIMIZERS, DEFAULTS.optimizer),
    lr: numberChoice(params, "lr", DEFAULTS.lr),
    batch: number(params, "batch", DEFAULTS.batch),
    // Links from before the regularization choice say `l2=…`.
    regularization: choice(params.get("regularization"), REGULARIZATIONS, params.has("l2") ? "l2" : DEFAULTS.regularization),
    rate: params.has("rate") ? numberChoice(params, "rate", DEFAULTS.rate) : numberChoiceIn("rate", params.get("l2") ?? "") ?? DEFAULTS.rate,
    features: readFeatures(params.get("features")),
    discretize: params.get("discretize") === "true",
    test: numberChoice(params, "test", DEFAULTS.test),
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
  params.set("layers", layersText(layers));
  params.set("features", features.join(","));
  if (extra.length > 0) params.set("points", extra.map((p) => p.map((x) => +x.toFixed(3)).join(",")).join(";"));
  else params.delete("points");
}

/** Hidden layer sizes as the layers field and the URL write them: `8,8`, or `0` for none. */
export function layersText(layers: readonly number[]): string {
  return layers.length === 0 ? "0" : layers.join(",");
}

/** The loss actually used: more than two classes need cross-entropy. */
export function effectiveLoss(config: TrainConfig, classes: number): TrainConfig["loss"] {
  return classes > 2 ? "crossEntropy" : config.loss;
}
