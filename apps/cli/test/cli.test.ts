import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Random } from "@micrograd/engine";
import { beforeAll, describe, expect, it } from "vitest";
import { cliIn } from "./cli.js";

const { dir, micrograd } = cliIn("cli");

/** A CSV of flowers: a text feature, two numbers and a text class that depends on all three. */
function flowers(n: number, seed: number): string {
  const random = new Random(seed);
  const rows = ["colour,petal length,petal width,species"];
  for (let i = 0; i < n; i++) {
    const colour = ["red", "white", "blue"][random.int(3)] as string;
    const length = random.uniform(1, 7);
    const width = random.uniform(0.1, 2.5);
    const species = colour === "red" ? "rosa" : length + 2 * width > 6 ? "iris major" : "iris minor";
    rows.push(`${colour},${length.toFixed(2)},${width.toFixed(2)},${species}`);
  }
  return `${rows.join("\n")}\n`;
}

const write = (name: string, text: string) => {
  writeFileSync(join(dir, name), text);
  return name;
};

beforeAll(() => {
});

describe("help and version", () => {
  it("prints an overview, each command's help with examples, and the version", () => {
    expect(micrograd("--help")).toMatchObject({ code: 0, stdout: expect.stringContaining("Commands:") as string });
    for (const command of ["train", "predict", "eval", "graph", "datasets"]) {
      const { code, stdout } = micrograd(command, "--help");
      expect(code).toBe(0);
      expect(stdout).toContain(`micrograd ${command}`);
      expect(stdout).toContain("Examples:");
    }
    expect(micrograd("--version").stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("lists the built-in datasets, also as JSON", () => {
    expect(micrograd("datasets").stdout).toContain("moons");
    expect(Object.keys(JSON.parse(micrograd("datasets", "--json").stdout) as object)).toEqual(["moons", "circles", "xor", "spiral", "blobs", "and"]);
  });
});

describe("train", () => {
  it("trains on a built-in dataset, saves the model and prints a summary, the seed and a loss chart", () => {
    const { code, stdout, stderr } = micrograd("train", "--dataset", "moons", "--epochs", "150", "--out", "moons.json");
    expect(code).toBe(0);
    expect(stdout).toMatch(/seed\s+0/);
    expect(stdout).toContain("loss per epoch");
    expect(stdout).toContain("*");
    expect(stderr).toBe("");
    const model = JSON.parse(readFileSync(join(dir, "moons.json"), "utf8")) as { format: string; loss: string };
    expect(model).toMatchObject({ format: "micrograd-ts/cli-model", loss: "bce" });
  });

  it("gives the same model file and output for the same seed, data and flags", () => {
    const args = ["train", "--dataset", "spiral", "--epochs", "20", "--batch-size", "16", "--seed", "7", "--json", "--force"];
    const first = micrograd(...args, "--out", "a.json");
    const second = micrograd(...args, "--out", "b.json");
    expect(first.code).toBe(0);
    expect(readFileSync(join(dir, "a.json"), "utf8")).toBe(readFileSync(join(dir, "b.json"), "utf8"));
    expect(first.stdout.replace("a.json", "b.json")).toBe(second.stdout);
    expect(JSON.parse(first.stdout)).toMatchObject({ seed: 7, loss: "crossEntropy", mode: "compiled" });
  });

  it("writes no progress when stderr is not a terminal (a log, a pipe), nor with --quiet", () => {
    expect(micrograd("train", "--dataset", "and", "--epochs", "30", "--out", "and.json", "--quiet").stderr).toBe("");
    const { stderr, stdout } = micrograd("train", "--dataset", "and", "--epochs", "30", "--out", "and.json", "--force");
    expect(stderr).toBe("");
    expect(stdout).toContain("loss per epoch");
  });
});

describe("a CSV with text features and a text target", () => {
  it("trains to at least 95 % accuracy, predicts and evaluates by class name", () => {
    write("flowers.csv", flowers(300, 1));
    write("flowers-test.csv", flowers(100, 2));
    const trained = micrograd("train", "--data", "flowers.csv", "--target", "species", "--layers", "16", "--epochs", "300", "--val-split", "0.2", "--json", "--out", "flowers.json");
    expect(trained.code).toBe(0);
    const summary = JSON.parse(trained.stdout) as { train: { accuracy: number }; validation: { accuracy: number }; loss: string };
    expect(summary.loss).toBe("crossEntropy");
    expect(summary.train.accuracy).toBeGreaterThanOrEqual(0.95);
    expect(summary.validation.accuracy).toBeGreaterThanOrEqual(0.9);

    const predicted = micrograd("predict", "--model", "flowers.json", "--data", "flowers-test.csv");
    expect(predicted.code).toBe(0);
    const [header, ...lines] = predicted.stdout.trim().split("\n");
    // The input rows' columns, then the prediction and one probability per class, so rows line up.
    expect(header).toBe("colour,petal length,petal width,species,prediction,probability_iris major,probability_iris minor,probability_rosa");
    const truth = flowers(100, 2).trim().split("\n").slice(1).map((l) => l.split(",")[3]);
    const right = lines.filter((l, i) => l.split(",")[4] === truth[i] && l.split(",")[3] === truth[i]).length;
    expect(right / truth.length).toBeGreaterThanOrEqual(0.9);
    lines.forEach((l) => expect(l.split(",").slice(5).reduce((s, p) => s + Number(p), 0)).toBeCloseTo(1, 12));

    const single = micrograd("predict", "--model", "flowers.json", "--input", "red,3.0,1.0");
    expect(single.stdout.split("\n")[1]).toMatch(/^red,3\.0,1\.0,rosa,[\d.e-]+,[\d.e-]+,0\.9\d+$/);

    const evaluated = JSON.parse(micrograd("eval", "--model", "flowers.json", "--data", "flowers-test.csv", "--json").stdout) as {
      accuracy: number; rows: number; perClass: { class: string; support: number }[]; confusion: { classes: string[]; matrix: number[][] };
    };
    expect(evaluated.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(evaluated.perClass.map((c) => c.class)).toEqual(["iris major", "iris minor", "rosa"]);
    expect(evaluated.perClass.reduce((s, c) => s + c.support, 0)).toBe(100);
    expect(evaluated.confusion.matrix.flat().reduce((s, c) => s + c, 0)).toBe(100);
  });

  it("reads quoted fields, CRLF line ends, a BOM and a trailing newline", () => {
    const text = '\uFEFFname,x,label\r\n"Smith, J.",1.5,"yes"\r\n"O""Brien",-2,no\r\nLee,3,yes\r\nKim,-1,no\r\n';
    write("quirky.csv", text);
    const { code, stdout } = micrograd("train", "--data", "quirky.csv", "--target", "label", "--features", "x", "--epochs", "50", "--json", "--out", "quirky.json");
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ rows: 4 });
  });

  it("standardises numbers with statistics saved in the model and reused at predict time", () => {
    write("scaled.csv", "x,y\n1000,a\n2000,b\n3000,a\n4000,b\n");
    micrograd("train", "--data", "scaled.csv", "--target", "y", "--epochs", "5", "--out", "scaled.json");
    const model = JSON.parse(readFileSync(join(dir, "scaled.json"), "utf8")) as { features: { mean: number; std: number }[] };
    expect(model.features[0]).toMatchObject({ mean: 2500, std: Math.sqrt(1250000) });
  });
});

describe("bad input exits with 2 and one clear line, no stack trace", () => {
  const cases: [string, () => string[], RegExp][] = [
    ["a missing file", () => ["train", "--data", "nope.csv", "--target", "y"], /cannot read data file nope\.csv: no such file/],
    ["an empty file", () => ["train", "--data", write("empty.csv", ""), "--target", "y"], /empty\.csv is empty/],
    ["a header without rows", () => ["train", "--data", write("header.csv", "a,b\n"), "--target", "b"], /has a header but no data rows/],
    ["a ragged row", () => ["train", "--data", write("ragged.csv", "a,b\n1,2\n3\n"), "--target", "b"], /ragged\.csv: line 3: 1 fields but the header has 2/],
    ["a non-numeric value", () => ["train", "--data", write("mixed.csv", "a,b\n1,x\nfoo,y\n3,x\n"), "--target", "b"], /line 3, column "a": "foo" is not a number/],
    ["an unknown column", () => ["train", "--data", write("cols.csv", "height,label\n1,a\n2,b\n"), "--target", "lable"], /no column "lable" \(did you mean label\?\)/],
    ["a missing value with --impute none", () => ["train", "--data", write("gaps.csv", "a,b\n1,x\nNA,y\n3,x\n"), "--target", "b", "--impute", "none"], /gaps\.csv: line 3, column "a": the cell is missing; .*--impute median/],
    ["a corrupt model", () => ["predict", "--model", write("corrupt.json", "{ not json"), "--input", "1,2"], /corrupt\.json is not a model file: it is not valid JSON/],
    ["a foreign model", () => ["predict", "--model", write("foreign.json", '{"weights":[1,2]}'), "--input", "1,2"], /foreign\.json is not a usable model file: its format/],
    ["a model with wrong shapes", () => {
      const model = JSON.parse(readFileSync(join(dir, "moons.json"), "utf8")) as { network: { parameters: number[] } };
      model.network.parameters.pop();
      return ["predict", "--model", write("short.json", JSON.stringify(model)), "--input", "1,2"];
    }, /network: a 2-16-16-1 network has 337 parameters, but the file has 336/],
    ["an unknown flag", () => ["train", "--layer", "3"], /unknown option --layer for micrograd train \(did you mean --layers\?\)/],
    ["an unknown command", () => ["trian"], /unknown command "trian" \(did you mean train\?\)/],
    ["a bad number", () => ["train", "--epochs", "0"], /--epochs must be an integer from 1 to/],
    ["bad layer sizes", () => ["train", "--layers", "16,x"], /--layers must be comma-separated positive integers/],
    ["a misspelt choice", () => ["train", "--optimizer", "adamm"], /--optimizer must be one of sgd, adam; got "adamm" \(did you mean adam\?\)/],
    ["a negative learning rate", () => ["train", "--lr=-1"], /--lr must be a number > 0 and ≤ 1000000, got "-1"/],
    ["a learning rate of 0", () => ["train", "--lr", "0"], /--lr must be a number > 0/],
    ["a bad expression", () => ["graph", "--expr", "a +", "--set", "a=1"], /found the end at column 4/],
    ["a wrong input length", () => ["predict", "--model", "moons.json", "--input", "1"], /--input needs 2 comma-separated values \(x1, x2\), got 1/],
  ];
  for (const [what, args, message] of cases) {
    it(what, () => {
      const { code, stdout, stderr } = micrograd(...args());
      expect(code).toBe(2);
      expect(stderr).toMatch(message);
      expect(stderr.trim().split("\n")).toHaveLength(1);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(stdout).toBe("");
    });
  }

  it("shows the stack trace with --debug", () => {
    expect(micrograd("train", "--data", "nope.csv", "--target", "y", "--debug").stderr).toMatch(/\n\s+at /);
  });

  it("drops rows with missing values when asked, and says how many", () => {
    write("gaps2.csv", "a,b\n1,x\n,y\n3,x\n4,y\n");
    const { code, stderr } = micrograd("train", "--data", "gaps2.csv", "--target", "b", "--drop-missing", "--epochs", "3", "--out", "gaps.json");
    expect(code).toBe(0);
    expect(stderr).toContain("dropped 1 rows with missing values");
  });
});

describe("nothing is lost", () => {
  it("does not overwrite a file without --force, and does with it", () => {
    write("keep.json", "precious");
    const refused = micrograd("train", "--dataset", "and", "--epochs", "3", "--out", "keep.json");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("keep.json already exists; pass --force to overwrite it");
    expect(readFileSync(join(dir, "keep.json"), "utf8")).toBe("precious");
    expect(micrograd("train", "--dataset", "and", "--epochs", "3", "--out", "keep.json", "--force").code).toBe(0);
    expect(readFileSync(join(dir, "keep.json"), "utf8")).toContain("micrograd-ts/cli-model");
  });

  it("leaves no file, half-written or temporary, when a run fails", () => {
    write("grow.csv", "x,y\n1,10\n2,20\n3,30\n4,40\n5,50\n");
    const { code, stderr } = micrograd("train", "--data", "grow.csv", "--target", "y", "--loss", "mse", "--optimizer", "sgd", "--lr", "1000", "--out", "diverged.json");
    expect(code).toBe(1);
    expect(stderr).toMatch(/the loss exploded from .* lower the learning rate .*no model was written/);
    expect(existsSync(join(dir, "diverged.json"))).toBe(false);
    expect(readdirSync(dir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("graph", () => {
  it("draws seed 002's neuron after backward, as DOT on stdout", () => {
    const { code, stdout } = micrograd("graph", "--expr", "tanh(x1*w1 + x2*w2 + b)", "--set", "x1=2,x2=0,w1=-3,w2=1,b=6.8813735870195432");
    expect(code).toBe(0);
    expect(stdout).toMatch(/^digraph/);
    expect(stdout).toContain("{ w1 | data -3.0000 | grad 1.0000 }");
    expect(stdout).toContain("{ x1 | data 2.0000 | grad -1.5000 }");
  });

  it("writes SVG to a file, and draws a saved model on one input", () => {
    expect(micrograd("graph", "--expr", "(a*b + c).relu()", "--set", "a=2,b=-3,c=10", "--format", "svg", "--out", "g.svg").code).toBe(0);
    expect(readFileSync(join(dir, "g.svg"), "utf8")).toContain("<svg");
    const model = micrograd("graph", "--model", "moons.json", "--input", "0.5,-0.25", "--rankdir", "TB");
    expect(model.code).toBe(0);
    expect(model.stdout).toContain("rankdir=TB");
    expect(model.stdout).toContain("dot");
  });
});
