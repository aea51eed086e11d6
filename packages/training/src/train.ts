import { Random, ShapeError, Value, compile, crossCopyInstanceof, onePass, storeOf } from "@micrograd/engine";
import type { CompiledGraph, ParameterArrays } from "@micrograd/engine";
import { l1, l2 } from "@micrograd/losses";
import type { MLP } from "@micrograd/nn";
import type { Optimizer, Schedule } from "@micrograd/optim";
import type { Dataset, FlatDataset } from "./dataset.js";
import { isFlat, rowCount } from "./dataset.js";
import { accuracy, batchLoss, encodeTarget, reduceRows, rowLoss, targetWidth } from "./objective.js";
import type { LossName } from "./objective.js";

/** What the loop reports after each step. */
export interface StepInfo {
  /** Steps done so far, counting this one (1-based). */
  step: number;
  /** Loss of this step's batch, regularisation included. */
  loss: number;
  /** Accuracy on this step's batch, `null` for regression losses. */
  accuracy: number | null;
  /** Learning rate used for this step. */
  lr: number;
  /** Wall time of the step (forward, backward, update) in milliseconds. */
  ms: number;
}

/** Options for {@link train}. */
export interface TrainOptions {
  model: MLP;
  data: Dataset | FlatDataset;
  loss: LossName;
  optimizer: Optimizer;
  /** Number of optimisation steps. */
  steps: number;
  /** Samples per step; default the whole dataset (full batch, as micrograd's demo). */
  batchSize?: number;
  /** Weight of the L2 penalty on all parameters; default 0 (micrograd's demo uses 1e-4). */
  l2?: number;
  /** Weight of the L1 penalty `Σ |p|` on all parameters; default 0. */
  l1?: number;
  /** Learning rate per step (0-based), applied to the optimizer before each step. */
  schedule?: Schedule;
  /** Seed of the mini-batch order; default 0. */
  seed?: number;
  /** Called after each step; return `false` to stop early. */
  onStep?: (info: StepInfo) => boolean | void;
  /** Replay one recording of a row instead of building the graph each step (see {@link TrainResult.mode}); default true. */
  compiled?: boolean;
  /**
   * A weight per class (class targets only): each row's loss term is multiplied by its class's
   * weight before the batch's mean, as PyTorch's per-element `weight` of `BCELoss` does and as
   * scikit-learn's `class_weight` scales a row. `[n / (k·n₀), n / (k·n₁), …]` balances classes.
   */
  classWeights?: readonly number[];
}

/** What {@link train} did. */
export interface TrainResult {
  history: StepInfo[];
  /** The last step's report, or `null` if no step ran. */
  last: StepInfo | null;
  /** Whether `onStep` stopped the loop before `steps`. */
  stoppedEarly: boolean;
  /**
   * `"compiled"` (the default, for every loss and batch size): one row's forward pass and loss
   * term were recorded once and are replayed over each batch, with the same losses and weights as
   * graph mode to the bit. `"graph"` with `compiled: false`: the graph is built anew each step.
   */
  mode: "compiled" | "graph";
}

/** One forward pass of a step: the loss, each sample's outputs, and the way back. */
interface Pass {
  loss: number;
  outputs: number[][];
  targets: number[];
  /** Zeroes the grads, back-propagates the step's loss and takes the optimizer's step. */
  learn(): void;
}

/** Thrown when the loss becomes NaN or infinite, with advice on what to change. */
export class TrainingDivergedError extends Error {
  override name = "TrainingDivergedError";
}
crossCopyInstanceof(TrainingDivergedError, "@micrograd/training/TrainingDivergedError");

/** Options for {@link Trainer}: everything {@link TrainOptions} has but the step count and callback. */
export type TrainerOptions = Omit<TrainOptions, "steps" | "onStep">;

/**
 * Training one step at a time — for apps that play, pause and step (the demo's worker). Each
 * `step()` takes a batch (the whole dataset, or the next `batchSize` rows of a seeded shuffled
 * order — the last batch of an epoch holds what is left — reshuffled each epoch), computes the
 * loss, back-propagates and updates the parameters.
 *
 * @example
 * const trainer = new Trainer({ model, data: moons(), loss: "hinge", optimizer: new SGD(model.parameters(), { lr: 0.1 }) });
 * const { loss, accuracy } = trainer.step();
 */
export class Trainer {
  /** How steps run: see {@link TrainResult.mode}. */
  readonly mode: "compiled" | "graph";
  /** Steps taken so far. */
  steps = 0;
  private readonly options: TrainerOptions;
  private readonly forward: { run(): Pass };

  /** @throws RangeError for an empty dataset or a bad batch size; ShapeError for rows of another width than the model's inputs. */
  constructor(options: TrainerOptions) {
    const n = rowCount(options.data);
    if (n === 0) throw new RangeError("train: the dataset has no rows");
    if (isFlat(options.data) && options.data.x.length !== n * options.data.width) {
      throw new RangeError(`train: a flat dataset of ${n} targets and width ${options.data.width} needs ${n * options.data.width} features, got ${options.data.x.length}`);
    }
    if (isFlat(options.data) && options.data.width !== options.model.nin) {
      throw new ShapeError(`train: the dataset's rows have ${options.data.width} features; MLP expects ${options.model.nin} inputs`);
    }
    const batchSize = options.batchSize ?? n;
    if (!Number.isInteger(batchSize) || batchSize < 1) {
      throw new RangeError(`train: batchSize must be a positive integer, got ${batchSize}`);
    }
    checkClassWeights(options.classWeights, options.data, options.loss);
    const batches = batchOrder(n, Math.min(batchSize, n), options.seed ?? 0);
    const forward = options.compiled === false ? graphPass(options, batches) : compiledPass(options, batches);
    this.options = options;
    this.mode = forward.mode;
    this.forward = forward;
  }

  /**
   * One step: forward, backward, update.
   *
   * @throws TrainingDivergedError if the loss stops being finite (the parameters are left as they were).
   */
  step(): StepInfo {
    const { optimizer, schedule, loss } = this.options;
    const started = performance.now();
    if (schedule) optimizer.lr = schedule(this.steps);
    const pass = this.forward.run();
    if (!Number.isFinite(pass.loss)) {
      throw new TrainingDivergedError(
        `the loss became ${pass.loss} at step ${this.steps + 1}: lower the learning rate (now ${optimizer.lr}) or standardise the inputs`,
      );
    }
    pass.learn();
    this.steps += 1;
    return {
      step: this.steps,
      loss: pass.loss,
      accuracy: accuracy(loss, pass.outputs, pass.targets),
      lr: optimizer.lr,
      ms: performance.now() - started,
    };
  }
}

/**
 * Trains `model` on `data` for `steps` steps of a {@link Trainer}, calling `onStep` after each.
 *
 * @throws TrainingDivergedError if the loss stops being finite.
 * @example
 * train({ model, data: moons(), loss: "hinge", l2: 1e-4, steps: 100,
 *         optimizer: new SGD(model.parameters(), { lr: 1 }), schedule: linearDecay(1, 0.1, 100) });
 */
export function train(options: TrainOptions): TrainResult {
  const { steps } = options;
  if (!Number.isInteger(steps) || steps < 0) throw new RangeError(`train: steps must be an integer ≥ 0, got ${steps}`);
  const trainer = new Trainer(options);
  const history: StepInfo[] = [];
  for (let k = 0; k < steps; k++) {
    const info = trainer.step();
    history.push(info);
    if (options.onStep?.(info) === false) return { history, last: info, stoppedEarly: k + 1 < steps, mode: trainer.mode };
  }
  return { history, last: history.at(-1) ?? null, stoppedEarly: false, mode: trainer.mode };
}

/** Refuses class weights that are not one finite number ≥ 0 per class of a class target. */
function checkClassWeights(weights: readonly number[] | undefined, data: Dataset | FlatDataset, loss: LossName): void {
  if (weights === undefined) return;
  if (loss === "mse" || loss === "sse" || data.classes < 2) throw new RangeError(`train: classWeights need a class target and a class loss, got ${loss} on ${data.classes} classes`);
  if (weights.length !== data.classes || weights.some((w) => !Number.isFinite(w) || w < 0)) {
    throw new RangeError(`train: classWeights must be ${data.classes} finite numbers ≥ 0, one per class, got ${JSON.stringify(weights)}`);
  }
}

/** A batch's loss plus the L2 and L1 penalties on every parameter (`params`), where set. */
function stepLossOf(options: TrainerOptions, loss: Value, params: readonly Value[]): Value {
  const withL2 = options.l2 ? loss.add(l2(params, options.l2)) : loss;
  return options.l1 ? withL2.add(l1(params, options.l1)) : withL2;
}

/** Builds the graph anew for every batch. */
function graphPass(options: TrainerOptions, batches: () => number[]) {
  const { model, data } = options;
  const params = model.parameters();
  return {
    mode: "graph" as const,
    run(): Pass {
      const rows = batches();
      const outputs = rows.map((i) => model.forward(features(data, i)));
      const targets = rows.map((i) => data.y[i] as number);
      const { classWeights } = options;
      // Weighted, the batch is built from the same row terms a recording replays, each times its weight.
      const batch = classWeights === undefined
        ? batchLoss(options.loss, outputs, targets)
        : reduceRows(options.loss, outputs.map((o, k) => weightedTerm(options.loss, o, targets[k] as number, classWeights)));
      const loss = stepLossOf(options, batch, params);
      const learn = () => learnOnValues(options.optimizer, () => loss.backward());
      return { loss: loss.data, outputs: outputs.map((o) => o.map((v) => v.data)), targets, learn };
    },
  };
}

/**
 * Records one row — the model's forward pass and the row's loss term, with the row's features
 * and encoded target as inputs — once, and replays it over each batch; the batch's loss (the
 * mean of the terms, plus the L2 penalty, computed once per step) is a second small recording per
 * batch size. Backward runs the reduction first, then the rows, which is graph mode's order.
 *
 * When the optimizer updates exactly the model's parameters, in order (`model.parameters()`), a
 * step keeps their numbers in two arrays (`compile`'s `parameters`): it reads every parameter's
 * data once at the start, and writes data and grad back once at the end — instead of five
 * visits to each parameter (the replay's read, the pass's hold, its write, `zeroGrad`, the
 * update). The Values hold the same numbers as graph mode's step would leave, to the bit. A model
 * made with `storage: "arrays"` keeps them in a store already: its arrays are used as they are,
 * and the Values are not visited at all.
 */
function compiledPass(options: TrainerOptions, batches: () => number[]) {
  const { model, data, loss, optimizer } = options;
  const params = model.parameters();
  const same = optimizer.params.length === params.length && optimizer.params.every((p, i) => p === params[i]);
  // A model whose parameters are a store's leaves (storage "arrays") gives the store itself: the
  // Values read its arrays, so nothing is copied to or from them.
  const store = same ? storeOf(params) : null;
  const arrays = store ?? (same ? { values: params, data: new Float64Array(params.length), grad: new Float64Array(params.length) } : null);
  const { rows, encode, inputWidth, width } = recordRow(model, data, loss, options.classWeights, arrays);
  /** Per batch size: the loss's recording and the buffers a step of that size reuses. */
  const reductions = new Map<number, { graph: CompiledGraph; inputs: Float64Array; encoded: number[] | null; terms: Float64Array; seeds: Float64Array; column: Float64Array; outputs: number[][] }>();
  const reduction = (size: number) => {
    let r = reductions.get(size);
    if (!r) {
      const graph = compile((terms) => stepLossOf(options, reduceRows(loss, terms), model.parameters()), new Array<number>(size).fill(0), arrays ? { parameters: arrays } : {});
      const buffer = () => new Float64Array(size);
      r = { graph, inputs: new Float64Array(size * inputWidth), encoded: null, terms: buffer(), seeds: buffer(), column: buffer(), outputs: Array.from({ length: size }, () => new Array<number>(width).fill(0)) };
      reductions.set(size, r);
    }
    return r;
  };
  return {
    mode: "compiled" as const,
    run(): Pass {
      const batch = batches();
      const r = reduction(batch.length);
      if (arrays && !store) for (let i = 0; i < params.length; i++) arrays.data[i] = (params[i] as Value).data;
      // A full batch is the same rows every step: they are encoded once.
      if (batch !== r.encoded) batch.forEach((row, k) => encode(row, r.inputs, k * inputWidth));
      r.encoded = batch;
      rows.runBatch(r.inputs, batch.length);
      r.graph.run(rows.outputColumn(0, r.terms));
      for (let j = 0; j < width; j++) {
        rows.outputColumn(1 + j, r.column);
        r.outputs.forEach((output, k) => (output[j] = r.column[k] as number));
      }
      // One pass over both recordings, as graph mode's one backward over the step's graph: each
      // parameter sums the loss's contributions and then the rows', and adds the sum once.
      const backward = () => onePass(() => {
        r.graph.backward();
        batch.forEach((_, k) => (r.seeds[k] = r.graph.inputGrad(k)));
        rows.backwardBatch(r.seeds);
      });
      const learn = () => {
        if (!arrays) return learnOnValues(optimizer, backward);
        arrays.grad.fill(0);
        backward();
        optimizer.stepArrays(arrays.data, arrays.grad);
        // A store's Values read its arrays; other Values get the step's numbers back.
        if (!store) writeBack(params, arrays);
      };
      return { loss: r.graph.output(), outputs: r.outputs, targets: batch.map((row) => data.y[row] as number), learn };
    },
  };
}

/** A step on the parameters' Values: zero their grads, back-propagate, update. */
function learnOnValues(optimizer: Optimizer, backward: () => void): void {
  optimizer.zeroGrad();
  backward();
  optimizer.step();
}

/** Writes each parameter's data and grad from `arrays` back into its Value. */
function writeBack(params: readonly Value[], arrays: ParameterArrays): void {
  for (let i = 0; i < params.length; i++) {
    const p = params[i] as Value;
    p.data = arrays.data[i] as number;
    p.grad = arrays.grad[i] as number;
  }
}

/**
 * One row of `data` recorded once — the model's forward pass and the row's loss term, with the
 * row's features and encoded target as inputs; outputs: the term, then the model's outputs —
 * and `encode`, which writes row `row`'s inputs at `into[at…]`. What training and evaluation replay.
 */
function recordRow(model: MLP, data: Dataset | FlatDataset, loss: LossName, classWeights?: readonly number[], parameters: ParameterArrays | null = null) {
  const nin = model.nin;
  const width = model.nouts.at(-1) as number;
  const targets = targetWidth(loss, width);
  // With class weights, a row's weight is one more input, after its target.
  const weighted = classWeights !== undefined;
  const inputWidth = nin + targets + (weighted ? 1 : 0);
  // Called for every row of every step: one `set` a row, no loop of our own.
  const encodeFeatures = isFlat(data)
    ? (row: number, into: Float64Array, at: number) => into.set(data.x.subarray(row * nin, (row + 1) * nin), at)
    : (row: number, into: Float64Array, at: number) => {
      const x = data.x[row] as number[];
      // What graph mode's model.forward says of a row of another length; `set` would not stop
      // at nin, nor fill a short row.
      if (x.length !== nin) throw new ShapeError(`train: row ${row} of the dataset has ${x.length} feature${x.length === 1 ? "" : "s"}; MLP expects ${nin} inputs`);
      into.set(x, at);
    };
  const encode = (row: number, into: Float64Array, at: number) => {
    encodeFeatures(row, into, at);
    const y = data.y[row] as number;
    encodeTarget(loss, y, into, at + nin, width);
    if (weighted) into[at + nin + targets] = classWeights[y] as number;
  };
  const example = new Float64Array(inputWidth);
  encode(0, example, 0);
  const rows = compile((inputs) => {
    const outputs = model.forward(inputs.slice(0, nin));
    const term = rowLoss(loss, outputs, inputs.slice(nin, nin + targets));
    return [weighted ? term.mul(inputs[nin + targets] as Value) : term, ...outputs];
    // The rows' own gradients (features, targets) are never read: backward skips them.
  }, Array.from(example), parameters ? { inputGrads: false, parameters } : { inputGrads: false });
  return { rows, encode, inputWidth, width };
}

/** One row's loss term times its class's weight, built in graph mode as {@link recordRow} records it. */
function weightedTerm(loss: LossName, outputs: readonly Value[], target: number, classWeights: readonly number[]): Value {
  const encoded = new Float64Array(targetWidth(loss, outputs.length));
  encodeTarget(loss, target, encoded, 0, outputs.length);
  return rowLoss(loss, outputs, Array.from(encoded, (t) => new Value(t))).mul(new Value(classWeights[target] as number));
}

/** Row `i`'s features as an array, for graph mode. */
function features(data: Dataset | FlatDataset, i: number): number[] {
  return isFlat(data) ? Array.from(data.x.subarray(i * data.width, (i + 1) * data.width)) : (data.x[i] as number[]);
}

/**
 * Hands out batches of row indices: all rows, or consecutive slices of a shuffled order — the
 * last slice of an epoch holds the rows left over, so every row counts once per epoch — with a
 * new shuffle each epoch.
 */
function batchOrder(n: number, size: number, seed: number): () => number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (size === n) return () => all;
  const random = new Random(seed);
  const order = random.shuffle([...all]);
  let next = 0;
  return () => {
    if (next >= n) {
      random.shuffle(order);
      next = 0;
    }
    const batch = order.slice(next, next + size);
    next += batch.length;
    return batch;
  };
}

/** Rows per replay in {@link evaluate}: enough for tight loops, few enough to keep memory flat. */
const EVALUATE_CHUNK = 1024;

/**
 * Outputs of `model` for every row of `data`, their loss under `loss` and their accuracy. Runs
 * compiled, a chunk of rows at a time, so a file of a million rows needs no graph of a million
 * rows; the loss is the one graph mode's `batchLoss` gives, to the bit. With `classWeights`, each
 * row's term is weighted as {@link TrainOptions.classWeights} says, as training weighs it.
 *
 * @example
 * evaluate(model, moons(), "hinge").accuracy; // 1
 */
export function evaluate(
  model: MLP, data: Dataset | FlatDataset, loss: LossName, classWeights?: readonly number[],
): { loss: number; accuracy: number | null; outputs: number[][] } {
  const n = rowCount(data);
  if (n === 0) throw new RangeError("evaluate: the dataset has no rows");
  checkClassWeights(classWeights, data, loss);
  const { rows, encode, inputWidth, width } = recordRow(model, data, loss, classWeights);
  const chunk = Math.min(n, EVALUATE_CHUNK);
  const inputs = new Float64Array(chunk * inputWidth);
  // Each replay's outputs, read a column at a time.
  const terms = new Float64Array(chunk);
  const columns = Array.from({ length: width }, () => new Float64Array(chunk));
  const outputs: number[][] = [];
  let total = 0;
  for (let start = 0; start < n; start += chunk) {
    const size = Math.min(chunk, n - start);
    for (let k = 0; k < size; k++) encode(start + k, inputs, k * inputWidth);
    rows.runBatch(size === chunk ? inputs : inputs.subarray(0, size * inputWidth), size);
    // The batch loss's sum, term by term in row order, as graph mode's `sum` adds them.
    rows.outputColumn(0, terms);
    for (let j = 0; j < width; j++) rows.outputColumn(1 + j, columns[j]);
    for (let k = 0; k < size; k++) {
      total += terms[k] as number;
      const output = new Array<number>(width);
      for (let j = 0; j < width; j++) output[j] = (columns[j] as Float64Array)[k] as number;
      outputs.push(output);
    }
  }
  return { loss: loss === "sse" ? total : total / n, accuracy: accuracy(loss, outputs, data.y), outputs };
}
