#!/usr/bin/env bash
# Browser tests: wasm-bindgen-test in headless Chromium (WebGPU via SwiftShader, and the CPU path),
# then the npm package and demo page end-to-end tests.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/env.sh"
cd "$ROOT"
echo "== wasm-bindgen tests in headless Chromium"
# --release shares the dependency build with scripts/build-wasm.sh.
wasm-pack test crate --headless --chrome --chromedriver "$(command -v chromedriver)" --release -- --no-default-features --test web
if [ -d tests/e2e ]; then
  echo "== npm package and page tests"
  bash scripts/build-wasm.sh
  bash scripts/build-site.sh
  (cd tests/e2e && node --test --test-concurrency=1)
fi
