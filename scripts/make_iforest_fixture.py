#!/usr/bin/env python3
"""Make crate/tests/fixtures/iforest_sklearn.json: features + scikit-learn IsolationForest scores.

Run with scikit-learn 1.2.2 (e.g. `python3 -m venv v && v/bin/pip install scikit-learn==1.2.2`):
    v/bin/python scripts/make_iforest_fixture.py
The Rust test fits its own forests on `train` and compares ranks of its scores on `test` with
`neg_score_samples` (sklearn's -score_samples, higher = more anomalous), averaged over 10 forests
(random_state 0..9): two sklearn forests of 100 trees with different seeds agree only to a rank
correlation of ~0.97 here, ten-forest means to ~0.998, so the mean is what can be held to 0.99.
"""
import json, os
import numpy as np
from sklearn.ensemble import IsolationForest

rng = np.random.default_rng(0)
dim = 16
# Normal data: a correlated Gaussian blob (like encoder features) plus a second, smaller mode.
A = rng.normal(size=(dim, dim)) / np.sqrt(dim)
train = np.vstack([rng.normal(size=(900, dim)) @ A, rng.normal(size=(300, dim)) @ A + 2.0]).astype(np.float32)
# Test points in random directions at radii from 0 to 12: from typical to far outliers.
base = rng.normal(size=(600, dim)) @ A
test = (base / np.linalg.norm(base, axis=1, keepdims=True) * np.linspace(0, 12, 600)[:, None]).astype(np.float32)
scores = [IsolationForest(n_estimators=100, max_samples=256, random_state=s).fit(train).score_samples(test) for s in range(10)]
out = {
    "about": "sklearn 1.2.2 IsolationForest(n_estimators=100, max_samples=256, random_state=0..9), -score_samples; "
             "first: random_state 0 alone, mean: the mean of the ten; made by scripts/make_iforest_fixture.py",
    "dim": dim,
    "train": np.round(train, 5).ravel().tolist(),
    "test": np.round(test, 5).ravel().tolist(),
    "neg_score_samples_first": np.round(-scores[0], 6).tolist(),
    "neg_score_samples_mean": np.round(-np.mean(scores, axis=0), 6).tolist(),
}
path = os.path.join(os.path.dirname(__file__), "..", "crate", "tests", "fixtures", "iforest_sklearn.json")
with open(path, "w") as f:
    json.dump(out, f)
print("wrote", os.path.normpath(path))
