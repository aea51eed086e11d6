import { createHash } from "node:crypto";
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { InputError, UsageError } from "./errors.js";
import { STDIO, whyUnreadable } from "./files.js";

/** How to read a CSV file's bytes and split its lines. */
export interface CsvOptions {
  /** The field separator; detected from the header when absent (`,` `;` tab `|`; tab for `.tsv`). */
  delimiter?: string;
  /** `utf8` (the default; invalid bytes are an error naming the line) or `latin1` (windows-1252). */
  encoding?: "utf8" | "latin1";
  /** Told after each chunk how many bytes were read, of how many (null for a pipe), and at the end. */
  progress?: { read(bytes: number, total: number | null): void; end(): void };
}

/** The encodings `--encoding` takes. */
export const ENCODINGS = ["utf8", "latin1"] as const;

/** The delimiters detection chooses from, in order of preference on a tie. */
const DELIMITERS = [",", ";", "\t", "|"];

/** The name a delimiter has in messages. */
const delimiterName = (d: string) => (d === "\t" ? "tab" : JSON.stringify(d));

/** `--delimiter`'s value as a character: one character, or `tab`/`\t`. */
export function parseDelimiter(raw: string): string {
  if (raw === "tab" || raw === "\\t" || raw === "\t") return "\t";
  if ([...raw].length !== 1 || raw === '"' || raw === "\n" || raw === "\r") {
    throw new UsageError(`--delimiter must be one character (or tab), not a quote or a line end; got ${JSON.stringify(raw)}`);
  }
  return raw;
}

/** Bytes read per system call: large enough for speed, small enough to keep memory flat. */
const CHUNK = 1 << 20;

/**
 * Reads a CSV file (or standard input for `-`) as a stream: `onHeader` gets the header's fields
 * and the delimiter used, then `onRow` each data row (a {@link CsvRow}, reused: read its fields
 * before returning). Quoted
 * fields (with `""` for a quote, and line breaks inside), CRLF, a BOM, blank lines and a missing
 * final newline are fine; spaces around unquoted fields are trimmed. Only one chunk of the file
 * is in memory at a time. Every row must have as many fields as the header. Returns the SHA-256
 * of the bytes read, a fingerprint of the data.
 */
export function readCsv(
  path: string,
  options: CsvOptions,
  onHeader: (columns: string[], delimiter: string) => void,
  onRow: (row: CsvRow) => void,
): { sha256: string } {
  const name = path === STDIO ? "standard input" : path;
  let fd: number;
  try {
    fd = path === STDIO ? 0 : openSync(path, "r");
  } catch (e) {
    throw new InputError(`cannot read data file ${path}: ${whyUnreadable(e)}`);
  }
  const decoder = new TextDecoder(options.encoding === "latin1" ? "latin1" : "utf-8", { fatal: true });
  const stat = fstatSync(fd);
  const total = stat.isFile() ? stat.size : null;
  let done = 0;
  const bytes = new Uint8Array(CHUNK);
  const hash = createHash("sha256");
  let pending = "";
  let line = 1;
  let columns: string[] | null = null;
  let delimiter = options.delimiter ?? (/\.tsv$/i.test(path) ? "\t" : null);
  const fail = (at: number, why: string): never => {
    throw new InputError(`${name}: line ${at}: ${why}`);
  };
  const row = new CsvRow();
  const record = (r: CsvRow) => {
    if (columns === null) {
      columns = r.fields();
      onHeader(columns, delimiter as string);
    } else if (r.count !== columns.length) {
      const hint = r.count === 1 && columns.length > 1 ? `; is the delimiter ${delimiterName(delimiter as string)} right? (--delimiter sets it)` : "";
      fail(r.line, `${r.count} fields but the header has ${columns.length}${hint}`);
    } else onRow(r);
  };
  try {
    for (;;) {
      let size: number;
      try {
        size = readSync(fd, bytes, 0, CHUNK, null);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === "EAGAIN") continue;
        if ((e as NodeJS.ErrnoException).code === "EOF") size = 0;
        else throw new InputError(`cannot read data file ${path}: ${whyUnreadable(e)}`);
      }
      const last = size === 0;
      hash.update(bytes.subarray(0, size));
      done += size;
      options.progress?.read(done, total);
      let text: string;
      try {
        text = decoder.decode(bytes.subarray(0, size), { stream: !last });
      } catch {
        const bad = firstInvalidUtf8(bytes.subarray(0, size));
        const at = line + countLines(pending) + countLines(decodeValid(bytes.subarray(0, bad)));
        fail(at, "the file is not valid UTF-8; if it was saved in Latin-1 or Windows-1252, pass --encoding latin1");
      }
      pending += text!;
      if (delimiter === null) {
        const end = pending.indexOf("\n");
        if (end < 0 && !last) continue;
        delimiter = detectDelimiter(end < 0 ? pending : pending.slice(0, end));
      }
      const consumed = parseRecords(pending, delimiter, last, line, row, record, fail);
      line = consumed.line;
      pending = pending.slice(consumed.offset);
      if (last) break;
    }
  } finally {
    options.progress?.end();
    if (fd !== 0) closeSync(fd);
  }
  if (columns === null) throw new InputError(`${name} is empty; it needs a header row and at least one data row`);
  return { sha256: hash.digest("hex") };
}

/** The delimiter a header line uses most: `,` `;` tab or `|` outside quotes (`,` if none). */
function detectDelimiter(header: string): string {
  const unquoted = header.replace(/"[^"]*"/g, "");
  let best = ",";
  let most = 0;
  for (const d of DELIMITERS) {
    const n = unquoted.split(d).length - 1;
    if (n > most) {
      best = d;
      most = n;
    }
  }
  return best;
}

const QUOTE = 34;
const CR = 13;
const LF = 10;
const SPACE = 32;
const TAB = 9;

/** Powers of ten that doubles hold exactly: the divisors of the fast number path. */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * One record of a CSV file, reused from row to row so that reading allocates no string per
 * cell: each field is a range of `text` (already trimmed), or — for a quoted field with `""` in
 * it — a string of its own. `string(i)` and `number(i)` read field `i`.
 */
export class CsvRow {
  /** The line the record starts on. */
  line = 0;
  /** Number of fields. */
  count = 0;
  private text = "";
  private starts = new Int32Array(32);
  private ends = new Int32Array(32);
  private built: (string | null)[] = [];

  /** Starts a new record over `text`. */
  reset(text: string, line: number): void {
    this.text = text;
    this.line = line;
    this.count = 0;
  }

  /** Adds a field: `text[start…end)`, or `value` when it had to be built. */
  push(start: number, end: number, value: string | null): void {
    if (this.count === this.starts.length) {
      const starts = new Int32Array(this.count * 2);
      starts.set(this.starts);
      this.starts = starts;
      const ends = new Int32Array(this.count * 2);
      ends.set(this.ends);
      this.ends = ends;
    }
    this.starts[this.count] = start;
    this.ends[this.count] = end;
    this.built[this.count] = value;
    this.count += 1;
  }

  /** Field `i` as a string. */
  string(i: number): string {
    return this.built[i] ?? this.text.slice(this.starts[i], this.ends[i]);
  }

  /** Every field as a string. */
  fields(): string[] {
    return Array.from({ length: this.count }, (_, i) => this.string(i));
  }

  /**
   * Field `i` as a number when it is a plain decimal (`-12.5`, at most 15 digits, no exponent),
   * read straight from the text; NaN when it is anything else, for the caller to read the slow
   * way. Exactly `Number(field)`: an integer below 2⁵³ divided by an exact power of ten is
   * rounded once, to the nearest double of the decimal (Clinger's fast path).
   */
  number(i: number): number {
    if (this.built[i] !== null) return NaN;
    const text = this.text;
    let k = this.starts[i] as number;
    const end = this.ends[i] as number;
    if (k >= end) return NaN;
    let negative = false;
    const first = text.charCodeAt(k);
    if (first === 45 || first === 43) {
      negative = first === 45;
      k++;
    }
    let mantissa = 0;
    let digits = 0;
    let fraction = -1;
    for (; k < end; k++) {
      const c = text.charCodeAt(k);
      if (c >= 48 && c <= 57) {
        mantissa = mantissa * 10 + (c - 48);
        digits++;
        if (fraction >= 0) fraction++;
      } else if (c === 46 && fraction < 0) fraction = 0;
      else return NaN;
    }
    if (digits === 0 || digits > 15) return NaN;
    const value = fraction > 0 ? mantissa / (POW10[fraction] as number) : mantissa;
    return negative ? -value : value;
  }
}

/**
 * Parses the complete records at the start of `text` into `row`, calling `record` for each
 * non-blank one, and says how far it got: a record cut off at the end of `text` is left for the
 * next chunk unless `last`. `line` is the line `text` starts on.
 */
function parseRecords(
  text: string,
  delimiter: string,
  last: boolean,
  line: number,
  row: CsvRow,
  record: (row: CsvRow) => void,
  fail: (line: number, why: string) => never,
): { offset: number; line: number } {
  const sep = delimiter.charCodeAt(0);
  // Spaces around a field are trimmed, unless a space is the delimiter.
  const blank = (c: number) => (c === SPACE || c === TAB) && c !== sep;
  const n = text.length;
  let start = 0;
  let i = 0;
  // Where the next quote and CR are, found once and moved on only when passed: a record with
  // neither (most of them) is split by native searches instead of a character loop.
  let quote = -2;
  let cr = -2;
  while (start < n) {
    const newline = text.indexOf("\n", start);
    if (quote !== -1 && quote < start) quote = text.indexOf('"', start);
    if (cr !== -1 && cr < start) cr = text.indexOf("\r", start);
    if (newline >= 0 && (quote < 0 || quote > newline) && (cr < 0 || cr >= newline - 1)) {
      const end = cr === newline - 1 ? cr : newline;
      row.reset(text, line);
      for (let from = start; ;) {
        let to = text.indexOf(delimiter, from);
        if (to < 0 || to > end) to = end;
        let a = from;
        let b = to;
        while (a < b && blank(text.charCodeAt(a))) a++;
        while (b > a && blank(text.charCodeAt(b - 1))) b--;
        row.push(a, b, null);
        if (to === end) break;
        from = to + 1;
      }
      if (!(row.count === 1 && row.string(0) === "")) record(row);
      line += 1;
      start = newline + 1;
      continue;
    }
    let lines = 0;
    i = start;
    row.reset(text, line);
    let complete = false;
    for (;;) {
      let first = i;
      while (first < n && blank(text.charCodeAt(first))) first++;
      if (first < n && text.charCodeAt(first) === QUOTE) {
        let value: string | null = null;
        let from = first + 1;
        let close = -1;
        for (;;) {
          close = text.indexOf('"', from);
          if (close < 0 || close + 1 >= n) break;
          if (text.charCodeAt(close + 1) !== QUOTE) break;
          value = (value ?? "") + text.slice(from, close + 1);
          from = close + 2;
        }
        if (close < 0 || (close + 1 >= n && !last)) {
          i = first;
          break;
        }
        if (value !== null) value += text.slice(from, close);
        lines += countLinesIn(text, first + 1, close);
        row.push(first + 1, close, value);
        i = close + 1;
        while (i < n && blank(text.charCodeAt(i))) i++;
        const c = text.charCodeAt(i);
        if (i < n && c !== sep && c !== LF && c !== CR) fail(line + lines, `unexpected ${JSON.stringify(text[i])} after a closing quote; a quote inside a quoted field is written ""`);
      } else {
        let j = first;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === sep || c === LF || c === CR) break;
          j++;
        }
        let end = j;
        while (end > first && blank(text.charCodeAt(end - 1))) end--;
        row.push(first, end, null);
        i = j;
      }
      if (i >= n) {
        complete = last;
        break;
      }
      const c = text.charCodeAt(i);
      if (c === sep) {
        i++;
        continue;
      }
      // A line end: CR may be followed by LF, which must be in this chunk to know.
      if (c === CR) {
        if (i + 1 >= n && !last) break;
        if (text.charCodeAt(i + 1) === LF) i++;
      }
      i++;
      lines += 1;
      complete = true;
      break;
    }
    if (!complete) {
      if (last && i < n) fail(line, "a quoted field is not closed before the end of the file");
      if (!last) return { offset: start, line };
    }
    const empty = row.count === 1 && row.string(0) === "";
    if (!empty) record(row);
    line += lines;
    start = i;
    if (!complete) break;
  }
  return { offset: n, line };
}

/** Line breaks in `text[from…to)`. */
function countLinesIn(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = text.indexOf("\n", from); i >= 0 && i < to; i = text.indexOf("\n", i + 1)) count++;
  return count;
}

function countLines(text: string): number {
  let count = 0;
  for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) count++;
  return count;
}

/** Decodes bytes already known to be valid UTF-8 (up to the first invalid byte). */
function decodeValid(bytes: Uint8Array): string {
  return new TextDecoder("utf-8").decode(bytes);
}

/** The offset of the first byte that does not belong to a valid UTF-8 sequence (the length if none). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i] as number;
    const size = b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0;
    if (size === 0) return i;
    if (i + size > bytes.length) return i;
    for (let k = 1; k < size; k++) if (((bytes[i + k] as number) & 0xc0) !== 0x80) return i;
    i += size;
  }
  return bytes.length;
}
