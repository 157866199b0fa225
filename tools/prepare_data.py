"""Make the data the tests read, from ../shared and generators (no network needed).

- a1_mnist: the course's CSVs (data/mnist_train.csv, data/mnist_test.csv) converted from
  the canonical MNIST IDX files in SHARED/data/mnist by the assignment's own get_data.py;
- a2_cnn parts: a small learnable CIFAR-10 stand-in in the real cifar-10-batches-py
  format (tools/make_cifar_standin.py), since CIFAR-10 cannot be fetched here; for part 2,
  its test split as the hidden test set checkpoints are scored on (images and labels in
  separate files: only the images ever reach a submission's worker);
- a5_lenet_resnet_101: a small learnable Caltech-101 stand-in archive in the real
  caltech-101.zip format (tools/make_caltech_standin.py, into build/caltech-standin/),
  prepared by the assignment's own data/prepare_caltech101.py --archive into data/train
  and data/val (64x64, 90/10 per class), and the validation split as the arrays
  checkpoints are scored on (data/val_images.npy, data/val_labels.npy; written by
  data/make_eval_arrays.py);
- a3_cs7643_hw1/1_cs231n: the CIFAR-10 stand-in at full size (5 x 10,000 training and
  10,000 test images: the notebooks take 49,000 + 1,000 training and 1,000 test images)
  in cs231n/datasets/cifar-10-batches-py, where get_datasets.sh puts the real one;
- a3_cs7643_hw1/2_pytorch: the challenge set (data/test_images.npy for the worker,
  data/challenge_labels.npy for the grader), drawn from the CIFAR-10 stand-in's generator
  by the assignment's instructor/make_challenge_set.py --standin;
- a4_lenet_cifar10: the course's re-split, relabelled CIFAR-10 files, made by the
  assignment's instructor/make_kit_data.py --archive from a CIFAR-10 stand-in archive
  (cifar-10-python.tar.gz, 5 x 1,000 training and 1,000 test images, into
  build/a4-standin/): 4,500 / 500 / 1,000 train / val / test, as the real archive gives
  45,000 / 5,000 / 10,000.
Existing files are kept, so this is cheap to run before every test.
"""

import argparse
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parent.parent


def prepare(name, shared):
    root = REPO / "solutions" / name
    if name == "a1_mnist":
        if not (root / "data" / "mnist_test.csv").exists():
            run([root / "data" / "get_data.py", "--source", shared / "data" / "mnist", "--out", root / "data"])
    elif name.startswith("a2_cnn/"):
        if not (root / "data" / "cifar-10-batches-py" / "test_batch").exists():
            run([REPO / "tools" / "make_cifar_standin.py", "--out", root / "data"])
        if name.endswith("part2-pytorch") and not (root / "data" / "hidden_test_labels.npy").exists():
            split_hidden_test_set(root / "data")
    elif name == "a5_lenet_resnet_101":
        data = root / "data"
        arrays = [data / "val_images.npy", data / "val_labels.npy"]
        if not (data / "val").is_dir():
            # A fresh archive every time (the generator may have changed since the last).
            standin = REPO / "build" / "caltech-standin"
            run([REPO / "tools" / "make_caltech_standin.py", "--out", standin])
            run([data / "prepare_caltech101.py", "--archive", standin / "caltech-101.zip", "--out", data, "--force"])
            for path in arrays:
                path.unlink(missing_ok=True)
        if not all(path.exists() for path in arrays):
            run([data / "make_eval_arrays.py", "--out", data, "--force"])
    elif name == "a3_cs7643_hw1/1_cs231n":
        datasets = root / "cs231n" / "datasets"
        if not (datasets / "cifar-10-batches-py" / "test_batch").exists():
            run([REPO / "tools" / "make_cifar_standin.py", "--out", datasets, "--per-batch", "10000",
                 "--test", "10000"])
    elif name == "a3_cs7643_hw1/2_pytorch":
        if not (root / "data" / "challenge_labels.npy").exists():
            run([root / "instructor" / "make_challenge_set.py", "--standin", "--out", root / "data"])
    elif name == "a4_lenet_cifar10":
        if not (root / "data" / "hidden" / "test_labels.npy").exists():
            standin = REPO / "build" / "a4-standin"
            if not (standin / "cifar-10-python.tar.gz").exists():
                run([REPO / "tools" / "make_cifar_standin.py", "--out", standin, "--per-batch", "1000",
                     "--test", "1000", "--tar"])
            run([root / "instructor" / "make_kit_data.py", "--archive", standin / "cifar-10-python.tar.gz",
                 "--md5", "none", "--out", root / "data"])

def split_hidden_test_set(data):
    """Checkpoints are scored on the test split: images for the worker, labels for the grader."""
    sys.path.insert(0, str(REPO))
    from tools.cifar_eval import load_test_batch

    images, labels = load_test_batch(data / "cifar-10-batches-py")
    np.save(data / "hidden_test_images.npy", images)
    np.save(data / "hidden_test_labels.npy", labels)


def run(cmd):
    subprocess.run([sys.executable, *map(str, cmd)], check=True, cwd=REPO)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--shared", type=Path, default=REPO.parent / "shared")
    parser.add_argument("names", nargs="*")
    args = parser.parse_args()
    for name in args.names:
        prepare(name, args.shared.resolve())


if __name__ == "__main__":
    main()
