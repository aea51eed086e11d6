import { evaluate } from "@micrograd/training";
import { DROP_MISSING_FLAG, MODEL_FLAG, requireString } from "../args.js";
import type { Command } from "../args.js";
import { encodeForModel } from "../data.js";
import { loadModel } from "../model-file.js";
import { classReport, computeMetrics, metricRows } from "../metrics.js";
import { table } from "../report.js";

export const evalCommand: Command = {
  name: "eval",
  summary: "metrics of a saved model on a CSV file: RMSE/MAE/R², or accuracy, log loss and a confusion matrix",
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
    const { loss, outputs } = evaluate(model, data, file.loss);
    const metrics = computeMetrics(file.loss, file.target, outputs, data.y, loss);
    if (flags.json) {
      console.log(JSON.stringify({ dropped, ...metrics }, null, 2));
      return;
    }
    console.log(table([
      ["rows", `${data.x.length}${dropped ? ` (${dropped} dropped for missing values)` : ""}`],
      ...metricRows(metrics, "metrics"),
    ]));
    const report = classReport(metrics);
    if (report && flags.quiet !== true) console.log(`\n${report}`);
  },
};
