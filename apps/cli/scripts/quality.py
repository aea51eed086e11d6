#!/usr/bin/env python3
"""How good are the CLI's models? Public datasets, the CLI with default flags, next to scikit-learn.

Run after `pnpm build`, with Debian's python3-sklearn:  /usr/bin/python3 apps/cli/scripts/quality.py
It writes the datasets as CSV to apps/cli/datasets/ (see the README there for their licences),
splits each 80/20 with a fixed seed (stratified for classes), trains `micrograd train` with
default flags on the 80 % and scores `micrograd eval` on the 20 %, and fits scikit-learn's
defaults (standardised inputs) on the same split. A second table knocks out a tenth of the
feature cells of each split at random (seeded), written as empty cells: micrograd fills them with
its defaults (the median), scikit-learn with SimpleImputer(strategy="median") in its pipelines.
Digits' classes are written as the integers 0–9, as scikit-learn has them, so that the CLI has to
see that they are classes. Prints two Markdown tables and writes apps/cli/datasets/quality.json.
Not part of the test command.
"""
import csv
import json
import os
import subprocess
import tempfile

import numpy as np
from sklearn import datasets, metrics
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier, MLPRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

HERE = os.path.dirname(os.path.abspath(__file__))
CLI_DIR = os.path.join(HERE, "..")
CLI = os.path.join(CLI_DIR, "dist", "cli.js")
OUT = os.path.join(CLI_DIR, "datasets")


def write_csv(path, columns, rows):
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        w.writerows(rows)


def holes(X, seed):
    """X with a tenth of its cells missing (NaN), at random places chosen by `seed`."""
    X = X.astype(float).copy()
    X[np.random.default_rng(seed).random(X.shape) < 0.1] = np.nan
    return X


def cells(x):
    return ["" if np.isnan(v) else float(v) for v in x]


def micrograd(*args):
    run = subprocess.run(["node", CLI, *args], capture_output=True, text=True, check=True)
    return run.stdout


def compare(name, X, y, kind, columns, names, missing):
    """micrograd's defaults and scikit-learn's on an 80/20 split of X, y (a tenth of the cells knocked out when `missing`)."""
    target = [names[t] for t in y] if kind == "classes" and names is not None else [int(t) if kind == "classes" else float(t) for t in y]
    split = train_test_split(np.arange(len(y)), test_size=0.2, random_state=0, stratify=y if kind == "classes" else None)
    train_idx, test_idx = split
    if missing:
        X = holes(X, 1)
    with tempfile.TemporaryDirectory() as tmp:
        train_csv, test_csv, model = (os.path.join(tmp, f) for f in ("train.csv", "test.csv", "model.json"))
        write_csv(train_csv, columns + ["target"], [cells(X[i]) + [target[i]] for i in train_idx])
        write_csv(test_csv, columns + ["target"], [cells(X[i]) + [target[i]] for i in test_idx])
        micrograd("train", "--data", train_csv, "--target", "target", "--quiet", "--out", model)
        ours = json.loads(micrograd("eval", "--model", model, "--data", test_csv, "--json"))
    row = {"dataset": name, "rows": len(y), "features": X.shape[1], "missing": missing, "micrograd": ours}
    steps = lambda estimator: make_pipeline(*([SimpleImputer(strategy="median")] if missing else []), StandardScaler(), estimator)
    if kind == "classes":
        for label, estimator in [("LogisticRegression", LogisticRegression(max_iter=1000)), ("MLPClassifier", MLPClassifier(random_state=0, max_iter=1000))]:
            fitted = steps(estimator).fit(X[train_idx], y[train_idx])
            p = fitted.predict_proba(X[test_idx])
            row[label] = {"accuracy": metrics.accuracy_score(y[test_idx], p.argmax(axis=1)), "logLoss": metrics.log_loss(y[test_idx], p, labels=list(range(p.shape[1])))}
    else:
        for label, estimator in [("LinearRegression", LinearRegression()), ("MLPRegressor", MLPRegressor(random_state=0, max_iter=2000))]:
            fitted = steps(estimator).fit(X[train_idx], y[train_idx])
            p = fitted.predict(X[test_idx])
            row[label] = {"rmse": float(np.sqrt(metrics.mean_squared_error(y[test_idx], p))), "mae": metrics.mean_absolute_error(y[test_idx], p), "r2": metrics.r2_score(y[test_idx], p)}
    return row


results = []
for name, loader, kind in [
    ("iris", datasets.load_iris, "classes"),
    ("wine", datasets.load_wine, "classes"),
    ("breast_cancer", datasets.load_breast_cancer, "classes"),
    ("digits", datasets.load_digits, "classes"),
    ("diabetes", datasets.load_diabetes, "number"),
]:
    data = loader()
    X, y = data.data, data.target
    columns = [str(c).replace(",", " ") for c in data.feature_names]
    # Digits' classes stay the integers 0–9; the others are written by name.
    names = None if name == "digits" or kind != "classes" else [str(n) for n in data.target_names]
    target = [names[t] for t in y] if names is not None else [int(t) if kind == "classes" else float(t) for t in y]
    write_csv(os.path.join(OUT, f"{name}.csv"), columns + ["target"], [list(map(float, x)) + [t] for x, t in zip(X, target)])
    for missing in (False, True):
        results.append(compare(name, X, y, kind, columns, names, missing))

with open(os.path.join(OUT, "quality.json"), "w") as f:
    json.dump(results, f, indent=1)
    f.write("\n")

for missing in (False, True):
    print("\nWith a tenth of the feature cells missing (filled with the median)\n" if missing else "")
    print("| dataset | rows × features | micrograd (defaults) | scikit-learn linear | scikit-learn MLP |")
    print("|---|---|---|---|---|")
    for r in (r for r in results if r["missing"] == missing):
        if "LogisticRegression" in r:
            fmt = lambda m: f"accuracy {m['accuracy'] * 100:.1f} %, log loss {m['logLoss']:.3f}"
            print(f"| {r['dataset']} | {r['rows']} × {r['features']} | {fmt(r['micrograd'])} | {fmt(r['LogisticRegression'])} | {fmt(r['MLPClassifier'])} |")
        else:
            fmt = lambda m: f"RMSE {m['rmse']:.1f}, MAE {m['mae']:.1f}, R² {m['r2']:.3f}"
            print(f"| {r['dataset']} | {r['rows']} × {r['features']} | {fmt(r['micrograd'])} | {fmt(r['LinearRegression'])} | {fmt(r['MLPRegressor'])} |")
