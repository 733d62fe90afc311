#!/usr/bin/env bash
# Assemble the static demo site in dist/: web/ + the npm package (pkg/) + sample images.
# dist/ can be copied to any static web server (serve .wasm as application/wasm).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
cd "$ROOT"
[ -f pkg/irad_bg.wasm ] || bash scripts/build-wasm.sh
rm -rf dist.tmp && mkdir -p dist.tmp
cp -r web/. dist.tmp/
mkdir -p dist.tmp/pkg && cp -r pkg/irad.js pkg/irad_bg.wasm pkg/default.irad pkg/snippets dist.tmp/pkg/
rm -rf dist && mv dist.tmp dist
echo "static site in $ROOT/dist ($(du -sh dist | cut -f1))"
