import { DROP_MISSING_FLAG, MODEL_FLAG, outputFlags, requireString } from "../args.js";
import type { Command } from "../args.js";
import { encodeForModel, encodeInput } from "../data.js";
import { UsageError } from "../errors.js";
import { writeAtomically } from "../files.js";
import { loadModel } from "../model-file.js";
import { predictRow } from "../predict-row.js";

/** A CSV field, quoted when it must be. */
const field = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export const predict: Command = {
  name: "predict",
  summary: "predict with a saved model, from a CSV file or one input",
  flags: {
    model: MODEL_FLAG,
    data: { type: "string", value: "FILE", description: "CSV with the model's feature columns (a target column is ignored)" },
    input: { type: "string", value: "A,B,…", description: "one input, the feature values in training order" },
    "drop-missing": DROP_MISSING_FLAG,
    ...outputFlags("write the predictions here instead of stdout"),
  },
  examples: [
    "micrograd predict --model iris.json --data new-flowers.csv > predictions.csv",
    "micrograd predict --model moons.json --input 0.5,-0.25",
  ],
  run(flags) {
    const { file, model } = loadModel(requireString(flags, "model", "the model file to predict with"));
    if ((flags.data === undefined) === (flags.input === undefined)) throw new UsageError("give exactly one of --data FILE or --input VALUES");
    const inputs = typeof flags.data === "string"
      ? encodeForModel(file, flags.data, false, flags["drop-missing"] === true).data.x
      : [encodeInput(file.features, String(flags.input))];
    const predictions = inputs.map((x) => predictRow(file, model, x));
    const withProbability = predictions.some((p) => p.probability !== null);
    const lines = [withProbability ? "prediction,probability" : "prediction"].concat(
      predictions.map((p) => (withProbability ? `${field(p.prediction)},${p.probability ?? ""}` : field(p.prediction))),
    );
    const text = `${lines.join("\n")}\n`;
    if (typeof flags.out === "string") writeAtomically(flags.out, text, flags.force === true);
    else process.stdout.write(text);
  },
};
