import type { CellRules } from "./cells.js";
import { readCellAt } from "./cells.js";
import type { CsvOptions } from "./csv.js";
import { readCsv } from "./csv.js";
import { InputError } from "./errors.js";
import { STDIO } from "./files.js";

/**
 * One column of a CSV file read into typed arrays: the numbers its cells read as (NaN where a cell
 * is missing or text) and the text cells as codes into `categories` (-1 elsewhere). An array is
 * only made once the column has a cell of its kind, so a number column holds 8 bytes a row.
 */
export interface Column {
  name: string;
  /** Position in the header, from 0. */
  index: number;
  numbers: Float64Array | null;
  codes: Int32Array | null;
  categories: string[];
  /** Cells of each kind. */
  numeric: number;
  text: number;
  /** Of the text cells, those that look like numbers but cannot be used (counted with the numbers when deciding a column's kind). */
  badNumbers: number;
  missing: number;
  /** The first cell that is text, or a number that cannot be used (infinite, too large, grouped). */
  firstText: { row: number; field: string; why: string | null } | null;
  /** Whether every cell so far is its row's index 0, 1, … (a saved pandas index). */
  counts: boolean;
}

/** A CSV file read column by column, and the line each row starts on (for messages). */
export interface ColumnTable {
  /** The file's name in messages (`standard input` for `-`). */
  source: string;
  columns: Column[];
  rows: number;
  lines: Int32Array;
  delimiter: string;
  /** SHA-256 of the file's bytes. */
  sha256: string;
}

/** The first capacity of a column's arrays; they double as rows come. */
const FIRST_CAPACITY = 1024;

function grow<T extends Float64Array | Int32Array>(array: T, capacity: number, fill: number): T {
  const bigger = new (array.constructor as new (n: number) => T)(capacity);
  bigger.set(array);
  bigger.fill(fill, array.length);
  return bigger;
}

/**
 * Reads a CSV file (or `-`, standard input) in one streaming pass into typed columns, reading
 * each cell under `rules` (what is missing, thousands separators). Deciding what each column is
 * — numbers, text, an identifier — is left to the caller, who knows which columns it needs.
 */
export function readColumns(path: string, csv: CsvOptions, rules: CellRules): ColumnTable {
  const columns: Column[] = [];
  const dictionaries: Map<string, number>[] = [];
  // Every array of the table has this many places; all grow together, so a cell never checks.
  let capacity = FIRST_CAPACITY;
  let lines = new Int32Array(capacity);
  let rows = 0;
  let delimiter = ",";
  const { sha256 } = readCsv(
    path,
    csv,
    (header, used) => {
      delimiter = used;
      const seen = new Set<string>();
      header.forEach((name, index) => {
        if (seen.has(name) && name !== "") throw new InputError(`${sourceName(path)}: the column name ${JSON.stringify(name)} appears twice in the header`);
        seen.add(name);
        columns.push({ name, index, numbers: null, codes: null, categories: [], numeric: 0, text: 0, badNumbers: 0, missing: 0, firstText: null, counts: true });
        dictionaries.push(new Map());
      });
    },
    (row) => {
      const r = rows;
      rows += 1;
      if (rows > capacity) {
        capacity *= 2;
        lines = grow(lines, capacity, 0);
        for (const column of columns) {
          if (column.numbers) column.numbers = grow(column.numbers, capacity, NaN);
          if (column.codes) column.codes = grow(column.codes, capacity, -1);
        }
      }
      lines[r] = row.line;
      for (let c = 0; c < columns.length; c++) {
        const column = columns[c] as Column;
        const cell = readCellAt(row, c, rules);
        if (typeof cell === "number" || cell.kind === "number") {
          const value = typeof cell === "number" ? cell : cell.value;
          column.numeric += 1;
          column.numbers ??= new Float64Array(capacity).fill(NaN);
          column.numbers[r] = value;
          if (value !== r) column.counts = false;
        } else if (cell.kind === "missing") {
          column.missing += 1;
          column.counts = false;
        } else {
          const field = row.string(c);
          column.text += 1;
          if (cell.kind === "bad number") column.badNumbers += 1;
          column.counts = false;
          if (column.firstText === null) column.firstText = { row: r, field, why: cell.kind === "bad number" ? cell.why : null };
          const dictionary = dictionaries[c] as Map<string, number>;
          let code = dictionary.get(field);
          if (code === undefined) {
            code = column.categories.length;
            column.categories.push(field);
            dictionary.set(field, code);
          }
          column.codes ??= new Int32Array(capacity).fill(-1);
          column.codes[r] = code;
        }
      }
    },
  );
  if (rows === 0) throw new InputError(`${sourceName(path)} has a header but no data rows`);
  return { source: sourceName(path), columns, rows, lines: lines.subarray(0, rows), delimiter, sha256 };
}

/** A file's name in messages. */
export function sourceName(path: string): string {
  return path === STDIO ? "standard input" : path;
}

/** What a column's cells make it: numbers (missing cells allowed), text, or nothing but missing cells. */
export type ColumnKind = "number" | "text" | "empty";

/**
 * What a column is, decided as a careful person would: all numbers (and missing cells) is a
 * number column; mostly numbers with a few other cells is an error naming the first such cell
 * (a typo, or a missing-value marker to add with `--na-values`); otherwise text — whose number
 * cells become categories named by their value.
 */
export function columnKind(table: ColumnTable, column: Column): ColumnKind {
  if (column.numeric === 0 && column.text === 0) return "empty";
  if (column.text === 0) return "number";
  if (column.numeric + column.badNumbers > column.text - column.badNumbers) {
    const first = column.firstText as NonNullable<Column["firstText"]>;
    const where = `${table.source}: line ${table.lines[first.row]}, column ${JSON.stringify(column.name)}`;
    const why = first.why ?? `${JSON.stringify(first.field)} is not a number, but ${column.numeric + column.badNumbers} of the column's ${table.rows} cells are; ` +
      `if it marks a missing value, pass --na-values ${JSON.stringify(first.field)}`;
    throw new InputError(`${where}: ${why}${column.text > 1 ? ` (${column.text} such cells)` : ""}`);
  }
  return "text";
}

/** Each column's {@link textCodes}, made once: a table is not changed after it is read. */
const codesMade = new WeakMap<Column, { codes: Int32Array; categories: string[] }>();

/**
 * The text codes of a text column, with its number cells turned into categories named by their
 * value (`007` and `7.0` are both `7`): -1 marks a missing cell. Made once per column, however
 * many splits and parts ask.
 */
export function textCodes(table: ColumnTable, column: Column): { codes: Int32Array; categories: string[] } {
  let made = codesMade.get(column);
  if (!made) {
    made = makeTextCodes(table, column);
    codesMade.set(column, made);
  }
  return made;
}

function makeTextCodes(table: ColumnTable, column: Column): { codes: Int32Array; categories: string[] } {
  const numbers = column.numbers;
  if (numbers === null) return { codes: column.codes ? column.codes.subarray(0, table.rows) : new Int32Array(table.rows).fill(-1), categories: column.categories };
  // Number cells get codes of their own: into a copy, so the table stays as read.
  const codes = column.codes ? column.codes.slice(0, table.rows) : new Int32Array(table.rows).fill(-1);
  const categories = [...column.categories];
  const index = new Map(categories.map((c, i) => [c, i]));
  for (let r = 0; r < table.rows; r++) {
    const v = numbers[r] as number;
    if (Number.isNaN(v)) continue;
    const name = String(v);
    let code = index.get(name);
    if (code === undefined) {
      code = categories.length;
      categories.push(name);
      index.set(name, code);
    }
    codes[r] = code;
  }
  return { codes, categories };
}

/** The numbers of a number column, NaN where a cell is missing. */
export function numberValues(table: ColumnTable, column: Column): Float64Array {
  return column.numbers ? column.numbers.subarray(0, table.rows) : new Float64Array(table.rows).fill(NaN);
}
