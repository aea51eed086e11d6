import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { Random } from "@micrograd/engine";
import { beforeAll, describe, expect, it } from "vitest";
import { cliIn } from "./cli.js";

// The CLI for real data work: metrics users read, identifiers left out, early stopping, rows
// that line up, results under --quiet, and bad flags refused with one line and exit 2.

const { dir, micrograd } = cliIn("data");

/** People with a name (an identifier), a town, an age and an income, and a price that depends on the last three. */
function people(n: number, seed: number): string {
  const random = new Random(seed);
  const lines = ["name,town,age,income,price"];
  for (let i = 0; i < n; i++) {
    const town = ["north", "south"][random.int(2)] as string;
    const age = 20 + random.int(50);
    const income = random.uniform(20, 90);
    const price = 50 + 2 * age + income + (town === "north" ? 25 : 0) + random.uniform(-3, 3);
    lines.push(`person-${i},${town},${age},${income.toFixed(2)},${price.toFixed(2)}`);
  }
  return `${lines.join("\n")}\n`;
}

beforeAll(() => {
  writeFileSync(join(dir, "people.csv"), people(200, 1));
});

describe("metrics", () => {
  it("reports RMSE, MAE and R² in the target's units for a regression, train and validation, in --json too", () => {
    const r = micrograd("train", "--data", "people.csv", "--target", "price", "--epochs", "150", "--val-split", "0.25", "--json", "--out", "price.json");
    expect(r.code, r.stderr).toBe(0);
    const summary = JSON.parse(r.stdout) as { train: Record<string, number>; validation: Record<string, number> };
    for (const part of [summary.train, summary.validation]) {
      expect(part.rmse).toBeGreaterThan(0);
      expect(part.mae).toBeGreaterThan(0);
      expect(part.mae).toBeLessThanOrEqual(part.rmse as number);
      expect(part.r2).toBeGreaterThan(0.8);
      expect(part.r2).toBeLessThanOrEqual(1);
    }
    const text = micrograd("eval", "--model", "price.json", "--data", "people.csv");
    expect(text.stdout).toMatch(/RMSE \d+\.\d{4}\s+MAE \d+\.\d{4}\s+R² 0\.\d{4}/);
    const json = JSON.parse(micrograd("eval", "--model", "price.json", "--data", "people.csv", "--json").stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(expect.arrayContaining(["rmse", "mae", "r2", "rows", "loss"]));
  });

  it("reports accuracy, log loss, a confusion matrix with class names and per-class scores for classes", () => {
    const r = micrograd("train", "--data", "people.csv", "--target", "town", "--epochs", "30", "--out", "town.json");
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/accuracy \d+\.\d% {2}log loss \d\.\d{4}/);
    expect(r.stdout).toMatch(/actual \\ predicted\s+north\s+south/);
    expect(r.stdout).toMatch(/class\s+precision\s+recall\s+F1\s+rows/);
    const json = JSON.parse(micrograd("eval", "--model", "town.json", "--data", "people.csv", "--json").stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual(expect.arrayContaining(["accuracy", "logLoss", "confusion", "perClass"]));
  });
});

describe("columns", () => {
  it("leaves out a text column that looks like an identifier, in one line that says how to keep it", () => {
    const r = micrograd("train", "--data", "people.csv", "--target", "price", "--epochs", "2", "--json", "--out", "ids.json");
    expect(r.stderr).toContain('leaving out column "name": 200 of 200 rows have a value of their own, so it looks like an identifier; name it in --features to use it anyway');
    expect((JSON.parse(r.stdout) as { features: string[] }).features).toEqual(["town", "age", "income"]);
    const kept = micrograd("train", "--data", "people.csv", "--target", "price", "--features", "name,age", "--epochs", "1", "--json", "--out", "ids2.json");
    expect((JSON.parse(kept.stdout) as { features: string[] }).features).toEqual(["name", "age"]);
  });

  it("keeps a number column with missing values, however many distinct values it has", () => {
    const rows = people(60, 3).trim().split("\n").map((line, i) => (i === 5 ? line.replace(/,(\d+),/, ",NA,") : line));
    writeFileSync(join(dir, "gaps.csv"), `${rows.join("\n")}\n`);
    const r = micrograd("train", "--data", "gaps.csv", "--target", "price", "--drop-missing", "--epochs", "1", "--json", "--out", "gaps.json");
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(r.stdout) as { features: string[] }).features).toEqual(["town", "age", "income"]);
  });

  it("drops the columns --ignore names", () => {
    const r = micrograd("train", "--data", "people.csv", "--target", "price", "--ignore", "income,town", "--epochs", "2", "--json", "--out", "ign.json");
    expect((JSON.parse(r.stdout) as { features: string[] }).features).toEqual(["age"]);
  });
});

describe("early stopping", () => {
  it("stops when the validation loss has not improved for N epochs and keeps the best weights", () => {
    const r = micrograd("train", "--data", "people.csv", "--target", "price", "--epochs", "3000", "--lr", "0.05", "--val-split", "0.3", "--patience", "5", "--json", "--out", "early.json");
    expect(r.code, r.stderr).toBe(0);
    const s = JSON.parse(r.stdout) as { epochs: number; earlyStopping: { patience: number; stoppedAt: number; keptEpoch: number; bestValidationLoss: number }; validation: { loss: number } };
    expect(s.epochs).toBeLessThan(3000);
    expect(s.earlyStopping.stoppedAt).toBe(s.earlyStopping.keptEpoch + 5);
    // The saved weights are the kept epoch's: their validation loss is the best one seen.
    expect(s.validation.loss).toBe(s.earlyStopping.bestValidationLoss);
    const text = micrograd("train", "--data", "people.csv", "--target", "price", "--epochs", "3000", "--lr", "0.05", "--val-split", "0.3", "--patience", "5", "--out", "early2.json");
    expect(text.stdout).toMatch(/kept\s+epoch \d+ of \d+ \(best validation loss/);
  });
});

describe("predictions that line up, and --quiet", () => {
  it("writes the input columns, or those --keep names, next to the prediction", () => {
    const all = micrograd("predict", "--model", "town.json", "--data", "people.csv");
    const [header, first] = all.stdout.split("\n");
    expect(header).toBe("name,town,age,income,price,prediction,probability_north,probability_south");
    expect(first).toMatch(/^person-0,/);
    const kept = micrograd("predict", "--model", "town.json", "--data", "people.csv", "--keep", "name");
    expect(kept.stdout.split("\n")[0]).toBe("name,prediction,probability_north,probability_south");
  });

  it("prints the results only with --quiet: no progress, no chart", () => {
    const r = micrograd("train", "--data", "people.csv", "--target", "town", "--ignore", "name", "--epochs", "5", "--quiet", "--out", "quiet.json");
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^train\s+accuracy/m);
    expect(r.stdout).toContain("saved");
    expect(r.stdout).not.toContain("loss per epoch");
  });

  it("never writes progress into --json or to a non-terminal's stdout", () => {
    const r = micrograd("train", "--data", "people.csv", "--target", "town", "--ignore", "name", "--epochs", "5", "--json", "--out", "json.json");
    expect(() => JSON.parse(r.stdout) as unknown).not.toThrow();
    expect(r.stderr).toBe("");
  });
});

describe("bad flags: one line and exit 2", () => {
  it.each([
    [["train", "--data", "people.csv", "--target", "price", "--patience", "3", "--out", "x.json"], "--patience needs a validation split"],
    [["train", "--data", "people.csv", "--target", "price", "--patience", "-1", "--val-split", "0.2", "--out", "x.json"], "--patience"],
    [["train", "--data", "people.csv", "--target", "price", "--ignore", "nope", "--out", "x.json"], 'people.csv has no column "nope"'],
    [["train", "--data", "people.csv", "--target", "price", "--ignore", "price", "--out", "x.json"], "--ignore names the target column"],
    [["train", "--data", "people.csv", "--target", "price", "--features", "age", "--ignore", "age", "--out", "x.json"], '"age" is in both --features and --ignore'],
    [["predict", "--model", "town.json", "--data", "people.csv", "--keep", "nope"], 'people.csv has no column "nope"'],
  ])("%j", (args, message) => {
    const r = micrograd(...args);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });
});

describe("cross-validation", () => {
  it("trains k times on stratified folds and reports each held-out fold and the mean ± std of every metric", () => {
    const iris = new URL("../datasets/iris.csv", import.meta.url).pathname;
    const r = micrograd("cv", "--data", iris, "--target", "target", "--folds", "5", "--epochs", "60", "--json");
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { folds: number; rows: number; perFold: { rows: number; accuracy: number; confusion: { matrix: number[][] } }[]; summary: Record<string, { mean: number; std: number }> };
    expect(out.folds).toBe(5);
    // Iris has 50 rows of each class: stratified folds hold 10 of each.
    for (const fold of out.perFold) {
      expect(fold.rows).toBe(30);
      expect(fold.confusion.matrix.map((row) => row.reduce((s, c) => s + c, 0))).toEqual([10, 10, 10]);
    }
    const accuracies = out.perFold.map((f) => f.accuracy);
    const mean = accuracies.reduce((s, a) => s + a, 0) / 5;
    expect(out.summary.accuracy?.mean).toBeCloseTo(mean, 12);
    expect(out.summary.accuracy?.std).toBeCloseTo(Math.sqrt(accuracies.reduce((s, a) => s + (a - mean) ** 2, 0) / 5), 12);
    expect(mean).toBeGreaterThan(0.85);
    const text = micrograd("cv", "--data", iris, "--target", "target", "--folds", "3", "--epochs", "5");
    expect(text.stdout).toMatch(/accuracy\s+\d+\.\d% ± \d+\.\d%/);
    const refused = micrograd("cv", "--data", iris, "--target", "target", "--folds", "1");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("--folds must be an integer from 2 to 50");
  });
});
