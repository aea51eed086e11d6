import { InputError } from "./errors.js";
import type { Table } from "./table.js";

/** How a feature column becomes numbers: standardised, or one-hot over the categories seen. */
export type FeatureSpec =
  | { column: string; kind: "number"; mean: number; std: number }
  | { column: string; kind: "category"; categories: string[] };

/** How the target column becomes a number: a class index, or a standardised value. */
export type TargetSpec =
  | { column: string; kind: "classes"; classes: string[] }
  | { column: string; kind: "number"; mean: number; std: number };

const asNumber = (field: string) => (field.trim() === "" ? NaN : Number(field));

/** Whether a CSV field reads as a number, as the encoding reads numbers. */
export const isNumberField = (field: string) => !Number.isNaN(asNumber(field));

/** Whether every field of column `c` is a number; an error if only some are. */
function numericColumn(table: Table, c: number): boolean {
  const bad = table.rows.findIndex((row) => !isNumberField(row[c] as string));
  if (bad < 0) return true;
  const good = table.rows.findIndex((row) => isNumberField(row[c] as string));
  if (good < 0) return false;
  throw new InputError(
    `${table.file}: line ${table.lines[bad]}, column ${JSON.stringify(table.columns[c])}: ${JSON.stringify(table.rows[bad]?.[c])} is not a number, ` +
      `but line ${table.lines[good]} has ${JSON.stringify(table.rows[good]?.[c])}; a column must be all numbers or all text`,
  );
}

function meanStd(values: number[]): { mean: number; std: number } {
  const mean = values.reduce((s, v) => s + v, 0) / values.length;
  const std = Math.sqrt(values.reduce((s, v) => s + (v - mean) ** 2, 0) / values.length);
  // A constant column would divide by 0: leave it centred but unscaled.
  return { mean, std: std > 0 ? std : 1 };
}

/** Learns, from the training table, how to encode each feature column. */
export function fitFeatures(table: Table, columns: number[]): FeatureSpec[] {
  return columns.map((c) => {
    const column = table.columns[c] as string;
    if (numericColumn(table, c)) return { column, kind: "number", ...meanStd(table.rows.map((r) => asNumber(r[c] as string))) };
    return { column, kind: "category", categories: [...new Set(table.rows.map((r) => r[c] as string))].sort() };
  });
}

/** Number of inputs the encoded features make. */
export function encodedWidth(specs: readonly FeatureSpec[]): number {
  return specs.reduce((n, s) => n + (s.kind === "number" ? 1 : s.categories.length), 0);
}

/** Encodes one row's feature fields (in spec order); `where` names the row in errors. */
export function encodeFeatures(specs: readonly FeatureSpec[], fields: readonly string[], where: string): number[] {
  return specs.flatMap((spec, i) => {
    const field = fields[i] as string;
    if (spec.kind === "number") {
      const x = asNumber(field);
      if (Number.isNaN(x)) throw new InputError(`${where}, column ${JSON.stringify(spec.column)}: ${JSON.stringify(field)} is not a number`);
      return [(x - spec.mean) / spec.std];
    }
    const k = spec.categories.indexOf(field);
    if (k < 0) {
      throw new InputError(`${where}, column ${JSON.stringify(spec.column)}: ${JSON.stringify(field)} was not seen in training (known: ${spec.categories.join(", ")})`);
    }
    return spec.categories.map((_, j) => (j === k ? 1 : 0));
  });
}

/**
 * Learns how to encode the target: text, or a number column with two values, gives classes;
 * other numbers are a regression target. `classes` forces classes (a classification loss).
 */
export function fitTarget(table: Table, c: number, classes: boolean | undefined): TargetSpec {
  const column = table.columns[c] as string;
  const fields = table.rows.map((r) => r[c] as string);
  const numeric = numericColumn(table, c);
  const distinct = [...new Set(fields)];
  if (classes === false && !numeric) throw new InputError(`the target column ${JSON.stringify(column)} holds text, so it needs a classification loss, not a regression one`);
  if (classes === true || !numeric || (classes === undefined && distinct.length <= 2)) {
    if (distinct.length < 2) throw new InputError(`the target column ${JSON.stringify(column)} has only one class, ${JSON.stringify(distinct[0])}`);
    const order = numeric ? distinct.sort((a, b) => Number(a) - Number(b)) : distinct.sort();
    return { column, kind: "classes", classes: order };
  }
  return { column, kind: "number", ...meanStd(fields.map(asNumber)) };
}

/** The encoded target of one row. */
export function encodeTarget(spec: TargetSpec, field: string, where: string): number {
  if (spec.kind === "classes") {
    const k = spec.classes.indexOf(field);
    if (k < 0) throw new InputError(`${where}: target ${JSON.stringify(field)} is not one of the classes ${spec.classes.join(", ")}`);
    return k;
  }
  const y = asNumber(field);
  if (Number.isNaN(y)) throw new InputError(`${where}, column ${JSON.stringify(spec.column)}: ${JSON.stringify(field)} is not a number`);
  return (y - spec.mean) / spec.std;
}
