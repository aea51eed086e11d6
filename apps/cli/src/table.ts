import { parse } from "csv-parse/sync";
import { InputError } from "./errors.js";
import { readText } from "./files.js";
import { didYouMean } from "./suggest.js";

/** A CSV file: its header, its rows, and the line in the file where each row is. */
export interface Table {
  file: string;
  columns: string[];
  rows: string[][];
  lines: number[];
}

/**
 * Reads a CSV file with a header row (csv-parse: quoted fields, CRLF, a BOM and a trailing
 * newline all work). Every row must have as many fields as the header.
 */
export function readTable(file: string): Table {
  const text = readText(file, "data file");
  let records: { record: string[]; info: { lines: number } }[];
  try {
    // With `info`, each record comes with where it was read; the typings do not model that option.
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, trim: true, info: true }) as unknown as typeof records;
  } catch (e) {
    throw new InputError(`${file} is not valid CSV: ${(e as Error).message}`);
  }
  const [header, ...body] = records;
  if (header === undefined) throw new InputError(`${file} is empty; it needs a header row and at least one data row`);
  if (body.length === 0) throw new InputError(`${file} has a header but no data rows`);
  const columns = header.record;
  const duplicate = columns.find((c, i) => columns.indexOf(c) !== i);
  if (duplicate !== undefined) throw new InputError(`${file}: the column name ${JSON.stringify(duplicate)} appears twice in the header`);
  for (const { record, info } of body) {
    if (record.length !== columns.length) {
      throw new InputError(`${file}: line ${info.lines} has ${record.length} fields but the header has ${columns.length}`);
    }
  }
  return { file, columns, rows: body.map((r) => r.record), lines: body.map((r) => r.info.lines) };
}

/** The index of `name` in the table, or an InputError listing the columns. */
export function columnIndex(table: Table, name: string): number {
  const i = table.columns.indexOf(name);
  if (i < 0) {
    throw new InputError(`${table.file} has no column ${JSON.stringify(name)}${didYouMean(name, table.columns)}; its columns are ${table.columns.join(", ")}`);
  }
  return i;
}

/** Whether a CSV field counts as a missing value. */
export function isMissing(field: string): boolean {
  return field === "" || /^(na|n\/a|nan|null)$/i.test(field);
}

/**
 * Rows with a missing value in one of `columns`: an error naming the first, or — when `drop` —
 * the table without them and how many went.
 */
export function handleMissing(table: Table, columns: number[], drop: boolean): { table: Table; dropped: number } {
  const keep: number[] = [];
  table.rows.forEach((row, r) => {
    const missing = columns.find((c) => isMissing(row[c] as string));
    if (missing === undefined) keep.push(r);
    else if (!drop) {
      throw new InputError(
        `${table.file}: line ${table.lines[r]} has no value in column ${JSON.stringify(table.columns[missing])}; fill it in, or pass --drop-missing to skip such rows`,
      );
    }
  });
  if (keep.length === 0) throw new InputError(`${table.file}: every row has a missing value`);
  return {
    table: { ...table, rows: keep.map((r) => table.rows[r] as string[]), lines: keep.map((r) => table.lines[r] as number) },
    dropped: table.rows.length - keep.length,
  };
}
