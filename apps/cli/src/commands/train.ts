import { MLP } from "@micrograd/nn";
import type { Activation } from "@micrograd/nn";
import { Adam, AdamW, SGD, cosineDecay, stepDecay } from "@micrograd/optim";
import type { Schedule } from "@micrograd/optim";
import { LOSS_NAMES, evaluate, train as runTraining } from "@micrograd/training";
import type { FlatDataset, LossName, TrainResult } from "@micrograd/training";
import { THRESHOLD_FLAG, choiceFlag, numberFlag, optionalNumberFlag, outputFlags, sizesFlag } from "../args.js";
import type { Command, Flags } from "../args.js";
import { CLASSIFICATION, ENCODING_FLAGS, READING_NOTES, READ_FLAGS, prepareTraining, unknownFlag } from "../data.js";
import type { Prepared } from "../data.js";
import { IMPUTE, encodedWidth } from "../encoding.js";
import { InputError, TrainingFailedError, UsageError } from "../errors.js";
import { prepareOutput } from "../files.js";
import type { ModelFile } from "../model-file.js";
import { thresholdFlag } from "../predict-row.js";
import { classReport, computeMetrics, metricRows } from "../metrics.js";
import type { Metrics } from "../metrics.js";
import { chart, progress, table } from "../report.js";
import type { EpochProgress } from "../report.js";
import { cliVersion } from "../version.js";

const ACTIVATIONS: readonly Activation[] = ["relu", "tanh", "sigmoid", "linear"];
const SCHEDULES = ["constant", "cosine", "step"] as const;

/** A step whose loss is this many times the first step's stops the run: training has blown up. */
const EXPLODED = 1000;

export const train: Command = {
  name: "train",
  summary: "train a network on a CSV file or a built-in dataset and save it",
  flags: {
    data: { type: "string", short: "d", value: "FILE", description: "CSV file with a header row; - for standard input" },
    target: { type: "string", short: "t", value: "COLUMN", description: "the column to predict (with --data)" },
    features: { type: "string", value: "A,B,…", description: "feature columns (default: all but the target, ignored ones, a saved index and identifiers)" },
    ignore: { type: "string", value: "A,B,…", description: "columns to leave out" },
    task: { type: "string", value: "KIND", description: "classification or regression (default: from the target, see below)" },
    ...READ_FLAGS,
    ...ENCODING_FLAGS,
    "drop-missing": { type: "boolean", description: "leave out rows with a missing feature cell instead of filling them (the count is printed)" },
    dataset: { type: "string", value: "NAME", description: "built-in dataset instead of --data (see micrograd datasets)" },
    samples: { type: "string", value: "N", description: "points in a built-in dataset (default 100)" },
    noise: { type: "string", value: "X", description: "noise of a built-in dataset" },
    layers: { type: "string", value: "16,16", description: "hidden layer sizes (default 16,16)" },
    activation: { type: "string", value: "NAME", description: "hidden activation: relu, tanh, sigmoid, linear (default relu)" },
    loss: { type: "string", value: "NAME", description: `${LOSS_NAMES.join(", ")} (default: from the target)` },
    optimizer: { type: "string", value: "NAME", description: "sgd or adam (default adam)" },
    lr: { type: "string", value: "X", description: "learning rate, > 0 (default 0.01 for adam, 0.1 for sgd)" },
    "weight-decay": { type: "string", value: "X", description: "weight decay (default 0): decoupled with adam (AdamW), an L2 term with sgd" },
    schedule: { type: "string", value: "NAME", description: "learning rate over the run: constant (default), cosine (to 0), step (halved every quarter of the epochs)" },
    epochs: { type: "string", short: "e", value: "N", description: "passes over the training rows (default 100)" },
    "batch-size": { type: "string", short: "b", value: "N", description: "rows per step (default: all)" },
    seed: { type: "string", short: "s", value: "N", description: "seed of weights, split and batches (default 0)" },
    "val-split": { type: "string", value: "X", description: "fraction of rows held out for validation, stratified for classes (default 0)" },
    patience: { type: "string", value: "N", description: "stop when the validation loss has not improved for N epochs, keeping the best weights (needs --val-split)" },
    ...outputFlags("where to save the model (default model.json)"),
    threshold: THRESHOLD_FLAG,
    "class-weight": { type: "string", value: "HOW", description: "none (default) or balanced: weigh each row's loss by n / (classes · rows of its class), as scikit-learn's class_weight=\"balanced\"" },
    json: { type: "boolean", description: "print the results as JSON" },
  },
  notes: `${READING_NOTES}
The task: a text target, or a whole-number target with at most 20 distinct values, is classes
(a line says so for numbers); other numbers are a regression. --task or --loss decides instead.
Identifiers: without --features, a text column in which more than half the rows (and more than
20) have a value of their own is left out, as is an unnamed first column counting 0, 1, 2, …;
a line on stderr names each column left out.
Safety: --out may never be an input file (even with --force); its folder is checked before any
data is read. A loss that stops being finite or grows ${EXPLODED}-fold stops the run with exit 1
and no model written; a loss that ends above where it started gets a warning.`,
  examples: [
    "micrograd train --dataset moons --layers 16,16 --epochs 100 --out moons.json",
    "micrograd train --data iris.csv --target species --val-split 0.2 --out iris.json",
    "micrograd train --data houses.csv --target price --features area,rooms --loss mse --optimizer sgd --lr 0.05",
    "zcat big.csv.gz | micrograd train -d - -t label -b 64 -e 1 -o big.json",
  ],
  run(flags) {
    const lossFlag = choiceFlag(flags, "loss", LOSS_NAMES);
    const options = readOptions(flags);
    if (options.patience !== undefined && options.valSplit === 0) throw new UsageError("--patience needs a validation split to watch: add --val-split, e.g. --val-split 0.2");
    if (flags.json === true && flags.out === "-") throw new UsageError("--json and --out - would both write to standard output; give --out a file name");
    const output = prepareOutput(typeof flags.out === "string" ? flags.out : "model.json", flags.force === true, [typeof flags.data === "string" ? flags.data : undefined]);
    // With the model on stdout, the summary goes to stderr.
    const say = (text: string) => (output.toStdout ? console.error(text) : console.log(text));
    const prepared = prepareTraining(flags, lossFlag).split({ fraction: options.valSplit, seed: options.seed });
    if (flags.quiet !== true) prepared.notes.forEach((note) => process.stderr.write(`${note}\n`));
    const loss = lossFlag ?? defaultLoss(prepared);
    checkLossFits(loss, prepared);
    const threshold = thresholdFlag(flags, loss);
    const bar = progress(flags.quiet === true || flags.json === true, prepared.trainSet.y.length);
    const fitted = fit(prepared, loss, options, threshold, bar);
    const { model, result, epochLosses, validationLosses, kept, trainMetrics, validationMetrics, lr, batchSize, epochsRun, firstLoss, classWeights } = fitted;
    const { validation } = prepared;
    const classes = prepared.target.kind === "classes" ? prepared.target.classes.length : 0;
    const file: ModelFile = {
      format: "micrograd-ts/cli-model", version: 2, loss, seed: options.seed,
      features: prepared.features, target: prepared.target, unknown: unknownFlag(flags), threshold, reading: prepared.reading,
      settings: {
        task: prepared.target.kind === "classes" ? "classification" : "regression",
        layers: options.layers, activation: options.activation, loss, optimizer: options.optimizer, lr, weightDecay: options.weightDecay,
        schedule: options.schedule, epochs: options.epochs, epochsRun, batchSize, seed: options.seed, valSplit: options.valSplit,
        stratified: validation !== null && classes > 0, patience: options.patience ?? null, impute: choiceFlag(flags, "impute", IMPUTE, "median"),
        classWeight: options.classWeight, classWeights,
      },
      data: prepared.fingerprint, cli: cliVersion(), network: model.toJSON(),
    };
    output.write(`${JSON.stringify(file, null, 2)}\n`);
    const lastLoss = epochLosses.at(-1) ?? firstLoss;
    if (lastLoss > firstLoss) {
      process.stderr.write(`warning: the training loss ended at ${lastLoss.toPrecision(4)}, above where it started (${firstLoss.toPrecision(4)}): the learning rate (${lr}) may be too high\n`);
    }

    const summary = {
      format: "micrograd-ts/cli-train-summary", formatVersion: 1,
      data: prepared.source, rows: prepared.rows, dropped: prepared.dropped, imputed: prepared.imputed, seed: options.seed,
      features: prepared.features.map((f) => f.column),
      network: `${model.nin} → ${model.nouts.join(" → ")} (${options.activation})`, loss, optimizer: options.optimizer,
      epochs: epochsRun, steps: result.history.length, mode: result.mode,
      earlyStopping: kept === null ? null : { patience: options.patience, stoppedAt: epochsRun, keptEpoch: kept.epoch, bestValidationLoss: kept.loss },
      train: trainMetrics,
      validation: validationMetrics,
      model: output.path, lossPerEpoch: epochLosses, validationLossPerEpoch: validation ? validationLosses : null,
    };
    if (flags.json) {
      console.log(JSON.stringify(summary, null, 2));
      return;
    }
    const results: [string, string][] = [
      ...metricRows(trainMetrics, "train"),
      ...(validationMetrics ? metricRows(validationMetrics, "validation") : []),
      ...(kept ? [["kept", `epoch ${kept.epoch} of ${epochsRun} (best validation loss ${kept.loss.toFixed(4)}; patience ${options.patience})`] as [string, string]] : []),
      ["saved", output.toStdout ? "standard output" : output.path],
    ];
    if (flags.quiet) {
      say(table(results));
      return;
    }
    say(table([
      ["data", `${summary.data} (${summary.rows} rows${validation ? `, ${validation.y.length} held out` : ""})`],
      ["features", summary.features.join(", ")],
      ["network", summary.network],
      ["loss", `${loss}, ${options.optimizer}, ${epochsRun} epochs (${summary.steps} steps, ${result.mode} mode)`],
      ["seed", String(options.seed)],
      ...results,
    ]));
    const report = classReport(validationMetrics ?? trainMetrics);
    if (report) say(`\n${validationMetrics ? "validation" : "train"} rows\n${report}`);
    say(`\nloss per epoch\n${chart(epochLosses)}`);
  },
};

/** What one training run made: the model, its losses, what early stopping kept, and the metrics of both parts. */
export interface Fitted {
  model: MLP;
  result: TrainResult;
  lr: number;
  /** The weight of each class's rows, with --class-weight balanced. */
  classWeights: number[] | null;
  batchSize: number;
  epochsRun: number;
  firstLoss: number;
  epochLosses: number[];
  validationLosses: number[];
  kept: { epoch: number; loss: number } | null;
  trainMetrics: Metrics;
  validationMetrics: Metrics | null;
}

/**
 * Trains a new network on `prepared.trainSet` as the options say, watching the validation rows
 * after each epoch (early stopping, the validation curve), and measures both parts. A loss that
 * grows {@link EXPLODED}-fold stops the run with a {@link TrainingFailedError}.
 */
export function fit(prepared: Prepared, loss: LossName, options: TrainOptions, threshold: number | null, bar: EpochProgress): Fitted {
  const { trainSet, validation } = prepared;
  const trainRows = trainSet.y.length;
  const classes = prepared.target.kind === "classes" ? prepared.target.classes.length : 0;
  const model = new MLP(encodedWidth(prepared.features), [...options.layers, loss === "crossEntropy" ? classes : 1], {
    activation: options.activation,
    outputActivation: loss === "bce" ? "sigmoid" : "linear",
    seed: options.seed,
    // Parameters in arrays: a compiled step reads and updates them without visiting each Value.
    storage: "arrays",
  });
  const lr = options.lr ?? (options.optimizer === "sgd" ? 0.1 : 0.01);
  const optimizer = options.optimizer === "sgd"
    ? new SGD(model.parameters(), { lr, weightDecay: options.weightDecay })
    : options.weightDecay > 0 ? new AdamW(model.parameters(), { lr, weightDecay: options.weightDecay }) : new Adam(model.parameters(), { lr });
  const batchSize = Math.min(options.batchSize ?? trainRows, trainRows);
  const stepsPerEpoch = Math.ceil(trainRows / batchSize);
  const steps = options.epochs * stepsPerEpoch;
  const epochLosses: number[] = [];
  const stopping = earlyStopping(model, validation, options.patience);
  const validationLosses: number[] = [];
  let firstLoss = NaN;
  let lossSum = 0;
  let accuracySum = 0;
  const schedule = makeSchedule(options.schedule, lr, steps);
  const classWeights = options.classWeight === "balanced" ? balancedWeights(trainSet, prepared.target) : undefined;
  const weighing = classWeights ? { classWeights } : {};
  const result = runTraining({
    model, data: trainSet, loss, optimizer, batchSize, seed: options.seed, steps,
    ...(schedule ? { schedule } : {}),
    ...weighing,
    onStep(s) {
      if (s.step === 1) firstLoss = s.loss;
      if (firstLoss > 0 && s.loss > EXPLODED * firstLoss) {
        throw new TrainingFailedError(
          `the loss exploded from ${firstLoss.toPrecision(4)} to ${s.loss.toPrecision(4)} at step ${s.step}: lower the learning rate (now ${s.lr}); no model was written`,
        );
      }
      lossSum += s.loss;
      accuracySum += s.accuracy ?? 0;
      if (s.step % stepsPerEpoch !== 0) return;
      const epoch = s.step / stepsPerEpoch;
      epochLosses.push(lossSum / stepsPerEpoch);
      bar.epoch({ epoch, epochs: options.epochs, loss: lossSum / stepsPerEpoch, accuracy: s.accuracy === null ? null : accuracySum / stepsPerEpoch });
      lossSum = 0;
      accuracySum = 0;
      if (validation) validationLosses.push(evaluate(model, validation, loss, classWeights).loss);
      return stopping.afterEpoch(epoch, validationLosses.at(-1));
    },
  });
  bar.end();
  const kept = stopping.restoreBest();
  const final = evaluate(model, trainSet, loss, classWeights);
  const held = validation ? evaluate(model, validation, loss, classWeights) : null;
  return {
    model, result, lr, batchSize, classWeights: classWeights ?? null, epochsRun: result.history.length / stepsPerEpoch, firstLoss, epochLosses, validationLosses, kept,
    trainMetrics: computeMetrics(loss, prepared.target, final.outputs, trainSet.y, final.loss, threshold),
    validationMetrics: held && validation ? computeMetrics(loss, prepared.target, held.outputs, validation.y, held.loss, threshold) : null,
  };
}

/**
 * Early stopping on the validation loss (measured after each epoch): remembers the best weights so far and
 * says to stop once `patience` epochs have passed without improvement; `restoreBest` puts the
 * best weights back and says which epoch they are from (null without `patience`).
 */
function earlyStopping(model: MLP, validation: FlatDataset | null, patience: number | undefined) {
  let best: { epoch: number; loss: number; weights: number[] } | null = null;
  return {
    afterEpoch(epoch: number, current: number | undefined): boolean {
      if (patience === undefined || validation === null || current === undefined) return true;
      if (best === null || current < best.loss) best = { epoch, loss: current, weights: model.parameters().map((p) => p.data) };
      return epoch - best.epoch < patience;
    },
    restoreBest(): { epoch: number; loss: number } | null {
      if (best === null) return null;
      const { weights } = best;
      model.parameters().forEach((p, i) => (p.data = weights[i] as number));
      return { epoch: best.epoch, loss: best.loss };
    },
  };
}

/** The training settings, from the flags. */
export type TrainOptions = ReturnType<typeof readOptions>;

/** The training settings from the flags `train` and `cv` share. */
export function readOptions(flags: Flags) {
  return {
    layers: sizesFlag(flags, "layers", [16, 16]),
    activation: choiceFlag(flags, "activation", ACTIVATIONS, "relu"),
    optimizer: choiceFlag(flags, "optimizer", ["sgd", "adam"] as const, "adam"),
    lr: optionalNumberFlag(flags, "lr", { above: 0, max: 1e6 }),
    weightDecay: numberFlag(flags, "weight-decay", 0, { min: 0, max: 1e3 }),
    schedule: choiceFlag(flags, "schedule", SCHEDULES, "constant"),
    classWeight: choiceFlag(flags, "class-weight", ["none", "balanced"] as const, "none"),
    epochs: numberFlag(flags, "epochs", 100, { min: 1, max: 1e7, integer: true }),
    batchSize: optionalNumberFlag(flags, "batch-size", { min: 1, max: 1e9, integer: true }),
    seed: numberFlag(flags, "seed", 0, { min: 0, max: 2 ** 32 - 1, integer: true }),
    valSplit: numberFlag(flags, "val-split", 0, { min: 0, max: 0.9 }),
    patience: optionalNumberFlag(flags, "patience", { min: 1, max: 1e7, integer: true }),
  };
}

/**
 * scikit-learn's balanced class weights from the training rows: n / (k · nᵢ) for class i, so
 * that every class weighs as much in the loss as the others. A class without training rows is an
 * error, since no weight can balance it.
 */
function balancedWeights(trainSet: FlatDataset, target: Prepared["target"]): number[] {
  if (target.kind !== "classes") throw new UsageError("--class-weight balanced needs classes; the target is a number");
  const counts = new Array<number>(target.classes.length).fill(0);
  for (const y of trainSet.y) counts[y] = (counts[y] as number) + 1;
  const missing = counts.findIndex((c) => c === 0);
  if (missing >= 0) throw new InputError(`--class-weight balanced: class ${JSON.stringify(target.classes[missing])} has no training rows`);
  return counts.map((c) => trainSet.y.length / (counts.length * c));
}

/** The learning rate per step for `--schedule`: none for constant. */
function makeSchedule(name: (typeof SCHEDULES)[number], lr: number, steps: number): Schedule | null {
  if (name === "cosine") return cosineDecay(lr, steps);
  if (name === "step") return stepDecay(lr, 0.5, Math.max(1, Math.floor(steps / 4)));
  return null;
}

/** The loss for a target when `--loss` is not given: cross-entropy for 3+ classes, BCE for two, MSE for numbers. */
export function defaultLoss({ target }: { target: Prepared["target"] }): LossName {
  if (target.kind === "number") return "mse";
  return target.classes.length > 2 ? "crossEntropy" : "bce";
}

/** Refuses a `--loss` that does not fit the target. */
export function checkLossFits(loss: LossName, { target }: { target: Prepared["target"] }): void {
  const classes = target.kind === "classes" ? target.classes.length : 0;
  if (CLASSIFICATION.includes(loss) && loss !== "crossEntropy" && classes !== 2) {
    throw new UsageError(`--loss ${loss} needs exactly 2 classes, but ${target.column} has ${classes || "numeric values, not classes"}; use --loss crossEntropy for more`);
  }
  if (loss === "crossEntropy" && classes < 2) throw new UsageError(`--loss crossEntropy needs a class target; ${target.column} is numeric`);
}

