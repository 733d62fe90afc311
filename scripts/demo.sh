#!/usr/bin/env bash
# The main job: set everything up, build the wasm package and the static site, and serve the demo
# page on 127.0.0.1 with the committed default model (nothing to train). PORT=8080 by default.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/env.sh"
bash "$ROOT/scripts/setup.sh"
bash "$ROOT/scripts/build-wasm.sh"
bash "$ROOT/scripts/build-site.sh"
exec python3 "$ROOT/scripts/serve.py" "$ROOT/dist" "${PORT:-8080}"
