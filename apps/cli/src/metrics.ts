import { probabilities } from "@micrograd/training";
import type { LossName } from "@micrograd/training";
import type { TargetSpec } from "./encoding.js";
import { classOf } from "./predict-row.js";

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
 * indexes, or standardised values); `threshold` decides two classes as `--threshold` does.
 */
export function computeMetrics(
  loss: LossName, target: TargetSpec, outputs: readonly (readonly number[])[], y: ArrayLike<number>, lossValue: number, threshold: number | null = null,
): Metrics {
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
  // Each row's ranking score per class: its probability, or the raw score for hinge (two classes).
  const scores = classes.map(() => new Float64Array(rows));
  outputs.forEach((o, i) => {
    const actual = y[i] as number;
    const k = classOf(loss, threshold, o);
    (matrix[actual] as number[])[k]! += 1;
    if (k === actual) right += 1;
    const p = probabilities(loss, o);
    for (let c = 0; c < classes.length; c++) (scores[c] as Float64Array)[i] = p === null ? (o[0] as number) : (p[c] as number);
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
    ...rankingMetrics(scores, y),
    confusion: { classes: [...classes], matrix }, perClass,
  };
}

/** ROC AUC and average precision (see {@link Metrics.rocAuc}) from each class's scores: binary, or one-vs-rest averaged over classes. */
function rankingMetrics(scores: Float64Array[], y: ArrayLike<number>): { rocAuc: number | null; prAuc: number | null } {
  if (scores.length === 2) return ranking(scores[1] as Float64Array, y, 1);
  const perClass = scores.map((s, k) => ranking(s, y, k));
  const mean = (values: (number | null)[]) => (values.some((v) => v === null) ? null : (values as number[]).reduce((s, v) => s + v, 0) / values.length);
  return { rocAuc: mean(perClass.map((c) => c.rocAuc)), prAuc: mean(perClass.map((c) => c.prAuc)) };
}

/**
 * ROC AUC and average precision of `scores` for rows of class `k` against the rest, walking the
 * scores from the highest down in groups of ties: the AUC counts, for each positive, the
 * negatives ranked above it (tied ones half); average precision sums (recallₙ − recallₙ₋₁)·
 * precisionₙ over the distinct scores, as scikit-learn does. Positives and negatives are sorted
 * apart (a native numeric sort), so a million rows need no comparator. Null without both kinds.
 */
function ranking(scores: Float64Array, y: ArrayLike<number>, k: number): { rocAuc: number | null; prAuc: number | null } {
  let p = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === k) p++;
  const n = y.length - p;
  if (p === 0 || n === 0) return { rocAuc: null, prAuc: p === 0 ? null : 1 };
  const positives = new Float64Array(p);
  const negatives = new Float64Array(n);
  for (let i = 0, a = 0, b = 0; i < y.length; i++) {
    if (y[i] === k) positives[a++] = scores[i] as number;
    else negatives[b++] = scores[i] as number;
  }
  positives.sort();
  negatives.sort();
  let a = p - 1;
  let b = n - 1;
  let above = 0;
  let area = 0;
  let tp = 0;
  let fp = 0;
  let precisionSum = 0;
  while (a >= 0 || b >= 0) {
    const score = Math.max(a >= 0 ? (positives[a] as number) : -Infinity, b >= 0 ? (negatives[b] as number) : -Infinity);
    let pos = 0;
    let neg = 0;
    while (a >= 0 && positives[a] === score) {
      pos++;
      a--;
    }
    while (b >= 0 && negatives[b] === score) {
      neg++;
      b--;
    }
    area += pos * (above + neg / 2);
    above += neg;
    tp += pos;
    fp += neg;
    precisionSum += (pos / p) * (tp / (tp + fp));
  }
  return { rocAuc: 1 - area / (p * n), prAuc: precisionSum };
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
