"""Section 3: L2 regularization and the SGD update."""

import unittest

import numpy as np

from autograder.harness.checks.compare import assert_close
from autograder.harness.testing import StudentTestCase, number, weight


def random_arrays(rng, model):
    """Random arrays shaped like each of the model's weights."""
    return {name: rng.standard_normal(w.shape) for name, w in model.get("weights").items()}


class TestSGD(StudentTestCase):
    """Section 3: _BaseOptimizer.apply_regularization and SGD.update."""

    @weight(2)
    @number("3.1")
    def test_regularization(self):
        """apply_regularization adds reg * W to the gradient of every weight matrix, never to biases"""
        rng = np.random.default_rng(3)
        model = self.student.call("models.two_layer_nn.TwoLayerNet", hidden_size=16)
        weights, grads = random_arrays(rng, model), random_arrays(rng, model)
        model.set("weights", weights)
        model.set("gradients", {k: v.copy() for k, v in grads.items()})
        optimizer = self.student.call("optimizer.sgd.SGD", learning_rate=1e-4, reg=100)
        optimizer.call("apply_regularization", model)
        got = model.get("gradients")
        call = "SGD(learning_rate=1e-4, reg=100).apply_regularization(TwoLayerNet(hidden_size=16))"
        for name in ("W1", "W2"):
            assert_close(got[name], grads[name] + 100 * weights[name], call=f"{call}: gradients[{name!r}]")
        for name in ("b1", "b2"):
            assert_close(got[name], grads[name],
                         call=f"{call}: gradients[{name!r}] (biases are not regularized)")

    @weight(2)
    @number("3.2")
    def test_sgd(self):
        """SGD.update regularizes, then steps every weight and bias against its gradient"""
        rng = np.random.default_rng(4)
        model = self.student.call("models.two_layer_nn.TwoLayerNet", hidden_size=16)
        weights, grads = random_arrays(rng, model), random_arrays(rng, model)
        model.set("weights", weights)
        model.set("gradients", grads)
        lr, reg = 0.1, 1e-3
        optimizer = self.student.call("optimizer.sgd.SGD", learning_rate=lr, reg=reg)
        optimizer.call("update", model)
        got = model.get("weights")
        call = "SGD(learning_rate=0.1, reg=1e-3).update(TwoLayerNet(hidden_size=16))"
        for name in ("W1", "W2"):
            expected = weights[name] - lr * (grads[name] + reg * weights[name])
            assert_close(got[name], expected, call=f"{call}: weights[{name!r}]")
        for name in ("b1", "b2"):
            assert_close(got[name], weights[name] - lr * grads[name], call=f"{call}: weights[{name!r}]")


if __name__ == "__main__":
    unittest.main()
