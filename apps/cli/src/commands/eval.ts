import { evaluate } from "@micrograd/training";
import { DROP_MISSING_FLAG, MODEL_FLAG, requireString } from "../args.js";
import type { Command } from "../args.js";
import { encodeForModel } from "../data.js";
import { loadModel } from "../model-file.js";
import { describeOutputs } from "../predict-row.js";
import { percent, table } from "../report.js";

export const evalCommand: Command = {
  name: "eval",
  summary: "loss, accuracy and per-class counts of a saved model on a CSV file",
  flags: {
    model: MODEL_FLAG,
    data: { type: "string", value: "FILE", description: "CSV with the feature columns and the target column" },
    "drop-missing": DROP_MISSING_FLAG,
    json: { type: "boolean", description: "print the results as JSON" },
  },
  examples: ["micrograd eval --model iris.json --data iris-test.csv", "micrograd eval --model iris.json --data iris-test.csv --json"],
  run(flags) {
    const { file, model } = loadModel(requireString(flags, "model", "the model file to evaluate"));
    const { data, dropped } = encodeForModel(file, requireString(flags, "data", "a CSV with the target column"), true, flags["drop-missing"] === true);
    const { loss, accuracy, outputs } = evaluate(model, data, file.loss);
    const target = file.target;
    const perClass = target.kind === "classes"
      ? target.classes.map((name, k) => {
          const rows = data.y.map((y, i) => [y, i] as const).filter(([y]) => y === k);
          const right = rows.filter(([, i]) => describeOutputs(file, outputs[i] as number[]).prediction === name).length;
          return { class: name, rows: rows.length, correct: right };
        })
      : null;
    if (flags.json) {
      console.log(JSON.stringify({ rows: data.x.length, dropped, loss, accuracy, perClass }, null, 2));
      return;
    }
    console.log(table([
      ["rows", `${data.x.length}${dropped ? ` (${dropped} dropped for missing values)` : ""}`],
      ["loss", `${loss.toFixed(4)} (${file.loss})`],
      ["accuracy", percent(accuracy)],
      ...(perClass ?? []).map((c) => [`class ${c.class}`, `${c.correct}/${c.rows} right`] as [string, string]),
    ]));
  },
};
