"""Part 1.1: the Linear module (modules/linear.py)."""

import os
import sys

import numpy as np

from autograder.checks.compare import assert_close
from autograder.checks.gradcheck import assert_gradient_close, numerical_gradient
from autograder.testing import StudentTestCase, number, weight

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _reference_ops import linear_forward  # noqa: E402  (the helper beside this file)

CALL = "Linear(24, 5)"


class TestLinear(StudentTestCase):
    """Linear: forward flattens each example; backward against numerical gradients."""

    def make_linear(self, rng):
        """A student Linear(24, 5) with random weight and bias -> (layer, weight, bias)."""
        layer = self.student.call("modules.linear.Linear", 24, 5)
        w = rng.standard_normal((24, 5))
        b = rng.standard_normal(5)
        layer.set("weight", w)
        layer.set("bias", b)
        return layer, w, b

    @weight(2)
    @number("1.1.11")
    def test_forward(self):
        """Linear.forward flattens (N, 2, 3, 4) inputs to (N, 24), then applies weight and bias"""
        rng = np.random.default_rng(4)
        x = rng.standard_normal((3, 2, 3, 4))
        layer, w, b = self.make_linear(rng)
        assert_close(layer.call("forward", x), linear_forward(x, w, b),
                     call=f"{CALL}.forward(x) with x of shape (3, 2, 3, 4)")

    @weight(2)
    @number("1.1.12")
    def test_backward(self):
        """Linear.backward sets self.dx (shaped like the input), self.dw and self.db"""
        rng = np.random.default_rng(6)
        x = rng.standard_normal((3, 2, 3, 4))
        layer, w, b = self.make_linear(rng)
        dout = rng.standard_normal((3, 5))
        layer.call("forward", x)
        layer.call("backward", dout)
        call = f"{CALL}.backward(dout) after forward(x), x of shape (3, 2, 3, 4)"
        for name, f, at in [
            ("dx", lambda v: linear_forward(v, w, b), x),
            ("dw", lambda v: linear_forward(x, v, b), w),
            ("db", lambda v: linear_forward(x, w, v), b),
        ]:
            numeric, index = numerical_gradient(f, at, dout, h=1e-5)
            assert_gradient_close(layer.get(name), numeric, index, name=f"self.{name}", call=call)
