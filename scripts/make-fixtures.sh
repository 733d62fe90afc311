#!/usr/bin/env bash
# Regenerate the sample images (web/samples) and the native-score fixture used by the browser
# tests (crate/tests/fixtures/parity.json) from the committed default bundle, with the native CLI.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/env.sh"
cd "$ROOT"
cargo build -q --profile native -p irad
IRAD="$CARGO_TARGET_DIR/native/irad"
rm -rf web/samples
"$IRAD" samples --target optdigits --normal-class 0 --n-target 10 --seed 0 --count 6 --out web/samples
"$IRAD" score models/default.irad web/samples/normal/*.png web/samples/anomaly/*.png --json > /tmp/irad-parity.jsonl
python3 - "$ROOT" <<'PY'
import json, sys, os
root = sys.argv[1]
images = []
for line in open("/tmp/irad-parity.jsonl"):
    r = json.loads(line)
    rel = os.path.relpath(r["file"], root)
    images.append({"file": rel, "png": list(open(os.path.join(root, rel), "rb").read()),
                   "score": r["score"], "residualScore": r["residualScore"], "isAnomaly": r["isAnomaly"]})
out = {"about": "native `irad score --json` of web/samples with models/default.irad; made by scripts/make-fixtures.sh",
       "images": images}
json.dump(out, open(os.path.join(root, "crate/tests/fixtures/parity.json"), "w"))
print(f"crate/tests/fixtures/parity.json: {len(images)} images")
PY
