// `pnpm bench`: four training workloads, each in up to seven implementations — graph mode,
// compiled mode (both through @micrograd/training's Trainer, as the CLI and the demo train), the
// hand-written batch-major reference, TensorFlow.js's CPU and WebAssembly backends and PyTorch
// (CPU, float64, one thread; where Debian's python3-torch is installed) — plus graph mode's cost and
// memory per node. Each implementation is timed in a fresh process of its own, so that none runs
// on code the JIT specialised for another; one `pnpm bench` gives every ratio. It prints them and
// writes bench/results.json; it never fails on speed.
import { spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Value, compile, topologicalOrder, zeroGrad } from "@micrograd/engine";
import { hinge, l2 } from "@micrograd/losses";
import { Trainer } from "@micrograd/training";
import { msPerCall, retainedBytes } from "./measure.js";
import { Reference } from "./reference.js";
import { WORKLOADS, epochBatches, makeModel, makeOptimizer } from "./workloads.js";
import type { Workload } from "./workloads.js";

const pad = (s: string, n: number) => s.padEnd(n);
const fmt = (x: number, digits = 3) => x.toPrecision(digits);

type Mode = "graph" | "graph-arrays" | "compiled" | "whole" | "reference" | "tfjs" | "tfjs-wasm" | "pytorch";
const PYTHON = "/usr/bin/python3";
let torch: boolean | undefined;
/** Whether Debian's python3-torch is here to time PyTorch (the column is left out otherwise); asked once. */
function hasTorch(): boolean {
  torch ??= spawnSync(PYTHON, ["-c", "import torch"]).status === 0;
  return torch;
}
/**
 * The modes of a workload: a whole-step recording only where one step is the whole dataset (a);
 * on the MNIST-size workload neither graph mode (6.5 million nodes a step: minutes an epoch) nor
 * TensorFlow.js's CPU backend (seconds an epoch), whose ratios the smaller workloads already give.
 */
function modesOf(w: Workload): Mode[] {
  const modes: Mode[] = w.id === "m" ? ["compiled", "reference", "tfjs-wasm"] : ["graph", "graph-arrays", "compiled", "reference", "tfjs", "tfjs-wasm"];
  if (w.steps === 1 && w.batchSize >= w.data.x.length) modes.splice(modes.indexOf("compiled") + 1, 0, "whole");
  if (hasTorch()) modes.push("pytorch");
  return modes;
}

/**
 * PyTorch (CPU, float64, one thread) on workload `w`, in bench/pytorch/train.py: the same starting
 * weights, data and batches. Returns its first loss and best milliseconds per run.
 */
function pytorch(w: Workload): { first: number; ms: number } {
  const model = makeModel(w);
  const spec = {
    sizes: w.sizes, activation: w.activation, loss: w.loss, l2: w.l2, optimizer: w.optimizer,
    weights: model.layers.map((l) => l.neurons.flatMap((n) => n.w.map((v) => v.data))),
    biases: model.layers.map((l) => l.neurons.map((n) => n.b.data)),
    x: w.data.x.flat(), y: w.data.y, batches: epochBatches(w).map((b) => Array.from(b)),
    warmup: w.steps === 1 ? 200 : 5, samples: w.steps === 1 ? 200 : 15,
  };
  const run = spawnSync(PYTHON, [fileURLToPath(new URL("../pytorch/train.py", import.meta.url))], { input: JSON.stringify(spec), encoding: "utf8", maxBuffer: 1 << 26 });
  if (run.status !== 0) throw new Error(`(${w.id}) pytorch failed:\n${run.stderr}`);
  return JSON.parse(run.stdout) as { first: number; ms: number };
}

/** A timed run of workload `w` in `mode`: one step, or one epoch of mini-batches. Returns the first step's loss. */
async function runner(w: Workload, mode: Mode): Promise<() => number> {
  // Compiled mode trains a model with its parameters in arrays, as the CLI and the demo do;
  // "graph-arrays" is graph mode on such a model, which reads each parameter through its store.
  const model = makeModel(w, mode === "compiled" || mode === "graph-arrays" ? "arrays" : "values");
  const batches = epochBatches(w);
  if (mode === "reference" || mode === "tfjs" || mode === "tfjs-wasm") {
    // TensorFlow.js is loaded only in its own process, so it cannot slow the others down.
    const step = mode === "reference" ? ((r) => (batch: Int32Array) => r.step(batch))(new Reference(w, model)) : (await import("./tfjs.js")).tfjsTrainer(w, model);
    return () => {
      let first = NaN;
      batches.forEach((batch, i) => {
        const loss = step(batch);
        if (i === 0) first = loss;
      });
      return first;
    };
  }
  if (mode === "whole") {
    // The engine README's first pattern: the whole step (every row, the loss, the penalty)
    // recorded once with compile() and replayed as one row — run(), backward(), the update.
    if (w.loss !== "hinge") throw new Error("the whole-step mode is written for the hinge workload (a)");
    const params = model.parameters();
    const labels = w.data.y.map((y) => (y > 0 ? 1 : -1));
    const step = compile(() => hinge(w.data.x.map((x) => model.forward(x)[0] as Value), labels).add(l2(params, w.l2)));
    const optimizer = makeOptimizer(w, model);
    return () => {
      zeroGrad(params);
      const loss = step.run().output();
      step.backward();
      optimizer.step();
      return loss;
    };
  }
  const trainer = new Trainer({
    model, data: w.data, loss: w.loss, l2: w.l2, optimizer: makeOptimizer(w, model), seed: w.seed,
    batchSize: w.batchSize, compiled: mode === "compiled",
  });
  return () => {
    let first = NaN;
    for (let s = 0; s < w.steps; s++) {
      const { loss } = trainer.step();
      if (s === 0) first = loss;
    }
    return first;
  };
}

// Steps before timing and per timed round: enough for the JIT to reach its top tier (hundreds of
// calls) in the fast modes; the slow modes need fewer to give a stable time.
const BUDGET: Record<Exclude<Mode, "pytorch">, { samples: number; perSample: number; warmup: number }> = {
  graph: { samples: 15, perSample: 8, warmup: 40 },
  "graph-arrays": { samples: 15, perSample: 8, warmup: 40 },
  compiled: { samples: 21, perSample: 100, warmup: 500 },
  whole: { samples: 21, perSample: 100, warmup: 500 },
  reference: { samples: 21, perSample: 150, warmup: 500 },
  tfjs: { samples: 15, perSample: 8, warmup: 40 },
  "tfjs-wasm": { samples: 15, perSample: 8, warmup: 40 },
};

/** In a child process: times one mode of one workload and prints `{ first, ms }` as JSON. */
async function measure(id: string, mode: Exclude<Mode, "pytorch">): Promise<void> {
  if (mode === "tfjs") await (await import("./tfjs.js")).useTfjsCpu();
  if (mode === "tfjs-wasm") await (await import("./tfjs.js")).useTfjsWasm();
  const w = WORKLOADS.find((x) => x.id === id) as Workload;
  const first = (await runner(w, mode))();
  // Scale the budget so that a run of many steps is not timed for minutes; an MNIST-size epoch
  // (a fifth of a second) is timed seven times, after three.
  const scale = 1 / Math.max(1, Math.round(w.steps / 5));
  const b = BUDGET[mode];
  const budget = w.id === "m" ? { samples: 7, perSample: 1, warmup: 3 } : { ...b, perSample: Math.max(1, Math.round(b.perSample * scale)), warmup: Math.max(2, Math.round(b.warmup * scale)) };
  const ms = msPerCall(await runner(w, mode), budget);
  process.stdout.write(JSON.stringify({ first, ms }));
}

/**
 * In a child process: compile() of a chain of `n` additions of one closed-over leaf, `x + s + s
 * + …` — a graph as deep as it is large. Times one build of it in graph mode, compile() with no inputs (the build once,
 * then the construction: nothing varies, so nothing is probed), and compile() with one input
 * (two more builds, the probes, and their comparison). Prints `{ build, noInputs, oneInput }` in ms.
 */
function measureChain(n: number): void {
  const s = new Value(1);
  const chain = (x: Value) => {
    let y = x;
    for (let i = 0; i < n; i++) y = y.add(s);
    return y;
  };
  const time = (fn: () => unknown) => {
    const start = performance.now();
    fn();
    return performance.now() - start;
  };
  const leaf = new Value(0.5);
  const build = time(() => chain(leaf));
  const noInputs = time(() => compile(() => chain(leaf)));
  const oneInput = time(() => compile(([x]) => chain(x as Value), [0.5]));
  process.stdout.write(JSON.stringify({ build, noInputs, oneInput }));
}

if (process.argv[2] === "--chain") {
  measureChain(Number(process.argv[3]));
  process.exit(0);
}

if (process.argv[2] === "--measure") {
  const [id, mode] = [process.argv[3] as string, process.argv[4] as Mode];
  if (mode === "pytorch") process.stdout.write(JSON.stringify(pytorch(WORKLOADS.find((x) => x.id === id) as Workload)));
  else await measure(id, mode);
  process.exit(0);
}

/** Times `mode` of workload `id` in a fresh process. */
function child(id: string, mode: Mode): { first: number; ms: number } {
  if (mode === "pytorch") return pytorch(WORKLOADS.find((x) => x.id === id) as Workload);
  const run = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--measure", id, mode], { encoding: "utf8" });
  if (run.status !== 0) throw new Error(`(${id}) ${mode} failed:\n${run.stderr}`);
  return JSON.parse(run.stdout.slice(run.stdout.indexOf("{"))) as { first: number; ms: number };
}

/** Rounds of one process per mode, interleaved, so that a noisy moment hits one round of one mode, not a whole mode. */
const ROUNDS = 5;
const results: Record<string, unknown>[] = [];
for (const w of WORKLOADS) {
  const modes = modesOf(w);
  const runs = Object.fromEntries(modes.map((mode) => [mode, child(w.id, mode)])) as Record<Mode, { first: number; ms: number }>;
  for (let round = 1; round < ROUNDS; round++) {
    for (const mode of modes) runs[mode].ms = Math.min(runs[mode].ms, child(w.id, mode).ms);
  }
  // Every implementation must compute the same first loss, or the comparison means nothing;
  // TensorFlow.js computes in float32, so it agrees to float32's precision only.
  const reference = runs.reference.first;
  for (const mode of modes) {
    const tolerance = mode === "tfjs" || mode === "tfjs-wasm" ? 1e-5 : 1e-12;
    if (!(Math.abs(runs[mode].first - reference) <= tolerance * Math.abs(reference))) {
      console.warn(`warning: (${w.id}) ${mode} computed a first loss of ${runs[mode].first}, the reference ${reference}`);
    }
  }
  const ms = Object.fromEntries(modes.map((m) => [m, runs[m].ms])) as Record<Mode, number>;
  console.log(`\n(${w.id}) ${w.title}\n`);
  console.log(`${pad("mode", 14)}${pad(w.steps === 1 ? "ms/step" : "ms/epoch", 12)}× reference`);
  for (const m of modes) console.log(`${pad(m, 14)}${pad(fmt(ms[m]), 12)}${fmt(ms[m] / ms.reference)}`);
  results.push({ workload: w.id, title: w.title, msPerRun: ms, ratioToReference: Object.fromEntries(modes.map((m) => [m, ms[m] / ms.reference])) });
}

// Cost and memory per node of graph mode on (a): five steps' graphs, built and kept alive at once
// (so that the heap's own noise is spread over 50,000 nodes).
const a = WORKLOADS[0] as Workload;
const model = makeModel(a);
const labels = a.data.y.map((y) => (y > 0 ? 1 : -1));
const lossGraph = (): Value => hinge(a.data.x.map((x) => model.forward(x)[0] as Value), labels).add(l2(model.parameters(), a.l2));
const GRAPHS = 5;
const { bytes, value: losses } = retainedBytes(() => Array.from({ length: GRAPHS }, lossGraph));
const nodes = topologicalOrder(losses[0] as Value).length - model.parameters().length;
const bytesPerNode = bytes / (GRAPHS * nodes);
const graphMs = (results[0] as { msPerRun: Record<Mode, number> }).msPerRun.graph;
const nsPerNode = (graphMs * 1e6) / nodes;
console.log(`\ngraph mode on (a): ${nodes} new nodes per step, ${fmt(nsPerNode)} ns per node (forward + backward + update), ${fmt(bytesPerNode)} bytes per node`);

// compile() of a 1,000,000-node chain, in a process of its own (the chain's graphs take a few hundred MB).
const CHAIN = 1_000_000;
const chainRun = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), "--chain", String(CHAIN)], { encoding: "utf8" });
if (chainRun.status !== 0) throw new Error(`the chain measurement failed:\n${chainRun.stderr}`);
const chain = JSON.parse(chainRun.stdout.slice(chainRun.stdout.indexOf("{"))) as { build: number; noInputs: number; oneInput: number };
const construction = chain.noInputs - chain.build;
console.log(
  `\ncompile() of a ${CHAIN.toLocaleString("en")}-node chain: one build ${fmt(chain.build / 1000)} s; with no inputs ${fmt(chain.noInputs / 1000)} s ` +
    `(construction, beyond the build, ${fmt(construction / 1000)} s); with one input, probed at two more ${fmt(chain.oneInput / 1000)} s`,
);

writeFileSync(
  new URL("../results.json", import.meta.url),
  `${JSON.stringify({ node: process.version, workloads: results, graphMode: { nodesPerStep: nodes, nsPerNode, bytesPerNode }, chain: { nodes: CHAIN, msBuild: chain.build, msCompileNoInputs: chain.noInputs, msConstruction: construction, msCompileOneInput: chain.oneInput } }, null, 2)}\n`,
);
console.log("\nwrote bench/results.json");
