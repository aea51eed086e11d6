import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { cliIn } from "./cli.js";

// model.schema.json (shipped in the package) describes the files `micrograd train` writes.
const read = (url: URL) => JSON.parse(readFileSync(url, "utf8")) as object;
const ajv = new Ajv2020({ allErrors: true });
ajv.addSchema(read(new URL("../../../packages/nn/mlp.schema.json", import.meta.url)));
const validate = ajv.compile(read(new URL("../model.schema.json", import.meta.url)));
const validateOutput = ajv.compile(read(new URL("../output.schema.json", import.meta.url)));

describe("model.schema.json", () => {
  it("accepts the model files micrograd train writes, for classes and for numbers", () => {
    const { dir, micrograd } = cliIn("schema");
    writeFileSync(join(dir, "data.csv"), "colour,size,kind,weight\nred,1.5,a,10\nblue,2.5,b,12.5\nred,3,a,14\nblue,0.5,b,9\n");
    for (const target of ["kind", "weight"]) {
      const r = micrograd("train", "--data", "data.csv", "--target", target, "--features", "colour,size", "--epochs", "2", "--quiet", "--out", `${target}.json`);
      expect(r.code, r.stderr).toBe(0);
      expect(validate(JSON.parse(readFileSync(join(dir, `${target}.json`), "utf8"))), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it("rejects a file with a malformed feature or target", () => {
    const network = { format: "micrograd-ts/mlp", version: 1, nin: 1, nouts: [1], activation: "relu", outputActivation: "linear", seed: 0, parameters: [0.5, 0] };
    const base = {
      format: "micrograd-ts/cli-model", version: 2, loss: "mse", seed: 0, features: [{ column: "x", kind: "number", mean: 0, std: 1, fill: 0.5 }],
      target: { column: "y", kind: "number", mean: 0, std: 1 }, unknown: "error", threshold: null, reading: { naValues: [], thousands: null }, settings: null, data: null, cli: null, network,
    };
    expect(validate(base), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...base, features: [{ column: "x", kind: "number", mean: 0, std: 0 }] })).toBe(false);
    expect(validate({ ...base, target: { column: "y", kind: "classes", classes: ["only"] } })).toBe(false);
    expect(validate({ ...base, loss: "l1" })).toBe(false);
    expect(validate({ ...base, unknown: "guess" })).toBe(false);
    expect(validate({ ...base, data: { source: "x.csv", rows: 3, columns: 2, sha256: "not a hash" } })).toBe(false);
  });
});

describe("output.schema.json", () => {
  it("accepts what train --json and eval --json print, and tells them apart by format", () => {
    const { dir, micrograd } = cliIn("output-schema");
    writeFileSync(join(dir, "data.csv"), "colour,size,kind,weight\nred,1.5,a,10\nblue,2.5,b,12.5\nred,3,a,14\nblue,0.5,b,9\nred,NA,b,11\n");
    for (const target of ["kind", "weight"]) {
      const trained = micrograd("train", "--data", "data.csv", "--target", target, "--features", "colour,size", "--epochs", "2", "--val-split", "0.4", "--json", "--out", `${target}.json`);
      expect(trained.code, trained.stderr).toBe(0);
      const summary = JSON.parse(trained.stdout) as { format: string; imputed: Record<string, number> };
      expect(validateOutput(summary), JSON.stringify(validateOutput.errors)).toBe(true);
      expect(summary.format).toBe("micrograd-ts/cli-train-summary");
      const evaluated = JSON.parse(micrograd("eval", "--model", `${target}.json`, "--data", "data.csv", "--json").stdout) as { format: string; filled: number };
      expect(validateOutput(evaluated), JSON.stringify(validateOutput.errors)).toBe(true);
      expect(evaluated).toMatchObject({ format: "micrograd-ts/cli-eval", filled: 1 });
    }
    const crossValidated = micrograd("cv", "--data", "data.csv", "--target", "weight", "--features", "colour,size", "--folds", "2", "--epochs", "2", "--json");
    expect(crossValidated.code, crossValidated.stderr).toBe(0);
    expect(validateOutput(JSON.parse(crossValidated.stdout)), JSON.stringify(validateOutput.errors)).toBe(true);
    expect(validateOutput({ format: "micrograd-ts/cli-eval", formatVersion: 2, filled: 0, rows: 1, loss: 0 })).toBe(false);
  });
});
