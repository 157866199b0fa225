#!/usr/bin/env python3
"""Build the course's CIFAR-10 files from a cifar-10-python.tar.gz archive (real or stand-in).

    python instructor/make_kit_data.py --out data                         # fetch the real archive
    python instructor/make_kit_data.py --url URL --md5 none --out data    # another server
    python instructor/make_kit_data.py --archive cifar-10-python.tar.gz --md5 none --out data

What it writes (the 2019 kit's on-disk layout, which tools/dataset.py reads):

    data/cifar10_train_val/cifar10-batches-images-train.npy   uint8 (45000, 32, 32, 3)
    data/cifar10_train_val/cifar10-batches-labels-train.npy   int64 (45000,)
    data/cifar10_train_val/cifar10-batches-images-val.npy     uint8 (5000, 32, 32, 3)
    data/cifar10_train_val/cifar10-batches-labels-val.npy     int64 (5000,)
    data/cifar10_test/cifar10-batches-images-test.npy         uint8 (10000, 32, 32, 3), no labels
    data/eval/val_images.npy                                  the val images, (N, 3, 32, 32), for the grader's
                                                              checkpoint scoring (the worker sees them)
    data/eval/val_labels.npy                                  their labels (grader only)
    data/hidden/test_labels.npy                               the test images' labels (grader only)
    data/sample.csv                                           the format of predictions.csv (Id,Category)

How: the 50,000 training images are split 90/10 into train and val with a fixed seeded
permutation (stratified: each class split alone, so both splits keep the class balance);
the 10,000 test images are shuffled in a fixed seeded order. Then ONE fixed class relabelling,
RELABEL, is applied to every split: kit label = RELABEL[CIFAR-10 label]. It has no fixed
point (no class keeps its public number), so public CIFAR-10 labels, or weights trained on
them, do not transfer: such a model scores about (its error rate) / 9 on the kit's test split,
below chance (the course's "about 6%"; tests/test_a4_data.py measures it).

A smaller archive (the kit's stand-in, tools/make_cifar_standin.py) gets the same 90/10 split
of its training images and its whole test batch.
"""

import argparse
import hashlib
import io
import pickle
import sys
import tarfile
import urllib.request
from pathlib import Path

import numpy as np

URL = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
MD5 = "c58f30108f718f92721af3b95e74349a"   # the real archive's
TRAIN_BATCHES = [f"data_batch_{i}" for i in range(1, 6)]
VAL_FRACTION = 0.1
SEED = 590
# kit label of each CIFAR-10 class (airplane, automobile, bird, cat, deer, dog, frog, horse,
# ship, truck): a derangement, fixed for every term.
RELABEL = np.array([3, 8, 0, 5, 9, 2, 7, 1, 4, 6], dtype=np.int64)


def read_archive(data):
    """Bytes of cifar-10-python.tar.gz -> {batch name: (images uint8 (N, 32, 32, 3), labels int64 (N,))}."""
    batches = {}
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as tar:
        for member in tar.getmembers():
            name = member.name.rsplit("/", 1)[-1]
            if member.isfile() and name in TRAIN_BATCHES + ["test_batch"]:
                entry = pickle.load(tar.extractfile(member), encoding="latin1")
                images = np.asarray(entry["data"], dtype=np.uint8).reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
                batches[name] = (np.ascontiguousarray(images), np.asarray(entry["labels"], dtype=np.int64))
    missing = [n for n in TRAIN_BATCHES + ["test_batch"] if n not in batches]
    if missing:
        raise SystemExit(f"the archive lacks {', '.join(missing)}: not a cifar-10-python.tar.gz")
    return batches


def split(batches, seed=SEED):
    """-> {split: (images, labels)} with the public CIFAR-10 labels (before RELABEL)."""
    images = np.concatenate([batches[n][0] for n in TRAIN_BATCHES])
    labels = np.concatenate([batches[n][1] for n in TRAIN_BATCHES])
    rng = np.random.default_rng(seed)
    val = []
    for c in range(10):
        members = rng.permutation(np.flatnonzero(labels == c))
        val.extend(members[:int(round(VAL_FRACTION * len(members)))])
    is_val = np.zeros(len(labels), dtype=bool)
    is_val[val] = True
    train_order = rng.permutation(np.flatnonzero(~is_val))
    val_order = rng.permutation(np.flatnonzero(is_val))
    test_images, test_labels = batches["test_batch"]
    test_order = rng.permutation(len(test_labels))
    return {"train": (images[train_order], labels[train_order]), "val": (images[val_order], labels[val_order]),
            "test": (test_images[test_order], test_labels[test_order])}


def write(splits, out):
    out = Path(out)
    for sub in ("cifar10_train_val", "cifar10_test", "eval", "hidden"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    kit = {name: (images, RELABEL[labels]) for name, (images, labels) in splits.items()}
    for name in ("train", "val"):
        np.save(out / "cifar10_train_val" / f"cifar10-batches-images-{name}.npy", kit[name][0])
        np.save(out / "cifar10_train_val" / f"cifar10-batches-labels-{name}.npy", kit[name][1])
    np.save(out / "cifar10_test" / "cifar10-batches-images-test.npy", kit["test"][0])
    np.save(out / "eval" / "val_images.npy", np.ascontiguousarray(kit["val"][0].transpose(0, 3, 1, 2)))
    np.save(out / "eval" / "val_labels.npy", kit["val"][1])
    np.save(out / "hidden" / "test_labels.npy", kit["test"][1])
    with open(out / "sample.csv", "w") as f:   # the expected format of predictions.csv: every id, class 0
        f.write("Id,Category\n" + "".join(f"{i},0\n" for i in range(len(kit["test"][1]))))
    return kit


def fetch(url, md5):
    with urllib.request.urlopen(url, timeout=120) as response:
        data = response.read()
    if md5 and hashlib.md5(data).hexdigest() != md5:
        raise SystemExit(f"{url}: MD5 {hashlib.md5(data).hexdigest()} is not the expected {md5}")
    return data


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="the assignment's data/ folder")
    parser.add_argument("--url", default=URL, help="where to fetch cifar-10-python.tar.gz")
    parser.add_argument("--archive", type=Path, help="a local cifar-10-python.tar.gz instead of --url")
    parser.add_argument("--md5", default=MD5, help="the archive's MD5 ('none' to skip the check)")
    args = parser.parse_args(argv)
    md5 = None if args.md5.lower() == "none" else args.md5
    if args.archive:
        data = args.archive.read_bytes()
        if md5 and hashlib.md5(data).hexdigest() != md5:
            raise SystemExit(f"{args.archive}: MD5 {hashlib.md5(data).hexdigest()} is not the expected {md5}")
    else:
        data = fetch(args.url, md5)
    kit = write(split(read_archive(data)), args.out)
    print(", ".join(f"{name} {len(labels)}" for name, (_, labels) in kit.items()), "->", args.out)


if __name__ == "__main__":
    sys.exit(main())
