#!/usr/bin/env bash
# Install everything irad needs, idempotently: Debian packages, the wasm32 target (rustup, with a
# Debian fallback), wasm-bindgen-cli matching Cargo.lock, wasm-pack (kept from downloading),
# a working wasm-opt (npm binaryen, never Debian's), Node packages for the browser tests, and the
# datasets. Fast when already done. Nothing is fetched from any host but the package registries.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
CACHE="${IRAD_CACHE:-$HOME/.cache/irad}"
TOOLS="$CACHE/tools"
mkdir -p "$TOOLS/bin"
export PATH="$TOOLS/bin:$HOME/.cargo/bin:$PATH"
step() { printf '\033[1m== %s\033[0m\n' "$*"; }
SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"

# --- Debian packages -------------------------------------------------------------------------
need_pkgs=()
for p in chromium chromium-driver; do
  dpkg -s "$p" >/dev/null 2>&1 || need_pkgs+=("$p")
done
command -v python3 >/dev/null || need_pkgs+=(python3 python3-pip)
command -v node >/dev/null || need_pkgs+=(nodejs npm)
command -v cc >/dev/null || need_pkgs+=(build-essential)
if [ ${#need_pkgs[@]} -gt 0 ]; then
  step "apt-get install ${need_pkgs[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${need_pkgs[@]}" >/dev/null
fi
if dpkg -s binaryen >/dev/null 2>&1; then
  echo "warning: Debian's binaryen is installed; its wasm-opt breaks modules. irad uses npm binaryen from $TOOLS instead." >&2
fi

# --- Rust: wasm32 target ---------------------------------------------------------------------
if ! command -v cargo >/dev/null; then
  echo "error: cargo not found; install Rust (rustup or Debian rustc-web/cargo-web) first" >&2; exit 1
fi
has_wasm_std() { ls "$(rustc --print sysroot)/lib/rustlib/wasm32-unknown-unknown/lib/"libstd-*.rlib >/dev/null 2>&1; }
if ! has_wasm_std; then
  step "rustup target add wasm32-unknown-unknown"
  if ! (command -v rustup >/dev/null && timeout 600 rustup target add wasm32-unknown-unknown) || ! has_wasm_std; then
    # Fallback for machines that reach only package mirrors: Debian's rustc-web with its std
    # source, std built once for wasm32 (see ../shared/wasm-toolchain.md).
    step "Debian fallback: rustc-web + std for wasm32 built from source"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq rustc-web cargo-web rust-web-src lld-22 >/dev/null
    export PATH="/usr/bin:$PATH"
    tmp="$(mktemp -d)"; (cd "$tmp" && cargo init -q --lib --name stdbuild &&
      RUSTC_BOOTSTRAP=1 RUSTFLAGS=-Cembed-bitcode=yes cargo build -q --release --target wasm32-unknown-unknown \
        -Zbuild-std=std,panic_abort,test)
    $SUDO mkdir -p /usr/lib/rustlib/wasm32-unknown-unknown/lib
    find "$tmp/target/wasm32-unknown-unknown/release/deps" -name 'lib*' ! -name 'libstdbuild*' \( -name '*.rlib' -o -name '*.rmeta' \) \
      -exec $SUDO cp {} /usr/lib/rustlib/wasm32-unknown-unknown/lib/ \;
    rm -rf "$tmp"
    has_wasm_std || { echo "error: no wasm32 standard library could be installed" >&2; exit 1; }
  fi
fi

# --- wasm-bindgen-cli, the exact version in Cargo.lock ------------------------------------------
WB_VERSION="$(grep -A1 '^name = "wasm-bindgen"$' "$ROOT/Cargo.lock" | sed -n 's/^version = "\(.*\)"$/\1/p')"
if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WB_VERSION" ]; then
  step "cargo install wasm-bindgen-cli $WB_VERSION (a few minutes, once)"
  # Not --locked: its lock file pins a webpki-roots release the registry no longer serves.
  cargo install -q wasm-bindgen-cli --version "$WB_VERSION" --root "$TOOLS"
fi
if ! command -v wasm-pack >/dev/null; then
  step "cargo install wasm-pack (a few minutes, once)"
  cargo install -q wasm-pack --locked --root "$TOOLS"
fi

# --- npm: binaryen's wasm-opt, playwright-core for page tests --------------------------------
if [ ! -x "$TOOLS/node_modules/.bin/wasm-opt" ] || [ ! -d "$TOOLS/node_modules/playwright-core" ]; then
  step "npm install binaryen@132 playwright-core (into $TOOLS)"
  (cd "$TOOLS" && [ -f package.json ] || echo '{"private":true}' > "$TOOLS/package.json"
   cd "$TOOLS" && npm install --silent --no-audit --no-fund binaryen@132.0.0 playwright-core@1 >/dev/null)
fi
ln -sf "$TOOLS/node_modules/.bin/wasm-opt" "$TOOLS/bin/wasm-opt"

# --- datasets ----------------------------------------------------------------------------------
step "datasets"
bash "$ROOT/scripts/fetch-data.sh"
echo "setup done. Tools in $TOOLS/bin (put it on PATH: export PATH=\"$TOOLS/bin:\$PATH\")"
