/// <reference lib="webworker" />
import { Random, compile } from "@micrograd/engine";
import type { CompiledGraph, Value } from "@micrograd/engine";
import { l1, l2 } from "@micrograd/losses";
import { MLP } from "@micrograd/nn";
import { inspectOnnx, toOnnx } from "@micrograd/onnx";
import { Adam, SGD } from "@micrograd/optim";
import { Trainer, evaluate, prediction, toyDatasets } from "@micrograd/training";
import type { Dataset, ToyDatasetName } from "@micrograd/training";
import { effectiveLoss, featurize, regressionDataset } from "./config.js";
import type { RegressionDatasetName, TrainConfig } from "./config.js";
import { GRID, MAP_GRID } from "./protocol.js";
import type { CustomData, FromWorker, ToWorker, TrainMessage, TrainState } from "./protocol.js";

// Training runs here, off the main thread, so the page stays responsive while it plays.
const scope = self as unknown as DedicatedWorkerGlobalScope;

let config: TrainConfig;
/** The training points, and the held-out test points (empty without a split): as coordinates, and as the network's inputs. */
let trainSet: Dataset;
let testSet: Dataset;
let data: Dataset;
let testData: Dataset;
let model: MLP;
let trainer: Trainer;
let predictor: CompiledGraph;
/** Every neuron's output for one point, layer by layer: what the network drawing shows in each neuron. */
let probe: CompiledGraph;
let bounds: TrainState["bounds"];
let playing = false;
/** Messages handled so far, for the page to tell a snapshot that answers its last message. */
let handled = 0;
/** The first step's loss since the last setup, to tell a diverging run from a slow one. */
let firstLoss: number | null = null;

/** How far above where it started (and above 1) a loss may climb before training is stopped as diverging. */
const EXPLODED = 1e6;

/**
 * A run whose last this-many losses average above where it started is stuck: an optimizer that
 * never explodes (Adam at a learning rate of 10) can bounce around forever instead.
 */
const STUCK_STEPS = 200;
/** The last {@link STUCK_STEPS} losses, a ring, and their sum. */
let recent = new Float64Array(STUCK_STEPS);
let recentSum = 0;
let watchStuck = true;

let custom: CustomData | null = null;
let ignoredPoints = 0;
/** Whether the page has this setup's points already: a snapshot sends them once per setup. */
let pointsSent = false;

function setup(next: TrainConfig, keepWeights: boolean): void {
  config = next;
  const base: Dataset = custom
    ? { name: custom.name, x: custom.x, y: custom.y, classes: custom.classes.length }
    : config.problem === "regression"
      ? regressionDataset(config.dataset as RegressionDatasetName, config.n, config.noise, config.seed)
      : toyDatasets[config.dataset as ToyDatasetName]({ n: config.n, noise: config.noise, seed: config.seed });
  const classes = base.classes;
  // A regression takes any value; a point of a class the data does not have is left out, and counted.
  const extra = config.problem === "regression" ? config.extra : config.extra.filter(([, , c]) => c < classes);
  ignoredPoints = config.extra.length - extra.length;
  const all = { ...base, x: [...base.x, ...extra.map(([x, y]) => [x, y])], y: [...base.y, ...extra.map(([, , c]) => c)] };
  // A seeded shuffle picks the test points, so a link reproduces the split.
  const order = new Random(config.seed + 1).shuffle(all.x.map((_, i) => i));
  const held = Math.min(Math.round(order.length * config.test), order.length - 2);
  const pick = (rows: number[]): Dataset => ({ ...all, x: rows.map((i) => all.x[i] as number[]), y: rows.map((i) => all.y[i] as number) });
  // The network reads the selected features of each point; the plot keeps the coordinates.
  const inputs = (d: Dataset): Dataset => ({ ...d, x: d.x.map(([x, y]) => featurize(config.features, x as number, y as number)) });
  testSet = pick(order.slice(0, held));
  trainSet = pick(order.slice(held).sort((a, b) => a - b));
  testData = inputs(testSet);
  data = inputs(trainSet);
  const loss = lossOf(classes);
  if (!keepWeights || !model) {
    model = new MLP(config.features.length, [...config.layers, loss === "crossEntropy" ? classes : 1], {
      activation: config.activation, outputActivation: loss === "bce" ? "sigmoid" : "linear", seed: config.seed,
      // Parameters in arrays: a compiled step reads and updates them without visiting each Value.
      storage: "arrays",
    });
  }
  const optimizer = config.optimizer === "sgd" ? new SGD(model.parameters(), { lr: config.lr }) : new Adam(model.parameters(), { lr: config.lr });
  const penalty = config.regularization === "none" ? {} : { [config.regularization]: config.rate };
  trainer = new Trainer({ model, data, loss, optimizer, ...penalty, seed: config.seed, ...(config.batch > 0 ? { batchSize: config.batch } : {}) });
  predictor = compile((xs) => model.forward(xs), featurize(config.features, 0, 0));
  probe = compile((xs) => {
    const outputs: Value[] = [];
    let inputs: Value[] = xs;
    for (const layer of model.layers) {
      inputs = layer.forward(inputs);
      outputs.push(...inputs);
    }
    return outputs;
  }, featurize(config.features, 0, 0));
  pointsSent = false;
  firstLoss = null;
  recent = new Float64Array(STUCK_STEPS);
  recentSum = 0;
  // Only fresh weights start high enough for "above where it started" to mean stuck: kept
  // weights start near their best, and a trained loss wanders around it.
  watchStuck = !keepWeights;
  const xs = all.x.map((p) => p[0] as number);
  const ys = all.x.map((p) => p[1] as number);
  const pad = 0.4;
  bounds = { x0: Math.min(...xs) - pad, x1: Math.max(...xs) + pad, y0: Math.min(...ys) - pad, y1: Math.max(...ys) + pad };
}

/** The loss: mean squared error for a regression, else the configured one (cross-entropy for 3+ classes). */
function lossOf(classes: number) {
  return config.problem === "regression" ? ("mse" as const) : effectiveLoss(config, classes);
}

/**
 * For each point of `xy` (x and y, point after point): the predicted class and a confidence in
 * [0, 1] (0 = a coin toss, 1 = certain), written pairwise; for a regression, the predicted value
 * and 0. One batched replay for all the points, four times faster than one run per point.
 */
function classifyAll(xy: ArrayLike<number>): Float32Array {
  const n = xy.length / 2;
  const width = config.features.length;
  const inputs = new Float64Array(n * width);
  for (let i = 0; i < n; i++) inputs.set(featurize(config.features, xy[2 * i] as number, xy[2 * i + 1] as number), i * width);
  predictor.runBatch(inputs, n);
  const judged = new Float32Array(2 * n);
  const outputs = new Array<number>(predictor.outputCount);
  const loss = lossOf(data.classes);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < outputs.length; k++) outputs[k] = predictor.outputAt(k, i);
    if (config.problem === "regression") {
      judged[2 * i] = outputs[0] as number;
      continue;
    }
    const { class: k, probability } = prediction(loss, outputs);
    judged[2 * i] = k ?? 0;
    // Hinge gives a margin, not a probability: squash its size instead.
    const chance = 1 / Math.max(2, outputs.length);
    judged[2 * i + 1] = probability === null ? Math.tanh(Math.abs(outputs[0] as number)) : (probability - chance) / (1 - chance);
  }
  return judged;
}

function snapshot(): TrainMessage {
  const cells = new Float64Array(GRID * GRID * 2);
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) {
      cells[2 * (r * GRID + c)] = bounds.x0 + ((c + 0.5) / GRID) * (bounds.x1 - bounds.x0);
      cells[2 * (r * GRID + c) + 1] = bounds.y1 - ((r + 0.5) / GRID) * (bounds.y1 - bounds.y0);
    }
  }
  const heat = classifyAll(cells);
  const neurons = probe.outputCount;
  const neuronMaps = new Float32Array(neurons * MAP_GRID * MAP_GRID);
  for (let r = 0; r < MAP_GRID; r++) {
    for (let c = 0; c < MAP_GRID; c++) {
      const x = bounds.x0 + ((c + 0.5) / MAP_GRID) * (bounds.x1 - bounds.x0);
      const y = bounds.y1 - ((r + 0.5) / MAP_GRID) * (bounds.y1 - bounds.y0);
      probe.run(featurize(config.features, x, y));
      for (let k = 0; k < neurons; k++) neuronMaps[k * MAP_GRID * MAP_GRID + r * MAP_GRID + c] = probe.output(k);
    }
  }
  const judged = config.problem === "regression" ? null : classifyAll(trainSet.x.flat());
  const right = judged ? trainSet.y.filter((y, i) => judged[2 * i] === y).length : 0;
  const loss = lossOf(data.classes);
  // Both losses the same way, on all their points with the weights of now, without the penalty:
  // a training loss with it and a test loss without could not be compared.
  const trainLoss = evaluate(model, data, loss).loss;
  const testLoss = testData.x.length > 0 ? evaluate(model, testData, loss).loss : null;
  const penalty = config.regularization === "none" ? 0 : (config.regularization === "l1" ? l1 : l2)(model.parameters(), config.rate).data;
  const point = (test: boolean) => (p: number[], i: number) => ({ x: p[0] as number, y: p[1] as number, c: (test ? testData : data).y[i] as number, test });
  const sending = !pointsSent;
  pointsSent = true;
  return {
    type: "state", step: trainer.steps, playing, handled, accuracy: config.problem === "regression" ? null : right / data.x.length, trainLoss, testLoss, penalty,
    problem: config.problem,
    // The points change only with the setup: sent once, not in every snapshot (10,000 of them
    // were a third of a snapshot's cost to copy).
    points: sending ? [...trainSet.x.map(point(false)), ...testSet.x.map(point(true))] : null,
    classes: data.classes, bounds, heat, neuronMaps,
    weights: model.layers.map((l) => l.neurons.map((n) => [...n.w.map((w) => w.data), n.b.data])),
    sizes: [model.nin, ...model.nouts],
    features: config.features,
    ignoredPoints,
  };
}

function post(message: FromWorker): void {
  if (message.type === "state") scope.postMessage(message, [message.heat.buffer, message.neuronMaps.buffer]);
  else if (message.type === "export") scope.postMessage(message, [message.onnx.buffer]);
  else scope.postMessage(message);
}

/** The model as it stands, for download: micrograd's JSON, and ONNX taking one input per selected feature. */
function exportModel(): FromWorker {
  const loss = lossOf(data.classes);
  const onnx = toOnnx(model, {
    features: config.features.map((name) => ({ name, kind: "number" as const })),
    head: loss === "mse" ? { kind: "regression" } : { kind: "classes", loss, classes: Array.from({ length: data.classes }, (_, k) => String(k)) },
    name: `micrograd demo: ${config.dataset}`,
  });
  // The names the page shows are read back from the bytes it saves, so they cannot disagree.
  const { inputs, outputs } = inspectOnnx(onnx);
  return { type: "export", json: JSON.stringify(model.toJSON(), null, 2), onnx, inputs, outputs };
}

/**
 * One training step. Stops playing, and says what happened and what to try, when the loss turns
 * NaN or infinite (the trainer throws), explodes far above where it started — which a large
 * learning rate does long before it overflows — or has stayed above where it started for the last
 * {@link STUCK_STEPS} steps, whatever the optimizer.
 */
function step(): boolean {
  try {
    const info = trainer.step();
    firstLoss ??= info.loss;
    if (info.loss > EXPLODED * Math.max(1, firstLoss)) {
      throw new Error(`the loss exploded from ${firstLoss.toPrecision(3)} to ${info.loss.toPrecision(3)} at step ${info.step}: lower the learning rate (now ${config.lr})${config.optimizer === "sgd" ? " or try Adam" : ""}, then Reset`);
    }
    const slot = (info.step - 1) % STUCK_STEPS;
    recentSum += info.loss - (recent[slot] as number);
    recent[slot] = info.loss;
    if (watchStuck && info.step >= STUCK_STEPS && firstLoss > 0 && recentSum / STUCK_STEPS > firstLoss) {
      throw new Error(`the loss has stayed above where it started (${firstLoss.toPrecision(3)}) for the last ${STUCK_STEPS} steps, at ${(recentSum / STUCK_STEPS).toPrecision(3)} on average: lower the learning rate (now ${config.lr}), then Reset`);
    }
    return true;
  } catch (e) {
    playing = false;
    post({ type: "error", message: (e as Error).message });
    return false;
  }
}

/**
 * While playing: a burst of steps for about 10 ms, a snapshot, then yield to messages. The bursts
 * set how often the page can redraw: 15 ms ones (with a snapshot's few ms) allowed about 30 frames
 * a second, 10 ms ones about 45, for a third fewer steps a second.
 */
function loop(): void {
  if (!playing) return;
  const start = performance.now();
  while (playing && performance.now() - start < 10) if (!step()) break;
  post(snapshot());
  setTimeout(loop, 0);
}

scope.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  handled += 1;
  switch (message.type) {
    case "configure":
      custom = message.custom;
      setup(message.config, message.keepWeights);
      post(snapshot());
      break;
    case "play":
      if (!playing) {
        playing = true;
        loop();
      }
      break;
    case "pause":
      playing = false;
      post(snapshot());
      break;
    case "step":
      playing = false;
      step();
      post(snapshot());
      break;
    case "reset":
      playing = false;
      setup(config, false);
      post(snapshot());
      break;
    case "export":
      post(exportModel());
      break;
    case "setWeight": {
      // `input` = the neuron's number of inputs means its bias.
      const neuron = model.layers[message.layer]?.neurons[message.neuron];
      const target = neuron && (message.input < neuron.w.length ? neuron.w[message.input] : neuron.b);
      if (target && Number.isFinite(message.value)) target.data = message.value;
      post(snapshot());
      break;
    }
  }
};
