"""Hidden tests, Section 3: L2 regularization and the SGD step, on both models."""

import unittest

import numpy as np

from autograder.harness.checks.compare import assert_close
from autograder.harness.testing import StudentTestCase, number, visibility, weight

MODELS = {
    "SoftmaxRegression(input_size=12, num_classes=4)":
        ("models.softmax_regression.SoftmaxRegression", {"input_size": 12, "num_classes": 4}),
    "TwoLayerNet(input_size=12, num_classes=4, hidden_size=6)":
        ("models.two_layer_nn.TwoLayerNet", {"input_size": 12, "num_classes": 4, "hidden_size": 6}),
}


class TestOptimizerHidden(StudentTestCase):
    """Section 3: apply_regularization and SGD.update."""

    def prepared(self, cls, kwargs, rng):
        """A student model with random weights and gradients set -> (model, weights, grads)."""
        model = self.student.call(cls, **kwargs)
        shapes = {k: v.shape for k, v in model.get("weights").items()}
        weights = {k: rng.standard_normal(s) for k, s in shapes.items()}
        grads = {k: rng.standard_normal(s) for k, s in shapes.items()}
        model.set("weights", {k: v.copy() for k, v in weights.items()})
        model.set("gradients", {k: v.copy() for k, v in grads.items()})
        return model, weights, grads

    @weight(2)
    @number("3.3")
    @visibility("after_published")
    def test_regularization_weights_only(self):
        """apply_regularization adds reg * W to each weight matrix's gradient, leaves biases and the weights alone"""
        rng = np.random.default_rng(41)
        for what, (cls, kwargs) in MODELS.items():
            model, weights, grads = self.prepared(cls, kwargs, rng)
            optimizer = self.student.call("optimizer.sgd.SGD", learning_rate=0.5, reg=0.3)
            optimizer.call("apply_regularization", model)
            call = f"SGD(learning_rate=0.5, reg=0.3).apply_regularization({what})"
            got_grads, got_weights = model.get("gradients"), model.get("weights")
            for name in weights:
                expected = grads[name] + 0.3 * weights[name] if name.startswith("W") else grads[name]
                assert_close(got_grads[name], expected, call=f"{call}: gradients[{name!r}]")
                assert_close(got_weights[name], weights[name], call=f"{call}: weights[{name!r}] must not change")

    @weight(1)
    @number("3.4")
    @visibility("after_published")
    def test_regularization_zero(self):
        """apply_regularization with reg=0 leaves every gradient as it was"""
        model, _, grads = self.prepared(*MODELS["TwoLayerNet(input_size=12, num_classes=4, hidden_size=6)"],
                                        np.random.default_rng(42))
        self.student.call("optimizer.sgd.SGD", learning_rate=0.5, reg=0.0).call("apply_regularization", model)
        got = model.get("gradients")
        for name, value in grads.items():
            assert_close(got[name], value, call=f"SGD(reg=0).apply_regularization(TwoLayerNet): gradients[{name!r}]")

    @weight(2)
    @number("3.5")
    @visibility("after_published")
    def test_sgd_step(self):
        """SGD.update applies regularization first, then steps every weight and bias: w -= lr * grad"""
        rng = np.random.default_rng(43)
        lr, reg = 0.05, 2.0  # a large reg tells "regularize, then step" from other orders
        for what, (cls, kwargs) in MODELS.items():
            model, weights, grads = self.prepared(cls, kwargs, rng)
            self.student.call("optimizer.sgd.SGD", learning_rate=lr, reg=reg).call("update", model)
            got = model.get("weights")
            call = f"SGD(learning_rate={lr}, reg={reg}).update({what})"
            for name in weights:
                grad = grads[name] + reg * weights[name] if name.startswith("W") else grads[name]
                assert_close(got[name], weights[name] - lr * grad, call=f"{call}: weights[{name!r}]")

    @weight(1)
    @number("3.6")
    @visibility("after_published")
    def test_sgd_default_hyperparameters(self):
        """SGD() defaults to learning_rate=1e-4 and reg=1e-3"""
        model, weights, grads = self.prepared(*MODELS["TwoLayerNet(input_size=12, num_classes=4, hidden_size=6)"],
                                              np.random.default_rng(44))
        self.student.call("optimizer.sgd.SGD").call("update", model)
        got = model.get("weights")
        for name in weights:
            grad = grads[name] + 1e-3 * weights[name] if name.startswith("W") else grads[name]
            assert_close(got[name], weights[name] - 1e-4 * grad, call=f"SGD().update(TwoLayerNet): weights[{name!r}]")


if __name__ == "__main__":
    unittest.main()
