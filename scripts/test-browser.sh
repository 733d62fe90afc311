#!/usr/bin/env bash
# Browser tests: wasm-bindgen-test in headless Chromium (WebGPU via SwiftShader, and the CPU path),
# then the npm package and demo page end-to-end tests.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/env.sh"
cd "$ROOT"
echo "== wasm-bindgen tests in headless Chromium"
# What `wasm-pack test --chrome --headless` does, but with `--no-default-features` on every cargo
# step (wasm-pack's first build ignores it). --release shares the dependency build with
# scripts/build-wasm.sh; webdriver.json (Chromium flags: WebGPU on) is read from crate/.
export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export CHROMEDRIVER="$(command -v chromedriver)"
export WASM_BINDGEN_TEST_TIMEOUT=900
cargo test --release --target wasm32-unknown-unknown --no-default-features -p irad --test web
if [ -d tests/e2e ]; then
  echo "== npm package and page tests"
  bash scripts/build-wasm.sh
  bash scripts/build-site.sh
  (cd tests/e2e && node --test --test-concurrency=1)
fi
