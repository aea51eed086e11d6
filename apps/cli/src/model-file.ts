import { MLP } from "@micrograd/nn";
import type { MLPJSON } from "@micrograd/nn";
import { LOSS_NAMES } from "@micrograd/training";
import type { LossName } from "@micrograd/training";
import { IMPUTE, UNKNOWN, encodedWidth } from "./encoding.js";
import type { FeatureSpec, Impute, TargetSpec, Unknown } from "./encoding.js";
import { InputError } from "./errors.js";
import { readText } from "./files.js";

/** The losses a `--threshold` applies to: two classes, with a probability. */
export const THRESHOLD_LOSSES: readonly LossName[] = ["bce", "bceWithLogits"];

/** Every setting that made a model, so that it can be made again. */
export interface TrainingSettings {
  task: "classification" | "regression";
  layers: number[];
  activation: string;
  loss: LossName;
  optimizer: string;
  lr: number;
  weightDecay: number;
  schedule: string;
  epochs: number;
  epochsRun: number;
  batchSize: number;
  seed: number;
  valSplit: number;
  stratified: boolean;
  patience: number | null;
  impute: Impute;
  classWeight: "none" | "balanced";
  /** The weight of each class's rows in the loss (null without class weights). */
  classWeights: number[] | null;
}

/** Which data a model was trained on: enough to tell whether a file is the same one. */
export interface DataFingerprint {
  source: string;
  rows: number;
  columns: number;
  /** SHA-256 of the file's bytes (null for a built-in dataset). */
  sha256: string | null;
}

/** What `micrograd train` saves: the network, how to turn CSV rows into its inputs and back, and how it was made. */
export interface ModelFile {
  format: "micrograd-ts/cli-model";
  version: 2;
  loss: LossName;
  seed: number;
  features: FeatureSpec[];
  target: TargetSpec;
  /** What an unseen category gets at predict and eval time. */
  unknown: Unknown;
  /** For two classes: the probability of the second class above which a row is of it (null: the loss's own rule). */
  threshold: number | null;
  /** How the training file's cells were read; predict and eval read theirs the same way. */
  reading: { naValues: string[]; thousands: string | null };
  settings: TrainingSettings | null;
  data: DataFingerprint | null;
  /** The version of the CLI that wrote the file. */
  cli: string | null;
  network: MLPJSON;
}

/** Reads and checks a model file (version 2, or 1 from before missing cells could be filled); anything else is an InputError that says what is wrong. */
export function loadModel(path: string): { file: ModelFile; model: MLP } {
  const text = readText(path, "model file");
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new InputError(`${path} is not a model file: it is not valid JSON`);
  }
  const fail = (why: string): never => {
    throw new InputError(`${path} is not a usable model file: ${why}`);
  };
  if (typeof json !== "object" || json === null) fail("expected a JSON object");
  const m = json as Record<string, unknown>;
  if (m.format !== "micrograd-ts/cli-model") fail(`its format is ${JSON.stringify(m.format)}, not "micrograd-ts/cli-model" (was it written by micrograd train?)`);
  if (m.version !== 1 && m.version !== 2) fail(`version ${JSON.stringify(m.version)} is not supported; this micrograd reads versions 1 and 2`);
  if (!LOSS_NAMES.includes(m.loss as LossName)) fail(`unknown loss ${JSON.stringify(m.loss)}`);
  if (!Array.isArray(m.features) || !m.features.every(isFeature)) fail("its features are malformed");
  if (!isTarget(m.target)) fail("its target is malformed");
  if (m.version === 2) {
    if (!UNKNOWN.includes(m.unknown as Unknown)) fail(`unknown must be one of ${UNKNOWN.join(", ")}`);
    if (m.threshold !== null && !(typeof m.threshold === "number" && m.threshold > 0 && m.threshold < 1)) fail("its threshold must be null or a number between 0 and 1");
    if (m.threshold !== null && !THRESHOLD_LOSSES.includes(m.loss as LossName)) fail(`a threshold needs a binary loss with probabilities (${THRESHOLD_LOSSES.join(", ")}), not ${String(m.loss)}`);
    const r = m.reading as Record<string, unknown> | undefined;
    if (typeof r !== "object" || r === null || !Array.isArray(r.naValues) || !r.naValues.every((v) => typeof v === "string") || !(r.thousands === null || typeof r.thousands === "string")) {
      fail("its reading rules are malformed");
    }
    const s = m.settings as Record<string, unknown> | null;
    if (s !== null && (typeof s !== "object" || !IMPUTE.includes(s.impute as Impute))) fail("its settings are malformed");
  }
  let model: MLP;
  try {
    model = MLP.fromJSON(m.network);
  } catch (e) {
    return fail((e as Error).message.replace(/^MLP\.fromJSON: /, "network: "));
  }
  const file = (m.version === 1
    ? { ...m, version: 2, unknown: "error", threshold: null, reading: { naValues: [], thousands: null }, settings: null, data: null, cli: null }
    : m) as unknown as ModelFile;
  if (encodedWidth(file.features) !== model.nin) fail(`its features make ${encodedWidth(file.features)} inputs but the network takes ${model.nin}`);
  const outputs = model.nouts.at(-1);
  const expected = file.loss === "crossEntropy" && file.target.kind === "classes" ? file.target.classes.length : 1;
  if (outputs !== expected) fail(`the network has ${outputs} outputs but its target needs ${expected}`);
  return { file, model };
}

function isFeature(f: unknown): boolean {
  const s = f as Record<string, unknown>;
  if (typeof s !== "object" || s === null || typeof s.column !== "string") return false;
  if (s.kind === "number") return Number.isFinite(s.mean) && Number.isFinite(s.std) && (s.std as number) > 0 && (s.fill === undefined || Number.isFinite(s.fill));
  return s.kind === "category" && Array.isArray(s.categories) && s.categories.length > 0 && s.categories.every((c) => typeof c === "string") &&
    (s.fill === undefined || s.categories.includes(s.fill as string));
}

function isTarget(t: unknown): boolean {
  const s = t as Record<string, unknown>;
  if (typeof s !== "object" || s === null || typeof s.column !== "string") return false;
  if (s.kind === "number") return Number.isFinite(s.mean) && Number.isFinite(s.std) && (s.std as number) > 0;
  return s.kind === "classes" && Array.isArray(s.classes) && s.classes.length >= 2 && s.classes.every((c) => typeof c === "string");
}
