"""Section 2.1 (b) and (c): softmax, cross-entropy loss and accuracy."""

import unittest

import numpy as np

from autograder.harness.checks.compare import assert_close
from autograder.harness.testing import StudentTestCase, number, weight

# Probabilities (rows sum to 1) and labels of a batch of three examples, three classes.
PROBS = np.array([[0.2, 0.5, 0.3], [0.5, 0.1, 0.4], [0.3, 0.3, 0.4]])
LABELS = np.array([1, 2, 0])


class TestLoss(StudentTestCase):
    """Section 2.1 (b) and (c): softmax, cross_entropy_loss and compute_accuracy."""

    def setUp(self):
        super().setUp()
        self.model = self.student.call("models.softmax_regression.SoftmaxRegression")

    @weight(2)
    @number("2.1.5")
    def test_softmax(self):
        """softmax turns each row of scores into probabilities: exp(s_i) / sum_k exp(s_k)"""
        scores = np.array([[-0.5, 1.2, 3.0, 0.1], [2.0, 2.0, -1.0, 0.0], [0.3, -2.2, 0.7, 1.5]])
        exp = np.exp(scores)
        expected = exp / exp.sum(axis=1, keepdims=True)
        assert_close(self.model.call("softmax", scores), expected,
                     call="softmax(scores), scores of shape (3, 4)")

    @weight(2)
    @number("2.1.6")
    def test_ce_loss(self):
        """cross_entropy_loss is the mean over the batch of -log(probability of the true label)"""
        # -(log 0.5 + log 0.4 + log 0.3) / 3
        assert_close(self.model.call("cross_entropy_loss", PROBS, LABELS), 0.937803, rtol=1e-6,
                     atol=1e-6, call="cross_entropy_loss(x_pred, y), x_pred of shape (3, 3)")

    @weight(1)
    @number("2.1.7")
    def test_accuracy(self):
        """compute_accuracy is the fraction of examples whose most probable class is the label"""
        assert_close(self.model.call("compute_accuracy", PROBS, LABELS), 1 / 3,
                     call="compute_accuracy(x_pred, y), x_pred of shape (3, 3)")


if __name__ == "__main__":
    unittest.main()
