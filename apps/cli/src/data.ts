import { Random } from "@micrograd/engine";
import { andGate, toyDatasets } from "@micrograd/training";
import type { FlatDataset, LossName } from "@micrograd/training";
import type { Flag, Flags } from "./args.js";
import { choiceFlag, numberFlag } from "./args.js";
import type { CellRules } from "./cells.js";
import { cellRules, stringCells } from "./cells.js";
import type { Column, ColumnTable } from "./columns.js";
import { columnKind, numberValues, readColumns, sourceName, textCodes } from "./columns.js";
import type { CsvOptions } from "./csv.js";
import { ENCODINGS, parseDelimiter, readCsv } from "./csv.js";
import { IMPUTE, UNKNOWN, encodeFeatures, encodeTarget, encodedWidth, meanStd, median } from "./encoding.js";
import type { FeatureSpec, Impute, TargetSpec, Unknown } from "./encoding.js";
import { InputError, UsageError } from "./errors.js";
import type { DataFingerprint } from "./model-file.js";
import { readProgress } from "./report.js";
import { didYouMean } from "./suggest.js";

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

/** The flags that say how a CSV file is read, shared by the commands that read one. */
export const READ_FLAGS: Record<string, Flag> = {
  delimiter: { type: "string", value: "C", description: "field separator (default: detected from the header among , ; tab |; tab for .tsv)" },
  encoding: { type: "string", value: "NAME", description: "utf8 (default) or latin1 (also reads Windows-1252)" },
  "na-values": { type: "string", value: "A,B,…", description: "more cells that count as missing, besides empty, NA, N/A, #N/A, NaN, null, ? and - (one starting with - is written --na-values=-999)" },
  thousands: { type: "string", value: "C", description: "thousands separator in numbers, e.g. , to read 1,037 as 1037" },
};

/** The help text's note on how cells are read, shared by the commands that read a CSV file. */
export const READING_NOTES = `Reading data: a header row, then one row per line; --data - reads standard input.
Missing cells: empty, NA, N/A, #N/A, NaN, null, ? and - (any case), and those --na-values adds.
Numbers: decimal or scientific; inf, Infinity and numbers beyond 1.8e308 are an error naming the
line and column; so is a mostly-numeric column with a cell that is neither a number nor missing.`;

/** How a CSV file is read and its cells understood, from the reading flags (and a model's saved rules). */
export interface Reading {
  csv: CsvOptions;
  rules: CellRules;
  /** The extra missing markers and thousands separator, to save in a model. */
  saved: { naValues: string[]; thousands: string | null };
}

/** The reading flags as options; `base` (a model's saved rules) is extended by the flags. */
export function readingOptions(flags: Flags, base?: { naValues: string[]; thousands: string | null }): Reading {
  const naValues = [...(base?.naValues ?? []), ...(typeof flags["na-values"] === "string" ? flags["na-values"].split(",").map((s) => s.trim()) : [])];
  const thousands = typeof flags.thousands === "string" ? flags.thousands : base?.thousands ?? null;
  const rules = cellRules(naValues, thousands);
  const name = typeof flags.data === "string" ? sourceName(flags.data) : "";
  const csv: CsvOptions = { encoding: choiceFlag(flags, "encoding", ENCODINGS, "utf8"), progress: readProgress(flags.quiet === true || flags.json === true, name) };
  if (typeof flags.delimiter === "string") csv.delimiter = parseDelimiter(flags.delimiter);
  return { csv, rules, saved: { naValues, thousands } };
}

/** Training data ready for a network — the training rows and the held-out ones — with the encoding that made it and what was done to the rows. */
export interface Prepared {
  source: string;
  trainSet: FlatDataset;
  validation: FlatDataset | null;
  /** Rows used: trained on and held out. */
  rows: number;
  features: FeatureSpec[];
  target: TargetSpec;
  /** Rows left out: with a missing target, or (with --drop-missing) any missing cell. */
  dropped: number;
  /** Missing feature cells filled, per column. */
  imputed: Record<string, number>;
  reading: Reading["saved"];
  fingerprint: DataFingerprint;
  /** Lines for stderr about choices made for the user (columns left out, the task). */
  notes: string[];
}

/** The losses that treat the target as classes. */
export const CLASSIFICATION: readonly LossName[] = ["crossEntropy", "bce", "bceWithLogits", "hinge"];

/** An integer target with at most this many distinct values is classes unless `--task regression`. */
const MAX_INTEGER_CLASSES = 20;

/**
 * How rows are held out for validation: a seeded random `fraction`, or fold `fold` of `folds`
 * (cross-validation); stratified by class for classes either way.
 */
export type Holdout = { fraction: number; seed: number } | { folds: number; fold: number; seed: number };

/** Training data read and understood, ready to be split and encoded as many times as needed. */
export interface Loaded {
  source: string;
  target: TargetSpec;
  /** Rows usable for training (with a target). */
  rows: number;
  reading: Reading["saved"];
  fingerprint: DataFingerprint;
  /** Lines for stderr about choices made for the user (columns left out, the task, rows left out). */
  notes: string[];
  /** Holds rows out, fits the feature encoding on the rest and encodes both parts. */
  split(holdout: Holdout): Prepared;
}

/**
 * Loads `--dataset` or `--data`/`--target`/`--features`: reads the file once, decides the
 * columns, the task and the rows to use; `split` then holds rows out for validation and encodes
 * both parts, each straight into a flat array, with the features' statistics and fill values
 * fitted on the training part only (nothing of the held-out rows leaks into them).
 */
export function prepareTraining(flags: Flags, loss: LossName | undefined): Loaded {
  if (flags.dataset !== undefined && flags.data !== undefined) throw new UsageError("give either --dataset or --data, not both");
  if (flags.data === undefined) return builtIn(flags);
  if (typeof flags.target !== "string") throw new UsageError("--target COLUMN is required with --data: it names the column to predict");
  const reading = readingOptions(flags);
  const impute = choiceFlag(flags, "impute", IMPUTE, "median");
  const task = choiceFlag(flags, "task", ["classification", "regression"] as const);
  if (task !== undefined && loss !== undefined && (task === "classification") !== CLASSIFICATION.includes(loss)) {
    throw new UsageError(`--task ${task} does not go with --loss ${loss}`);
  }
  const table = readColumns(String(flags.data), reading.csv, reading.rules);
  const notes: string[] = [];
  const targetColumn = findColumn(table, flags.target);
  const featureColumns = chooseFeatures(table, flags.features, flags.ignore, targetColumn, notes);
  const target = fitTarget(table, targetColumn, task ?? (loss === undefined ? undefined : CLASSIFICATION.includes(loss) ? "classification" : "regression"), notes);
  const rows = keptRows(table, targetColumn, flags["drop-missing"] === true ? featureColumns : []);
  if (rows.noTarget > 0) notes.push(`left out ${rows.noTarget} rows with no ${JSON.stringify(targetColumn.name)} value`);
  if (rows.incomplete > 0) notes.push(`dropped ${rows.incomplete} rows with missing values (--drop-missing)`);
  const targetIndexes = target.kind === "classes" ? classIndexes(table, targetColumn, target) : null;
  const fingerprint = { source: table.source, rows: table.rows, columns: table.columns.length, sha256: table.sha256 };
  const dropped = rows.noTarget + rows.incomplete;
  return {
    source: table.source, target, rows: rows.kept.length, reading: reading.saved, fingerprint, notes,
    split(holdout) {
      const parts = splitRows(rows.kept, targetIndexes, holdout);
      const fitted = new Int32Array(parts.train);
      const features = featureColumns.map((c) => fitFeature(table, c, fitted, impute));
      const imputed: Record<string, number> = {};
      const encode = (part: ArrayLike<number>) => encodeColumns(table, featureColumns, features, targetColumn, target, targetIndexes, part, imputed);
      const trainSet = encode(parts.train);
      const validation = parts.held === null ? null : encode(parts.held);
      const filled = Object.entries(imputed);
      const fills = filled.length === 0 ? [] : [
        `filled missing cells (--impute ${impute}): ${filled.map(([c, n]) => `${n} in ${JSON.stringify(c)} with ${describeFill(features.find((f) => f.column === c) as FeatureSpec)}`).join(", ")}`,
      ];
      return { source: table.source, trainSet, validation, rows: rows.kept.length, features, target, dropped, imputed, reading: reading.saved, fingerprint, notes: [...notes, ...fills] };
    },
  };
}

function describeFill(spec: FeatureSpec): string {
  return spec.kind === "number" ? String(spec.fill) : JSON.stringify(spec.fill);
}

function builtIn(flags: Flags): Loaded {
  const name = choiceFlag(flags, "dataset", Object.keys(BUILT_IN) as BuiltIn[], "moons");
  const n = numberFlag(flags, "samples", 100, { min: 2, max: 100_000, integer: true });
  const noise = numberFlag(flags, "noise", name === "moons" ? 0.1 : name === "blobs" ? 0.5 : name === "spiral" ? 0.2 : 0.05, { min: 0, max: 10 });
  const seed = numberFlag(flags, "seed", 0, { min: 0, max: 2 ** 32 - 1, integer: true });
  const data = name === "and" ? andGate() : toyDatasets[name]({ n, noise, seed });
  const features: FeatureSpec[] = data.x[0]!.map((_, i) => ({ column: `x${i + 1}`, kind: "number", mean: 0, std: 1 }));
  const target: TargetSpec = { column: "y", kind: "classes", classes: Array.from({ length: data.classes }, (_, k) => String(k)) };
  const source = `the ${name} dataset`;
  const fingerprint = { source, rows: data.x.length, columns: features.length + 1, sha256: null };
  const reading = { naValues: [], thousands: null };
  const pick = (rows: ArrayLike<number>): FlatDataset => ({
    name: source, width: features.length, classes: data.classes,
    x: Float64Array.from(Array.from(rows, (r) => data.x[r] as number[]).flat()), y: Float64Array.from(rows, (r) => data.y[r] as number),
  });
  return {
    source, target, rows: data.x.length, reading, fingerprint, notes: [],
    split(holdout) {
      const parts = splitRows(data.x.map((_, i) => i), Int32Array.from(data.y), holdout);
      return {
        source, trainSet: pick(parts.train), validation: parts.held === null ? null : pick(parts.held), rows: data.x.length,
        features, target, dropped: 0, imputed: {}, reading, fingerprint, notes: [],
      };
    },
  };
}

/**
 * Holds out rows for validation (see {@link Holdout}) — of each class's rows when `classOf`
 * gives row classes (stratified, as scikit-learn's `train_test_split(stratify=y)` and
 * `StratifiedKFold`), so that a rare class is in both parts. The training rows come shuffled.
 */
function splitRows(rows: ArrayLike<number>, classOf: Int32Array | null, holdout: Holdout): { train: ArrayLike<number>; held: number[] | null } {
  if ("fraction" in holdout && holdout.fraction === 0) return { train: rows, held: null };
  const random = new Random(holdout.seed);
  const groups = new Map<number, number[]>();
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    const key = classOf === null ? 0 : (classOf[r] as number);
    const group = groups.get(key);
    if (group) group.push(r);
    else groups.set(key, [r]);
  }
  const held: number[] = [];
  const rest: number[] = [];
  // Folds deal each class's shuffled rows round-robin, continuing across classes so that folds stay even.
  let dealt = 0;
  for (const key of [...groups.keys()].sort((a, b) => a - b)) {
    const group = random.shuffle(groups.get(key) as number[]);
    const count = "fraction" in holdout ? Math.round(group.length * holdout.fraction) : 0;
    for (let i = 0; i < group.length; i++) {
      const out = "fraction" in holdout ? i < count : (dealt + i) % holdout.folds === holdout.fold;
      (out ? held : rest).push(group[i] as number);
    }
    dealt += group.length;
  }
  if (held.length === 0 || rest.length === 0) {
    const what = "fraction" in holdout ? `--val-split ${holdout.fraction}` : `fold ${holdout.fold + 1} of ${holdout.folds}`;
    throw new InputError(`${what} of ${rows.length} rows leaves no rows for ${held.length === 0 ? "validation" : "training"}`);
  }
  return { train: random.shuffle(rest), held };
}

/** The column named `name`, or an InputError listing the columns (and a word on the delimiter when the header looks unsplit). */
export function findColumn(table: { source: string; columns: readonly { name: string }[]; delimiter: string }, name: string): Column {
  const names = table.columns.map((c) => c.name);
  const i = names.indexOf(name);
  if (i < 0) {
    const unsplit = names.length === 1 && /[,;\t|]/.test(names[0] as string) ? `; the header was read as one column: pass --delimiter to say how fields are separated` : "";
    throw new InputError(`${table.source} has no column ${JSON.stringify(name)}${didYouMean(name, names)}; its columns are ${names.join(", ")}${unsplit}`);
  }
  return table.columns[i] as Column;
}

/** A text column with more distinct values than this share of the rows (and than {@link IDENTIFIER_MIN}) is an identifier. */
const IDENTIFIER_SHARE = 0.5;
const IDENTIFIER_MIN = 20;

/** Whether a column is the unnamed first column counting 0, 1, 2, … that pandas' `to_csv` writes. */
function isSavedIndex(column: Column): boolean {
  return column.index === 0 && (column.name === "" || column.name === "Unnamed: 0") && column.counts && column.numeric > 0;
}

/**
 * The feature columns: `--features a,b,c`, or every column but the target and `--ignore`d ones,
 * leaving out — each with a note saying so — a saved index, columns with no value at all, and any
 * text column that looks like an identifier (a name per row): one-hot encoded, it would give a
 * network one input per row to memorise instead of a pattern to learn.
 */
function chooseFeatures(table: ColumnTable, list: string | boolean | undefined, ignore: string | boolean | undefined, target: Column, notes: string[]): Column[] {
  const names = (value: string | boolean) => String(value).split(",").map((s) => s.trim()).filter((s) => s !== "");
  const ignored = ignore === undefined ? [] : names(ignore).map((name) => findColumn(table, name));
  if (ignored.includes(target)) throw new UsageError(`--ignore names the target column ${JSON.stringify(target.name)}`);
  if (list !== undefined) {
    const chosen = names(list).map((name) => findColumn(table, name));
    if (chosen.includes(target)) throw new UsageError(`--features includes the target column ${JSON.stringify(target.name)}`);
    const both = chosen.find((c) => ignored.includes(c));
    if (both !== undefined) throw new UsageError(`${JSON.stringify(both.name)} is in both --features and --ignore`);
    return chosen;
  }
  const kept = table.columns.filter((column) => {
    if (column === target || ignored.includes(column)) return false;
    if (isSavedIndex(column)) {
      notes.push(`leaving out the first column: it has no name and counts 0, 1, 2, … (a saved index); name it in --features to use it`);
      return false;
    }
    if (column.name === "") throw new InputError(`${table.source}: column ${column.index + 1} has no name in the header; name it, or leave it out by naming the others in --features`);
    const kind = columnKind(table, column);
    if (kind === "empty") {
      notes.push(`leaving out column ${JSON.stringify(column.name)}: every cell is missing`);
      return false;
    }
    const distinct = column.categories.length;
    if (kind === "number" || distinct <= IDENTIFIER_MIN || distinct <= IDENTIFIER_SHARE * table.rows) return true;
    notes.push(
      `leaving out column ${JSON.stringify(column.name)}: ${distinct} of ${table.rows} rows have a value of their own, so it looks like an identifier; ` +
        `name it in --features to use it anyway`,
    );
    return false;
  });
  if (kept.length === 0) throw new UsageError("no feature columns are left: name them with --features");
  return kept;
}

/**
 * How the target is read: text, or integers with at most 20 distinct values, are classes (a note
 * says so for numbers); other numbers are a regression. `task` decides instead when given.
 * Numeric classes are named by value, so `1.0` in one file is class `1` of another.
 */
function fitTarget(table: ColumnTable, column: Column, task: "classification" | "regression" | undefined, notes: string[]): TargetSpec {
  const kind = columnKind(table, column);
  const name = JSON.stringify(column.name);
  if (kind === "empty") throw new InputError(`the target column ${name} has no values`);
  if (kind === "text") {
    if (task === "regression") throw new InputError(`the target column ${name} holds text, so it cannot be a regression; drop --task regression (or the regression --loss)`);
    const { codes, categories } = textCodes(table, column);
    return classesOf(column, categories, codes, false);
  }
  const values = numberValues(table, column);
  const distinct = new Set<number>();
  let integers = true;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (!Number.isInteger(v)) integers = false;
    if (distinct.size <= MAX_INTEGER_CLASSES) distinct.add(v);
  }
  const looksLikeClasses = integers && distinct.size <= MAX_INTEGER_CLASSES;
  if (task === "regression" || (task === undefined && !looksLikeClasses)) {
    return { column: column.name, kind: "number", ...meanStd(values.filter((v) => !Number.isNaN(v))) };
  }
  if (task === undefined) {
    notes.push(`treating ${name} as ${distinct.size} classes (whole numbers, at most ${MAX_INTEGER_CLASSES} distinct); pass --task regression to predict it as a number`);
  }
  const { codes, categories } = textCodes(table, column);
  return classesOf(column, categories, codes, true);
}

function classesOf(column: Column, categories: string[], codes: Int32Array, numeric: boolean): TargetSpec {
  const used = new Set(codes);
  used.delete(-1);
  const classes = categories.filter((_, k) => used.has(k));
  if (classes.length < 2) throw new InputError(`the target column ${JSON.stringify(column.name)} has only one class, ${JSON.stringify(classes[0])}`);
  classes.sort(numeric ? (a, b) => Number(a) - Number(b) : undefined);
  return { column: column.name, kind: "classes", classes };
}

/** The rows to train on: those with a target, and — when `complete` names columns — no missing cell in them. */
function keptRows(table: ColumnTable, target: Column, complete: readonly Column[]): { kept: Int32Array; noTarget: number; incomplete: number } {
  const missing = (column: Column, r: number) => {
    const n = column.numbers?.[r];
    const c = column.codes?.[r];
    return (n === undefined || Number.isNaN(n)) && (c === undefined || c < 0);
  };
  const kept = new Int32Array(table.rows);
  let count = 0;
  let noTarget = 0;
  let incomplete = 0;
  for (let r = 0; r < table.rows; r++) {
    if (missing(target, r)) noTarget += 1;
    else if (complete.some((c) => missing(c, r))) incomplete += 1;
    else kept[count++] = r;
  }
  if (count === 0) throw new InputError(`${table.source}: no row is left to train on (${noTarget} have no target, ${incomplete} a missing cell)`);
  return { kept: kept.subarray(0, count), noTarget, incomplete };
}

/** Learns, from the training rows, how to encode a feature column and fill its missing cells. */
function fitFeature(table: ColumnTable, column: Column, rows: Int32Array, impute: Impute): FeatureSpec {
  if (columnKind(table, column) === "number") {
    const all = numberValues(table, column);
    const present = presentValues(all, rows);
    if (present.length === 0) throw new InputError(`column ${JSON.stringify(column.name)} has no values in the rows kept for training`);
    const stats = meanStd(present);
    const spec: FeatureSpec = { column: column.name, kind: "number", ...stats };
    if (impute === "median") spec.fill = median(Float64Array.from(present));
    else if (impute === "mean") spec.fill = stats.mean;
    else if (impute === "most-frequent") spec.fill = mostFrequentNumber(present);
    return spec;
  }
  const { codes, categories } = textCodes(table, column);
  const counts = new Array<number>(categories.length).fill(0);
  for (const r of rows) {
    const k = codes[r] as number;
    if (k >= 0) counts[k] = (counts[k] as number) + 1;
  }
  const seen = categories.filter((_, k) => (counts[k] as number) > 0).sort();
  const spec: FeatureSpec = { column: column.name, kind: "category", categories: seen };
  if (impute !== "none") {
    // The most frequent category; on a tie, the first in sorted order (as scikit-learn's SimpleImputer).
    let best = -1;
    for (const name of seen) {
      const k = categories.indexOf(name);
      if (best < 0 || (counts[k] as number) > (counts[best] as number)) best = k;
    }
    spec.fill = categories[best] as string;
  }
  return spec;
}

/** The values of `rows` that are not missing (NaN). */
function presentValues(all: Float64Array, rows: Int32Array): Float64Array {
  const present = new Float64Array(rows.length);
  let n = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = all[rows[i] as number] as number;
    if (!Number.isNaN(v)) present[n++] = v;
  }
  return present.subarray(0, n);
}

/** The most frequent value; the smallest on a tie (as scikit-learn's SimpleImputer). */
function mostFrequentNumber(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  let best = sorted[0] as number;
  let bestCount = 0;
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    if (j - i > bestCount) {
      best = sorted[i] as number;
      bestCount = j - i;
    }
    i = j;
  }
  return best;
}

/**
 * Encodes `rows` of typed columns with a fitted encoding into a flat dataset, adding the cells
 * it fills to `imputed` (per column).
 */
function encodeColumns(
  table: ColumnTable, featureColumns: Column[], features: FeatureSpec[], targetColumn: Column, target: TargetSpec,
  targetIndexes: Int32Array | null, rows: ArrayLike<number>, imputed: Record<string, number>,
): FlatDataset {
  const width = encodedWidth(features);
  const x = new Float64Array(rows.length * width);
  let offset = 0;
  featureColumns.forEach((column, f) => {
    const spec = features[f] as FeatureSpec;
    let filled = 0;
    if (spec.kind === "number") {
      const values = numberValues(table, column);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i] as number;
        let v = values[r] as number;
        if (Number.isNaN(v)) {
          if (spec.fill === undefined) throw missingCell(table, column, r);
          filled += 1;
          v = spec.fill;
        }
        x[i * width + offset] = (v - spec.mean) / spec.std;
      }
      offset += 1;
    } else {
      const { codes, categories } = textCodes(table, column);
      const slot = categories.map((name) => spec.categories.indexOf(name));
      const fill = spec.fill === undefined ? -1 : spec.categories.indexOf(spec.fill);
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i] as number;
        let k = codes[r] as number;
        if (k < 0) {
          if (fill < 0) throw missingCell(table, column, r);
          filled += 1;
          k = fill;
        } else k = slot[k] as number;
        x[i * width + offset + k] = 1;
      }
      offset += spec.categories.length;
    }
    if (filled > 0) imputed[column.name] = (imputed[column.name] ?? 0) + filled;
  });
  const y = new Float64Array(rows.length);
  const values = target.kind === "number" ? numberValues(table, targetColumn) : null;
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i] as number;
    y[i] = target.kind === "number" ? ((values as Float64Array)[r] as number - target.mean) / target.std : (targetIndexes as Int32Array)[r] as number;
  }
  return { name: table.source, x, width, y, classes: target.kind === "classes" ? target.classes.length : 0 };
}

/** Each row's class index in `target.classes` (-1 where missing). */
function classIndexes(table: ColumnTable, column: Column, target: TargetSpec & { kind: "classes" }): Int32Array {
  const { codes, categories } = textCodes(table, column);
  const slot = categories.map((name) => target.classes.indexOf(name));
  return codes.map((k) => (k < 0 ? -1 : (slot[k] as number)));
}

function missingCell(table: ColumnTable, column: Column, r: number): InputError {
  return new InputError(`${table.source}: line ${table.lines[r]}, column ${JSON.stringify(column.name)}: the cell is missing; fill it in, use --impute median (the default), or --drop-missing`);
}

/** A chunk of rows of a CSV file encoded for a saved model: inputs, targets, and the rows' own fields. */
export interface EncodedChunk {
  rows: number;
  /** `rows × width` inputs, row after row. */
  inputs: Float64Array;
  /** Encoded targets (class indexes or standardised values); empty without a target. */
  targets: number[];
  /** Each row's kept fields (those `onHeader` asked for), for output that copies them. */
  fields: string[][];
  filled: number;
}

/** Rows per chunk when streaming a file through a model: flat memory, and batches long enough for replay. */
export const CHUNK_ROWS = 4096;

/**
 * Streams a CSV file through a saved model's encoding, `CHUNK_ROWS` rows at a time: `onHeader`
 * gets the header and says which columns' fields to keep; `onChunk` gets each chunk encoded. Missing cells are filled as the model says
 * (or are an error naming the line), unseen categories likewise; with `withTarget` the target
 * column is encoded too.
 */
export function streamForModel(
  file: { features: FeatureSpec[]; target: TargetSpec; unknown: Unknown },
  path: string,
  reading: Reading,
  withTarget: boolean,
  onHeader: (columns: string[]) => number[],
  onChunk: (chunk: EncodedChunk) => void,
): void {
  const width = encodedWidth(file.features);
  let indexes: number[] = [];
  let keep: number[] = [];
  let targetIndex = -1;
  let chunk: EncodedChunk = emptyChunk(width);
  const source = sourceName(path);
  const flush = () => {
    if (chunk.rows === 0) return;
    onChunk({ ...chunk, inputs: chunk.inputs.subarray(0, chunk.rows * width) });
    chunk = emptyChunk(width);
  };
  readCsv(path, reading.csv, (columns, delimiter) => {
    const table = { source, delimiter, columns: columns.map((name) => ({ name })) };
    indexes = file.features.map((f) => columns.indexOf(findColumn(table, f.column).name));
    if (withTarget) targetIndex = columns.indexOf(findColumn(table, file.target.column).name);
    keep = onHeader(columns);
  }, (row) => {
    const where = () => `${source}: line ${row.line}`;
    const k = chunk.rows;
    chunk.filled += encodeFeatures(file.features, row, indexes, reading.rules, file.unknown, chunk.inputs, k * width, where);
    if (withTarget) chunk.targets.push(encodeTarget(file.target, row.string(targetIndex), reading.rules, where));
    if (keep.length > 0) chunk.fields.push(keep.map((c) => row.string(c)));
    chunk.rows += 1;
    if (chunk.rows === CHUNK_ROWS) flush();
  });
  flush();
}

function emptyChunk(width: number): EncodedChunk {
  return { rows: 0, inputs: new Float64Array(CHUNK_ROWS * width), targets: [], fields: [], filled: 0 };
}

/** The choices of `--impute` and `--unknown`, as flags. */
export const ENCODING_FLAGS: Record<string, Flag> = {
  impute: { type: "string", value: "HOW", description: `fill missing feature cells: ${IMPUTE.join(", ")} (default median; text takes the most frequent value; none makes a missing cell an error); kept in the model` },
  unknown: { type: "string", value: "HOW", description: "a category not seen in training, at predict and eval time: error (default) or ignore (no category); kept in the model" },
};

/** `--unknown`'s value. */
export function unknownFlag(flags: Flags): Unknown {
  return choiceFlag(flags, "unknown", UNKNOWN, "error");
}

/** One input given on the command line (`--input 1.5,red`), encoded for the model. */
export function encodeInput(file: { features: FeatureSpec[]; unknown: Unknown }, input: string, rules: CellRules): { x: number[]; fields: string[] } {
  const fields = input.split(",").map((s) => s.trim());
  const { features } = file;
  if (fields.length !== features.length) {
    throw new UsageError(`--input needs ${features.length} comma-separated values (${features.map((f) => f.column).join(", ")}), got ${fields.length}`);
  }
  const x = new Float64Array(encodedWidth(features));
  encodeFeatures(features, stringCells(fields), fields.map((_, i) => i), rules, file.unknown, x, 0, () => "--input");
  return { x: Array.from(x), fields };
}
