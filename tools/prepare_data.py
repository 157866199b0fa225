"""Make the data the tests read, from ../shared and generators (no network needed).

- a1_mnist: the course's CSVs (data/mnist_train.csv, data/mnist_test.csv) converted from
  the canonical MNIST IDX files in SHARED/data/mnist by the assignment's own get_data.py;
- a2_cnn parts: a small learnable CIFAR-10 stand-in in the real cifar-10-batches-py
  format (tools/make_cifar_standin.py), since CIFAR-10 cannot be fetched here; for part 2,
  its test split as the hidden test set checkpoints are scored on (images and labels in
  separate files: only the images ever reach a submission's worker).
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
