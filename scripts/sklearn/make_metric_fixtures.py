#!/usr/bin/env python3
"""Writes the scikit-learn numbers that the CLI's metric tests compare against.

Run with Debian's python3-sklearn:  /usr/bin/python3 scripts/sklearn/make_metric_fixtures.py
Not part of the test command; its output (apps/cli/test/fixtures/sklearn-metrics.json) is committed.
"""
import json
import os

import numpy as np
from sklearn import metrics

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
rng = np.random.default_rng(3)

# Three classes: logits per row (the network's outputs under cross-entropy) and true classes.
logits = rng.normal(0, 2, size=(40, 3))
y = rng.integers(0, 3, size=40)
y[:5] = np.argmax(logits[:5], axis=1)  # some right, some wrong
probabilities = np.exp(logits - logits.max(axis=1, keepdims=True))
probabilities /= probabilities.sum(axis=1, keepdims=True)
predicted = np.argmax(logits, axis=1)
precision, recall, f1, support = metrics.precision_recall_fscore_support(y, predicted, labels=[0, 1, 2], zero_division=0)
classification = {
    "logits": logits.tolist(),
    "y": y.tolist(),
    "accuracy": metrics.accuracy_score(y, predicted),
    "logLoss": metrics.log_loss(y, probabilities, labels=[0, 1, 2]),
    "confusion": metrics.confusion_matrix(y, predicted, labels=[0, 1, 2]).tolist(),
    "precision": precision.tolist(),
    "recall": recall.tolist(),
    "f1": f1.tolist(),
    "support": support.tolist(),
    "balancedAccuracy": metrics.balanced_accuracy_score(y, predicted),
    "macroF1": metrics.f1_score(y, predicted, average="macro", zero_division=0),
    "weightedF1": metrics.f1_score(y, predicted, average="weighted", zero_division=0),
    # One-vs-rest over the softmax probabilities, averaged over the classes.
    "rocAuc": metrics.roc_auc_score(y, probabilities, multi_class="ovr", average="macro"),
    "prAuc": metrics.average_precision_score(np.eye(3)[y], probabilities, average="macro"),
}

# Two classes: logits (bceWithLogits) with ties among them, so that tied scores are covered.
binary_logits = np.round(rng.normal(0, 1.5, size=50), 1)
binary_y = (binary_logits + rng.normal(0, 1.2, size=50) > 0).astype(int)
p_positive = 1 / (1 + np.exp(-binary_logits))
binary_predicted = (binary_logits > 0).astype(int)
binary = {
    "logits": binary_logits.tolist(),
    "y": binary_y.tolist(),
    "accuracy": metrics.accuracy_score(binary_y, binary_predicted),
    "balancedAccuracy": metrics.balanced_accuracy_score(binary_y, binary_predicted),
    "macroF1": metrics.f1_score(binary_y, binary_predicted, average="macro", zero_division=0),
    "weightedF1": metrics.f1_score(binary_y, binary_predicted, average="weighted", zero_division=0),
    "rocAuc": metrics.roc_auc_score(binary_y, p_positive),
    "prAuc": metrics.average_precision_score(binary_y, p_positive),
}

# A regression in standardised units, and the target's mean and standard deviation.
mean, std = 120.5, 14.25
outputs = rng.normal(0, 1, size=30)
truth = outputs + rng.normal(0, 0.3, size=30)
regression = {
    "outputs": outputs.tolist(),
    "y": truth.tolist(),
    "mean": mean,
    "std": std,
    "rmse": float(np.sqrt(metrics.mean_squared_error(truth * std + mean, outputs * std + mean))),
    "mae": metrics.mean_absolute_error(truth * std + mean, outputs * std + mean),
    "r2": metrics.r2_score(truth * std + mean, outputs * std + mean),
}

path = os.path.join(ROOT, "apps/cli/test/fixtures/sklearn-metrics.json")
os.makedirs(os.path.dirname(path), exist_ok=True)
with open(path, "w") as f:
    json.dump({"generator": "scripts/sklearn/make_metric_fixtures.py", "sklearn": __import__("sklearn").__version__,
               "classification": classification, "binary": binary, "regression": regression}, f, indent=1)
    f.write("\n")
print("wrote", path)
