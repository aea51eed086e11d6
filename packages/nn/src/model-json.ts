import { crossCopyInstanceof } from "@micrograd/engine";
import { checkActivation } from "./activation.js";
import type { Activation } from "./activation.js";

/** A saved {@link MLP}: its shape and every parameter, in `parameters()` order. */
export interface MLPJSON {
  format: "micrograd-ts/mlp";
  version: 1;
  nin: number;
  nouts: number[];
  activation: Activation;
  outputActivation: Activation;
  seed: number;
  parameters: number[];
}

/** Thrown when JSON given to `MLP.fromJSON` is not a model this version can load. */
export class ModelFormatError extends Error {
  override name = "ModelFormatError";
}
crossCopyInstanceof(ModelFormatError, "@micrograd/nn/ModelFormatError");

/** Checks that `json` is a saved MLP and returns it typed; every problem is a ModelFormatError. */
export function readModelJSON(json: unknown): MLPJSON {
  let data = json;
  if (typeof json === "string") {
    try {
      data = JSON.parse(json);
    } catch (e) {
      throw new ModelFormatError(`MLP.fromJSON: the text is not JSON (${(e as Error).message})`);
    }
  }
  const fail = (what: string): never => {
    throw new ModelFormatError(`MLP.fromJSON: ${what}`);
  };
  if (typeof data !== "object" || data === null || Array.isArray(data)) fail("expected a model object");
  const m = data as Record<string, unknown>;
  if (m.format !== "micrograd-ts/mlp") {
    fail(`this is not a micrograd-ts model (format is ${JSON.stringify(m.format)}, expected "micrograd-ts/mlp")`);
  }
  if (m.version !== 1) fail(`unsupported model version ${JSON.stringify(m.version)}; this library reads version 1`);
  const isSize = (n: unknown) => Number.isInteger(n) && (n as number) > 0;
  if (!isSize(m.nin)) fail(`nin must be a positive integer, got ${JSON.stringify(m.nin)}`);
  if (!Array.isArray(m.nouts) || m.nouts.length === 0 || !m.nouts.every(isSize)) {
    fail(`nouts must be a non-empty array of positive integers, got ${JSON.stringify(m.nouts)}`);
  }
  if (!Number.isInteger(m.seed)) fail(`seed must be an integer, got ${JSON.stringify(m.seed)}`);
  const nouts = m.nouts as number[];
  const sizes = [m.nin as number, ...nouts];
  const expected = nouts.reduce((total, nout, i) => total + nout * ((sizes[i] as number) + 1), 0);
  if (!Array.isArray(m.parameters)) fail("parameters must be an array of numbers");
  const parameters = m.parameters as unknown[];
  if (parameters.length !== expected) {
    fail(`a ${sizes.join("-")} network has ${expected} parameters, but the file has ${parameters.length}`);
  }
  const bad = parameters.findIndex((p) => typeof p !== "number" || !Number.isFinite(p));
  if (bad >= 0) fail(`parameter ${bad} is ${JSON.stringify(parameters[bad])}, not a finite number`);
  try {
    checkActivation(m.activation, "activation");
    checkActivation(m.outputActivation, "outputActivation");
  } catch (e) {
    fail((e as Error).message);
  }
  return m as unknown as MLPJSON;
}
