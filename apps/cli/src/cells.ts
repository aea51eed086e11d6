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
}

/** The rules from `--na-values a,b` (added to {@link NA_MARKERS}) and `--thousands C`. */
export function cellRules(naValues: string | undefined, thousands: string | undefined): CellRules {
  const extra = naValues === undefined ? [] : naValues.split(",").map((s) => s.trim().toLowerCase());
  if (thousands !== undefined && ([...thousands].length !== 1 || /[\d.eE+-]/.test(thousands))) {
    throw new UsageError(`--thousands must be one character that is not a digit, a point, e or a sign (e.g. , or _); got ${JSON.stringify(thousands)}`);
  }
  return { missing: new Set([...NA_MARKERS, ...extra]), thousands: thousands ?? null };
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

/** Reads one (trimmed) cell under `rules`. */
export function readCell(field: string, rules: CellRules): Cell {
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
 * The name of a class or category read from a cell: numbers by value (so `1.0` and `1` are the
 * same class), text as written.
 */
export function categoryName(field: string, rules: CellRules): string {
  const cell = readCell(field, rules);
  return cell.kind === "number" ? String(cell.value) : field;
}
