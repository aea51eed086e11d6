import { andGate, toyDatasets } from "@micrograd/training";
import type { Dataset, LossName } from "@micrograd/training";
import type { Flags } from "./args.js";
import { choiceFlag, numberFlag } from "./args.js";
import { encodeFeatures, encodeTarget, fitFeatures, fitTarget, isNumberField } from "./encoding.js";
import type { FeatureSpec, TargetSpec } from "./encoding.js";
import { UsageError } from "./errors.js";
import { columnIndex, handleMissing, isMissing, readTable } from "./table.js";
import type { Table } from "./table.js";

/** Built-in datasets and what they are. */
export const BUILT_IN = {
  moons: "two interleaving half circles (micrograd's demo), 2 classes",
  circles: "a small circle inside a large one, 2 classes",
  xor: "the four XOR quadrants, 2 classes",
  spiral: "interleaved spiral arms, 3 classes",
  blobs: "Gaussian blobs, 3 classes",
  and: "the AND gate truth table (seed 000), 4 rows",
} as const;

export type BuiltIn = keyof typeof BUILT_IN;

/** Training data ready for a network, with the encoding that made it. */
export interface Prepared {
  source: string;
  data: Dataset;
  features: FeatureSpec[];
  target: TargetSpec;
  dropped: number;
}

/** The losses that treat the target as classes. */
export const CLASSIFICATION: readonly LossName[] = ["crossEntropy", "bce", "bceWithLogits", "hinge"];

/** Loads `--dataset` or `--data`/`--target`/`--features` and encodes it for training. */
export function prepareTraining(flags: Flags, loss: LossName | undefined): Prepared {
  const classes = loss === undefined ? undefined : CLASSIFICATION.includes(loss);
  if (flags.dataset !== undefined && flags.data !== undefined) throw new UsageError("give either --dataset or --data, not both");
  if (flags.data === undefined) {
    const name = choiceFlag(flags, "dataset", Object.keys(BUILT_IN) as BuiltIn[], "moons");
    const n = numberFlag(flags, "samples", 100, 2, 100_000, true);
    const noise = numberFlag(flags, "noise", name === "moons" ? 0.1 : name === "blobs" ? 0.5 : name === "spiral" ? 0.2 : 0.05, 0, 10);
    const seed = numberFlag(flags, "seed", 0, 0, 2 ** 32 - 1, true);
    const data = name === "and" ? andGate() : toyDatasets[name]({ n, noise, seed });
    const features: FeatureSpec[] = data.x[0]!.map((_, i) => ({ column: `x${i + 1}`, kind: "number", mean: 0, std: 1 }));
    const target: TargetSpec = { column: "y", kind: "classes", classes: Array.from({ length: data.classes }, (_, k) => String(k)) };
    return { source: `the ${name} dataset`, data, features, target, dropped: 0 };
  }
  if (typeof flags.target !== "string") throw new UsageError("--target COLUMN is required with --data: it names the column to predict");
  const raw = readTable(String(flags.data));
  const targetColumn = columnIndex(raw, flags.target);
  const featureColumns = featureIndexes(raw, flags.features, flags.ignore, targetColumn);
  const { table, dropped } = handleMissing(raw, [...featureColumns, targetColumn], flags["drop-missing"] === true);
  const features = fitFeatures(table, featureColumns);
  const target = fitTarget(table, targetColumn, classes);
  const data = encodeTable(table, features, featureColumns, target, targetColumn);
  return { source: table.file, data, features, target, dropped };
}

/** A text column with more distinct values than this share of the rows (and than {@link IDENTIFIER_MIN}) is an identifier. */
const IDENTIFIER_SHARE = 0.5;
const IDENTIFIER_MIN = 20;

/**
 * The feature columns: `--features a,b,c`, or every column but the target and `--ignore`d ones,
 * leaving out — with a line on stderr saying how to keep it — any text column that looks like an
 * identifier (a name per row): one-hot encoded, it would give a network one input per row to
 * memorise instead of a pattern to learn.
 */
export function featureIndexes(table: Table, list: string | boolean | undefined, ignore: string | boolean | undefined, targetColumn: number): number[] {
  const names = (value: string | boolean) => String(value).split(",").map((s) => s.trim()).filter((s) => s !== "");
  const ignored = ignore === undefined ? [] : names(ignore).map((name) => columnIndex(table, name));
  if (ignored.includes(targetColumn)) throw new UsageError(`--ignore names the target column ${JSON.stringify(table.columns[targetColumn])}`);
  if (list !== undefined) {
    const indexes = names(list).map((name) => columnIndex(table, name));
    if (indexes.includes(targetColumn)) throw new UsageError(`--features includes the target column ${JSON.stringify(table.columns[targetColumn])}`);
    const both = indexes.find((i) => ignored.includes(i));
    if (both !== undefined) throw new UsageError(`${JSON.stringify(table.columns[both])} is in both --features and --ignore`);
    return indexes;
  }
  const kept = table.columns.map((_, i) => i).filter((i) => {
    if (i === targetColumn || ignored.includes(i)) return false;
    const distinct = new Set(table.rows.map((r) => r[i])).size;
    // Missing values (NA, empty) do not make a number column text.
    const text = table.rows.some((r) => !isMissing(r[i] as string) && !isNumberField(r[i] as string));
    if (!text || distinct <= IDENTIFIER_MIN || distinct <= IDENTIFIER_SHARE * table.rows.length) return true;
    process.stderr.write(
      `leaving out column ${JSON.stringify(table.columns[i])}: ${distinct} of ${table.rows.length} rows have a value of their own, so it looks like an identifier; ` +
        `name it in --features to use it anyway\n`,
    );
    return false;
  });
  if (kept.length === 0) throw new UsageError("no feature columns are left: name them with --features");
  return kept;
}

/** Encodes every row of a table with a fitted encoding. */
export function encodeTable(table: Table, features: FeatureSpec[], featureColumns: number[], target: TargetSpec, targetColumn: number | null): Dataset {
  const where = (r: number) => `${table.file}: line ${table.lines[r]}`;
  return {
    name: table.file,
    x: table.rows.map((row, r) => encodeFeatures(features, featureColumns.map((c) => row[c] as string), where(r))),
    y: targetColumn === null ? [] : table.rows.map((row, r) => encodeTarget(target, row[targetColumn] as string, where(r))),
    classes: target.kind === "classes" ? target.classes.length : 0,
  };
}

/** Rows of a CSV encoded the way a saved model was trained; the target too when `withTarget`. */
export function encodeForModel(
  file: { features: FeatureSpec[]; target: TargetSpec },
  path: string,
  withTarget: boolean,
  dropMissing: boolean,
): { data: Dataset; dropped: number; table: Table } {
  const raw = readTable(path);
  const featureColumns = file.features.map((f) => columnIndex(raw, f.column));
  const targetColumn = withTarget ? columnIndex(raw, file.target.column) : null;
  const { table, dropped } = handleMissing(raw, targetColumn === null ? featureColumns : [...featureColumns, targetColumn], dropMissing);
  return { data: encodeTable(table, file.features, featureColumns, file.target, targetColumn), dropped, table };
}

/** One input given on the command line (`--input 1.5,red`), encoded for the model. */
export function encodeInput(features: FeatureSpec[], input: string): number[] {
  const fields = input.split(",").map((s) => s.trim());
  if (fields.length !== features.length) {
    throw new UsageError(`--input needs ${features.length} comma-separated values (${features.map((f) => f.column).join(", ")}), got ${fields.length}`);
  }
  return encodeFeatures(features, fields, "--input");
}
