import type { CellRules } from "./cells.js";
import { categoryName, readCell } from "./cells.js";
import { InputError } from "./errors.js";

/** How missing feature cells are filled: from the training rows, or not at all (an error). */
export type Impute = "median" | "mean" | "most-frequent" | "none";
export const IMPUTE: readonly Impute[] = ["median", "mean", "most-frequent", "none"];

/** What a category never seen in training gets: an error, or no category (all zeros, as scikit-learn's `handle_unknown="ignore"`). */
export type Unknown = "error" | "ignore";
export const UNKNOWN: readonly Unknown[] = ["error", "ignore"];

/**
 * How a feature column becomes numbers: standardised, or one-hot over the categories seen.
 * `fill` is what a missing cell is read as (absent: a missing cell is an error).
 */
export type FeatureSpec =
  | { column: string; kind: "number"; mean: number; std: number; fill?: number }
  | { column: string; kind: "category"; categories: string[]; fill?: string };

/** How the target column becomes a number: a class index, or a standardised value. */
export type TargetSpec =
  | { column: string; kind: "classes"; classes: string[] }
  | { column: string; kind: "number"; mean: number; std: number };

/**
 * Mean and standard deviation (population, as scikit-learn's StandardScaler) of `values`,
 * scaled by their largest magnitude when the plain sums would overflow (cells near 1e308).
 */
export function meanStd(values: Float64Array): { mean: number; std: number } {
  let { mean, std } = plainMeanStd(values, 1);
  if (!Number.isFinite(mean) || !Number.isFinite(std)) {
    let largest = 0;
    for (const v of values) largest = Math.max(largest, Math.abs(v));
    const scaled = plainMeanStd(values, largest);
    mean = scaled.mean * largest;
    std = scaled.std * largest;
  }
  // A constant column would divide by 0: leave it centred but unscaled.
  return { mean, std: std > 0 && Number.isFinite(std) ? std : 1 };
}

function plainMeanStd(values: Float64Array, scale: number): { mean: number; std: number } {
  let total = 0;
  for (const v of values) total += v / scale;
  const mean = total / values.length;
  let squares = 0;
  for (const v of values) squares += (v / scale - mean) ** 2;
  return { mean, std: Math.sqrt(squares / values.length) };
}

/** The median of `values` (the mean of the middle two for an even count), as NumPy's. */
export function median(values: Float64Array): number {
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Number of inputs the encoded features make. */
export function encodedWidth(specs: readonly FeatureSpec[]): number {
  return specs.reduce((n, s) => n + (s.kind === "number" ? 1 : s.categories.length), 0);
}

/**
 * Encodes one row's feature cells (in spec order) into `into` from `at`, filling missing cells
 * with each spec's `fill`; `where` names the row in errors. Returns how many cells were filled.
 */
export function encodeFeatures(
  specs: readonly FeatureSpec[],
  fields: readonly string[],
  rules: CellRules,
  unknown: Unknown,
  into: Float64Array,
  at: number,
  where: string,
): number {
  let filled = 0;
  let j = at;
  specs.forEach((spec, i) => {
    const field = fields[i] as string;
    const cell = readCell(field, rules);
    const place = `${where}, column ${JSON.stringify(spec.column)}`;
    if (cell.kind === "missing" && spec.fill === undefined) {
      throw new InputError(`${place}: the cell is missing (${JSON.stringify(field)}) and this model fills none; retrain with --impute median, or fill it in`);
    }
    if (cell.kind === "missing") filled += 1;
    if (spec.kind === "number") {
      if (cell.kind === "text" || cell.kind === "bad number") {
        throw new InputError(`${place}: ${cell.kind === "bad number" ? cell.why : `${JSON.stringify(field)} is not a number`}`);
      }
      const x = cell.kind === "number" ? cell.value : (spec.fill as number);
      into[j++] = (x - spec.mean) / spec.std;
      return;
    }
    const name = cell.kind === "missing" ? (spec.fill as string) : categoryName(field, rules);
    const k = spec.categories.indexOf(name);
    if (k < 0 && unknown === "error") {
      throw new InputError(`${place}: ${JSON.stringify(field)} was not seen in training (known: ${spec.categories.join(", ")}); retrain with --unknown ignore to encode unseen values as no category`);
    }
    for (let c = 0; c < spec.categories.length; c++) into[j++] = c === k ? 1 : 0;
  });
  return filled;
}

/** The encoded target of one row: a class index, or the standardised value. */
export function encodeTarget(spec: TargetSpec, field: string, rules: CellRules, where: string): number {
  const cell = readCell(field, rules);
  if (cell.kind === "missing") throw new InputError(`${where}, column ${JSON.stringify(spec.column)}: the target is missing`);
  if (spec.kind === "classes") {
    const name = categoryName(field, rules);
    const k = spec.classes.indexOf(name);
    if (k < 0) throw new InputError(`${where}: target ${JSON.stringify(field)} is not one of the classes ${spec.classes.join(", ")}`);
    return k;
  }
  if (cell.kind !== "number") throw new InputError(`${where}, column ${JSON.stringify(spec.column)}: ${cell.kind === "bad number" ? cell.why : `${JSON.stringify(field)} is not a number`}`);
  return (cell.value - spec.mean) / spec.std;
}
