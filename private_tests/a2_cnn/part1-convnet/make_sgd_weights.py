"""Write public_tests/a2_cnn/part1-convnet/sgd_weights/{w,b}.npy from the reference SGD.

    .venv/bin/python private_tests/a2_cnn/part1-convnet/make_sgd_weights.py

Runs the public test's own two_sgd_steps() on the reference solution; rerun it when that
function or the kit's Linear initialization changes.
"""

import importlib.util
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[3]
PUBLIC = REPO / "public_tests" / "a2_cnn" / "part1-convnet"
SOLUTION = REPO / "solutions" / "a2_cnn" / "part1-convnet"


def load_public_sgd_test():
    spec = importlib.util.spec_from_file_location("public_test_sgd", PUBLIC / "test_sgd.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def main():
    sys.path.insert(0, str(REPO))  # run as a script: the repository root is not on the path
    from autograder.harness.student import local_student

    w, b = load_public_sgd_test().two_sgd_steps(local_student(SOLUTION))
    out = PUBLIC / "sgd_weights"
    out.mkdir(exist_ok=True)
    np.save(out / "w.npy", w)
    np.save(out / "b.npy", b)


if __name__ == "__main__":
    main()
