"""Regenerate public_tests/a1_mnist/fixtures/*.npz (instructors only; not a test).

    .venv/bin/python private_tests/a1_mnist/make_public_fixtures.py

The expected losses and gradients come from torch autograd in float64, independently of
the NumPy reference solution. The batch is the first 20 images of the canonical MNIST test
set, read from the IDX files in ../shared/data/mnist.
"""

import gzip
from pathlib import Path

import numpy as np
import torch

REPO = Path(__file__).resolve().parents[2]
MNIST = REPO.parent / "shared" / "data" / "mnist"
OUT = REPO / "public_tests" / "a1_mnist" / "fixtures"
N = 20
HIDDEN = 32


def first_test_images(n):
    with gzip.open(MNIST / "t10k-images-idx3-ubyte.gz") as f:
        images = np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 784)
    with gzip.open(MNIST / "t10k-labels-idx1-ubyte.gz") as f:
        labels = np.frombuffer(f.read(), np.uint8, offset=8)
    return images[:n] / 255, labels[:n].astype(np.int64)


def loss_and_grads(weights, forward, x, y):
    params = {k: torch.tensor(v, requires_grad=True) for k, v in weights.items()}
    scores = forward(params, torch.tensor(x))
    loss = torch.nn.functional.cross_entropy(scores, torch.tensor(y))
    loss.backward()
    accuracy = (scores.argmax(1).numpy() == y).mean()
    return loss.item(), accuracy, {k: p.grad.numpy() for k, p in params.items()}


def main():
    x, y = first_test_images(N)
    rng = np.random.default_rng(7643)
    softmax_weights = {"W1": 0.01 * rng.standard_normal((784, 10))}
    two_layer_weights = {
        "W1": 0.05 * rng.standard_normal((784, HIDDEN)),
        "b1": 0.1 * rng.standard_normal(HIDDEN),
        "W2": 0.5 * rng.standard_normal((HIDDEN, 10)),
        "b2": 0.1 * rng.standard_normal(10),
    }
    models = {
        "softmax_regression": (softmax_weights, lambda p, X: torch.relu(X @ p["W1"])),
        "two_layer": (two_layer_weights,
                      lambda p, X: torch.sigmoid(X @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"]),
    }
    OUT.mkdir(parents=True, exist_ok=True)
    for name, (weights, forward) in models.items():
        loss, accuracy, grads = loss_and_grads(weights, forward, x, y)
        arrays = {"x": x, "y": y, "loss": loss, "accuracy": accuracy}
        arrays.update({f"weight_{k}": v for k, v in weights.items()})
        arrays.update({f"grad_{k}": v for k, v in grads.items()})
        np.savez_compressed(OUT / f"{name}.npz", **arrays)
        print(f"{name}: loss {loss:.6f}, accuracy {accuracy:.4f}")


if __name__ == "__main__":
    main()
