import { createHash } from "node:crypto";
import { closeSync, openSync, readSync } from "node:fs";
import { InputError, UsageError } from "./errors.js";
import { STDIO, whyUnreadable } from "./files.js";

/** How to read a CSV file's bytes and split its lines. */
export interface CsvOptions {
  /** The field separator; detected from the header when absent (`,` `;` tab `|`; tab for `.tsv`). */
  delimiter?: string;
  /** `utf8` (the default; invalid bytes are an error naming the line) or `latin1` (windows-1252). */
  encoding?: "utf8" | "latin1";
}

/** The encodings `--encoding` takes. */
export const ENCODINGS = ["utf8", "latin1"] as const;

/** The delimiters detection chooses from, in order of preference on a tie. */
const DELIMITERS = [",", ";", "\t", "|"];

/** The name a delimiter has in messages. */
export const delimiterName = (d: string) => (d === "\t" ? "tab" : JSON.stringify(d));

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
 * and the delimiter used, then `onRow` each data row's fields with the line it starts on. Quoted
 * fields (with `""` for a quote, and line breaks inside), CRLF, a BOM, blank lines and a missing
 * final newline are fine; spaces around unquoted fields are trimmed. Only one chunk of the file
 * is in memory at a time. Every row must have as many fields as the header. Returns the SHA-256
 * of the bytes read, a fingerprint of the data.
 */
export function readCsv(
  path: string,
  options: CsvOptions,
  onHeader: (columns: string[], delimiter: string) => void,
  onRow: (fields: string[], line: number) => void,
): { sha256: string } {
  const name = path === STDIO ? "standard input" : path;
  let fd: number;
  try {
    fd = path === STDIO ? 0 : openSync(path, "r");
  } catch (e) {
    throw new InputError(`cannot read data file ${path}: ${whyUnreadable(e)}`);
  }
  const decoder = new TextDecoder(options.encoding === "latin1" ? "latin1" : "utf-8", { fatal: true });
  const bytes = new Uint8Array(CHUNK);
  const hash = createHash("sha256");
  let pending = "";
  let line = 1;
  let columns: string[] | null = null;
  let delimiter = options.delimiter ?? (/\.tsv$/i.test(path) ? "\t" : null);
  const fail = (at: number, why: string): never => {
    throw new InputError(`${name}: line ${at}: ${why}`);
  };
  const record = (fields: string[], at: number) => {
    if (columns === null) {
      columns = fields;
      onHeader(fields, delimiter as string);
    } else if (fields.length !== columns.length) {
      const hint = fields.length === 1 && columns.length > 1 ? `; is the delimiter ${delimiterName(delimiter as string)} right? (--delimiter sets it)` : "";
      fail(at, `${fields.length} fields but the header has ${columns.length}${hint}`);
    } else onRow(fields, at);
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
      const consumed = parseRecords(pending, delimiter, last, line, record, fail);
      line = consumed.line;
      pending = pending.slice(consumed.offset);
      if (last) break;
    }
  } finally {
    if (fd !== 0) closeSync(fd);
  }
  if (columns === null) throw new InputError(`${name} is empty; it needs a header row and at least one data row`);
  return { sha256: hash.digest("hex") };
}

/** The delimiter a header line uses most: `,` `;` tab or `|` outside quotes (`,` if none). */
export function detectDelimiter(header: string): string {
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

/**
 * Parses the complete records at the start of `text`, calling `record` for each non-blank one,
 * and says how far it got: a record cut off at the end of `text` is left for the next chunk
 * unless `last`. `line` is the line `text` starts on.
 */
function parseRecords(
  text: string,
  delimiter: string,
  last: boolean,
  line: number,
  record: (fields: string[], line: number) => void,
  fail: (line: number, why: string) => never,
): { offset: number; line: number } {
  const sep = delimiter.charCodeAt(0);
  const n = text.length;
  let start = 0;
  let i = 0;
  while (start < n) {
    const fields: string[] = [];
    let lines = 0;
    i = start;
    let complete = false;
    for (;;) {
      if (i < n && text.charCodeAt(i) === QUOTE) {
        let value = "";
        let from = i + 1;
        let close = -1;
        for (;;) {
          close = text.indexOf('"', from);
          if (close < 0 || close + 1 >= n) break;
          if (text.charCodeAt(close + 1) !== QUOTE) break;
          value += text.slice(from, close + 1);
          from = close + 2;
        }
        if (close < 0 || (close + 1 >= n && !last)) break;
        value += text.slice(from, close);
        lines += countLines(value);
        fields.push(value);
        i = close + 1;
        while (i < n && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9) && text.charCodeAt(i) !== sep) i++;
        const c = text.charCodeAt(i);
        if (i < n && c !== sep && c !== LF && c !== CR) fail(line + lines, `unexpected ${JSON.stringify(text[i])} after a closing quote; a quote inside a quoted field is written ""`);
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === sep || c === LF || c === CR) break;
          j++;
        }
        fields.push(text.slice(i, j).trim());
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
    const blank = fields.length === 1 && fields[0] === "";
    if (!blank) record(fields, line);
    line += lines;
    start = i;
    if (!complete) break;
  }
  return { offset: n, line };
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
