import { evaluate } from "@micrograd/training";
import type { FlatDataset } from "@micrograd/training";
import { MODEL_FLAG, THRESHOLD_FLAG, requireString } from "../args.js";
import type { Command } from "../args.js";
import { CHUNK_ROWS, READING_NOTES, READ_FLAGS, readingOptions, streamForModel } from "../data.js";
import { loadModel } from "../model-file.js";
import { classReport, computeMetrics, metricRows } from "../metrics.js";
import { thresholdFlag } from "../predict-row.js";
import { table } from "../report.js";

export const evalCommand: Command = {
  name: "eval",
  summary: "metrics of a saved model on a CSV file: RMSE/MAE/R², or accuracy, log loss and a confusion matrix",
  flags: {
    model: MODEL_FLAG,
    data: { type: "string", short: "d", value: "FILE", description: "CSV with the feature columns and the target column; - for standard input" },
    ...READ_FLAGS,
    threshold: THRESHOLD_FLAG,
    json: { type: "boolean", description: "print the results as JSON" },
  },
  notes: `${READING_NOTES}
Missing feature cells are filled as the model was trained to (--impute); a missing target is an
error naming its line.`,
  examples: ["micrograd eval --model iris.json --data iris-test.csv", "micrograd eval --model iris.json --data iris-test.csv --json"],
  run(flags) {
    const { file, model } = loadModel(requireString(flags, "model", "the model file to evaluate"));
    const threshold = thresholdFlag(flags, file.loss, file.threshold);
    const reading = readingOptions(flags, file.reading);
    // The encoded rows, gathered flat: chunk after chunk, no array per row.
    let x = new Float64Array(CHUNK_ROWS * model.nin);
    const y: number[] = [];
    let filled = 0;
    streamForModel(file, requireString(flags, "data", "a CSV with the target column"), reading, true, () => [], (chunk) => {
      const at = y.length * model.nin;
      if (at + chunk.inputs.length > x.length) {
        const bigger = new Float64Array(Math.max(x.length * 2, at + chunk.inputs.length));
        bigger.set(x);
        x = bigger;
      }
      x.set(chunk.inputs, at);
      for (const t of chunk.targets) y.push(t);
      filled += chunk.filled;
    });
    const data: FlatDataset = { name: String(flags.data), x: x.subarray(0, y.length * model.nin), width: model.nin, y, classes: file.target.kind === "classes" ? file.target.classes.length : 0 };
    const { loss, outputs } = evaluate(model, data, file.loss);
    const metrics = computeMetrics(file.loss, file.target, outputs, data.y, loss, threshold);
    if (flags.json) {
      console.log(JSON.stringify({ format: "micrograd-ts/cli-eval", formatVersion: 1, filled, ...metrics }, null, 2));
      return;
    }
    console.log(table([
      ["rows", `${data.y.length}${filled ? ` (${filled} missing cells filled)` : ""}`],
      ...metricRows(metrics, "metrics"),
    ]));
    const report = classReport(metrics);
    if (report && flags.quiet !== true) console.log(`\n${report}`);
  },
};
