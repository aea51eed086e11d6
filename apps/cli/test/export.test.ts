import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Random } from "@micrograd/engine";
import * as ort from "onnxruntime-node";
import { beforeAll, describe, expect, it } from "vitest";
import { cliIn } from "./cli.js";

// `micrograd export --format onnx`, run as users run it, and the files it writes run in ONNX
// Runtime on the raw CSV columns: their answers must be `micrograd predict`'s.

const { dir, micrograd } = cliIn("export");

/** Rows with a text column, two number columns, and three targets: a binary class, a 3-way class and a price. */
function csv(n: number, seed: number, colours = ["red", "white", "blue"]): string {
  const random = new Random(seed);
  const lines = ["colour,length,width,ripe,species,price"];
  for (let i = 0; i < n; i++) {
    const colour = colours[random.int(colours.length)] as string;
    const length = random.uniform(1, 7);
    const width = random.uniform(0.1, 2.5);
    const ripe = length * width + (colour === "red" ? 2 : 0) > 5 ? "yes" : "no";
    const species = colour === "red" ? "rosa" : length + 2 * width > 6 ? "iris major" : "iris minor";
    const price = 100 + 20 * length - 15 * width + (colour === "blue" ? 30 : 0) + random.uniform(-1, 1);
    lines.push(`${colour},${length.toFixed(3)},${width.toFixed(3)},${ripe},${species},${price.toFixed(2)}`);
  }
  return `${lines.join("\n")}\n`;
}

/** The test CSV's feature columns as ONNX Runtime inputs named after them. */
function feeds(text: string, columns: string[]): Record<string, ort.Tensor> {
  const [header, ...rows] = text.trim().split("\n").map((l) => l.split(","));
  return Object.fromEntries(columns.map((c) => {
    const values = rows.map((r) => r[(header as string[]).indexOf(c)] as string);
    // A missing number reaches ONNX as NaN; a missing text cell as written.
    const number = (v: string) => (/^(|NA|\?)$/.test(v) ? NaN : Number(v));
    return [c, c === "colour" ? new ort.Tensor("string", values, [values.length, 1]) : new ort.Tensor("float64", Float64Array.from(values.map(number)), [values.length, 1])];
  }));
}

/** `micrograd predict`'s CSV (no field here needs quotes): per row, the prediction and the class probabilities. */
function predictions(path: string): { prediction: string; probabilities: number[] }[] {
  const [header, ...lines] = readFileSync(join(dir, path), "utf8").trim().split("\n").map((l) => l.split(","));
  const at = (header as string[]).indexOf("prediction");
  return lines.map((fields) => ({ prediction: fields[at] as string, probabilities: fields.slice(at + 1).map(Number) }));
}

const FEATURES = ["colour", "length", "width"];

beforeAll(() => {
  writeFileSync(join(dir, "train.csv"), csv(150, 1));
  writeFileSync(join(dir, "test.csv"), csv(40, 2));
});

describe("micrograd export --format onnx: the exported model answers as micrograd predict does", () => {
  const cases = [
    { target: "ripe", what: "a binary classifier (bce)", extra: [] as string[] },
    { target: "species", what: "a 3-class classifier (crossEntropy)", extra: [] },
    { target: "ripe", what: "a binary classifier on logits (bceWithLogits)", extra: ["--loss", "bceWithLogits"] },
    { target: "ripe", what: "a binary classifier on logits with --threshold 0.8", extra: ["--loss", "bceWithLogits", "--threshold", "0.8"] },
    { target: "price", what: "a regressor, in the target's units", extra: [] },
  ];
  for (const { target, what, extra } of cases) {
    it(what, async () => {
      const name = `${target}${extra.length ? `-${extra.length}` : ""}`;
      const features = FEATURES.join(",");
      expect(micrograd("train", "--data", "train.csv", "--target", target, "--features", features, "--epochs", "40", "--quiet", "--out", `${name}.json`, ...extra).code).toBe(0);
      expect(micrograd("predict", "--model", `${name}.json`, "--data", "test.csv", "--out", `${name}.csv`).code).toBe(0);
      const exported = micrograd("export", "--model", `${name}.json`, "--format", "onnx", "--out", `${name}.onnx`);
      expect(exported.code, exported.stderr).toBe(0);
      expect(exported.stderr).toContain('inputs "colour" (string [N, 1]), "length" (double [N, 1]), "width" (double [N, 1])');
      const session = await ort.InferenceSession.create(join(dir, `${name}.onnx`));
      expect(session.inputNames).toEqual(FEATURES);
      const out = await session.run(feeds(readFileSync(join(dir, "test.csv"), "utf8"), FEATURES));
      const expected = predictions(`${name}.csv`);
      if (target === "price") {
        const values = out.label?.data as Float64Array;
        expected.forEach(({ prediction }, i) => expect(Math.abs((values[i] as number) - Number(prediction))).toBeLessThanOrEqual(1e-9 * Math.abs(Number(prediction))));
        return;
      }
      expect(out.label?.data).toEqual(expected.map((e) => e.prediction));
      const classes = target === "species" ? 3 : 2;
      const probabilities = out.probabilities?.data as Float64Array;
      expected.forEach((e, i) => {
        expect(e.probabilities).toHaveLength(classes);
        e.probabilities.forEach((p, k) => expect(Math.abs((probabilities[i * classes + k] as number) - p)).toBeLessThanOrEqual(1e-9));
      });
    });
  }

  it("treats a text value never seen in training as predict does: as an error", async () => {
    writeFileSync(join(dir, "unseen.csv"), csv(3, 9, ["green"]));
    const predicted = micrograd("predict", "--model", "species.json", "--data", "unseen.csv");
    expect(predicted.code).toBe(2);
    expect(predicted.stderr).toContain('"green" was not seen in training');
    const session = await ort.InferenceSession.create(join(dir, "species.onnx"));
    await expect(session.run(feeds(readFileSync(join(dir, "unseen.csv"), "utf8"), FEATURES))).rejects.toThrow();
  });

  it("fills missing cells and ignores unseen categories as predict does, when the model says so", async () => {
    /** Every seventh row loses its colour or its length, in one of the notations users write. */
    const holes = (text: string) => text.trim().split("\n").map((line, i) => {
      if (i === 0 || i % 7 !== 0) return line;
      const fields = line.split(",");
      if (i % 2 === 0) fields[0] = ["", "NA", "?"][i % 3] as string;
      else fields[1] = ["", "NA", "?"][i % 3] as string;
      return fields.join(",");
    }).join("\n");
    writeFileSync(join(dir, "holes-train.csv"), `${holes(csv(150, 3))}\n`);
    // The test rows have holes too, and colours never seen in training.
    writeFileSync(join(dir, "holes-test.csv"), `${holes(csv(40, 4, ["red", "white", "blue", "green"]))}\n`);
    const trained = micrograd("train", "--data", "holes-train.csv", "--target", "species", "--features", FEATURES.join(","), "--unknown", "ignore", "--epochs", "40", "--quiet", "--out", "holes.json");
    expect(trained.code, trained.stderr).toBe(0);
    const predicted = micrograd("predict", "--model", "holes.json", "--data", "holes-test.csv", "--out", "holes.csv");
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(micrograd("export", "--model", "holes.json", "--format", "onnx", "--out", "holes.onnx").code).toBe(0);
    const session = await ort.InferenceSession.create(join(dir, "holes.onnx"));
    const out = await session.run(feeds(readFileSync(join(dir, "holes-test.csv"), "utf8"), FEATURES));
    const expected = predictions("holes.csv");
    expect(expected).toHaveLength(40);
    expect(out.label?.data).toEqual(expected.map((e) => e.prediction));
    const probabilities = out.probabilities?.data as Float64Array;
    expected.forEach((e, i) => e.probabilities.forEach((p, k) => expect(Math.abs((probabilities[i * 3 + k] as number) - p)).toBeLessThanOrEqual(1e-9)));
  });

  it("writes atomically, needs --force to overwrite, and refuses bad input with exit 2", () => {
    expect(micrograd("export", "--model", "species.json", "--format", "onnx", "--out", "species.onnx").code).toBe(2);
    expect(micrograd("export", "--model", "species.json", "--format", "onnx", "--out", "species.onnx", "--force").code).toBe(0);
    const cases: [string[], string][] = [
      [["--model", "species.json", "--format", "pmml", "--out", "x.pmml"], 'unknown format "pmml"; formats are onnx'],
      [["--model", "species.json", "--out", "x.onnx"], "--format is required"],
      [["--model", "species.json", "--format", "onnx"], "--out is required"],
      [["--model", "missing.json", "--format", "onnx", "--out", "x.onnx"], "cannot read model file missing.json"],
      [["--model", "train.csv", "--format", "onnx", "--out", "x.onnx"], "is not a model file"],
    ];
    for (const [args, message] of cases) {
      const r = micrograd("export", ...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain(message);
    }
    expect(existsSync(join(dir, "x.onnx"))).toBe(false);
  });
});
