"""Section 2.2: the forward (and backward) pass of both models.

The expected losses and gradients in fixtures/*.npz were computed independently (torch
autograd, float64) on the first 20 images of the MNIST test set.
"""

import os
import unittest

import numpy as np

from autograder.harness.checks.compare import assert_close
from autograder.harness.testing import StudentTestCase, number, weight

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


def load_fixture(name):
    """x, y, loss, accuracy, weights {name: array}, grads {name: array} of fixtures/<name>.npz."""
    with np.load(os.path.join(FIXTURES, name + ".npz")) as f:
        weights = {k[len("weight_"):]: f[k] for k in f.files if k.startswith("weight_")}
        grads = {k[len("grad_"):]: f[k] for k in f.files if k.startswith("grad_")}
        return f["x"], f["y"], float(f["loss"]), float(f["accuracy"]), weights, grads


class TestNetwork(StudentTestCase):
    """Section 2.2: SoftmaxRegression.forward and TwoLayerNet.forward."""

    def check_forward(self, model, fixture, what):
        x, y, loss, accuracy, weights, grads = load_fixture(fixture)
        model.set("weights", weights)
        call = f"{what}.forward(X, y, mode='train'), X of shape {x.shape}"
        got_loss, got_accuracy = model.call("forward", x, y, mode="train")
        assert_close(got_loss, loss, call=f"{call}: the loss")
        assert_close(got_accuracy, accuracy, call=f"{call}: the accuracy")
        got_grads = model.get("gradients")
        for name, expected in grads.items():
            if name not in got_grads:
                self.fail(f"{call}: self.gradients has no entry {name!r}")
            assert_close(got_grads[name], expected, rtol=1e-6, atol=1e-12,
                         call=f"{call}: self.gradients[{name!r}]")

    @weight(4)
    @number("2.2.1")
    def test_one_layer_softmax_relu(self):
        """SoftmaxRegression.forward returns the batch's loss and accuracy and stores the gradient of W1"""
        model = self.student.call("models.softmax_regression.SoftmaxRegression")
        self.check_forward(model, "softmax_regression", "SoftmaxRegression()")

    @weight(4)
    @number("2.2.2")
    def test_two_layer_net(self):
        """TwoLayerNet.forward returns the batch's loss and accuracy and stores the gradients of W1, b1, W2, b2"""
        model = self.student.call("models.two_layer_nn.TwoLayerNet", hidden_size=32)
        self.check_forward(model, "two_layer", "TwoLayerNet(hidden_size=32)")


if __name__ == "__main__":
    unittest.main()
