import { toOnnx } from "@micrograd/onnx";
import type { OnnxFeature, OnnxHead } from "@micrograd/onnx";
import { MODEL_FLAG, outputFlags, requireString } from "../args.js";
import { NA_MARKERS } from "../cells.js";
import type { Command } from "../args.js";
import { UsageError } from "../errors.js";
import { prepareOutput } from "../files.js";
import { loadModel } from "../model-file.js";
import type { ModelFile } from "../model-file.js";

const FORMATS = ["onnx"];

/**
 * The strings an ONNX text input may hold for a missing cell: the CLI's markers and the model's
 * own, as written, in lower case and in upper case (ONNX compares strings exactly).
 */
function missingMarkers(extra: readonly string[]): string[] {
  const words = [...NA_MARKERS, ...extra, "NaN", "N/A", "#N/A", "Null"];
  return [...new Set(words.flatMap((w) => [w, w.toLowerCase(), w.toUpperCase()]))];
}

/**
 * The model file as ONNX options: one input per feature column, named after it (numbers
 * standardised, text one-hot encoded inside the graph), and outputs in the target's terms.
 */
export function onnxOptions(file: ModelFile): { features: OnnxFeature[]; head: OnnxHead } {
  const missing = missingMarkers(file.reading.naValues);
  const features = file.features.map((f): OnnxFeature => {
    if (f.kind === "number") return { name: f.column, kind: "number", mean: f.mean, std: f.std, ...(f.fill === undefined ? {} : { fill: f.fill }) };
    return { name: f.column, kind: "category", categories: f.categories, unknown: file.unknown, ...(f.fill === undefined ? {} : { fill: f.fill, missing }) };
  });
  const { target, loss } = file;
  if (target.kind === "number") return { features, head: { kind: "regression", mean: target.mean, std: target.std } };
  if (loss === "mse" || loss === "sse") throw new UsageError(`the model predicts classes with the regression loss ${loss}; ONNX export needs a classification loss`);
  return { features, head: { kind: "classes", loss, classes: target.classes, ...(file.threshold === null ? {} : { threshold: file.threshold }) } };
}

export const exportCommand: Command = {
  name: "export",
  summary: "export a saved model to ONNX, its preprocessing included",
  notes: `The ONNX model takes one input per feature column: numbers as double [N, 1] (a NaN is filled as
the model fills a missing cell), text as string [N, 1] (a missing marker such as "", NA or ? is
filled likewise; an unseen value is an error, or no category for a model trained with --unknown ignore).`,
  flags: {
    model: MODEL_FLAG,
    format: { type: "string", value: "NAME", description: "the file format: onnx" },
    ...outputFlags("where to write the exported model"),
  },
  examples: [
    "micrograd export --model iris.json --format onnx --out iris.onnx",
  ],
  run(flags) {
    const modelPath = requireString(flags, "model", "the model file to export");
    const format = requireString(flags, "format", `the format to export to (${FORMATS.join(", ")})`);
    if (!FORMATS.includes(format)) throw new UsageError(`unknown format ${JSON.stringify(format)}; formats are ${FORMATS.join(", ")}`);
    const output = prepareOutput(requireString(flags, "out", "the file to write"), flags.force === true, [modelPath]);
    const { file, model } = loadModel(modelPath);
    const { features, head } = onnxOptions(file);
    const bytes = toOnnx(model, { features, head, name: file.target.column, description: `micrograd-ts model predicting ${JSON.stringify(file.target.column)}` });
    output.write(bytes);
    if (flags.quiet !== true) {
      const inputs = features.map((f) => `${JSON.stringify(f.name)} (${f.kind === "number" ? "double" : "string"} [N, 1])`).join(", ");
      process.stderr.write(`wrote ${output.path}: inputs ${inputs}; outputs ${head.kind === "classes" ? "label (string [N])" : "label (double [N])"}${head.kind === "classes" && head.loss !== "hinge" ? `, probabilities (double [N, ${head.classes.length}])` : ""}, scores\n`);
    }
  },
};
