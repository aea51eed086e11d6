import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Random } from "@micrograd/engine";
import { describe, expect, it } from "vitest";
import { CLI, cliIn } from "./cli.js";

// Reading data as a careful person would, and never losing or silently changing what a user gave.

const { dir, micrograd } = cliIn("reading");

const write = (name: string, text: string | Buffer) => {
  writeFileSync(join(dir, name), text);
  return name;
};

/** Rows of `x1,x2,label` where label is "hi" when x1 + x2 > 0: numbers that a network separates easily. */
function rows(n: number, seed: number, delimiter = ","): string[] {
  const random = new Random(seed);
  return Array.from({ length: n }, () => {
    const a = random.uniform(-1, 1);
    const b = random.uniform(-1, 1);
    return [a.toFixed(3), b.toFixed(3), a + b > 0 ? "hi" : "lo"].join(delimiter);
  });
}

const model = (name: string) => JSON.parse(readFileSync(join(dir, name), "utf8")) as Record<string, unknown> & { features: Record<string, unknown>[]; target: Record<string, unknown> };

/** Runs the CLI with `input` on standard input. */
function withStdin(input: string, ...args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, input, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("number columns with odd cells", () => {
  it("reads ?, NA, empty and - as missing, fills them with the median and says so", () => {
    const lines = ["x1,x2,label", ...rows(40, 1)];
    // x2 of four rows is missing, each in another notation.
    ["?", "NA", "", "-"].forEach((marker, i) => (lines[2 + i] = lines[2 + i]!.replace(/,[^,]+,/, `,${marker},`)));
    write("marked.csv", `${lines.join("\n")}\n`);
    const r = micrograd("train", "--data", "marked.csv", "--target", "label", "--epochs", "2", "--out", "marked.json");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/filled missing cells \(--impute median\): 4 in "x2" with /);
    // The median of the 36 x2 values that are there, computed here from the file.
    const present = lines.slice(1).map((l) => l.split(",")[1]!).filter((v) => !["?", "NA", "", "-"].includes(v)).map(Number).sort((a, b) => a - b);
    expect(model("marked.json").features[1]).toMatchObject({ column: "x2", kind: "number", fill: (present[17]! + present[18]!) / 2 });
  });

  it("stops at a cell that is neither a number nor missing, naming its line, column and token", () => {
    const lines = ["x1,x2,label", ...rows(30, 2)];
    lines[7] = lines[7]!.replace(/^[^,]+/, "oops");
    write("typo.csv", `${lines.join("\n")}\n`);
    const r = micrograd("train", "--data", "typo.csv", "--target", "label", "--out", "typo.json");
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe('micrograd: typo.csv: line 8, column "x1": "oops" is not a number, but 29 of the column\'s 30 cells are; if it marks a missing value, pass --na-values "oops"');
    const marked = micrograd("train", "--data", "typo.csv", "--target", "label", "--na-values", "oops", "--epochs", "1", "--out", "typo.json");
    expect(marked.code, marked.stderr).toBe(0);
    expect(marked.stderr).toContain('1 in "x1"');
  });

  it("takes a number as a missing-value marker when --na-values names it (a -999 sentinel)", () => {
    const lines = ["x1,x2,label", ...rows(30, 14)];
    [3, 9].forEach((i) => (lines[i] = lines[i]!.replace(/,[^,]+,/, ",-999,")));
    write("sentinel.csv", `${lines.join("\n")}\n`);
    const r = micrograd("train", "--data", "sentinel.csv", "--target", "label", "--na-values=-999", "--epochs", "1", "--out", "sentinel.json");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('2 in "x2"');
    expect((model("sentinel.json").features[1] as { mean: number }).mean).toBeGreaterThan(-2);
    expect(model("sentinel.json").reading).toEqual({ naValues: ["-999"], thousands: null });
  });

  it.each([
    ["inf", /line 4, column "x1": "inf" is infinite/],
    ["-Infinity", /line 4, column "x1": "-Infinity" is infinite/],
    ["1e309", /line 4, column "x1": "1e309" is too large for a 64-bit number/],
  ])("refuses %s with exit 2, naming the line and column", (token, message) => {
    const lines = ["x1,x2,label", ...rows(20, 3)];
    lines[3] = lines[3]!.replace(/^[^,]+/, token);
    write("inf.csv", `${lines.join("\n")}\n`);
    const r = micrograd("train", "--data", "inf.csv", "--target", "label", "--out", "inf.json");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("trains on cells near the largest double without overflowing its statistics", () => {
    write("huge.csv", "x,label\n1e308,a\n1.5e308,b\n-1e308,a\n0,b\n");
    const r = micrograd("train", "--data", "huge.csv", "--target", "label", "--epochs", "3", "--out", "huge.json");
    expect(r.code, r.stderr).toBe(0);
    // Mean and population standard deviation of 1e308, 1.5e308, -1e308 and 0, in units of 1e308.
    const { mean, std } = model("huge.json").features[0] as { mean: number; std: number };
    expect(mean / 1e308).toBeCloseTo(0.375, 12);
    expect(std / 1e308).toBeCloseTo(Math.sqrt((0.625 ** 2 + 1.125 ** 2 + 1.375 ** 2 + 0.375 ** 2) / 4), 12);
  });

  it("suggests --thousands for 1,037 and reads it with the flag", () => {
    write("grouped.csv", 'area,label\n"1,037",big\n12,small\n"2,500",big\n40,small\n');
    const refused = micrograd("train", "--data", "grouped.csv", "--target", "label", "--out", "grouped.json");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/line 2, column "area": "1,037" has a thousands separator; pass --thousands , to read it as 1037/);
    const read = micrograd("train", "--data", "grouped.csv", "--target", "label", "--thousands", ",", "--epochs", "1", "--out", "grouped.json");
    expect(read.code, read.stderr).toBe(0);
    expect(model("grouped.json").features[0]).toMatchObject({ mean: (1037 + 12 + 2500 + 40) / 4 });
  });
});

describe("text columns with number cells", () => {
  it("names number cells of a text column by value, in training and at predict time", () => {
    const sizes = ["S", "M", "L", "10", "10.0", "S", "M", "L"];
    write("sizes.csv", `size,x,label\n${Array.from({ length: 32 }, (_, i) => `${sizes[i % 8]},${i % 5},${i % 2 ? "a" : "b"}`).join("\n")}\n`);
    const r = micrograd("train", "--data", "sizes.csv", "--target", "label", "--epochs", "2", "--out", "sizes.json");
    expect(r.code, r.stderr).toBe(0);
    expect(model("sizes.json").features[0]).toMatchObject({ kind: "category", categories: ["10", "L", "M", "S"] });
    write("sizes-new.csv", "size,x\n10.00,1\nM,2\n");
    const p = micrograd("predict", "--model", "sizes.json", "--data", "sizes-new.csv");
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout.trim().split("\n")).toHaveLength(3);
  });
});

describe("the shape of the file", () => {
  it.each([
    ["semicolons", "semi.csv", ";"],
    ["tabs", "tabs.txt", "\t"],
    ["pipes", "pipes.csv", "|"],
    ["tabs in a .tsv", "data.tsv", "\t"],
  ])("detects %s from the header", (_, name, delimiter) => {
    write(name, `${["x1", "x2", "label"].join(delimiter)}\n${rows(30, 4, delimiter).join("\n")}\n`);
    const r = micrograd("train", "--data", name, "--target", "label", "--epochs", "1", "--json", "--out", `${name}.json`);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ features: ["x1", "x2"], rows: 30 });
  });

  it("takes --delimiter over detection, and says when the header looks unsplit", () => {
    write("forced.csv", `x1;x2;label\n${rows(10, 5, ";").join("\n")}\n`);
    const r = micrograd("train", "--data", "forced.csv", "--target", "label", "--delimiter", ",", "--out", "forced.json");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no column "label".*the header was read as one column: pass --delimiter/);
  });

  it("names the line of bytes that are not UTF-8 and reads them with --encoding latin1", () => {
    const text = Buffer.concat([Buffer.from("city,x,label\nMadrid,1,a\nMadrid,2,b\n"), Buffer.from("M\xe1laga,3,a\n", "latin1"), Buffer.from("Madrid,4,b\n")]);
    write("latin1.csv", text);
    const refused = micrograd("train", "--data", "latin1.csv", "--target", "label", "--out", "latin1.json");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/latin1\.csv: line 4: the file is not valid UTF-8; .*--encoding latin1/);
    const read = micrograd("train", "--data", "latin1.csv", "--target", "label", "--encoding", "latin1", "--epochs", "1", "--out", "latin1.json");
    expect(read.code, read.stderr).toBe(0);
    expect(model("latin1.json").features[0]).toMatchObject({ column: "city", categories: ["Madrid", "Málaga"] });
  });

  it("leaves out an unnamed first column counting 0, 1, 2, … (a saved index) and says so", () => {
    write("indexed.csv", `,x1,x2,label\n${rows(30, 6).map((l, i) => `${i},${l}`).join("\n")}\n`);
    const r = micrograd("train", "--data", "indexed.csv", "--target", "label", "--epochs", "1", "--json", "--out", "indexed.json");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain("leaving out the first column: it has no name and counts 0, 1, 2, … (a saved index)");
    expect(JSON.parse(r.stdout)).toMatchObject({ features: ["x1", "x2"] });
  });

  it("reads --data - from standard input and writes --out - to standard output", () => {
    const csv = `x1,x2,label\n${rows(40, 7).join("\n")}\n`;
    const trained = withStdin(csv, "train", "--data", "-", "--target", "label", "--epochs", "5", "--out", "-");
    expect(trained.code, trained.stderr).toBe(0);
    expect(JSON.parse(trained.stdout)).toMatchObject({ format: "micrograd-ts/cli-model", data: { source: "standard input", rows: 40 } });
    expect(trained.stderr).toMatch(/saved\s+standard output/);
    write("stdin-model.json", trained.stdout);
    const predicted = withStdin(csv, "predict", "--model", "stdin-model.json", "--data", "-", "--out", "-");
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(predicted.stdout.trim().split("\n")).toHaveLength(41);
  });
});

describe("the task", () => {
  /** Digits-like data: label k in 0…9 is the position of the largest of ten inputs. */
  const digits = (n: number, seed: number, format = (k: number) => String(k)) => {
    const random = new Random(seed);
    const lines = [`${Array.from({ length: 10 }, (_, i) => `p${i}`).join(",")},digit`];
    for (let r = 0; r < n; r++) {
      const k = r % 10;
      lines.push(`${Array.from({ length: 10 }, (_, i) => (i === k ? 1 + random.uniform(0, 0.5) : random.uniform(0, 0.5)).toFixed(3)).join(",")},${format(k)}`);
    }
    return `${lines.join("\n")}\n`;
  };

  it("treats whole-number labels with at most 20 values as classes, says so, and --task regression overrides", () => {
    write("digits.csv", digits(200, 8));
    const r = micrograd("train", "--data", "digits.csv", "--target", "digit", "--epochs", "60", "--json", "--out", "digits.json");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('treating "digit" as 10 classes (whole numbers, at most 20 distinct); pass --task regression to predict it as a number');
    const summary = JSON.parse(r.stdout) as { loss: string; train: { accuracy: number } };
    expect(summary.loss).toBe("crossEntropy");
    expect(summary.train.accuracy).toBeGreaterThan(0.9);
    const regression = micrograd("train", "--data", "digits.csv", "--target", "digit", "--task", "regression", "--epochs", "1", "--json", "--out", "digits-r.json");
    expect(JSON.parse(regression.stdout)).toMatchObject({ loss: "mse" });
    expect(regression.stderr).not.toContain("treating");
  });

  it("compares numeric labels as numbers: 1.0 in the test file is class 1", () => {
    write("digits-float.csv", digits(50, 9, (k) => k.toFixed(1)));
    const r = micrograd("eval", "--model", "digits.json", "--data", "digits-float.csv", "--json");
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { accuracy: number }).accuracy).toBeGreaterThan(0.8);
  });
});

describe("missing values at predict and eval time", () => {
  it("writes one prediction per input row, filling missing cells as trained, and says how many", () => {
    write("colours.csv", `colour,x,label\n${Array.from({ length: 40 }, (_, i) => `${["red", "red", "blue"][i % 3]},${i % 7},${i % 2 ? "odd" : "even"}`).join("\n")}\n`);
    expect(micrograd("train", "--data", "colours.csv", "--target", "label", "--epochs", "2", "--out", "colours.json").code).toBe(0);
    expect(model("colours.json").features[0]).toMatchObject({ categories: ["blue", "red"], fill: "red" });
    write("gappy.csv", "colour,x\nred,1\n,2\nblue,NA\n?,?\n");
    const r = micrograd("predict", "--model", "colours.json", "--data", "gappy.csv");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim().split("\n")).toHaveLength(5);
    expect(r.stderr).toContain("filled 4 missing cells");
  });

  it("refuses an unseen category naming the column and value, or ignores it with --unknown ignore", () => {
    write("green.csv", "colour,x\ngreen,1\n");
    const refused = micrograd("predict", "--model", "colours.json", "--data", "green.csv");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/green\.csv: line 2, column "colour": "green" was not seen in training \(known: blue, red\)/);
    expect(micrograd("train", "--data", "colours.csv", "--target", "label", "--unknown", "ignore", "--epochs", "2", "--out", "colours-ignore.json").code).toBe(0);
    const ignored = micrograd("predict", "--model", "colours-ignore.json", "--data", "green.csv");
    expect(ignored.code, ignored.stderr).toBe(0);
    expect(ignored.stdout.trim().split("\n")).toHaveLength(2);
  });
});

describe("nothing is overwritten or lost", () => {
  it("refuses an --out that is the training data, even with --force, and leaves the data as it was", () => {
    const csv = `x1,x2,label\n${rows(20, 10).join("\n")}\n`;
    write("precious.csv", csv);
    for (const out of ["precious.csv", "./precious.csv", join(dir, "precious.csv")]) {
      const r = micrograd("train", "--data", "precious.csv", "--target", "label", "--out", out, "--force");
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`--out ${out} is the input file precious.csv`);
    }
    const p = micrograd("predict", "--model", "colours.json", "--data", "gappy.csv", "--out", "gappy.csv", "--force");
    expect(p.code).toBe(2);
    expect(readFileSync(join(dir, "precious.csv"), "utf8")).toBe(csv);
    expect(readFileSync(join(dir, "gappy.csv"), "utf8")).toBe("colour,x\nred,1\n,2\nblue,NA\n?,?\n");
  });

  it("checks the output folder before reading any data, never naming a temporary file", () => {
    const r = micrograd("train", "--data", "no-such-data.csv", "--target", "label", "--out", "missing-folder/model.json");
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toBe("micrograd: cannot write missing-folder/model.json: the folder missing-folder does not exist; create it first");
  });

  it("writes no partial predictions when a row fails, and no temporary file is left", () => {
    write("late-bad.csv", `colour,x\n${"red,1\n".repeat(5000)}purple,1\n`);
    const r = micrograd("predict", "--model", "colours.json", "--data", "late-bad.csv", "--out", "late.csv");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("line 5002");
    expect(existsSync(join(dir, "late.csv"))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("warns when the loss ends above where it started, and still saves the model", () => {
    write("overshoot.csv", `x1,x2,label\n${rows(40, 12).join("\n")}\n`);
    const r = micrograd("train", "--data", "overshoot.csv", "--target", "label", "--lr", "3", "--epochs", "20", "--out", "overshoot.json");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^warning: the training loss ended at [\d.]+, above where it started \([\d.]+\): the learning rate \(3\) may be too high$/m);
    expect(existsSync(join(dir, "overshoot.json"))).toBe(true);
  });
});

describe("a decision threshold for two classes", () => {
  it("predicts the second class only above --threshold, saved in the model, and eval can try another", () => {
    write("threshold.csv", `x1,x2,label\n${rows(80, 13).join("\n")}\n`);
    const trained = micrograd("train", "--data", "threshold.csv", "--target", "label", "--epochs", "30", "--threshold", "0.9", "--out", "threshold.json");
    expect(trained.code, trained.stderr).toBe(0);
    expect(model("threshold.json").threshold).toBe(0.9);
    const predicted = micrograd("predict", "--model", "threshold.json", "--data", "threshold.csv");
    const [header, ...lines] = predicted.stdout.trim().split("\n").map((l) => l.split(","));
    expect(header).toEqual(["x1", "x2", "label", "prediction", "probability_hi", "probability_lo"]);
    // Classes are sorted: "hi" then "lo"; the second class is predicted only above 0.9.
    for (const l of lines) expect(l[3]).toBe(Number(l[5]) > 0.9 ? "lo" : "hi");
    expect(lines.some((l) => Number(l[5]) > 0.5 && Number(l[5]) <= 0.9)).toBe(true);
    const strict = JSON.parse(micrograd("eval", "--model", "threshold.json", "--data", "threshold.csv", "--json").stdout) as { confusion: { matrix: number[][] } };
    const usual = JSON.parse(micrograd("eval", "--model", "threshold.json", "--data", "threshold.csv", "--threshold", "0.5", "--json").stdout) as { confusion: { matrix: number[][] } };
    const predictedLo = (m: number[][]) => (m[0]?.[1] ?? 0) + (m[1]?.[1] ?? 0);
    expect(predictedLo(strict.confusion.matrix)).toBe(lines.filter((l) => l[3] === "lo").length);
    expect(predictedLo(usual.confusion.matrix)).toBe(lines.filter((l) => Number(l[5]) > 0.5).length);
  });
});

describe("class weights", () => {
  it("--class-weight balanced weighs rows by n / (classes · rows of the class) and finds more of a rare class", () => {
    // 180 common rows and 20 rare ones, overlapping: unweighted, the rare class is mostly missed.
    const random = new Random(21);
    const lines = Array.from({ length: 200 }, (_, i) => {
      const rare = i % 10 === 0;
      return `${(random.normal(0, 1) + (rare ? 1.2 : 0)).toFixed(3)},${rare ? "rare" : "common"}`;
    });
    write("rare.csv", `x,kind\n${lines.join("\n")}\n`);
    const recall = (args: string[]) => {
      const r = micrograd("train", "--data", "rare.csv", "--target", "kind", "--epochs", "200", "--json", "--out", `rare-${args.length}.json`, ...args);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { train: { perClass: { class: string; recall: number }[] } }).train.perClass.find((c) => c.class === "rare")?.recall as number;
    };
    const plain = recall([]);
    const balanced = recall(["--class-weight", "balanced"]);
    expect(balanced).toBeGreaterThan(plain);
    expect(balanced).toBeGreaterThanOrEqual(0.6);
    // Classes sorted: common (180 rows), rare (20 rows).
    expect((model("rare-2.json").settings as { classWeights: number[] }).classWeights).toEqual([200 / (2 * 180), 200 / (2 * 20)]);
    const refused = micrograd("train", "--data", "rare.csv", "--target", "x", "--class-weight", "balanced", "--out", "rare-x.json");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--class-weight balanced needs classes");
  });
});

describe("provenance", () => {
  it("records every setting, the CLI's version and a fingerprint of the data in the model", () => {
    const csv = `x1,x2,label\n${rows(50, 11).join("\n")}\n`;
    write("prov.csv", csv);
    const r = micrograd("train", "-d", "prov.csv", "-t", "label", "-e", "4", "-b", "16", "-s", "3", "--lr", "0.02", "--val-split", "0.2", "--weight-decay", "0.01", "--schedule", "cosine", "-o", "prov.json");
    expect(r.code, r.stderr).toBe(0);
    const m = model("prov.json");
    expect(m.settings).toEqual({
      task: "classification", layers: [16, 16], activation: "relu", loss: "bce", optimizer: "adam", lr: 0.02, weightDecay: 0.01, schedule: "cosine",
      epochs: 4, epochsRun: 4, batchSize: 16, seed: 3, valSplit: 0.2, stratified: true, patience: null, impute: "median",
      classWeight: "none", classWeights: null,
    });
    const version = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;
    expect(m.cli).toBe(version);
    expect(m.data).toEqual({ source: "prov.csv", rows: 50, columns: 3, sha256: createHash("sha256").update(csv).digest("hex") });
  });
});

describe("help", () => {
  it("answers -h in every command, with the exit codes and how cells are read", () => {
    for (const command of ["train", "cv", "predict", "eval", "export", "graph", "datasets"]) {
      const r = micrograd(command, "-h");
      expect(r.code, command).toBe(0);
      expect(r.stdout).toContain("Exit codes: 0 success");
    }
    const train = micrograd("train", "-h").stdout;
    expect(train).toContain("Missing cells: empty, NA, N/A, #N/A, NaN, null, ? and -");
    expect(train).toMatch(/-d, --data FILE/);
    expect(train).toContain("whole-number target with at most 20 distinct values");
  });
});
