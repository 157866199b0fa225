"""Make the data the tests read, from ../shared and generators (no network needed).

- a1_mnist: the course's CSVs (data/mnist_train.csv, data/mnist_test.csv) converted from
  the canonical MNIST IDX files in SHARED/data/mnist by the assignment's own get_data.py;
- a2_cnn parts: a small learnable CIFAR-10 stand-in in the real cifar-10-batches-py
  format (tools/make_cifar_standin.py), since CIFAR-10 cannot be fetched here.
Existing files are kept, so this is cheap to run before every test.
"""

import argparse
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def prepare(name, shared):
    root = REPO / "solutions" / name
    if name == "a1_mnist":
        if not (root / "data" / "mnist_test.csv").exists():
            run([root / "data" / "get_data.py", "--source", shared / "data" / "mnist", "--out", root / "data"])
    elif name.startswith("a2_cnn/"):
        if not (root / "data" / "cifar-10-batches-py" / "test_batch").exists():
            run([REPO / "tools" / "make_cifar_standin.py", "--out", root / "data"])


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
