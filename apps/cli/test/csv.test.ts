import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Random } from "@micrograd/engine";
import { describe, expect, it } from "vitest";
import { readCsv } from "../src/csv.js";
import type { CsvRow } from "../src/csv.js";

/** Every data row of a CSV text: its fields as strings and as the fast path reads them as numbers. */
function read(text: string): { fields: string[]; numbers: number[]; line: number }[] {
  const path = join(mkdtempSync(join(tmpdir(), "micrograd-csv-")), "t.csv");
  writeFileSync(path, text);
  const rows: { fields: string[]; numbers: number[]; line: number }[] = [];
  readCsv(path, {}, () => undefined, (row: CsvRow) => {
    rows.push({ fields: row.fields(), numbers: Array.from({ length: row.count }, (_, i) => row.number(i)), line: row.line });
  });
  return rows;
}

describe("reading numbers straight from the text", () => {
  it("gives Number(field) to the bit for plain decimals of up to 15 digits (Object.is over fuzzed cells)", () => {
    const random = new Random(11);
    const cells: string[] = [];
    for (let k = 0; k < 20000; k++) {
      const digits = 1 + random.int(15);
      let body = Array.from({ length: digits }, () => String(random.int(10))).join("");
      const point = random.int(digits + 2);
      if (point <= digits) body = `${body.slice(0, point)}.${body.slice(point)}`;
      cells.push(`${["", "-", "+"][random.int(3)]}${body}`);
    }
    const rows = read(`x\n${cells.join("\n")}\n`);
    expect(rows).toHaveLength(cells.length);
    rows.forEach((row, i) => {
      const cell = cells[i] as string;
      const expected = cell === "." || cell === "-." || cell === "+." ? NaN : Number(cell);
      expect(Object.is(row.numbers[0], expected), `${cell}: ${row.numbers[0]} against ${expected}`).toBe(true);
    });
  });

  it("leaves everything else to the slow path (NaN), which reads it as written", () => {
    const odd = ["1e5", "1234567890123456", "1.2.3", "-", "", "0x10", "abc", "1,5", "Infinity"];
    const rows = read(`x;y\n${odd.map((v) => `${v};"${v}"`).join("\n")}\n`);
    rows.forEach((row, i) => {
      expect(row.numbers[0]).toBeNaN();
      expect(row.fields).toEqual([odd[i], odd[i]]);
    });
  });
});

describe("records", () => {
  it("keeps quoted delimiters, doubled quotes and line breaks, trims unquoted spaces and counts lines", () => {
    const rows = read('a,b,c\n  x , "y, ""z""" ,"multi\nline"\n\n"last",2,3');
    expect(rows).toEqual([
      { fields: ["x", 'y, "z"', "multi\nline"], numbers: [NaN, NaN, NaN], line: 2 },
      { fields: ["last", "2", "3"], numbers: [NaN, 2, 3], line: 5 },
    ]);
  });

  it("ends lines at LF, CRLF or a lone CR, and trims spaces around unquoted fields", () => {
    for (const end of ["\n", "\r\n", "\r"]) {
      const rows = read(["a;b", " 1 ;\t2", "", "x y ; 4"].join(end) + end);
      expect(rows.map((r) => [r.fields, r.line]), JSON.stringify(end)).toEqual([[["1", "2"], 2], [["x y", "4"], 4]]);
    }
  });

  it("reads records that straddle the one-megabyte chunks the same as whole", () => {
    const line = `${"7.25,".repeat(30)}"q""uoted"`;
    const count = Math.ceil((3 << 20) / line.length);
    const rows = read(`${Array.from({ length: 31 }, (_, i) => `c${i}`).join(",")}\n${`${line}\n`.repeat(count)}`);
    expect(rows).toHaveLength(count);
    for (const row of rows) {
      expect(row.fields[30]).toBe('q"uoted');
      expect(row.numbers[29]).toBe(7.25);
    }
    expect(rows.at(-1)?.line).toBe(count + 1);
  });
});
