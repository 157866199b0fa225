"""Hidden tests, Section 2.1: activations, softmax, cross-entropy and accuracy."""

import unittest

import numpy as np

from autograder.harness.checks.compare import assert_close
from autograder.harness.testing import StudentTestCase, number, visibility, weight


def stable_softmax(scores):
    shifted = np.exp(scores - scores.max(axis=1, keepdims=True))
    return shifted / shifted.sum(axis=1, keepdims=True)


class TestBaseNetworkHidden(StudentTestCase):
    """Section 2.1: the shared functions of _baseNetwork, on more shapes and values."""

    def setUp(self):
        super().setUp()
        self.model = self.student.call("models.two_layer_nn.TwoLayerNet", hidden_size=8)
        self.rng = np.random.default_rng(11)

    @weight(1)
    @number("2.1.8")
    @visibility("after_published")
    def test_sigmoid_shapes_and_extremes(self):
        """sigmoid and sigmoid_dev are right on non-square inputs, at 0 and at large |x|"""
        x = np.concatenate([self.rng.standard_normal((3, 6)) * 4,
                            [[0.0, 50.0, -50.0, 20.0, -20.0, 1e-9]]])
        s = 1 / (1 + np.exp(-x))
        assert_close(self.model.call("sigmoid", x), s, call="sigmoid(X), X of shape (4, 6) with 0 and +-50")
        assert_close(self.model.call("sigmoid_dev", x), s * (1 - s),
                     call="sigmoid_dev(x), x of shape (4, 6) with 0 and +-50")

    @weight(1)
    @number("2.1.9")
    @visibility("after_published")
    def test_relu_shapes_and_extremes(self):
        """ReLU is max(X, 0) on non-square inputs, at 0 and at large |x|"""
        x = np.concatenate([self.rng.standard_normal((2, 5)), [[0.0, 1e6, -1e6, 1e-12, -1e-12]]])
        assert_close(self.model.call("ReLU", x), np.maximum(x, 0),
                     call="ReLU(X), X of shape (3, 5) with 0 and +-1e6")

    @weight(1)
    @number("2.1.10")
    @visibility("after_published")
    def test_relu_dev_at_zero(self):
        """ReLU_dev is 1 where X > 0 and 0 elsewhere, 0 at exactly 0 as the docstring says"""
        x = np.concatenate([self.rng.standard_normal((2, 5)), [[0.0, 1e6, -1e6, 1e-12, -1e-12]]])
        assert_close(self.model.call("ReLU_dev", x), (x > 0).astype(float),
                     call="ReLU_dev(X), X of shape (3, 5) with 0 and +-1e6")

    @weight(1)
    @number("2.1.11")
    @visibility("after_published")
    def test_softmax_non_square(self):
        """softmax works row by row on a (5, 7) batch; every row sums to 1"""
        scores = self.rng.standard_normal((5, 7)) * 3
        assert_close(self.model.call("softmax", scores), stable_softmax(scores),
                     call="softmax(scores), scores of shape (5, 7)")

    @weight(2)
    @number("2.1.12")
    @visibility("after_published")
    def test_softmax_large_scores(self):
        """softmax is numerically stable: scores of 1000 and -1000 give finite, exact probabilities"""
        scores = np.array([[1000.0, 1001.0, 1002.0], [-1000.0, -999.0, -1001.0],
                           [0.0, 0.0, 0.0], [800.0, -800.0, 0.0]])
        assert_close(self.model.call("softmax", scores), stable_softmax(scores),
                     call="softmax(scores), scores with entries of +-1000")

    @weight(1)
    @number("2.1.13")
    @visibility("after_published")
    def test_cross_entropy_mean(self):
        """cross_entropy_loss is the batch mean (not the sum) of -log p(true label), with 4 classes"""
        probs = stable_softmax(self.rng.standard_normal((7, 4)))
        y = self.rng.integers(0, 4, size=7)
        expected = -np.mean(np.log(probs[np.arange(7), y]))
        assert_close(self.model.call("cross_entropy_loss", probs, y), expected,
                     call="cross_entropy_loss(x_pred, y), x_pred of shape (7, 4)")
        one = probs[:1]
        assert_close(self.model.call("cross_entropy_loss", one, y[:1]), -np.log(one[0, y[0]]),
                     call="cross_entropy_loss(x_pred, y), a batch of one")

    @weight(1)
    @number("2.1.14")
    @visibility("after_published")
    def test_accuracy_values(self):
        """compute_accuracy counts the rows whose largest entry is at the label"""
        probs = stable_softmax(self.rng.standard_normal((8, 5)) * 5)
        predicted = probs.argmax(axis=1)
        y = predicted.copy()
        y[[1, 4, 6]] = (y[[1, 4, 6]] + 2) % 5
        call = "compute_accuracy(x_pred, y), x_pred of shape (8, 5)"
        assert_close(self.model.call("compute_accuracy", probs, y), 5 / 8, call=call)
        assert_close(self.model.call("compute_accuracy", probs, predicted), 1.0, call=call)
        assert_close(self.model.call("compute_accuracy", probs, (predicted + 1) % 5), 0.0, call=call)


if __name__ == "__main__":
    unittest.main()
