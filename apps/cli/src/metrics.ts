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
  /** The mean of each class's recall (over the classes that have rows), as scikit-learn's `balanced_accuracy_score`. */
  balancedAccuracy?: number;
  /** The mean F1 over the classes present in the rows or the predictions, and the mean weighted by rows. */
  macroF1?: number;
  weightedF1?: number;
  /**
   * Area under the ROC curve and average precision (the PR curve's area as scikit-learn's
   * `average_precision_score` sums it): of the positive class for two classes, one-vs-rest and
   * averaged over classes for more; scores are the class probabilities (the raw score for hinge).
   * Null where a class has no rows or every row is of it.
   */
  rocAuc?: number | null;
  prAuc?: number | null;
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
export function computeMetrics(loss: LossName, target: TargetSpec, outputs: readonly (readonly number[])[], y: ArrayLike<number>, lossValue: number): Metrics {
  const rows = y.length;
  if (target.kind === "number") {
    const units = (v: number) => v * target.std + target.mean;
    const actual = Array.from(y, units);
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
  const present = perClass.filter((c, k) => c.support > 0 || matrix.some((row) => (row[k] as number) > 0));
  const withRows = perClass.filter((c) => c.support > 0);
  return {
    rows, loss: lossValue, accuracy: right / rows,
    logLoss: logLoss === null ? null : logLoss / rows,
    balancedAccuracy: withRows.reduce((s, c) => s + c.recall, 0) / withRows.length,
    macroF1: present.reduce((s, c) => s + c.f1, 0) / present.length,
    weightedF1: perClass.reduce((s, c) => s + c.f1 * c.support, 0) / rows,
    ...rankingMetrics(loss, classes.length, outputs, y),
    confusion: { classes: [...classes], matrix }, perClass,
  };
}

/** ROC AUC and average precision (see {@link Metrics.rocAuc}): binary, or one-vs-rest averaged over classes. */
function rankingMetrics(loss: LossName, classes: number, outputs: readonly (readonly number[])[], y: ArrayLike<number>): { rocAuc: number | null; prAuc: number | null } {
  const scoresOf = (k: number) => outputs.map((o) => {
    const p = probabilities(loss, o);
    return p === null ? (o[0] as number) : (p[k] as number);
  });
  const truth = (k: number) => Array.from(y, (t) => t === k);
  if (classes === 2) return { rocAuc: rocAuc(scoresOf(1), truth(1)), prAuc: averagePrecision(scoresOf(1), truth(1)) };
  const perClass = Array.from({ length: classes }, (_, k) => ({ roc: rocAuc(scoresOf(k), truth(k)), pr: averagePrecision(scoresOf(k), truth(k)) }));
  const mean = (values: (number | null)[]) => (values.some((v) => v === null) ? null : (values as number[]).reduce((s, v) => s + v, 0) / values.length);
  return { rocAuc: mean(perClass.map((c) => c.roc)), prAuc: mean(perClass.map((c) => c.pr)) };
}

/** Rows in descending order of score, as groups of tied scores: [positives, negatives] per group. */
function tiedGroups(scores: readonly number[], positive: readonly boolean[]): [number, number][] {
  const order = scores.map((_, i) => i).sort((a, b) => (scores[b] as number) - (scores[a] as number));
  const groups: [number, number][] = [];
  let previous = NaN;
  for (const i of order) {
    if (scores[i] !== previous) groups.push([0, 0]);
    previous = scores[i] as number;
    (groups.at(-1) as [number, number])[positive[i] ? 0 : 1] += 1;
  }
  return groups;
}

/** Area under the ROC curve, tied scores counted half (the trapezoid through each group of ties); null without both kinds of rows. */
export function rocAuc(scores: readonly number[], positive: readonly boolean[]): number | null {
  const p = positive.filter(Boolean).length;
  const n = positive.length - p;
  if (p === 0 || n === 0) return null;
  let area = 0;
  let negativesAbove = 0;
  for (const [pos, neg] of tiedGroups(scores, positive)) {
    area += pos * (negativesAbove + neg / 2);
    negativesAbove += neg;
  }
  // `area` counts, for each positive, the negatives ranked above it: the AUC is the rest.
  return 1 - area / (p * n);
}

/** Average precision: Σ (recallₙ − recallₙ₋₁)·precisionₙ over the distinct scores, highest first; null without positive rows. */
export function averagePrecision(scores: readonly number[], positive: readonly boolean[]): number | null {
  const p = positive.filter(Boolean).length;
  if (p === 0) return null;
  let tp = 0;
  let fp = 0;
  let sum = 0;
  for (const [pos, neg] of tiedGroups(scores, positive)) {
    tp += pos;
    fp += neg;
    sum += (pos / p) * (tp / (tp + fp));
  }
  return sum;
}

/** The metrics as `name  value` rows for a summary table, `prefix` naming the data (train, validation). */
export function metricRows(m: Metrics, prefix: string): [string, string][] {
  const f = (v: number) => (Math.abs(v) >= 1e5 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4));
  if (m.rmse !== undefined) return [[prefix, `RMSE ${f(m.rmse)}  MAE ${f(m.mae as number)}  R² ${(m.r2 as number).toFixed(4)}  (loss ${f(m.loss)})`]];
  const logLoss = m.logLoss === null || m.logLoss === undefined ? "" : `  log loss ${f(m.logLoss)}`;
  const auc = (name: string, v: number | null | undefined) => (v === null || v === undefined ? "" : `  ${name} ${v.toFixed(4)}`);
  return [
    [prefix, `accuracy ${((m.accuracy as number) * 100).toFixed(1)}%${logLoss}  (loss ${f(m.loss)})`],
    ["", `balanced accuracy ${((m.balancedAccuracy as number) * 100).toFixed(1)}%  macro F1 ${(m.macroF1 as number).toFixed(4)}  weighted F1 ${(m.weightedF1 as number).toFixed(4)}${auc("ROC AUC", m.rocAuc)}${auc("PR AUC", m.prAuc)}`],
  ];
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
