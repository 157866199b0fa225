"""Q8.1: Softmax regression (cs231n/classifiers/softmax.py, cs231n/classifiers/linear_classifier.py)."""

import numpy as np

from autograder.harness.checks.compare import ComparisonFailed, as_plain_array, assert_close
from autograder.harness.checks.fixtures import fixture_loader
from autograder.harness.checks.gradcheck import assert_gradient_close
from autograder.harness.testing import StudentTestCase, number, weight

load_fixture = fixture_loader(__file__)  # fixtures/<module>.npz beside this file

SOFTMAX_LOSS = "cs231n.classifiers.softmax.softmax_loss_vectorized"
SOFTMAX = "cs231n.classifiers.linear_classifier.Softmax"


class TestSoftmaxLoss(StudentTestCase):
    """softmax_loss_vectorized(W, X, y, reg) against the loss and its numerical gradient,
    computed offline (fixtures/softmax.npz). X is (D, N): one example per column."""

    @weight(0.5)
    @number("8.1.1")
    def test_loss(self):
        """softmax_loss_vectorized returns the mean cross-entropy of the softmax of W X (reg = 0)"""
        case = load_fixture("softmax", "reg0")
        loss, _ = self.student.call(SOFTMAX_LOSS, case["W"], case["X"], case["y"], 0.0)
        assert_close(loss, case["loss"], call=f"softmax_loss_vectorized(W, X, y, 0.0), W {case['W'].shape}, "
                                              f"X {case['X'].shape}: the loss")

    @weight(0.5)
    @number("8.1.2")
    def test_gradient(self):
        """softmax_loss_vectorized returns dW, the gradient of the loss with respect to W (reg = 0)"""
        case = load_fixture("softmax", "reg0")
        _, dW = self.student.call(SOFTMAX_LOSS, case["W"], case["X"], case["y"], 0.0)
        assert_gradient_close(dW, case["dW"], case["dW_index"], name="dW",
                              call=f"softmax_loss_vectorized(W, X, y, 0.0), W {case['W'].shape}, X {case['X'].shape}")

    @weight(0.5)
    @number("8.1.3")
    def test_regularization(self):
        """softmax_loss_vectorized adds reg * sum(W ** 2) (or 0.5 * reg * sum(W ** 2)) to the loss, and its gradient to dW"""
        case = load_fixture("softmax", "reg")
        call = f"softmax_loss_vectorized(W, X, y, {case['reg']}), W {case['W'].shape}, X {case['X'].shape}"
        loss, dW = self.student.call(SOFTMAX_LOSS, case["W"], case["X"], case["y"], case["reg"])
        loss = as_plain_array(loss, f"{call}: the loss")
        for form in ("full", "half"):
            if loss.size == 1 and np.isclose(loss.item(), case[f"loss_{form}"], rtol=1e-6, atol=1e-8):
                assert_gradient_close(dW, case[f"dW_{form}"], case[f"dW_{form}_index"], name="dW",
                                      call=f"{call} (your loss uses {'0.5 * ' if form == 'half' else ''}"
                                           f"reg * sum(W ** 2))")
                return
        raise ComparisonFailed(f"{call}: the loss should be {case['loss_full']:.6g} (with reg * sum(W ** 2)) or "
                               f"{case['loss_half']:.6g} (with 0.5 * reg * sum(W ** 2)), got {loss.ravel()[:3]}")


class TestLinearClassifier(StudentTestCase):
    """LinearClassifier.predict and train, through the Softmax subclass."""

    @weight(0.25)
    @number("8.1.4")
    def test_predict(self):
        """LinearClassifier.predict gives each column of X the class with the highest score in W X"""
        case = load_fixture("softmax", "predict")
        classifier = self.student.call(SOFTMAX)
        classifier.set("W", case["W"])
        assert_close(classifier.call("predict", case["X"]), case["y_pred"], rtol=0, atol=0,
                     call=f"Softmax().predict(X) with W {case['W'].shape} and X {case['X'].shape}")

    @weight(0.25)
    @number("8.1.5")
    def test_train_step(self):
        """LinearClassifier.train takes an SGD step W - learning_rate * dW on a minibatch, and returns its loss"""
        # Every example is the same column with the same label, so every minibatch of
        # batch_size examples has the same loss and gradient, whichever columns are drawn.
        case = load_fixture("softmax", "train")
        W, x, label, batch_size = case["W"], case["x"], case["label"], case["batch_size"]
        learning_rate, reg = case["learning_rate"], case["reg"]
        loss, dW = self.student.call(SOFTMAX_LOSS, W, np.repeat(x, batch_size, axis=1),
                                     np.full(batch_size, label), reg)
        classifier = self.student.call(SOFTMAX)
        classifier.set("W", W)
        history = classifier.call("train", np.repeat(x, 20, axis=1), np.full(20, label),
                                  learning_rate=learning_rate, reg=reg, num_iters=1, batch_size=batch_size)
        call = (f"Softmax().train(X, y, learning_rate={learning_rate}, reg={reg}, num_iters=1, "
                f"batch_size={batch_size}) from W {W.shape}, X of 20 identical columns")
        assert_close(classifier.get("W"), W - learning_rate * as_plain_array(dW, "dW"), call=f"{call}: W afterwards")
        assert_close(history, [loss], call=f"{call}: the returned loss history")
