import type { Value } from "@micrograd/engine";
import { evaluateExpression } from "@micrograd/expr";
import { toDot } from "@micrograd/viz";
import { dotToSvg } from "@micrograd/viz/svg";
import { choiceFlag, outputFlags } from "../args.js";
import type { Command, Flags } from "../args.js";
import { encodeInput, readingOptions } from "../data.js";
import { UsageError } from "../errors.js";
import { prepareOutput } from "../files.js";
import { loadModel } from "../model-file.js";

export const graph: Command = {
  name: "graph",
  summary: "draw the computation graph of an expression or a model, after backward",
  flags: {
    expr: { type: "string", value: "TEXT", description: "an expression, e.g. \"tanh(x1*w1 + x2*w2 + b)\" or \"(a*b + c).relu()\"" },
    set: { type: "string", value: "a=1,b=2", description: "values of the expression's variables" },
    model: { type: "string", value: "FILE", description: "draw a saved model's graph instead…" },
    input: { type: "string", value: "A,B,…", description: "…on this input" },
    format: { type: "string", value: "dot|svg", description: "output format (default dot)" },
    rankdir: { type: "string", value: "LR|TB", description: "layout direction (default LR)" },
    ...outputFlags("write here instead of stdout"),
  },
  examples: [
    'micrograd graph --expr "tanh(x1*w1 + x2*w2 + b)" --set x1=2,x2=0,w1=-3,w2=1,b=6.8813735870195432',
    'micrograd graph --expr "(a*b + c).relu()" --set a=2,b=-3,c=10 --format svg --out graph.svg',
    "micrograd graph --model moons.json --input 0.5,-0.25 | dot -Tpng > model.png",
  ],
  async run(flags) {
    const output = prepareOutput(typeof flags.out === "string" ? flags.out : "-", flags.force === true, [typeof flags.model === "string" ? flags.model : undefined]);
    const root = flags.expr !== undefined ? fromExpression(flags) : fromModel(flags);
    root.backward();
    const format = choiceFlag(flags, "format", ["dot", "svg"] as const, "dot");
    const dot = toDot(root, { rankdir: choiceFlag(flags, "rankdir", ["LR", "TB"] as const, "LR") });
    const text = format === "svg" ? await dotToSvg(dot) : dot;
    output.write(text);
  },
};

function fromExpression(flags: Flags): Value {
  if (flags.model !== undefined) throw new UsageError("give either --expr or --model, not both");
  return evaluateExpression(String(flags.expr), parseAssignments(flags.set)).output;
}

function fromModel(flags: Flags): Value {
  if (typeof flags.model !== "string") throw new UsageError("give --expr TEXT (with --set), or --model FILE with --input");
  const { file, model } = loadModel(flags.model);
  if (typeof flags.input !== "string") throw new UsageError("--input VALUES is required with --model: the graph is of one input");
  return model.forward(encodeInput(file, flags.input, readingOptions({}, file.reading).rules).x)[0] as Value;
}

/** `a=1,b=2` as `{ a: 1, b: 2 }`. */
function parseAssignments(raw: string | boolean | undefined): Record<string, number> {
  if (raw === undefined) return {};
  const values: Record<string, number> = {};
  for (const part of String(raw).split(",")) {
    const m = /^\s*([A-Za-z_][A-Za-z_0-9]*)\s*=\s*(\S+)\s*$/.exec(part);
    const value = m ? Number(m[2]) : NaN;
    if (!m || !Number.isFinite(value)) throw new UsageError(`--set expects name=number pairs like x1=2,w1=-3; got ${JSON.stringify(part)}`);
    values[m[1] as string] = value;
  }
  return values;
}
