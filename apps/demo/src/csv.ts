import type { CustomData } from "./protocol.js";

/** The most classes the plot has colours for. */
export const MAX_CLASSES = 3;

/**
 * Reads a CSV of 2-D points: a header row, then `x, y, label` per line (extra columns are an
 * error; quotes are not needed for numbers and labels). Labels become classes in sorted order.
 *
 * @throws Error with a message naming the file and the line for anything else.
 */
export function parsePoints(name: string, text: string): CustomData {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const rows: { x: number; y: number; label: string; line: number }[] = [];
  lines.forEach((raw, i) => {
    if (i === 0 || raw.trim() === "") return;
    const fields = raw.split(",").map((f) => f.trim().replace(/^"(.*)"$/, "$1"));
    if (fields.length !== 3) throw new Error(`${name}: line ${i + 1} has ${fields.length} fields; expected 3 (x, y, label)`);
    const [x, y] = fields.slice(0, 2).map((f, k) => {
      const v = f === "" ? NaN : Number(f);
      if (!Number.isFinite(v)) throw new Error(`${name}: line ${i + 1}: ${JSON.stringify(f)} is not a number (column ${k + 1})`);
      return v;
    }) as [number, number];
    rows.push({ x, y, label: fields[2] as string, line: i + 1 });
  });
  if (rows.length < 2) throw new Error(`${name}: needs a header and at least 2 rows of x, y, label`);
  const classes = [...new Set(rows.map((r) => r.label))].sort();
  if (classes.length < 2) throw new Error(`${name}: every row has the label ${JSON.stringify(classes[0])}; a classifier needs 2 or 3 labels`);
  if (classes.length > MAX_CLASSES) throw new Error(`${name}: ${classes.length} labels (${classes.slice(0, 5).join(", ")}…); the demo draws at most ${MAX_CLASSES}`);
  return { name, x: rows.map((r) => [r.x, r.y]), y: rows.map((r) => classes.indexOf(r.label)), classes };
}

/** The longest `data=` a link carries: links much longer are cut by chat apps and mail. */
export const LINK_DATA_LIMIT = 8000;

/**
 * Loaded points as the `data` URL parameter — their name, then the CSV itself, every number
 * written so that it reads back to the same double — or null when that is longer than
 * {@link LINK_DATA_LIMIT} characters once encoded for a URL.
 */
export function pointsForLink(data: CustomData): string | null {
  const rows = data.x.map(([x, y], i) => `${x},${y},${data.classes[data.y[i] as number]}`);
  const text = `${data.name}\nx,y,label\n${rows.join("\n")}`;
  return new URLSearchParams({ data: text }).toString().length <= LINK_DATA_LIMIT ? text : null;
}

/**
 * Points from a link's `data` parameter (see {@link pointsForLink}).
 *
 * @throws Error naming the line, as {@link parsePoints} does, when it does not read.
 */
export function pointsFromLink(text: string): CustomData {
  const newline = text.indexOf("\n");
  if (newline < 0) throw new Error("it holds no rows of x, y, label");
  return parsePoints(text.slice(0, newline), text.slice(newline + 1));
}
