"""Hidden tests, Section 2.2: both models' forward values and analytic gradients.

Gradients are checked against central differences of the REFERENCE forward (float64),
with random weights and non-zero biases set through .set("weights", ...).
"""

import unittest

import numpy as np

from autograder.harness.checks.compare import assert_close
from autograder.harness.checks.gradcheck import assert_gradient_close, numerical_gradient
from autograder.harness.testing import StudentTestCase, number, visibility, weight

SOFTMAX = "models.softmax_regression.SoftmaxRegression"
TWO_LAYER = "models.two_layer_nn.TwoLayerNet"


def random_weights(rng, shapes, scale):
    return {name: scale * rng.standard_normal(shape) for name, shape in shapes.items()}


class ModelCase(StudentTestCase):
    """Helpers: build a model with given weights in student or reference code."""

    def build(self, who, cls, kwargs, weights):
        model = who.call(cls, **kwargs)
        model.set("weights", {k: v.copy() for k, v in weights.items()})
        return model

    def check_gradients(self, cls, kwargs, weights, x, y, samples=None):
        """Student gradients after forward(train) vs the reference loss's numerical gradient."""
        what = f"{cls.rsplit('.', 1)[1]}({', '.join(f'{k}={v}' for k, v in kwargs.items())})"
        model = self.build(self.student, cls, kwargs, weights)
        model.call("forward", x, y, mode="train")
        grads = model.get("gradients")
        reference = self.build(self.reference, cls, kwargs, weights)
        for name in weights:
            def loss(w, name=name):
                reference.set("weights", dict(weights, **{name: w}))
                return reference.call("forward", x, y, mode="valid")[0]

            numeric, index = numerical_gradient(loss, weights[name], samples=samples)
            if name not in grads:
                self.fail(f"{what}.forward(X, y): self.gradients has no entry {name!r}")
            assert_gradient_close(grads[name], numeric, index, name=f"gradients[{name!r}]", tol=1e-5,
                                  call=f"{what}.forward(X, y), X of shape {x.shape}")


class TestSoftmaxRegressionHidden(ModelCase):
    """Section 2.2: SoftmaxRegression on other sizes and weights."""

    def data(self, rng, n=9, d=13, c=5):
        x = rng.standard_normal((n, d))
        y = rng.integers(0, c, size=n)
        return x, y, random_weights(rng, {"W1": (d, c)}, 0.7)

    @weight(3)
    @number("2.2.3")
    @visibility("after_published")
    def test_gradient_small(self):
        """SoftmaxRegression's gradient of W1 matches the numerical gradient (13 inputs, 5 classes)"""
        x, y, weights = self.data(np.random.default_rng(21))
        self.check_gradients(SOFTMAX, {"input_size": 13, "num_classes": 5}, weights, x, y)

    @weight(2)
    @number("2.2.4")
    @visibility("after_published")
    def test_gradient_mnist_sized(self):
        """SoftmaxRegression's gradient of W1 matches the numerical gradient on a batch of 784-pixel images"""
        rng = np.random.default_rng(22)
        x = rng.random((16, 784))
        y = rng.integers(0, 10, size=16)
        weights = random_weights(rng, {"W1": (784, 10)}, 0.05)
        self.check_gradients(SOFTMAX, {}, weights, x, y, samples=40)

    @weight(1)
    @number("2.2.5")
    @visibility("after_published")
    def test_forward_values(self):
        """SoftmaxRegression.forward returns the reference loss and accuracy in both modes"""
        x, y, weights = self.data(np.random.default_rng(23), n=11)
        kwargs = {"input_size": 13, "num_classes": 5}
        expected = self.build(self.reference, SOFTMAX, kwargs, weights).call("forward", x, y, mode="valid")
        model = self.build(self.student, SOFTMAX, kwargs, weights)
        for mode in ("train", "valid"):
            loss, accuracy = model.call("forward", x, y, mode=mode)
            call = f"SoftmaxRegression(input_size=13, num_classes=5).forward(X, y, mode={mode!r})"
            assert_close(loss, expected[0], call=f"{call}: the loss")
            assert_close(accuracy, expected[1], call=f"{call}: the accuracy")


class TestTwoLayerNetHidden(ModelCase):
    """Section 2.2: TwoLayerNet with non-zero biases, other sizes, repeated calls."""

    kwargs = {"input_size": 13, "num_classes": 5, "hidden_size": 7}
    what = "TwoLayerNet(input_size=13, num_classes=5, hidden_size=7)"

    def data(self, rng, n=9):
        x = rng.standard_normal((n, 13))
        y = rng.integers(0, 5, size=n)
        shapes = {"W1": (13, 7), "b1": (7,), "W2": (7, 5), "b2": (5,)}
        return x, y, random_weights(rng, shapes, 0.8)

    def reference_gradients(self, weights, x, y):
        reference = self.build(self.reference, TWO_LAYER, self.kwargs, weights)
        reference.call("forward", x, y, mode="train")
        return reference.get("gradients")

    @weight(4)
    @number("2.2.6")
    @visibility("after_published")
    def test_gradient_small(self):
        """TwoLayerNet's gradients of W1, b1, W2, b2 match the numerical gradients, with non-zero biases"""
        x, y, weights = self.data(np.random.default_rng(31))
        self.check_gradients(TWO_LAYER, self.kwargs, weights, x, y)

    @weight(2)
    @number("2.2.7")
    @visibility("after_published")
    def test_gradient_mnist_sized(self):
        """TwoLayerNet's gradients match the numerical gradients on 784-pixel images, 128 hidden units"""
        rng = np.random.default_rng(32)
        x = rng.random((16, 784))
        y = rng.integers(0, 10, size=16)
        shapes = {"W1": (784, 128), "b1": (128,), "W2": (128, 10), "b2": (10,)}
        weights = random_weights(rng, shapes, 0.05)
        self.check_gradients(TWO_LAYER, {}, weights, x, y, samples=40)

    @weight(1)
    @number("2.2.8")
    @visibility("after_published")
    def test_forward_values(self):
        """TwoLayerNet.forward returns the reference loss and accuracy in both modes, with non-zero biases"""
        x, y, weights = self.data(np.random.default_rng(33), n=12)
        expected = self.build(self.reference, TWO_LAYER, self.kwargs, weights).call("forward", x, y, mode="valid")
        model = self.build(self.student, TWO_LAYER, self.kwargs, weights)
        for mode in ("train", "valid"):
            loss, accuracy = model.call("forward", x, y, mode=mode)
            call = f"{self.what}.forward(X, y, mode={mode!r})"
            assert_close(loss, expected[0], call=f"{call}: the loss")
            assert_close(accuracy, expected[1], call=f"{call}: the accuracy")

    @weight(2)
    @number("2.2.9")
    @visibility("after_published")
    def test_repeated_forward(self):
        """Calling forward again replaces the gradients: they never add up across batches"""
        rng = np.random.default_rng(34)
        x, y, weights = self.data(rng)
        x2, y2 = rng.standard_normal((6, 13)), rng.integers(0, 5, size=6)
        expected = self.reference_gradients(weights, x2, y2)
        model = self.build(self.student, TWO_LAYER, self.kwargs, weights)
        for _ in range(2):
            model.call("forward", x, y, mode="train")
        model.call("forward", x2, y2, mode="train")
        model.call("forward", x2, y2, mode="train")
        got = model.get("gradients")
        for name, value in expected.items():
            assert_close(got[name], value,
                         call=f"{self.what}: forward on a batch twice, then on another twice: gradients[{name!r}]")

    @weight(1)
    @number("2.2.10")
    @visibility("after_published")
    def test_valid_mode_keeps_gradients(self):
        """forward(mode='valid') returns loss and accuracy but leaves the gradients untouched"""
        rng = np.random.default_rng(35)
        x, y, weights = self.data(rng)
        model = self.build(self.student, TWO_LAYER, self.kwargs, weights)
        sentinel = {k: rng.standard_normal(v.shape) for k, v in weights.items()}
        model.set("gradients", {k: v.copy() for k, v in sentinel.items()})
        model.call("forward", x, y, mode="valid")
        got = model.get("gradients")
        for name, value in sentinel.items():
            assert_close(got[name], value, rtol=0, atol=0,
                         call=f"{self.what}.forward(X, y, mode='valid'): gradients[{name!r}] changed")


if __name__ == "__main__":
    unittest.main()
