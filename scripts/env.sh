# Shared environment for irad's scripts (sourced, not run).
export IRAD_CACHE="${IRAD_CACHE:-$HOME/.cache/irad}"
# One persistent build directory outside the clone, so warm runs (and CI on the same machine) are fast.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$IRAD_CACHE/target}"
export PATH="$IRAD_CACHE/tools/bin:$HOME/.cargo/bin:$PATH"
export XDG_RUNTIME_DIR="${XDG_RUNTIME_DIR:-/tmp}"
