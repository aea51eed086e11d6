import type { CellRules, Cells } from "./cells.js";
import { nameOf, readCell, readCellAt } from "./cells.js";
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

/** The median of `values` (the mean of the middle two for an even count), as NumPy's; reorders `values`. */
export function median(values: Float64Array): number {
  const mid = values.length >> 1;
  const upper = select(values, mid);
  if (values.length % 2 === 1) return upper;
  // After selecting `mid`, everything left of it is ≤ it: the lower middle is their largest.
  let lower = -Infinity;
  for (let i = 0; i < mid; i++) lower = Math.max(lower, values[i] as number);
  return (lower + upper) / 2;
}

/**
 * The `k`-th smallest of `values` (Hoare's quickselect, middle pivot: linear time on average, so
 * a million-row column needs no sort); reorders `values` so that those before `k` are ≤ it.
 */
function select(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  while (lo < hi) {
    const pivot = values[(lo + hi) >> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        const t = values[i] as number;
        values[i] = values[j] as number;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return values[k] as number;
}

/** Number of inputs the encoded features make. */
export function encodedWidth(specs: readonly FeatureSpec[]): number {
  return specs.reduce((n, s) => n + (s.kind === "number" ? 1 : s.categories.length), 0);
}

/**
 * Encodes one row's feature cells — cell `columns[i]` of `cells` for spec `i` — into `into` from
 * `at`, filling missing cells with each spec's `fill`; `where()` names the row in errors.
 * Returns how many cells were filled.
 */
export function encodeFeatures(
  specs: readonly FeatureSpec[],
  cells: Cells,
  columns: readonly number[],
  rules: CellRules,
  unknown: Unknown,
  into: Float64Array,
  at: number,
  where: () => string,
): number {
  let filled = 0;
  let j = at;
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i] as FeatureSpec;
    const column = columns[i] as number;
    const cell = readCellAt(cells, column, rules);
    if (typeof cell === "number" && spec.kind === "number") {
      into[j++] = (cell - spec.mean) / spec.std;
      continue;
    }
    // Built only for a message: this loop runs for every cell of a file.
    const field = () => JSON.stringify(cells.string(column));
    const place = () => `${where()}, column ${JSON.stringify(spec.column)}`;
    const missing = typeof cell !== "number" && cell.kind === "missing";
    if (missing) {
      if (spec.fill === undefined) throw new InputError(`${place()}: the cell is missing (${field()}) and this model fills none; retrain with --impute median, or fill it in`);
      filled += 1;
    }
    if (spec.kind === "number") {
      const c = cell as Exclude<typeof cell, number>;
      if (c.kind === "text" || c.kind === "bad number") throw new InputError(`${place()}: ${c.kind === "bad number" ? c.why : `${field()} is not a number`}`);
      const x = c.kind === "number" ? c.value : (spec.fill as number);
      into[j++] = (x - spec.mean) / spec.std;
      continue;
    }
    const name = missing ? (spec.fill as string) : nameOf(cell, cells.string(column));
    const k = spec.categories.indexOf(name);
    if (k < 0 && unknown === "error") {
      throw new InputError(`${place()}: ${field()} was not seen in training (known: ${spec.categories.join(", ")}); retrain with --unknown ignore to encode unseen values as no category`);
    }
    for (let c = 0; c < spec.categories.length; c++) into[j++] = c === k ? 1 : 0;
  }
  return filled;
}

/** The encoded target of one row: a class index, or the standardised value. */
export function encodeTarget(spec: TargetSpec, field: string, rules: CellRules, where: () => string): number {
  const cell = readCell(field, rules);
  if (cell.kind === "missing") throw new InputError(`${where()}, column ${JSON.stringify(spec.column)}: the target is missing`);
  if (spec.kind === "classes") {
    const k = spec.classes.indexOf(nameOf(cell, field));
    if (k < 0) throw new InputError(`${where()}: target ${JSON.stringify(field)} is not one of the classes ${spec.classes.join(", ")}`);
    return k;
  }
  if (cell.kind !== "number") throw new InputError(`${where()}, column ${JSON.stringify(spec.column)}: ${cell.kind === "bad number" ? cell.why : `${JSON.stringify(field)} is not a number`}`);
  return (cell.value - spec.mean) / spec.std;
}
