"""Hidden tests of Q8.1: softmax_loss_vectorized on large scores and other shapes;
LinearClassifier.train keeps each example with its label and takes every step."""

import os
import sys

import numpy as np

from autograder.harness.checks.compare import as_plain_array, assert_close
from autograder.harness.checks.gradcheck import assert_gradient_close
from autograder.harness.testing import StudentTestCase, number, visibility, weight

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _hidden_checks import SOFTMAX, SOFTMAX_LOSS, reference_gradient  # noqa: E402


class TestSoftmaxHidden(StudentTestCase):
    """softmax_loss_vectorized against the reference."""

    @weight(0.25)
    @number("8.1.6")
    @visibility("after_published")
    def test_large_scores(self):
        """softmax_loss_vectorized stays finite and exact when the scores are near 1000 (shift by the maximum)"""
        rng = np.random.default_rng(816)
        C, D, N = 10, 20, 30
        X = np.vstack([rng.standard_normal((D - 1, N)), np.ones((1, N))])  # the bias trick's row of ones
        W = 0.5 * rng.standard_normal((C, D))
        W[:, -1] = 1000 + rng.uniform(0, 3, C)
        y = rng.integers(C, size=N)
        expected_loss, expected_dW = self.reference.call(SOFTMAX_LOSS, W, X, y, 0.0)
        loss, dW = self.student.call(SOFTMAX_LOSS, W, X, y, 0.0)
        call = f"softmax_loss_vectorized(W, X, y, 0.0), W {W.shape}, X {X.shape}, scores between 990 and 1010"
        assert_close(loss, expected_loss, call=f"{call}: the loss")
        assert_close(dW, expected_dW, call=f"{call}: dW")

    @weight(0.25)
    @number("8.1.7")
    @visibility("after_published")
    def test_other_shapes(self):
        """softmax_loss_vectorized on 3 classes, 7 features and 13 examples: loss and gradient"""
        rng = np.random.default_rng(817)
        W, X, y = rng.standard_normal((3, 7)), rng.standard_normal((7, 13)), rng.integers(3, size=13)
        loss, dW = self.student.call(SOFTMAX_LOSS, W, X, y, 0.0)
        call = f"softmax_loss_vectorized(W, X, y, 0.0), W {W.shape}, X {X.shape}"
        assert_close(loss, self.reference.call(SOFTMAX_LOSS, W, X, y, 0.0)[0], call=f"{call}: the loss")
        numeric, at = reference_gradient(lambda v: self.reference.call(SOFTMAX_LOSS, v, X, y, 0.0)[0], W)
        assert_gradient_close(dW, numeric, at, name="dW", call=call)


class TestLinearClassifierHidden(StudentTestCase):
    """LinearClassifier.train: the minibatch and the SGD steps."""

    @weight(0.25)
    @number("8.1.8")
    @visibility("after_published")
    def test_minibatch_keeps_labels(self):
        """LinearClassifier.train samples each minibatch column together with its own label"""
        # Column i is the one-hot vector of its label and W scores the right class 50 higher:
        # every minibatch of correctly paired examples has the same loss, a column drawn with
        # another example's label a far larger one.
        C, N, batch_size = 5, 40, 10
        y = np.arange(N) % C
        X = np.eye(C)[:, y]
        W = 50.0 * np.eye(C)
        paired_loss, _ = self.student.call(SOFTMAX_LOSS, W, X[:, :batch_size], y[:batch_size], 0.0)
        classifier = self.student.call(SOFTMAX)
        classifier.set("W", W)
        history = classifier.call("train", X, y, learning_rate=0.0, reg=0.0, num_iters=20, batch_size=batch_size)
        assert_close(history, np.full(20, as_plain_array(paired_loss, "the loss").item()), rtol=1e-6, atol=1e-9,
                     call=f"Softmax().train(X, y, learning_rate=0, reg=0, num_iters=20, batch_size={batch_size}) "
                          f"on {N} one-hot columns, W = 50 * identity: the loss of each minibatch (a minibatch whose "
                          f"labels belong to other columns has a larger one)")

    @weight(0.25)
    @number("8.1.9")
    @visibility("after_published")
    def test_train_steps(self):
        """LinearClassifier.train takes num_iters SGD steps, each from the weights the last one left"""
        rng = np.random.default_rng(819)
        W, x = 0.1 * rng.standard_normal((4, 6)), rng.standard_normal((6, 1))
        learning_rate, reg, batch_size, steps = 0.3, 0.05, 5, 4
        expected, losses = W, []
        for _ in range(steps):  # every minibatch is the same: one column, drawn batch_size times
            loss, dW = self.student.call(SOFTMAX_LOSS, expected, np.repeat(x, batch_size, axis=1),
                                         np.full(batch_size, 2), reg)
            losses.append(as_plain_array(loss, "the loss").item())
            expected = expected - learning_rate * as_plain_array(dW, "dW")
        classifier = self.student.call(SOFTMAX)
        classifier.set("W", W)
        history = classifier.call("train", np.repeat(x, 12, axis=1), np.full(12, 2), learning_rate=learning_rate,
                                  reg=reg, num_iters=steps, batch_size=batch_size)
        call = (f"Softmax().train(X, y, learning_rate={learning_rate}, reg={reg}, num_iters={steps}, "
                f"batch_size={batch_size}) from W {W.shape}, X of 12 identical columns")
        assert_close(history, losses, call=f"{call}: the returned loss history")
        assert_close(classifier.get("W"), expected, call=f"{call}: W afterwards")
