"""Part 1.3: SGD with momentum (optimizer/sgd.py, optimizer/_base_optimizer.py)."""

import os

import numpy as np

from autograder.harness.checks.compare import assert_close
from autograder.harness.testing import StudentTestCase, number, weight

HERE = os.path.dirname(os.path.abspath(__file__))


def two_sgd_steps(student):
    """Two forward/backward/update steps of SGD (default settings) on a ConvNet made of
    one Linear(128, 10) layer, from the layer's seeded initial weights.

    Returns the layer's (weight, bias) afterwards. sgd_weights/w.npy and b.npy hold what
    the reference solution returns here.
    """
    model = student.call("modules.conv_classifier.ConvNet", [dict(type='Linear', in_dim=128, out_dim=10)],
                         dict(type='SoftmaxCrossEntropy'))
    optimizer = student.call("optimizer.sgd.SGD", model)
    for seed in (1024, 512):
        rng = np.random.default_rng(seed)
        x = rng.standard_normal((32, 128))
        y = rng.integers(10, size=32)
        model.call("forward", x, y)
        model.call("backward")
        optimizer.call("update", model)
    layer = model.get("modules")[0]
    return layer.get("weight"), layer.get("bias")


class TestSGD(StudentTestCase):
    """SGD.update: L2 regularization of the weights, then momentum updates."""

    @weight(3)
    @number("1.3.1")
    def test_sgd(self):
        """SGD with momentum updates the weights and biases as the reference does over two steps"""
        w, b = two_sgd_steps(self.student)
        call = "two SGD(model) updates of ConvNet([Linear(128, 10)]) after forward and backward"
        assert_close(w, np.load(os.path.join(HERE, "sgd_weights", "w.npy")), call=f"{call}: weight",
                     rtol=1e-6, atol=1e-12)
        assert_close(b, np.load(os.path.join(HERE, "sgd_weights", "b.npy")), call=f"{call}: bias",
                     rtol=1e-6, atol=1e-12)
