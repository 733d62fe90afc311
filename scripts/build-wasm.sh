#!/usr/bin/env bash
# Build the npm package into pkg/ (wasm-pack, --target web), shrink it with npm binaryen's
# wasm-opt, and ship the default model bundle beside the .wasm.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
source "$ROOT/scripts/env.sh"
cd "$ROOT"
command -v wasm-pack >/dev/null || bash scripts/setup.sh
# wasm-pack uses the wasm-bindgen on PATH (same version as Cargo.lock) and, with wasm-opt disabled
# in Cargo.toml, downloads nothing.
wasm-pack build crate --release --target web --out-dir ../pkg --out-name irad --no-pack -- --no-default-features
wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
  --enable-mutable-globals --enable-reference-types --enable-multivalue --enable-simd \
  pkg/irad_bg.wasm -o pkg/irad_bg.opt.wasm
mv pkg/irad_bg.opt.wasm pkg/irad_bg.wasm
cp models/default.irad pkg/default.irad
cp crate/README.md pkg/README.md
node scripts/package-json.mjs
printf 'pkg/irad_bg.wasm: %s bytes raw, %s gzipped\n' "$(stat -c %s pkg/irad_bg.wasm)" "$(gzip -9c pkg/irad_bg.wasm | wc -c)"
