"""Part 1.1: the ReLU module (modules/relu.py)."""

import os
import sys

import numpy as np

from autograder.checks.compare import assert_close
from autograder.checks.gradcheck import assert_gradient_close, numerical_gradient
from autograder.testing import StudentTestCase, number, weight

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _reference_ops import relu_forward  # noqa: E402  (the helper beside this file)


def away_from_zero(rng, shape):
    """Inputs of both signs, none so close to 0 that a numerical gradient would cross it."""
    return rng.uniform(0.1, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


class TestReLU(StudentTestCase):
    """ReLU: forward is max(x, 0); backward lets the gradient through where x > 0."""

    @weight(1)
    @number("1.1.9")
    def test_forward(self):
        """ReLU.forward keeps positive inputs and zeroes negative ones"""
        x = away_from_zero(np.random.default_rng(1), (3, 2, 4, 5))
        relu = self.student.call("modules.relu.ReLU")
        assert_close(relu.call("forward", x), relu_forward(x), call="ReLU().forward(x) with x of shape (3, 2, 4, 5)")

    @weight(1)
    @number("1.1.10")
    def test_backward(self):
        """ReLU.backward sets self.dx, the gradient with respect to the input"""
        rng = np.random.default_rng(2)
        x = away_from_zero(rng, (3, 2, 4, 5))
        dout = rng.standard_normal(x.shape)
        relu = self.student.call("modules.relu.ReLU")
        relu.call("forward", x)
        relu.call("backward", dout)
        numeric, index = numerical_gradient(relu_forward, x, dout, h=1e-5)
        assert_gradient_close(relu.get("dx"), numeric, index, name="self.dx",
                              call="ReLU().backward(dout) after forward(x), x of shape (3, 2, 4, 5)")
