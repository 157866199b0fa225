"""Hidden tests of Q8.2: two_layer_net on other sizes with biases, and no regularization of
the biases, against the reference."""

import os
import sys

import numpy as np

from autograder.harness.checks.compare import assert_close
from autograder.harness.testing import StudentTestCase, number, visibility, weight

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _hidden_checks import TWO_LAYER_NET, check_model_gradients, random_model  # noqa: E402


class TestTwoLayerNetHidden(StudentTestCase):
    """two_layer_net against the reference's values and numerical gradients."""

    def check(self, X, model, y, reg, names, what, check_loss=True):
        """The student's loss (if `check_loss`) and grads[name] for `names` against the reference."""
        N, D = X.shape
        call = (f"two_layer_net(X, model, y, reg={reg}) with X ({N}, {D}), hidden size {model['W1'].shape[1]}, "
                f"{model['W2'].shape[1]} classes, {what}")
        loss, grads = self.student.call(TWO_LAYER_NET, X, model, y, reg)
        if check_loss:
            assert_close(loss, self.reference.call(TWO_LAYER_NET, X, model, y, reg)[0], call=f"{call}: the loss")
        check_model_gradients(grads, self, TWO_LAYER_NET, X, model, y, reg, names, call)

    @weight(0.25)
    @number("8.2.7")
    @visibility("after_published")
    def test_other_sizes(self):
        """two_layer_net with 7 examples, 5 inputs, 6 hidden units, 4 classes and non-zero biases: scores, loss, gradients"""
        rng = np.random.default_rng(826)
        X, y = rng.standard_normal((7, 5)), rng.integers(4, size=7)
        model = random_model(rng, 5, 6, 4)
        assert_close(self.student.call(TWO_LAYER_NET, X, model), self.reference.call(TWO_LAYER_NET, X, model),
                     call="two_layer_net(X, model) with X (7, 5), hidden size 6, 4 classes: the scores")
        self.check(X, model, y, 0.0, ["W1", "b1", "W2", "b2"], "non-zero biases")

    @weight(0.25)
    @number("8.2.8")
    @visibility("after_published")
    def test_biases_not_regularized(self):
        """two_layer_net does not regularize the biases b1 and b2"""
        # With zero weights the weights' regularization is 0 in either convention: what is
        # left of reg can only come from the biases.
        rng = np.random.default_rng(828)
        X, y = rng.standard_normal((6, 4)), rng.integers(3, size=6)
        model = random_model(rng, 4, 5, 3, weight_scale=0.0, bias_scale=2.0)
        self.check(X, model, y, 0.7, ["b1", "b2"], "zero weights, large biases")
