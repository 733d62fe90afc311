#!/usr/bin/env python3
"""Make crate/tests/fixtures/baselines_sklearn.json: the raw-pixel baselines of the reference
results, computed by scikit-learn 1.2.2 on small real cells, for the Rust detectors to match.

optdigits 8×8 rows (scikit-learn's bundled copy) scaled to [-1, 1]; for each cell, the first
n_t rows of the normal class are the training normals and every other row is the test set.
Stored: the data once, and per cell the AUROC (anomaly positive) of
  - OneClassSVM(kernel="poly", gamma="auto", degree 3, coef0 0, nu 0.5) — deterministic;
  - IsolationForest(n_estimators=100, max_samples=256), the mean AUROC over random_state 0..299: single forests on 10 rows vary by 2-3 points, so only a many-forest mean can be held to 0.5.
Run: ~/.cache/irad/pyenv/bin/python scripts/make_baseline_fixture.py
"""
import json, os, warnings
warnings.filterwarnings("ignore", message="max_samples")
import numpy as np
from sklearn.datasets import load_digits
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.svm import OneClassSVM

d = load_digits()
x = (d.data / 16.0 * 2.0 - 1.0).astype(np.float32)
y = d.target
FORESTS = 300
cells = []
for normal, n_t in [(0, 10), (3, 10), (8, 10), (9, 30)]:
    rows = np.flatnonzero(y == normal)[:n_t]
    test = np.setdiff1d(np.arange(len(y)), rows)
    anomalous = y[test] != normal
    svm = OneClassSVM(kernel="poly", gamma="auto", degree=3, coef0=0.0, nu=0.5).fit(x[rows])
    svm_auc = roc_auc_score(anomalous, -svm.decision_function(x[test]))
    if_aucs = [roc_auc_score(anomalous, -IsolationForest(n_estimators=100, max_samples=256, random_state=s).fit(x[rows]).score_samples(x[test]))
               for s in range(FORESTS)]
    cells.append({"normal": int(normal), "train_rows": rows.tolist(), "svm_auroc": svm_auc, "if_auroc_mean": float(np.mean(if_aucs))})
    print(normal, n_t, round(svm_auc * 100, 2), round(np.mean(if_aucs) * 100, 2), "(IF seeds std", round(np.std(if_aucs) * 100, 2), ")")
out = {
    "about": "scikit-learn 1.2.2 on optdigits 8x8 in [-1,1]: OneClassSVM(poly, gamma=auto, nu=0.5) and IsolationForest "
             "(100 trees, mean AUROC over random_state 0..299: single forests on 10 rows vary by 2-3 points, so only a many-forest mean can be held to 0.5) fitted on the first n_t rows of the normal class, "
             "tested on all other rows; made by scripts/make_baseline_fixture.py",
    "dim": 64,
    "pixels": d.data.astype(int).ravel().tolist(),
    "labels": y.tolist(),
    "cells": cells,
}
path = os.path.join(os.path.dirname(__file__), "..", "crate", "tests", "fixtures", "baselines_sklearn.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print("wrote", os.path.normpath(path))
