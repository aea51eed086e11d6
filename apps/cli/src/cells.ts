import { UsageError } from "./errors.js";

/**
 * The cells that count as missing in any column, compared after trimming and ignoring case:
 * pandas' and R's usual markers, Excel's `#N/A`, and `?` and `-` (UCI's and many spreadsheets').
 */
export const NA_MARKERS = ["", "na", "n/a", "#n/a", "nan", "null", "?", "-"] as const;

/** How cells are read: which count as missing, and which thousands separator numbers may use. */
export interface CellRules {
  /** Lower-cased tokens that count as missing. */
  missing: ReadonlySet<string>;
  /** A thousands separator to strip from numbers like `1,037`, or null. */
  thousands: string | null;
  /** Whether a missing marker reads as a number (`--na-values -999`): then no cell may skip the marker check. */
  numericMissing: boolean;
}

/** Something that holds a row's cells: a CSV row read in place, or plain strings. */
export interface Cells {
  string(i: number): string;
  /** The cell as a plain decimal number, or NaN when it must be read the slow way (see {@link readCell}). */
  number(i: number): number;
}

/** Plain strings as {@link Cells}. */
export function stringCells(fields: readonly string[]): Cells {
  return { string: (i) => fields[i] as string, number: () => NaN };
}

/**
 * Cell `i` of `cells` as a finite number when it is one, without allocating in the common case
 * (a plain decimal that is no missing marker); otherwise what {@link readCell} makes of it.
 */
export function readCellAt(cells: Cells, i: number, rules: CellRules): Cell | number {
  if (!rules.numericMissing) {
    const value = cells.number(i);
    if (!Number.isNaN(value)) return value;
  }
  return readCell(cells.string(i), rules);
}

/** The rules from `--na-values` (markers added to {@link NA_MARKERS}) and `--thousands C` (null: none). */
export function cellRules(naValues: readonly string[], thousands: string | null): CellRules {
  const extra = naValues.map((s) => s.trim().toLowerCase());
  if (thousands !== null && ([...thousands].length !== 1 || /[\d.eE+-]/.test(thousands))) {
    throw new UsageError(`--thousands must be one character that is not a digit, a point, e or a sign (e.g. , or _); got ${JSON.stringify(thousands)}`);
  }
  const missing = new Set([...NA_MARKERS, ...extra]);
  return { missing, thousands, numericMissing: [...missing].some((m) => DECIMAL.test(m)) };
}

/** What a cell reads as: a finite number, missing, or text (a number-like cell that is not finite says why). */
export type Cell =
  | { kind: "number"; value: number }
  | { kind: "missing" }
  | { kind: "text" }
  | { kind: "bad number"; why: string };

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITE = /^[+-]?(?:inf|infinity)$/i;
const GROUPED = /^[+-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$/;

/** Whether a character code may start a plain decimal number: a digit, a sign or a point. */
const startsNumber = (c: number) => (c >= 48 && c <= 57) || c === 43 || c === 45 || c === 46;

/** Whether a character code is one of x, b, o (either case): `Number` reads 0x…, 0b… and 0o…, a CSV number never has them. */
const radixLetter = (c: number) => c === 120 || c === 88 || c === 98 || c === 66 || c === 111 || c === 79;

/** Reads one (trimmed) cell under `rules`. */
export function readCell(field: string, rules: CellRules): Cell {
  // The common case first, without allocating: a plain finite number that is not a missing marker.
  if (!rules.missing.has(field) && field.length > 0 && startsNumber(field.charCodeAt(0)) && !(field.length > 1 && radixLetter(field.charCodeAt(1)))) {
    const value = Number(field);
    if (Number.isFinite(value)) return { kind: "number", value };
  }
  return readOddCell(field, rules);
}

/** {@link readCell} for every cell that is not a plain finite number. */
function readOddCell(field: string, rules: CellRules): Cell {
  if (rules.missing.has(field.toLowerCase())) return { kind: "missing" };
  let token = field;
  if (rules.thousands !== null && token.includes(rules.thousands)) {
    const plain = token.split(rules.thousands).join("");
    if (DECIMAL.test(plain)) token = plain;
  }
  if (DECIMAL.test(token)) {
    const value = Number(token);
    if (Number.isFinite(value)) return { kind: "number", value };
    return { kind: "bad number", why: `${JSON.stringify(field)} is too large for a 64-bit number (the largest is about 1.8e308)` };
  }
  if (INFINITE.test(token)) return { kind: "bad number", why: `${JSON.stringify(field)} is infinite; a network cannot learn from it: replace it, or mark it missing with --na-values ${field}` };
  if (rules.thousands === null && GROUPED.test(token)) {
    return { kind: "bad number", why: `${JSON.stringify(field)} has a thousands separator; pass --thousands , to read it as ${Number(token.replace(/,/g, ""))}` };
  }
  return { kind: "text" };
}

/**
 * The name of a class or category a read cell stands for (a plain number from {@link readCellAt},
 * or a {@link Cell}): numbers by value (so `1.0` and `1` are the
 * same class), text as written.
 */
export function nameOf(cell: Cell | number, field: string): string {
  if (typeof cell === "number") return String(cell);
  return cell.kind === "number" ? String(cell.value) : field;
}
