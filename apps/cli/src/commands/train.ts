import { Random } from "@micrograd/engine";
import { MLP } from "@micrograd/nn";
import type { Activation } from "@micrograd/nn";
import { Adam, SGD } from "@micrograd/optim";
import { LOSS_NAMES, evaluate, train as runTraining } from "@micrograd/training";
import type { Dataset, LossName } from "@micrograd/training";
import { DROP_MISSING_FLAG, choiceFlag, numberFlag, outputFlags, sizesFlag } from "../args.js";
import type { Command, Flags } from "../args.js";
import { CLASSIFICATION, prepareTraining } from "../data.js";
import type { Prepared } from "../data.js";
import { encodedWidth } from "../encoding.js";
import { InputError, UsageError } from "../errors.js";
import { checkWritable } from "../files.js";
import { saveModel } from "../model-file.js";
import { classReport, computeMetrics, metricRows } from "../metrics.js";
import { chart, progress, table } from "../report.js";

const ACTIVATIONS: readonly Activation[] = ["relu", "tanh", "sigmoid", "linear"];

export const train: Command = {
  name: "train",
  summary: "train a network on a CSV file or a built-in dataset and save it",
  flags: {
    data: { type: "string", value: "FILE", description: "CSV file with a header row" },
    target: { type: "string", value: "COLUMN", description: "the column to predict (with --data)" },
    features: { type: "string", value: "A,B,…", description: "feature columns (default: all but the target, ignored ones and identifiers)" },
    ignore: { type: "string", value: "A,B,…", description: "columns to leave out" },
    "drop-missing": DROP_MISSING_FLAG,
    dataset: { type: "string", value: "NAME", description: "built-in dataset instead of --data (see micrograd datasets)" },
    samples: { type: "string", value: "N", description: "points in a built-in dataset (default 100)" },
    noise: { type: "string", value: "X", description: "noise of a built-in dataset" },
    layers: { type: "string", value: "16,16", description: "hidden layer sizes (default 16,16)" },
    activation: { type: "string", value: "NAME", description: "hidden activation: relu, tanh, sigmoid, linear (default relu)" },
    loss: { type: "string", value: "NAME", description: `${LOSS_NAMES.join(", ")} (default: from the target)` },
    optimizer: { type: "string", value: "NAME", description: "sgd or adam (default adam)" },
    lr: { type: "string", value: "X", description: "learning rate (default 0.01 for adam, 0.1 for sgd)" },
    epochs: { type: "string", value: "N", description: "passes over the training rows (default 100)" },
    "batch-size": { type: "string", value: "N", description: "rows per step (default: all)" },
    seed: { type: "string", value: "N", description: "seed of weights, split and batches (default 0)" },
    "val-split": { type: "string", value: "X", description: "fraction of rows held out for validation (default 0)" },
    patience: { type: "string", value: "N", description: "stop when the validation loss has not improved for N epochs, keeping the best weights (needs --val-split)" },
    ...outputFlags("where to save the model (default model.json)"),
    json: { type: "boolean", description: "print the results as JSON" },
  },
  examples: [
    "micrograd train --dataset moons --layers 16,16 --epochs 100 --out moons.json",
    "micrograd train --data iris.csv --target species --val-split 0.2 --out iris.json",
    "micrograd train --data houses.csv --target price --features area,rooms --loss mse --optimizer sgd --lr 0.05",
  ],
  run(flags) {
    const lossFlag = choiceFlag(flags, "loss", LOSS_NAMES);
    const out = typeof flags.out === "string" ? flags.out : "model.json";
    checkWritable(out, flags.force === true);
    const options = readOptions(flags);
    if (options.patience !== undefined && options.valSplit === 0) throw new UsageError("--patience needs a validation split to watch: add --val-split, e.g. --val-split 0.2");
    const prepared = prepareTraining(flags, lossFlag);
    const loss = lossFlag ?? defaultLoss(prepared);
    checkLossFits(loss, prepared);
    const { trainSet, validation } = split(prepared.data, options.valSplit, options.seed);

    const classes = prepared.target.kind === "classes" ? prepared.target.classes.length : 0;
    const model = new MLP(encodedWidth(prepared.features), [...options.layers, loss === "crossEntropy" ? classes : 1], {
      activation: options.activation,
      outputActivation: loss === "bce" ? "sigmoid" : "linear",
      seed: options.seed,
    });
    const optimizer = options.optimizer === "sgd"
      ? new SGD(model.parameters(), { lr: options.lr ?? 0.1 })
      : new Adam(model.parameters(), { lr: options.lr ?? 0.01 });
    const batchSize = Math.min(options.batchSize ?? trainSet.x.length, trainSet.x.length);
    const stepsPerEpoch = Math.ceil(trainSet.x.length / batchSize);

    const bar = progress(flags.quiet === true || flags.json === true, trainSet.x.length);
    const epochLosses: number[] = [];
    const stopping = earlyStopping(model, validation, loss, options.patience);
    let lossSum = 0;
    let accuracySum = 0;
    const result = runTraining({
      model, data: trainSet, loss, optimizer, batchSize, seed: options.seed,
      steps: options.epochs * stepsPerEpoch,
      onStep(s) {
        lossSum += s.loss;
        accuracySum += s.accuracy ?? 0;
        if (s.step % stepsPerEpoch !== 0) return;
        const epoch = s.step / stepsPerEpoch;
        epochLosses.push(lossSum / stepsPerEpoch);
        bar.epoch({ epoch, epochs: options.epochs, loss: lossSum / stepsPerEpoch, accuracy: s.accuracy === null ? null : accuracySum / stepsPerEpoch });
        lossSum = 0;
        accuracySum = 0;
        return stopping.afterEpoch(epoch);
      },
    });
    bar.end();
    const kept = stopping.restoreBest();

    const final = evaluate(model, trainSet, loss);
    const held = validation ? evaluate(model, validation, loss) : null;
    const trainMetrics = computeMetrics(loss, prepared.target, final.outputs, trainSet.y, final.loss);
    const validationMetrics = held && validation ? computeMetrics(loss, prepared.target, held.outputs, validation.y, held.loss) : null;
    saveModel(out, {
      format: "micrograd-ts/cli-model", version: 1, loss, seed: options.seed,
      features: prepared.features, target: prepared.target, network: model.toJSON(),
    }, flags.force === true);

    const epochsRun = result.history.length / stepsPerEpoch;
    const summary = {
      data: prepared.source, rows: prepared.data.x.length, dropped: prepared.dropped, seed: options.seed,
      features: prepared.features.map((f) => f.column),
      network: `${model.nin} → ${model.nouts.join(" → ")} (${options.activation})`, loss, optimizer: options.optimizer,
      epochs: epochsRun, steps: result.history.length, mode: result.mode,
      earlyStopping: kept === null ? null : { patience: options.patience, stoppedAt: epochsRun, keptEpoch: kept.epoch, bestValidationLoss: kept.loss },
      train: trainMetrics,
      validation: validationMetrics,
      model: out, lossPerEpoch: epochLosses,
    };
    if (flags.json) {
      console.log(JSON.stringify(summary, null, 2));
      return;
    }
    if (prepared.dropped > 0) console.error(`dropped ${prepared.dropped} rows with missing values`);
    const results: [string, string][] = [
      ...metricRows(trainMetrics, "train"),
      ...(validationMetrics ? metricRows(validationMetrics, "validation") : []),
      ...(kept ? [["kept", `epoch ${kept.epoch} of ${epochsRun} (best validation loss ${kept.loss.toFixed(4)}; patience ${options.patience})`] as [string, string]] : []),
      ["saved", out],
    ];
    if (flags.quiet) {
      console.log(table(results));
      return;
    }
    console.log(table([
      ["data", `${summary.data} (${summary.rows} rows${validation ? `, ${validation.x.length} held out` : ""})`],
      ["features", summary.features.join(", ")],
      ["network", summary.network],
      ["loss", `${loss}, ${options.optimizer}, ${epochsRun} epochs (${summary.steps} steps, ${result.mode} mode)`],
      ["seed", String(options.seed)],
      ...results,
    ]));
    const report = classReport(validationMetrics ?? trainMetrics);
    if (report) console.log(`\n${validationMetrics ? "validation" : "train"} rows\n${report}`);
    console.log(`\nloss per epoch\n${chart(epochLosses)}`);
  },
};

/**
 * Early stopping on the validation loss: after each epoch, remembers the best weights so far and
 * says to stop once `patience` epochs have passed without improvement; `restoreBest` puts the
 * best weights back and says which epoch they are from (null without `patience`).
 */
function earlyStopping(model: MLP, validation: Dataset | null, loss: LossName, patience: number | undefined) {
  let best: { epoch: number; loss: number; weights: number[] } | null = null;
  return {
    afterEpoch(epoch: number): boolean {
      if (patience === undefined || validation === null) return true;
      const current = evaluate(model, validation, loss).loss;
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

function readOptions(flags: Flags) {
  return {
    layers: sizesFlag(flags, "layers", [16, 16]),
    activation: choiceFlag(flags, "activation", ACTIVATIONS, "relu"),
    optimizer: choiceFlag(flags, "optimizer", ["sgd", "adam"] as const, "adam"),
    lr: flags.lr === undefined ? undefined : numberFlag(flags, "lr", 0, 0, 1e6),
    epochs: numberFlag(flags, "epochs", 100, 1, 1e7, true),
    batchSize: flags["batch-size"] === undefined ? undefined : numberFlag(flags, "batch-size", 1, 1, 1e9, true),
    seed: numberFlag(flags, "seed", 0, 0, 2 ** 32 - 1, true),
    valSplit: numberFlag(flags, "val-split", 0, 0, 0.9),
    patience: flags.patience === undefined ? undefined : numberFlag(flags, "patience", 1, 1, 1e7, true),
  };
}

function defaultLoss({ target }: Prepared): LossName {
  if (target.kind === "number") return "mse";
  return target.classes.length > 2 ? "crossEntropy" : "bce";
}

function checkLossFits(loss: LossName, { target }: Prepared): void {
  const classes = target.kind === "classes" ? target.classes.length : 0;
  if (CLASSIFICATION.includes(loss) && loss !== "crossEntropy" && classes !== 2) {
    throw new UsageError(`--loss ${loss} needs exactly 2 classes, but ${target.column} has ${classes || "numeric values, not classes"}; use --loss crossEntropy for more`);
  }
  if (loss === "crossEntropy" && classes < 2) throw new UsageError(`--loss crossEntropy needs a class target; ${target.column} is numeric`);
}

/** Holds out a seeded random `fraction` of the rows for validation. */
function split(data: Dataset, fraction: number, seed: number): { trainSet: Dataset; validation: Dataset | null } {
  if (fraction === 0) return { trainSet: data, validation: null };
  const order = new Random(seed).shuffle(data.x.map((_, i) => i));
  const held = Math.round(order.length * fraction);
  if (held === 0 || held === order.length) throw new InputError(`--val-split ${fraction} of ${order.length} rows leaves no rows for ${held === 0 ? "validation" : "training"}`);
  const pick = (rows: number[]): Dataset => ({ ...data, x: rows.map((i) => data.x[i] as number[]), y: rows.map((i) => data.y[i] as number) });
  return { trainSet: pick(order.slice(held)), validation: pick(order.slice(0, held)) };
}
