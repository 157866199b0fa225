"""Regenerate public_tests/a2_cnn/part2-pytorch/fixtures/*.npz (instructors only; not a test).

    .venv/bin/python private_tests/a2_cnn/part2-pytorch/make_public_fixtures.py

The public tests compare a student's FocalLoss with the values stored here, so that the
student zip never holds an implementation of the loss (the students' own work). The
expected gradient is the numerical gradient (central differences) of the plain NumPy
float64 focal loss below, written straight from the handout's definition, independently
of the reference solution. Rerun after changing a case.
"""

from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[3]
OUT = REPO / "public_tests" / "a2_cnn" / "part2-pytorch" / "fixtures"


def focal_loss(x, y, gamma, w=None):
    """The class-balanced softmax focal loss of scores x (N, C), labels y (N,): the
    weighted mean sum_i -w_(y_i) (1 - p_(y_i))^gamma log p_(y_i) / sum_i w_(y_i)."""
    z = x - x.max(axis=1, keepdims=True)
    log_p = (z - np.log(np.exp(z).sum(axis=1, keepdims=True)))[np.arange(len(y)), y]
    wy = np.ones(len(y)) if w is None else np.asarray(w, dtype=np.float64)[y]
    return np.sum(wy * -(1 - np.exp(log_p)) ** gamma * log_p) / np.sum(wy)


def scores_and_labels(n, c, seed):
    """The scores and labels test_torch_focal_loss.py's scores_and_labels(n, c, seed) draws."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, c)), rng.integers(0, c, n)


def focal_loss_cases():
    """test_focal_loss_gradient: FocalLoss(gamma=2), float64 scores (6, 5)."""
    from autograder.harness.checks.gradcheck import numerical_gradient

    x, y = scores_and_labels(6, 5, seed=2)
    gamma = 2.0
    case = dict(x=x, y=y, gamma=gamma, loss=focal_loss(x, y, gamma))
    case["dx"], case["dx_index"] = numerical_gradient(lambda v: focal_loss(v, y, gamma), x)
    return {"gradient": case}


def main():
    import sys

    sys.path.insert(0, str(REPO))  # run as a script: the repository root is not on the path
    OUT.mkdir(exist_ok=True)
    for name, make in (("focal_loss", focal_loss_cases),):
        arrays = {f"{case}__{key}": np.asarray(value) for case, values in make().items()
                  for key, value in values.items()}
        np.savez_compressed(OUT / f"{name}.npz", **arrays)


if __name__ == "__main__":
    main()
