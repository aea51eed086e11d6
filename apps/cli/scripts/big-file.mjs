// Measures `micrograd train` on a big CSV: 100,000 rows, 20 columns (18 numbers, one text column
// of 5 values, a 3-class text target), one epoch with --batch-size 64. Prints rows per second
// and the peak resident memory. Not part of the test command; the CLI README quotes its output.
// Usage: pnpm build && node apps/cli/scripts/big-file.mjs [rows]
import { spawnSync } from "node:child_process";
import console from "node:console";
import process from "node:process";
import { performance } from "node:perf_hooks";
import { URL } from "node:url";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const rows = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), "micrograd-big-"));
const file = join(dir, "big.csv");
let state = 1;
const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
const header = [...Array.from({ length: 18 }, (_, i) => `x${i + 1}`), "group", "label"];
const lines = [header.join(",")];
for (let r = 0; r < rows; r++) {
  const xs = Array.from({ length: 18 }, () => random() * 10 - 5);
  const group = ["a", "b", "c", "d", "e"][Math.floor(random() * 5)];
  const score = xs[0] + xs[1] * xs[2] * 0.2 - xs[3] + (group === "a" ? 2 : 0);
  lines.push([...xs.map((x) => x.toFixed(3)), group, score > 1 ? "high" : score < -1 ? "low" : "mid"].join(","));
}
writeFileSync(file, `${lines.join("\n")}\n`);
const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const started = performance.now();
const run = spawnSync("/usr/bin/time", ["-v", process.execPath, cli, "train", "--data", file, "--target", "label", "--batch-size", "64", "--epochs", "1", "--json", "--out", join(dir, "big.json")], { encoding: "utf8" });
const seconds = (performance.now() - started) / 1000;
if (run.status !== 0) throw new Error(run.stderr);
const summary = JSON.parse(run.stdout);
const peak = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(run.stderr)?.[1]) / 1024;
console.log(`${rows} rows × 20 columns, 1 epoch, batch 64, ${summary.mode} mode: ${seconds.toFixed(1)} s in all (reading, encoding, training, evaluating, saving), ` +
  `${Math.round(rows / seconds).toLocaleString("en-US")} rows/s; peak memory ${peak.toFixed(0)} MiB; train accuracy ${(summary.train.accuracy * 100).toFixed(1)}%`);
