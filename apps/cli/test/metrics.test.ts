import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { computeMetrics } from "../src/metrics.js";

// The numbers scikit-learn 1.2 gives for the same outputs (scripts/sklearn/make_metric_fixtures.py).
const sk = JSON.parse(readFileSync(new URL("fixtures/sklearn-metrics.json", import.meta.url), "utf8")) as {
  classification: { logits: number[][]; y: number[]; accuracy: number; logLoss: number; confusion: number[][]; precision: number[]; recall: number[]; f1: number[]; support: number[] } & Summary;
  binary: { logits: number[]; y: number[]; accuracy: number } & Summary;
  regression: { outputs: number[]; y: number[]; mean: number; std: number; rmse: number; mae: number; r2: number };
};
/** The one-number summaries of a classifier. */
interface Summary {
  balancedAccuracy: number;
  macroF1: number;
  weightedF1: number;
  rocAuc: number;
  prAuc: number;
}
const close = (a: number | undefined | null, b: number) => expect(Math.abs((a as number) - b)).toBeLessThanOrEqual(1e-12 * Math.max(1, Math.abs(b)));

describe("the CLI's metrics against scikit-learn", () => {
  it("classification: accuracy, log loss, confusion matrix, per-class precision, recall and F1", () => {
    const c = sk.classification;
    const m = computeMetrics("crossEntropy", { column: "t", kind: "classes", classes: ["a", "b", "c"] }, c.logits, c.y, 0);
    close(m.accuracy, c.accuracy);
    close(m.logLoss, c.logLoss);
    expect(m.confusion).toEqual({ classes: ["a", "b", "c"], matrix: c.confusion });
    m.perClass?.forEach((k, i) => {
      close(k.precision, c.precision[i] as number);
      close(k.recall, c.recall[i] as number);
      close(k.f1, c.f1[i] as number);
      expect(k.support).toBe(c.support[i]);
    });
  });

  it("balanced accuracy, macro and weighted F1, one-vs-rest ROC AUC and PR AUC over three classes", () => {
    const c = sk.classification;
    const m = computeMetrics("crossEntropy", { column: "t", kind: "classes", classes: ["a", "b", "c"] }, c.logits, c.y, 0);
    for (const key of ["balancedAccuracy", "macroF1", "weightedF1", "rocAuc", "prAuc"] as const) close(m[key], c[key]);
  });

  it("the same for two classes, with tied scores", () => {
    const b = sk.binary;
    const m = computeMetrics("bceWithLogits", { column: "t", kind: "classes", classes: ["no", "yes"] }, b.logits.map((z) => [z]), b.y, 0);
    close(m.accuracy, b.accuracy);
    for (const key of ["balancedAccuracy", "macroF1", "weightedF1", "rocAuc", "prAuc"] as const) close(m[key], b[key]);
    // Ranking metrics depend on the order of the scores only: hinge's raw scores rank as the probabilities do.
    const hinge = computeMetrics("hinge", { column: "t", kind: "classes", classes: ["no", "yes"] }, b.logits.map((z) => [z]), b.y, 0);
    close(hinge.rocAuc, b.rocAuc);
    close(hinge.prAuc, b.prAuc);
  });

  it("regression: RMSE, MAE and R² in the target's units", () => {
    const r = sk.regression;
    const m = computeMetrics("mse", { column: "t", kind: "number", mean: r.mean, std: r.std }, r.outputs.map((o) => [o]), r.y, 0);
    close(m.rmse, r.rmse);
    close(m.mae, r.mae);
    close(m.r2, r.r2);
  });

  it("has no log loss where the loss gives no probabilities (hinge)", () => {
    const m = computeMetrics("hinge", { column: "t", kind: "classes", classes: ["no", "yes"] }, [[0.5], [-2]], [1, 1], 0);
    expect(m.logLoss).toBeNull();
    expect(m.accuracy).toBe(0.5);
  });
});
