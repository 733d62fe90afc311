#!/usr/bin/env python3
"""Markdown summary rows for results/README.md from the runners' raw records.

    python3 scripts/results_tables.py results/digits/runs.jsonl --n-t 10 --seeds 0,1,2 \
        --methods svm-raw-target,if-raw-source+target,irad,irad-tval,irad-hybrid

One row per method: AUROC ×100 per class (mean over the seeds that have it), the mean over
classes, and how many (class, seed) cells it rests on. Only the given seeds are used, so methods are
compared on the same splits; a class missing a seed is marked with *. `--by-seed`: one column per
seed instead (a seed shows only when every class has it).
"""
import argparse, collections, json

ap = argparse.ArgumentParser()
ap.add_argument("runs")
ap.add_argument("--n-t", type=int, default=10)
ap.add_argument("--seeds", default="0,1,2")
ap.add_argument("--methods", required=True)
ap.add_argument("--classes", default="0,1,2,3,4,5,6,7,8,9")
ap.add_argument("--by-seed", action="store_true", help="one column per seed (mean over the classes) instead of per class")
ap.add_argument("--derive", help="base method: add <method>-<rule>-<score> rows from its evaluation points")
a = ap.parse_args()
seeds = {int(s) for s in a.seeds.split(",")}
classes = a.classes.split(",")
cells = collections.defaultdict(dict)
for line in open(a.runs):
    if not line.strip():
        continue
    try:
        r = json.loads(line)
    except json.JSONDecodeError:
        continue  # a torn last line
    if r["n_t"] == a.n_t and r["seed"] in seeds:
        cells[r["method"]][(r["class"], r["seed"])] = 100 * r["auroc"]
        pts = [p for p in r.get("points", []) if p]
        if a.derive and r["method"] == a.derive and len(pts) > 1:
            for rule, key in (("val", "source_val"), ("tval", "target_val")):
                best = max(range(len(pts)), key=lambda i: (pts[i].get(key) or -1, -i))
                for score in ("auroc", "auroc_svm_rbf", "auroc_svm_pair", "auroc_hybrid", "auroc_paired"):
                    if pts[best].get(score) is not None:
                        name = f"{a.derive}-{rule}" + ("" if score == "auroc" else "-" + score[len("auroc_"):].replace("_", "-"))
                        cells[name][(r["class"], r["seed"])] = 100 * pts[best][score]

if a.by_seed:
    # One column per seed (mean over the classes), then the mean over seeds and the std of the
    # per-seed means: how much a result moves with the draw of the 10 target normals.
    order = sorted(seeds)
    print("| method | " + " | ".join(f"seed {s}" for s in order) + " | **mean** | ± std over seeds | cells |")
    print("|---|" + "---|" * (len(order) + 3))
    for m in a.methods.split(","):
        per_seed = []
        for s in order:
            v = [cells[m][(c, s)] for c in classes if (c, s) in cells[m]]
            per_seed.append(sum(v) / len(v) if len(v) == len(classes) else None)
        done = [v for v in per_seed if v is not None]
        n = sum(1 for c in classes for s in order if (c, s) in cells[m])
        mean = f"**{sum(done) / len(done):.1f}**" if len(done) == len(order) else "–"
        std = (sum((v - sum(done) / len(done)) ** 2 for v in done) / (len(done) - 1)) ** 0.5 if len(done) == len(order) and len(done) > 1 else None
        row = " | ".join("–" if v is None else f"{v:.1f}" for v in per_seed)
        print(f"| `{m}` | {row} | {mean} | {'' if std is None else f'{std:.1f}'} | {n} |")
    raise SystemExit

print("| method | " + " | ".join(classes) + " | **mean** | cells |")
print("|---|" + "---|" * (len(classes) + 2))
for m in a.methods.split(","):
    per, n = [], 0
    row = []
    for c in classes:
        v = [cells[m][(c, s)] for s in sorted(seeds) if (c, s) in cells[m]]
        n += len(v)
        if v:
            per.append(sum(v) / len(v))
            row.append(f"{per[-1]:.1f}" + ("*" if len(v) < len(seeds) else ""))
        else:
            row.append("–")
    mean = f"**{sum(per) / len(per):.1f}**" if len(per) == len(classes) else (f"({sum(per) / len(per):.1f}, {len(per)} classes)" if per else "–")
    print(f"| `{m}` | " + " | ".join(row) + f" | {mean} | {n} |")

# Scores chosen per run from its evaluation points (for runs recorded before a selection row
# existed): --derive METHOD prints, for each rule, the score at the point that rule picks.
