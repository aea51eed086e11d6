// The whole job at scale, micrograd against pandas + scikit-learn in the same run on the same
// machine: a CSV of N rows × 20 number columns and a 3-class text target (default 1,000,000
// rows); `micrograd train` for 1 epoch with batch 64 (16,16 ReLU, Adam), then `micrograd predict`
// on the same file; and pandas `read_csv` + scikit-learn `MLPClassifier((16, 16), batch_size=64,
// max_iter=1)` doing the same: read, one epoch, `predict_proba`, write. Prints each process's
// wall time and peak resident memory (GNU time), and a Markdown table for the README.
// Not a test: the machine's load changes the times. Needs /usr/bin/time, and for the reference
// Debian's python3-sklearn and python3-pandas (skipped with a note when they are missing).
// Usage: pnpm build && node apps/cli/scripts/scale.mjs [rows]
import { spawnSync } from "node:child_process";
import console from "node:console";
import { closeSync, mkdtempSync, openSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { fileURLToPath, URL } from "node:url";

const rows = Number(process.argv[2] ?? 1_000_000);
const dir = mkdtempSync(join(tmpdir(), "micrograd-scale-"));
const data = join(dir, "big.csv");

// The same generator as big-file.mjs, with 20 numbers: a linear congruential sequence, so the
// file is the same on every machine.
let state = 1;
const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
const fd = openSync(data, "w");
writeSync(fd, `${[...Array.from({ length: 20 }, (_, i) => `x${i + 1}`), "label"].join(",")}\n`);
let block = "";
for (let r = 0; r < rows; r++) {
  const xs = Array.from({ length: 20 }, () => random() * 10 - 5);
  const score = xs[0] + xs[1] * xs[2] * 0.2 - xs[3];
  block += `${xs.map((x) => x.toFixed(3)).join(",")},${score > 1 ? "high" : score < -1 ? "low" : "mid"}\n`;
  if (block.length > 1 << 20) {
    writeSync(fd, block);
    block = "";
  }
}
writeSync(fd, block);
closeSync(fd);

/** Runs a command under GNU time: wall seconds and peak resident MiB. */
function timed(command, args) {
  const run = spawnSync("/usr/bin/time", ["-f", "%e %M", command, ...args], { encoding: "utf8", maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`${command} ${args.join(" ")} failed:\n${run.stderr}`);
  const [seconds, kib] = run.stderr.trim().split("\n").at(-1).split(" ").map(Number);
  return { seconds, mib: kib / 1024, stdout: run.stdout };
}

const cli = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const train = timed(process.execPath, [cli, "train", "--data", data, "--target", "label", "--batch-size", "64", "--epochs", "1", "--json", "--out", join(dir, "model.json")]);
const accuracy = JSON.parse(train.stdout).train.accuracy;
const predict = timed(process.execPath, [cli, "predict", "--model", join(dir, "model.json"), "--data", data, "--keep", "label", "--out", join(dir, "predictions.csv")]);

const reference = `
import sys, time
import pandas as pd
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler
frame = pd.read_csv(sys.argv[1])
x = StandardScaler().fit_transform(frame.drop(columns="label").to_numpy())
model = MLPClassifier((16, 16), batch_size=64, max_iter=1, random_state=0).fit(x, frame["label"])
out = pd.DataFrame(model.predict_proba(x), columns=[f"probability_{c}" for c in model.classes_])
out.insert(0, "prediction", model.predict(x))
out.insert(0, "label", frame["label"])
out.to_csv(sys.argv[2], index=False)
print(model.score(x, frame["label"]))
`;
const hasSklearn = spawnSync("/usr/bin/python3", ["-c", "import sklearn, pandas"]).status === 0;
const sklearn = hasSklearn ? timed("/usr/bin/python3", ["-W", "ignore", "-c", reference, data, join(dir, "sk.csv")]) : null;

const f = (s) => `${s.toFixed(1)} s`;
const m = (x) => `${Math.round(x)} MiB`;
console.log(`${rows.toLocaleString("en-US")} rows × 20 numbers + a 3-class target, 1 epoch, batch 64, 16,16 ReLU, Adam`);
console.log("| | time | peak memory | train accuracy |");
console.log("|---|---|---|---|");
console.log(`| micrograd train | ${f(train.seconds)} | ${m(train.mib)} | ${(accuracy * 100).toFixed(1)} % |`);
console.log(`| micrograd predict | ${f(predict.seconds)} | ${m(predict.mib)} | |`);
console.log(`| micrograd, both | **${f(train.seconds + predict.seconds)}** | | |`);
if (sklearn) console.log(`| pandas + scikit-learn, the whole job | **${f(sklearn.seconds)}** | ${m(sklearn.mib)} | ${(Number(sklearn.stdout.trim()) * 100).toFixed(1)} % |`);
else console.log("(pandas + scikit-learn skipped: /usr/bin/python3 lacks them; apt-get install python3-sklearn python3-pandas)");
