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
               "classification": classification, "regression": regression}, f, indent=1)
    f.write("\n")
print("wrote", path)
