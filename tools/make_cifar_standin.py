"""Write a small, learnable stand-in for CIFAR-10 in the `cifar-10-batches-py` format.

    python tools/make_cifar_standin.py --out DIR [--per-batch N] [--test N] [--seed S] [--tar]

writes DIR/cifar-10-batches-py/ (data_batch_1..5, test_batch, batches.meta, readme.html)
and, with --tar, DIR/cifar-10-python.tar.gz laid out like the real archive.

The files are Python 2 style pickles like the real ones: dict keys and strings are
pickled as py2 `str`, so `pickle.load(f, encoding='latin1')` gives 'data', 'labels', ...
(what torchvision and the course loaders use) and `encoding='bytes'` gives b'data', ...
'data' is uint8 (N, 3072): per row the 1024 red, then green, then blue pixels of a
32x32 image in row-major order; 'labels' a list of ints in [0, 10).

What an image shows. Each class is a shape (disk, square, ring, plus, stripes, ...)
drawn at a random place, size and colour over a random smooth background, with pixel
noise and a few distractor strokes. The class decides the shape; colour only leans
towards a class hue. A classifier must find a local pattern anywhere in the image:
convolutions do this well, a fully connected network much worse, which is what gives
the course's accuracy tiers (two-layer net < vanilla CNN < own CNN) their meaning
here. Every shape looks the same mirrored left-right, as the course's training
augmentation (random crop and horizontal flip) assumes.

Every batch is drawn from its own seed (seed, batch number), so the test batch is the
same whatever --per-batch is, and each batch holds every class equally often (when its
size is a multiple of 10).
"""

import argparse
import gzip
import io
import os
import pickle
import struct
import tarfile

import numpy as np

LABEL_NAMES = ["airplane", "automobile", "bird", "cat", "deer",
               "dog", "frog", "horse", "ship", "truck"]
SIDE = 32
BATCHES = ["data_batch_1", "data_batch_2", "data_batch_3", "data_batch_4", "data_batch_5",
           "test_batch"]
README = b"<html><body>Synthetic stand-in for CIFAR-10, written by " \
         b"tools/make_cifar_standin.py; not the real data set.</body></html>\n"

# Knobs of the task's difficulty (calibrated so the course tiers mean something; see
# the module docstring): how often the shape takes its class hue, and the noise.
CLASS_HUE_PROB = 0.7
PIXEL_NOISE = 0.10
DISTRACTORS = (0, 3)
JITTER = 4.0

_YY, _XX = np.mgrid[0:SIDE, 0:SIDE] + 0.5


def shape_mask(label, dy, dx):
    """Pixels covered by the shape of class `label`, in coordinates scaled to [-1, 1]."""
    r = np.hypot(dx, dy)
    box = np.maximum(np.abs(dx), np.abs(dy)) < 1
    if label == 0:
        return r < 1                                               # disk
    if label == 1:
        return np.maximum(np.abs(dx), np.abs(dy)) < 0.8           # square
    if label == 2:
        return (r < 1) & (r > 0.55)                               # ring
    if label == 3:
        return box & ((np.abs(dx) < 0.3) | (np.abs(dy) < 0.3))    # plus
    if label == 4:
        return box & (np.cos(dy * 2.5 * np.pi) > 0)               # horizontal stripes
    if label == 5:
        return box & (np.cos(dx * 2.5 * np.pi) > 0)               # vertical stripes
    if label == 6:
        return box & (np.cos(dx * 2 * np.pi) * np.cos(dy * 2 * np.pi) > 0)  # checkerboard
    if label == 7:
        return (np.abs(dy) < 1) & (np.abs(dx) < (dy + 1) / 2)     # triangle
    if label == 8:
        return box & (np.abs(np.abs(dx) - np.abs(dy)) < 0.3)      # diagonal cross
    return box & (np.hypot(np.cos(dx * 2 * np.pi), np.cos(dy * 2 * np.pi)) > 1.1)  # dots


def random_colour(rng, hue=None):
    """An RGB colour in [0, 1]: a saturated hue (random unless given), random brightness."""
    if hue is None:
        hue, sat = rng.uniform(0, 1), rng.uniform(0.3, 1.0)
    else:
        hue, sat = (hue + rng.normal(0, 0.03)) % 1, rng.uniform(0.8, 1.0)
    rgb = np.clip(np.abs((hue * 6 + np.array([0.0, 4.0, 2.0])) % 6 - 3) - 1, 0, 1)
    return rng.uniform(0.35, 1.0) * (1 - sat + sat * rgb)


def render(rng, label):
    """One image of class `label`: uint8 of shape (32, 32, 3)."""
    coarse = rng.uniform(-0.25, 0.25, size=(4, 4, 3))
    smooth = np.kron(coarse, np.ones((8, 8, 1)))
    image = random_colour(rng) * 0.8 + smooth
    for _ in range(rng.integers(*DISTRACTORS, endpoint=True)):
        y0, x0, y1, x1 = rng.uniform(0, SIDE, 4)
        t = np.clip(((_YY - y0) * (y1 - y0) + (_XX - x0) * (x1 - x0))
                    / max((y1 - y0) ** 2 + (x1 - x0) ** 2, 1e-6), 0, 1)
        stroke = np.hypot(_YY - y0 - t * (y1 - y0), _XX - x0 - t * (x1 - x0)) < 1.0
        image[stroke] = random_colour(rng)
    size = rng.uniform(6, 11)
    cy, cx = np.clip(SIDE / 2 + rng.uniform(-JITTER, JITTER, 2), size, SIDE - size)
    mask = shape_mask(label, (_YY - cy) / size, (_XX - cx) / size)
    hue = label / 10 if rng.uniform() < CLASS_HUE_PROB else None
    image[mask] = random_colour(rng, hue)
    image = image + rng.normal(0, PIXEL_NOISE, image.shape)
    return np.clip(np.round(image * 255), 0, 255).astype(np.uint8)


def make_batch(n, seed, batch_index):
    """n images and labels from the seed (seed, batch_index): ((n, 3072) uint8, list)."""
    rng = np.random.default_rng([seed, batch_index])
    labels = rng.permutation(np.arange(n) % 10)
    data = np.empty((n, 3 * SIDE * SIDE), dtype=np.uint8)
    for i, label in enumerate(labels):
        data[i] = render(rng, label).transpose(2, 0, 1).reshape(-1)
    return data, [int(y) for y in labels]


class _Py2Pickler(pickle._Pickler):
    """Protocol 2 pickler writing bytes as Python 2 `str`, as the real batches are."""

    dispatch = pickle._Pickler.dispatch.copy()

    def save_py2_str(self, obj):
        if len(obj) < 256:
            self.write(pickle.SHORT_BINSTRING + bytes([len(obj)]) + obj)
        else:
            self.write(pickle.BINSTRING + struct.pack("<i", len(obj)) + obj)
        self.memoize(obj)

    dispatch[bytes] = save_py2_str


def py2_pickle(obj):
    buffer = io.BytesIO()
    _Py2Pickler(buffer, protocol=2).dump(obj)
    return buffer.getvalue()


def batch_files(per_batch=500, test=1000, seed=0):
    """{file name: bytes} of the cifar-10-batches-py folder."""
    files = {}
    for index, name in enumerate(BATCHES, start=1):
        n = test if name == "test_batch" else per_batch
        data, labels = make_batch(n, seed, index)
        label = (b"testing batch 1 of 1" if name == "test_batch"
                 else b"training batch %d of 5" % index)
        files[name] = py2_pickle({
            b"batch_label": label,
            b"labels": labels,
            b"data": data,
            b"filenames": [b"standin_%s_%06d.png" % (LABEL_NAMES[y].encode(), i)
                           for i, y in enumerate(labels)],
        })
    files["batches.meta"] = py2_pickle({
        b"num_cases_per_batch": per_batch,
        b"label_names": [name.encode() for name in LABEL_NAMES],
        b"num_vis": 3 * SIDE * SIDE,
    })
    files["readme.html"] = README
    return files


def write_tar(path, files):
    """A reproducible cifar-10-python.tar.gz: fixed times and owners, as the real layout."""
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.GNU_FORMAT) as tar:
        folder = tarfile.TarInfo("cifar-10-batches-py")
        folder.type, folder.mode = tarfile.DIRTYPE, 0o755
        tar.addfile(folder)
        for name in sorted(files):
            info = tarfile.TarInfo("cifar-10-batches-py/" + name)
            info.size, info.mode = len(files[name]), 0o644
            tar.addfile(info, io.BytesIO(files[name]))


def write_standin(out, *, per_batch=500, test=1000, seed=0, tar=False):
    """Write out/cifar-10-batches-py/ (and out/cifar-10-python.tar.gz); return the folder."""
    files = batch_files(per_batch, test, seed)
    folder = os.path.join(out, "cifar-10-batches-py")
    os.makedirs(folder, exist_ok=True)
    for name, content in files.items():
        with open(os.path.join(folder, name), "wb") as f:
            f.write(content)
    if tar:
        write_tar(os.path.join(out, "cifar-10-python.tar.gz"), files)
    return folder


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder to write cifar-10-batches-py/ into")
    parser.add_argument("--per-batch", type=int, default=500, help="images per training batch")
    parser.add_argument("--test", type=int, default=1000, help="images in test_batch")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--tar", action="store_true", help="also write cifar-10-python.tar.gz")
    args = parser.parse_args(argv)
    write_standin(args.out, per_batch=args.per_batch, test=args.test, seed=args.seed, tar=args.tar)


if __name__ == "__main__":
    main()
