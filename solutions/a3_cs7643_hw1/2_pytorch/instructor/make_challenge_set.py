#!/usr/bin/env python3
"""Write the challenge set: data/test_images.npy (for students) and data/challenge_labels.npy (grader only).

    python instructor/make_challenge_set.py --standin --out data
    python instructor/make_challenge_set.py --images IMAGES.npy --labels LABELS.npy --out data

--standin draws the kit's set from the CIFAR-10 stand-in's generator (tools/make_cifar_standin.py,
a batch of its own seed, so no training or test image of the stand-in is in it). For a real term,
give labelled 32x32 RGB images students cannot look up (not CIFAR-10's own test batch, whose
labels they have; for example CIFAR-10.1's 2,000 images, in the same classes): uint8 (N, 32, 32, 3)
and integer labels (N,). They are shuffled with a fixed seed and written in the course's format,
test_images.npy uint8 (N, 32, 32, 3), as challenge_data.py reads it.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[4]
STANDIN_IMAGES = 2000
STANDIN_BATCH = 7   # make_cifar_standin's batches 1-5 are the training set, 6 the test batch


def standin_set(count=STANDIN_IMAGES):
    """(images uint8 (N, 32, 32, 3), labels int64 (N,)) from the stand-in's generator."""
    sys.path.insert(0, str(REPO / "tools"))
    from make_cifar_standin import make_batch

    data, labels = make_batch(count, 0, STANDIN_BATCH)
    return data.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).copy(), np.asarray(labels, dtype=np.int64)


def write_set(images, labels, out, seed=2019):
    """Shuffle, check and write test_images.npy and challenge_labels.npy into `out`."""
    images, labels = np.asarray(images), np.asarray(labels)
    if images.dtype != np.uint8 or images.ndim != 4 or images.shape[1:] != (32, 32, 3):
        raise SystemExit(f"images must be uint8 of shape (N, 32, 32, 3), not {images.dtype} {images.shape}")
    if labels.shape != (len(images),) or labels.min() < 0 or labels.max() > 9:
        raise SystemExit(f"labels must be (N,) = ({len(images)},) integers from 0 to 9")
    order = np.random.default_rng(seed).permutation(len(images))
    out.mkdir(parents=True, exist_ok=True)
    np.save(out / "test_images.npy", np.ascontiguousarray(images[order]))
    np.save(out / "challenge_labels.npy", labels[order].astype(np.int64))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder for test_images.npy and challenge_labels.npy")
    parser.add_argument("--standin", action="store_true", help="the kit's stand-in set")
    parser.add_argument("--images", type=Path, help="uint8 (N, 32, 32, 3) .npy of labelled images")
    parser.add_argument("--labels", type=Path, help="their labels, (N,) .npy")
    args = parser.parse_args()
    if args.standin == bool(args.images and args.labels):
        parser.error("give --standin, or --images and --labels")
    images, labels = standin_set() if args.standin else (np.load(args.images), np.load(args.labels))
    write_set(images, labels, args.out)


if __name__ == "__main__":
    main()
