import { givesProbabilities, probabilities } from "@micrograd/training";
import { DROP_MISSING_FLAG, MODEL_FLAG, outputFlags, requireString } from "../args.js";
import type { Command } from "../args.js";
import { encodeForModel, encodeInput } from "../data.js";
import { UsageError } from "../errors.js";
import { writeAtomically } from "../files.js";
import { loadModel } from "../model-file.js";
import { describeOutputs } from "../predict-row.js";
import { columnIndex } from "../table.js";
import type { Table } from "../table.js";

/** A CSV field, quoted when it must be. */
const field = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export const predict: Command = {
  name: "predict",
  summary: "predict with a saved model, from a CSV file or one input",
  flags: {
    model: MODEL_FLAG,
    data: { type: "string", value: "FILE", description: "CSV with the model's feature columns (a target column is ignored)" },
    input: { type: "string", value: "A,B,…", description: "one input, the feature values in training order" },
    keep: { type: "string", value: "A,B,…", description: "input columns to copy next to the predictions (default: all)" },
    "drop-missing": DROP_MISSING_FLAG,
    ...outputFlags("write the predictions here instead of stdout"),
  },
  examples: [
    "micrograd predict --model iris.json --data new-flowers.csv > predictions.csv",
    "micrograd predict --model iris.json --data new-flowers.csv --keep id --out predictions.csv",
    "micrograd predict --model moons.json --input 0.5,-0.25",
  ],
  run(flags) {
    const { file, model } = loadModel(requireString(flags, "model", "the model file to predict with"));
    if ((flags.data === undefined) === (flags.input === undefined)) throw new UsageError("give exactly one of --data FILE or --input VALUES");
    let rows: { x: number[][]; table: Table };
    if (typeof flags.data === "string") {
      const { data, table } = encodeForModel(file, flags.data, false, flags["drop-missing"] === true);
      rows = { x: data.x, table };
    } else {
      const fields = String(flags.input).split(",").map((v) => v.trim());
      const x = encodeInput(file.features, String(flags.input));
      rows = { x: [x], table: { file: "--input", columns: file.features.map((f) => f.column), rows: [fields], lines: [1] } };
    }
    const keep = flags.keep === undefined ? rows.table.columns.map((_, i) => i) : String(flags.keep).split(",").map((c) => columnIndex(rows.table, c.trim()));
    const target = file.target;
    const withProbabilities = target.kind === "classes" && givesProbabilities(file.loss);
    const header = [
      ...keep.map((c) => rows.table.columns[c] as string),
      "prediction",
      ...(withProbabilities && target.kind === "classes" ? target.classes.map((c) => `probability_${c}`) : []),
    ];
    const lines = rows.x.map((x, r) => {
      const outputs = model.forward(x).map((v) => v.data);
      const fields = [...keep.map((c) => rows.table.rows[r]?.[c] ?? ""), describeOutputs(file, outputs)];
      if (withProbabilities) fields.push(...(probabilities(file.loss, outputs) as number[]).map(String));
      return fields.map(field).join(",");
    });
    const text = `${[header.map(field).join(","), ...lines].join("\n")}\n`;
    if (typeof flags.out === "string") writeAtomically(flags.out, text, flags.force === true);
    else process.stdout.write(text);
  },
};
