import { prediction, probabilities } from "@micrograd/training";
import type { LossName } from "@micrograd/training";
import type { TargetSpec } from "./encoding.js";

/** One class's precision, recall and F1 (0 where undefined, as scikit-learn's `zero_division=0`), and its rows. */
export interface ClassMetrics {
  class: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

/**
 * What a model's predictions on some rows are worth, in the user's terms: RMSE, MAE and R² in
 * the target's own units for a regression; accuracy, log loss (where the loss defines
 * probabilities), a confusion matrix with class names and per-class precision, recall and F1 for
 * classes. `loss` is the training loss on these rows (standardised units for a regression).
 */
export interface Metrics {
  rows: number;
  loss: number;
  rmse?: number;
  mae?: number;
  r2?: number;
  accuracy?: number;
  logLoss?: number | null;
  /** `matrix[actual][predicted]` counts, rows and columns in the order of `classes`. */
  confusion?: { classes: string[]; matrix: number[][] };
  perClass?: ClassMetrics[];
}

/** Probabilities are clipped to [ε, 1 - ε] before the log, as scikit-learn's `log_loss` does (ε = 2⁻⁵²). */
const EPS = Number.EPSILON;

/**
 * The metrics of `outputs` (the network's, one array per row) against `y` (encoded targets: class
 * indexes, or standardised values).
 */
export function computeMetrics(loss: LossName, target: TargetSpec, outputs: readonly (readonly number[])[], y: readonly number[], lossValue: number): Metrics {
  const rows = y.length;
  if (target.kind === "number") {
    const units = (v: number) => v * target.std + target.mean;
    const actual = y.map(units);
    const predicted = outputs.map((o) => units(o[0] as number));
    const mean = actual.reduce((s, v) => s + v, 0) / rows;
    let squares = 0;
    let absolute = 0;
    let total = 0;
    actual.forEach((a, i) => {
      const e = a - (predicted[i] as number);
      squares += e * e;
      absolute += Math.abs(e);
      total += (a - mean) ** 2;
    });
    // R² of a constant target is 1 for a perfect fit and 0 otherwise (scikit-learn's choice).
    const r2 = total === 0 ? (squares === 0 ? 1 : 0) : 1 - squares / total;
    return { rows, loss: lossValue, rmse: Math.sqrt(squares / rows), mae: absolute / rows, r2 };
  }
  const classes = target.classes;
  const matrix = classes.map(() => new Array<number>(classes.length).fill(0));
  let right = 0;
  let logLoss: number | null = 0;
  outputs.forEach((o, i) => {
    const actual = y[i] as number;
    const k = prediction(loss, o).class ?? 0;
    (matrix[actual] as number[])[k]! += 1;
    if (k === actual) right += 1;
    const p = probabilities(loss, o);
    if (p === null || logLoss === null) logLoss = null;
    else logLoss -= Math.log(Math.min(1 - EPS, Math.max(EPS, p[actual] as number)));
  });
  const perClass = classes.map((name, k): ClassMetrics => {
    const tp = (matrix[k] as number[])[k] as number;
    const support = (matrix[k] as number[]).reduce((s, c) => s + c, 0);
    const predictedK = matrix.reduce((s, row) => s + (row[k] as number), 0);
    const precision = predictedK === 0 ? 0 : tp / predictedK;
    const recall = support === 0 ? 0 : tp / support;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { class: name, precision, recall, f1, support };
  });
  return {
    rows, loss: lossValue, accuracy: right / rows,
    logLoss: logLoss === null ? null : logLoss / rows,
    confusion: { classes: [...classes], matrix }, perClass,
  };
}

/** The metrics as `name  value` rows for a summary table, `prefix` naming the data (train, validation). */
export function metricRows(m: Metrics, prefix: string): [string, string][] {
  const f = (v: number) => (Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4));
  if (m.rmse !== undefined) return [[prefix, `RMSE ${f(m.rmse)}  MAE ${f(m.mae as number)}  R² ${(m.r2 as number).toFixed(4)}  (loss ${f(m.loss)})`]];
  const logLoss = m.logLoss === null || m.logLoss === undefined ? "" : `  log loss ${f(m.logLoss)}`;
  return [[prefix, `accuracy ${((m.accuracy as number) * 100).toFixed(1)}%${logLoss}  (loss ${f(m.loss)})`]];
}

/** The confusion matrix and per-class precision, recall and F1 as a text table. */
export function classReport(m: Metrics): string {
  if (!m.confusion || !m.perClass) return "";
  const names = m.confusion.classes;
  const width = Math.max(8, ...names.map((n) => n.length)) + 2;
  const head = `${"actual \\ predicted".padEnd(width)}${names.map((n) => n.padStart(width)).join("")}`;
  const lines = m.confusion.matrix.map((row, k) => `${(names[k] as string).padEnd(width)}${row.map((c) => String(c).padStart(width)).join("")}`);
  const scores = m.perClass.map((c) => `${c.class.padEnd(width)}${c.precision.toFixed(3).padStart(10)}${c.recall.toFixed(3).padStart(10)}${c.f1.toFixed(3).padStart(10)}${String(c.support).padStart(10)}`);
  return [head, ...lines, "", `${"class".padEnd(width)}${"precision".padStart(10)}${"recall".padStart(10)}${"F1".padStart(10)}${"rows".padStart(10)}`, ...scores].join("\n");
}
