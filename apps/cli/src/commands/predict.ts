import { compile } from "@micrograd/engine";
import type { MLP } from "@micrograd/nn";
import { givesProbabilities, probabilities } from "@micrograd/training";
import { MODEL_FLAG, THRESHOLD_FLAG, outputFlags, requireString } from "../args.js";
import type { Command } from "../args.js";
import { CHUNK_ROWS, READING_NOTES, READ_FLAGS, encodeInput, findColumn, readingOptions, streamForModel } from "../data.js";
import { UsageError } from "../errors.js";
import { prepareOutput } from "../files.js";
import { sourceName } from "../columns.js";
import { loadModel } from "../model-file.js";
import type { ModelFile } from "../model-file.js";
import { describeOutputs, thresholdFlag } from "../predict-row.js";

/** A CSV field, quoted when it must be. */
const field = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

export const predict: Command = {
  name: "predict",
  summary: "predict with a saved model, from a CSV file or one input",
  flags: {
    model: MODEL_FLAG,
    data: { type: "string", short: "d", value: "FILE", description: "CSV with the model's feature columns (a target column is ignored); - for standard input" },
    input: { type: "string", value: "A,B,…", description: "one input, the feature values in training order" },
    keep: { type: "string", value: "A,B,…", description: "input columns to copy next to the predictions (default: all)" },
    threshold: THRESHOLD_FLAG,
    ...READ_FLAGS,
    ...outputFlags("write the predictions here instead of stdout"),
  },
  notes: `${READING_NOTES}
One output row per input row, always: missing cells are filled as the model was trained to
(--impute), and a cell the model cannot read is an error naming its line and column.`,
  examples: [
    "micrograd predict --model iris.json --data new-flowers.csv > predictions.csv",
    "micrograd predict --model iris.json --data new-flowers.csv --keep id --out predictions.csv",
    "micrograd predict --model moons.json --input 0.5,-0.25",
  ],
  run(flags) {
    const modelPath = requireString(flags, "model", "the model file to predict with");
    if ((flags.data === undefined) === (flags.input === undefined)) throw new UsageError("give exactly one of --data FILE or --input VALUES");
    const data = typeof flags.data === "string" ? flags.data : undefined;
    const output = prepareOutput(typeof flags.out === "string" ? flags.out : "-", flags.force === true, [data, modelPath]);
    const { file, model } = loadModel(modelPath);
    const reading = readingOptions(flags, file.reading);
    const rows = rowWriter(file, model, thresholdFlag(flags, file.loss, file.threshold));
    const keepNames = flags.keep === undefined ? null : String(flags.keep).split(",").map((c) => c.trim());
    const sink = output.open();
    try {
      if (data === undefined) {
        const { x, fields } = encodeInput(file, String(flags.input), reading.rules);
        const columns = file.features.map((f) => f.column);
        const keep = keptColumns(columns, keepNames, "--input");
        sink.write(rows.header(keep.map((c) => columns[c] as string)));
        sink.write(rows.lines(Float64Array.from(x), 1, [keep.map((c) => fields[c] as string)]));
      } else {
        let filled = 0;
        streamForModel(file, data, reading, false, (columns) => {
          const keep = keptColumns(columns, keepNames, sourceName(data));
          sink.write(rows.header(keep.map((c) => columns[c] as string)));
          return keep;
        }, (chunk) => {
          filled += chunk.filled;
          sink.write(rows.lines(chunk.inputs, chunk.rows, chunk.fields));
        });
        if (filled > 0 && flags.quiet !== true) process.stderr.write(`filled ${filled} missing cells as the model was trained to (${file.settings?.impute ?? "median"})\n`);
      }
      sink.commit();
    } catch (e) {
      sink.abort();
      throw e;
    }
  },
};

/** The indexes of the columns `--keep` names (all without it). */
function keptColumns(columns: string[], names: string[] | null, source: string): number[] {
  if (names === null) return columns.map((_, i) => i);
  const table = { source, delimiter: ",", columns: columns.map((name) => ({ name })) };
  return names.map((name) => columns.indexOf(findColumn(table, name).name));
}

/**
 * The CSV lines of predictions: a header, then for each batch of encoded rows its kept input
 * fields, the prediction and each class's probability. The network runs compiled, one
 * recording replayed over the batch.
 */
function rowWriter(file: ModelFile, model: MLP, threshold: number | null) {
  const graph = compile((inputs) => model.forward(inputs), new Array<number>(model.nin).fill(0));
  const target = file.target;
  const width = model.nouts.at(-1) as number;
  const withProbabilities = target.kind === "classes" && givesProbabilities(file.loss);
  const outputs = new Array<number>(width);
  // The replay's outputs, read a column at a time.
  const columns = Array.from({ length: width }, () => new Float64Array(CHUNK_ROWS));
  return {
    header(kept: string[]): string {
      const names = [...kept, "prediction", ...(withProbabilities && target.kind === "classes" ? target.classes.map((c) => `probability_${c}`) : [])];
      return `${names.map(field).join(",")}\n`;
    },
    lines(inputs: Float64Array, rows: number, fields: string[][]): string {
      graph.runBatch(inputs.subarray(0, rows * model.nin), rows);
      columns.forEach((column, j) => graph.outputColumn(j, column));
      let text = "";
      for (let r = 0; r < rows; r++) {
        for (let j = 0; j < width; j++) outputs[j] = (columns[j] as Float64Array)[r] as number;
        for (const kept of fields[r] ?? []) text += `${field(kept)},`;
        text += field(describeOutputs(file, threshold, outputs));
        if (withProbabilities) for (const p of probabilities(file.loss, outputs) as number[]) text += `,${p}`;
        text += "\n";
      }
      return text;
    },
  };
}
