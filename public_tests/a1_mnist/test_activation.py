"""Section 2.1 (a): the activation functions of _baseNetwork and their derivatives."""

import unittest

import numpy as np

from autograder.harness.checks.compare import assert_close
from autograder.harness.testing import StudentTestCase, number, weight

X = np.random.default_rng(2024).standard_normal((4, 5)) * 3


class TestActivation(StudentTestCase):
    """Section 2.1 (a): sigmoid, sigmoid_dev, ReLU and ReLU_dev."""

    def setUp(self):
        super().setUp()
        self.model = self.student.call("models.softmax_regression.SoftmaxRegression")

    @weight(1)
    @number("2.1.1")
    def test_sigmoid(self):
        """sigmoid computes 1 / (1 + exp(-X)) elementwise"""
        expected = 1 / (1 + np.exp(-X))
        assert_close(self.model.call("sigmoid", X), expected, call="sigmoid(X), X of shape (4, 5)")

    @weight(1)
    @number("2.1.2")
    def test_sigmoid_dev(self):
        """sigmoid_dev computes the derivative of the sigmoid at x: s(x) * (1 - s(x))"""
        s = 1 / (1 + np.exp(-X))
        assert_close(self.model.call("sigmoid_dev", X), s * (1 - s),
                     call="sigmoid_dev(x), x of shape (4, 5)")

    @weight(1)
    @number("2.1.3")
    def test_relu(self):
        """ReLU computes max(X, 0) elementwise"""
        assert_close(self.model.call("ReLU", X), np.maximum(X, 0), call="ReLU(X), X of shape (4, 5)")

    @weight(1)
    @number("2.1.4")
    def test_relu_dev(self):
        """ReLU_dev is 1 where X > 0 and 0 elsewhere"""
        assert_close(self.model.call("ReLU_dev", X), (X > 0).astype(float),
                     call="ReLU_dev(X), X of shape (4, 5)")


if __name__ == "__main__":
    unittest.main()
