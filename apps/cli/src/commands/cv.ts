import { LOSS_NAMES } from "@micrograd/training";
import { choiceFlag, numberFlag } from "../args.js";
import type { Command } from "../args.js";
import { prepareTraining } from "../data.js";
import type { Metrics } from "../metrics.js";
import { thresholdFlag } from "../predict-row.js";
import { progress, table } from "../report.js";
import { checkLossFits, defaultLoss, fit, readOptions, train } from "./train.js";

/** The train flags that make no sense for cross-validation: it saves no model and holds out its own folds. */
const NOT_FOR_CV = new Set(["out", "force", "val-split", "patience", "unknown"]);

/** The metrics cross-validation summarises, in the order it prints them. */
const SUMMARISED = ["accuracy", "balancedAccuracy", "macroF1", "weightedF1", "rocAuc", "prAuc", "logLoss", "rmse", "mae", "r2", "loss"] as const;

export const cv: Command = {
  name: "cv",
  summary: "k-fold cross-validation: train on k-1 folds, measure the held-out fold, k times; mean ± std of every metric",
  flags: {
    ...Object.fromEntries(Object.entries(train.flags).filter(([name]) => !NOT_FOR_CV.has(name))),
    folds: { type: "string", short: "k", value: "K", description: "number of folds, from 2 to 50 (default 5); stratified by class for classes" },
  },
  notes: `${train.notes ?? ""}
Each fold's feature statistics and fill values are fitted on its training folds only. The
standard deviation is over the folds (ddof 0, as NumPy's default). No model is saved.`,
  examples: [
    "micrograd cv --data iris.csv --target species --folds 5",
    "micrograd cv --data houses.csv --target price --folds 10 --epochs 200 --json",
  ],
  run(flags) {
    const lossFlag = choiceFlag(flags, "loss", LOSS_NAMES);
    const options = { ...readOptions(flags), patience: undefined, valSplit: 0 };
    const folds = numberFlag(flags, "folds", 5, { min: 2, max: 50, integer: true });
    const loaded = prepareTraining(flags, lossFlag);
    if (flags.quiet !== true) loaded.notes.forEach((note) => process.stderr.write(`${note}\n`));
    const loss = lossFlag ?? defaultLoss(loaded);
    checkLossFits(loss, loaded);
    const threshold = thresholdFlag(flags, loss);
    const perFold: Metrics[] = [];
    for (let fold = 0; fold < folds; fold++) {
      const prepared = loaded.split({ folds, fold, seed: options.seed });
      const fitted = fit(prepared, loss, options, threshold, progress(true, 0));
      perFold.push(fitted.validationMetrics as Metrics);
    }
    const summary: Record<string, { mean: number; std: number } | null> = {};
    for (const key of SUMMARISED) {
      const values = perFold.map((m) => m[key]);
      if (values.some((v) => v === undefined)) continue;
      if (values.some((v) => v === null)) {
        summary[key] = null;
        continue;
      }
      const numbers = values as number[];
      const mean = numbers.reduce((s, v) => s + v, 0) / numbers.length;
      summary[key] = { mean, std: Math.sqrt(numbers.reduce((s, v) => s + (v - mean) ** 2, 0) / numbers.length) };
    }
    if (flags.json) {
      console.log(JSON.stringify({
        format: "micrograd-ts/cli-cv", formatVersion: 1, data: loaded.source, rows: loaded.rows, folds, loss, seed: options.seed, summary, perFold,
      }, null, 2));
      return;
    }
    const shown = (key: string, v: number) => (["accuracy", "balancedAccuracy"].includes(key) ? `${(v * 100).toFixed(1)}%` : v.toFixed(4));
    console.log(table([
      ["data", `${loaded.source} (${loaded.rows} rows, ${folds} folds of about ${Math.round(loaded.rows / folds)})`],
      ["loss", `${loss}, ${options.optimizer}, ${options.epochs} epochs per fold`],
      ...Object.entries(summary).map(([key, s]): [string, string] => [key, s === null ? "— (a fold lacks a class)" : `${shown(key, s.mean)} ± ${shown(key, s.std)}`]),
    ]));
  },
};
