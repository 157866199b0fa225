"""Part 1.1: the MaxPooling module (modules/max_pool.py)."""

import os
import sys

import numpy as np

from autograder.checks.compare import assert_close
from autograder.checks.gradcheck import assert_gradient_close, numerical_gradient
from autograder.testing import StudentTestCase, number, weight

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _reference_ops import max_pool_forward  # noqa: E402  (the helper beside this file)


class TestMaxPool(StudentTestCase):
    """MaxPooling: forward against direct window maxima, backward against numerical gradients."""

    def check_forward(self, x_shape, kernel_size, stride):
        x = np.random.default_rng(3).standard_normal(x_shape)
        pool = self.student.call("modules.max_pool.MaxPooling", kernel_size, stride)
        assert_close(pool.call("forward", x), max_pool_forward(x, kernel_size, stride),
                     call=f"MaxPooling({kernel_size}, {stride}).forward(x) with x of shape {x_shape}")

    @weight(2)
    @number("1.1.6")
    def test_forward(self):
        """MaxPooling.forward takes the maximum of every 2x2 window (stride 2)"""
        self.check_forward((2, 3, 8, 8), kernel_size=2, stride=2)

    @weight(1)
    @number("1.1.7")
    def test_forward_kernel_3_stride_2(self):
        """MaxPooling.forward takes the maximum of every 3x3 window (stride 2)"""
        self.check_forward((2, 3, 9, 9), kernel_size=3, stride=2)

    @weight(2)
    @number("1.1.8")
    def test_backward(self):
        """MaxPooling.backward sends each window's gradient to the window's maximum"""
        rng = np.random.default_rng(5)
        x = rng.standard_normal((2, 3, 8, 8))
        dout = rng.standard_normal((2, 3, 4, 4))
        pool = self.student.call("modules.max_pool.MaxPooling", 2, 2)
        pool.call("forward", x)
        pool.call("backward", dout)
        numeric, index = numerical_gradient(lambda v: max_pool_forward(v, 2, 2), x, dout, h=1e-5)
        assert_gradient_close(pool.get("dx"), numeric, index, name="self.dx",
                              call="MaxPooling(2, 2).backward(dout) after forward(x), x of shape (2, 3, 8, 8)")
