#!/usr/bin/env bash
# The whole test suite: set up (idempotent), native tests, then the browser tests.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/env.sh"
bash "$ROOT/scripts/setup.sh"
cd "$ROOT"
echo "== native tests (cargo test)"
cargo test --workspace
if [ -x "$ROOT/scripts/test-browser.sh" ]; then
  echo "== browser tests"
  bash "$ROOT/scripts/test-browser.sh"
fi
