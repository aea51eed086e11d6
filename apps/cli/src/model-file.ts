import { MLP } from "@micrograd/nn";
import type { MLPJSON } from "@micrograd/nn";
import { LOSS_NAMES } from "@micrograd/training";
import type { LossName } from "@micrograd/training";
import { encodedWidth } from "./encoding.js";
import type { FeatureSpec, TargetSpec } from "./encoding.js";
import { InputError } from "./errors.js";
import { readText, writeAtomically } from "./files.js";

/** What `micrograd train` saves: the network, and how to turn CSV rows into its inputs and back. */
export interface ModelFile {
  format: "micrograd-ts/cli-model";
  version: 1;
  loss: LossName;
  seed: number;
  features: FeatureSpec[];
  target: TargetSpec;
  network: MLPJSON;
}

/** Writes a model file atomically. */
export function saveModel(path: string, file: ModelFile, force: boolean): void {
  writeAtomically(path, `${JSON.stringify(file, null, 2)}\n`, force);
}

/** Reads and checks a model file; anything else is an InputError that says what is wrong. */
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
  if (m.version !== 1) fail(`version ${JSON.stringify(m.version)} is not supported; this micrograd reads version 1`);
  if (!LOSS_NAMES.includes(m.loss as LossName)) fail(`unknown loss ${JSON.stringify(m.loss)}`);
  if (!Array.isArray(m.features) || !m.features.every(isFeature)) fail("its features are malformed");
  if (!isTarget(m.target)) fail("its target is malformed");
  let model: MLP;
  try {
    model = MLP.fromJSON(m.network);
  } catch (e) {
    return fail((e as Error).message.replace(/^MLP\.fromJSON: /, "network: "));
  }
  const file = m as unknown as ModelFile;
  if (encodedWidth(file.features) !== model.nin) fail(`its features make ${encodedWidth(file.features)} inputs but the network takes ${model.nin}`);
  const outputs = model.nouts.at(-1);
  const expected = file.loss === "crossEntropy" && file.target.kind === "classes" ? file.target.classes.length : 1;
  if (outputs !== expected) fail(`the network has ${outputs} outputs but its target needs ${expected}`);
  return { file, model };
}

function isFeature(f: unknown): boolean {
  const s = f as Record<string, unknown>;
  if (typeof s !== "object" || s === null || typeof s.column !== "string") return false;
  if (s.kind === "number") return Number.isFinite(s.mean) && Number.isFinite(s.std) && (s.std as number) > 0;
  return s.kind === "category" && Array.isArray(s.categories) && s.categories.length > 0 && s.categories.every((c) => typeof c === "string");
}

function isTarget(t: unknown): boolean {
  const s = t as Record<string, unknown>;
  if (typeof s !== "object" || s === null || typeof s.column !== "string") return false;
  if (s.kind === "number") return Number.isFinite(s.mean) && Number.isFinite(s.std) && (s.std as number) > 0;
  return s.kind === "classes" && Array.isArray(s.classes) && s.classes.length >= 2 && s.classes.every((c) => typeof c === "string");
}
