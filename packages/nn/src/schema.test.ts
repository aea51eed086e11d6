import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { MLP } from "./index.js";

// The JSON Schema shipped as @micrograd/nn/mlp.schema.json describes what MLP.toJSON writes, so
// other tools can read saved models without reverse-engineering them.
const schema = JSON.parse(readFileSync(new URL("../mlp.schema.json", import.meta.url), "utf8")) as object;
const validate = new Ajv2020({ allErrors: true }).compile(schema);

describe("mlp.schema.json", () => {
  it("accepts every model MLP.toJSON writes", () => {
    for (const model of [new MLP(2, [16, 16, 1], { seed: 1 }), new MLP(3, [4, 3], { activation: "tanh", outputActivation: "sigmoid", seed: 2 })]) {
      expect(validate(JSON.parse(JSON.stringify(model.toJSON()))), JSON.stringify(validate.errors)).toBe(true);
    }
  });

  it("rejects what MLP.fromJSON rejects: another format, a bad activation, a missing field, text for a number", () => {
    const good = new MLP(2, [3, 1], { seed: 1 }).toJSON();
    const bad = [
      { ...good, format: "other" },
      { ...good, activation: "swish" },
      { ...good, nouts: [] },
      { ...good, parameters: ["1"] },
      Object.fromEntries(Object.entries(good).filter(([k]) => k !== "seed")),
    ];
    for (const model of bad) {
      expect(validate(model), JSON.stringify(model)).toBe(false);
      expect(() => MLP.fromJSON(model)).toThrow();
    }
  });
});
