// `pnpm bench`: micrograd's demo training step in four implementations, side by side in one
// process, plus the engine's cost and memory per graph node and how the step grows with width.
// It prints ratios and writes bench/results.json; it never fails on speed.
import { writeFileSync } from "node:fs";
import { topologicalOrder } from "@micrograd/engine";
import { msPerCall, retainedBytes } from "./measure.js";
import { compiledStep, graphStep, lossGraph, makeModel, referenceStep, tfjsStep, useTfjsCpu } from "./workload.js";

const pad = (s: string, n: number) => s.padEnd(n);
const fmt = (x: number, digits = 3) => x.toPrecision(digits);

await useTfjsCpu();

// Every mode must compute the same first loss, or the comparison means nothing. TensorFlow.js
// computes in float32, so it agrees to float32's precision only.
const first = { graph: graphStep(16)(), compiled: compiledStep(16)(), reference: referenceStep(16)(), tfjs: tfjsStep(16)() };
for (const [mode, loss] of Object.entries(first)) {
  const tolerance = mode === "tfjs" ? 1e-6 : 1e-12;
  if (Math.abs(loss - first.reference) > tolerance * Math.abs(first.reference)) {
    console.warn(`warning: ${mode} computed a first loss of ${loss}, the reference ${first.reference}`);
  }
}

const modes = { graph: graphStep, compiled: compiledStep, reference: referenceStep, tfjs: tfjsStep };
const budget: Record<string, { samples: number; perSample: number }> = {
  graph: { samples: 15, perSample: 10 },
  compiled: { samples: 21, perSample: 40 },
  reference: { samples: 21, perSample: 100 },
  tfjs: { samples: 11, perSample: 10 },
};
const ms: Record<string, number> = {};
for (const [mode, make] of Object.entries(modes)) ms[mode] = msPerCall(make(16), budget[mode]);
const ref = ms.reference as number;

console.log("\nmicrograd's demo step: moons (100 points), MLP(2, [16, 16, 1]) ReLU/linear, hinge + 1e-4·L2, SGD, full batch\n");
console.log(`${pad("mode", 12)}${pad("ms/step", 12)}× reference`);
for (const [mode, t] of Object.entries(ms)) console.log(`${pad(mode, 12)}${pad(fmt(t), 12)}${fmt(t / ref)}`);

// Cost and memory per node of graph mode: one step's graph, built and kept alive.
const model = makeModel(16);
const { bytes, value: loss } = retainedBytes(() => lossGraph(model));
const nodes = topologicalOrder(loss).length - model.parameters().length;
const nsPerNode = ((ms.graph as number) * 1e6) / nodes;
console.log(`\ngraph mode: ${nodes} new nodes per step, ${fmt(nsPerNode)} ns per node (forward + backward + update), ${fmt(bytes / nodes)} bytes per node`);

// How the step grows with the hidden width.
const widths = [8, 16, 32, 64];
const scaling = widths.map((width) => {
  const quick = { samples: 7, perSample: width > 32 ? 2 : 5, warmup: 5 };
  const row = {
    width,
    graph: msPerCall(graphStep(width), quick),
    compiled: msPerCall(compiledStep(width), { ...quick, perSample: quick.perSample * 4 }),
    reference: msPerCall(referenceStep(width), { ...quick, perSample: quick.perSample * 20 }),
  };
  return row;
});
console.log(`\n${pad("width", 8)}${pad("graph ms", 12)}${pad("compiled ms", 14)}${pad("reference ms", 15)}graph× / compiled×`);
for (const r of scaling) {
  console.log(`${pad(String(r.width), 8)}${pad(fmt(r.graph), 12)}${pad(fmt(r.compiled), 14)}${pad(fmt(r.reference), 15)}${fmt(r.graph / r.reference)} / ${fmt(r.compiled / r.reference)}`);
}

const results = {
  workload: "moons n=100 noise=0.1, MLP(2,[16,16,1]) relu/linear, hinge + 1e-4 L2, SGD, full batch",
  node: process.version,
  msPerStep: ms,
  ratioToReference: Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, v / ref])),
  graphMode: { nodesPerStep: nodes, nsPerNode, bytesPerNode: bytes / nodes },
  scaling,
};
writeFileSync(new URL("../results.json", import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
console.log("\nwrote bench/results.json");
