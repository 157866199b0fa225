"""Part 1.1: the Conv2D module (modules/convolution.py)."""

import os
import sys

import numpy as np

from autograder.checks.compare import assert_close
from autograder.checks.gradcheck import assert_gradient_close, numerical_gradient
from autograder.testing import StudentTestCase, number, weight

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _reference_ops import conv_forward  # noqa: E402  (the helper beside this file)


class TestConv(StudentTestCase):
    """Conv2D: forward against a direct convolution, backward against numerical gradients."""

    def make_conv(self, rng, in_channels, out_channels, kernel_size, stride, padding):
        """A student Conv2D with random weights and biases -> (layer, weight, bias, name)."""
        layer = self.student.call("modules.convolution.Conv2D", in_channels, out_channels,
                                  kernel_size=kernel_size, stride=stride, padding=padding)
        w = rng.standard_normal((out_channels, in_channels, kernel_size, kernel_size))
        b = rng.standard_normal(out_channels)
        layer.set("weight", w)
        layer.set("bias", b)
        name = (f"Conv2D({in_channels}, {out_channels}, kernel_size={kernel_size}, "
                f"stride={stride}, padding={padding})")
        return layer, w, b, name

    def check_forward(self, x_shape, out_channels, kernel_size, stride, padding):
        rng = np.random.default_rng(7)
        x = rng.standard_normal(x_shape)
        layer, w, b, name = self.make_conv(rng, x_shape[1], out_channels, kernel_size, stride, padding)
        out = layer.call("forward", x)
        assert_close(out, conv_forward(x, w, b, stride, padding),
                     call=f"{name}.forward(x) with x of shape {x_shape}")

    def check_backward(self, gradient):
        """Compare self.dx, self.dw or self.db with the numerical gradient."""
        rng = np.random.default_rng(11)
        x = rng.standard_normal((2, 3, 5, 5))
        layer, w, b, name = self.make_conv(rng, 3, 4, 3, 1, 1)
        dout = rng.standard_normal((2, 4, 5, 5))
        layer.call("forward", x)
        layer.call("backward", dout)
        functions = {
            "dx": (lambda v: conv_forward(v, w, b, 1, 1), x),
            "dw": (lambda v: conv_forward(x, v, b, 1, 1), w),
            "db": (lambda v: conv_forward(x, w, v, 1, 1), b),
        }
        f, at = functions[gradient]
        numeric, index = numerical_gradient(f, at, dout, h=1e-5, samples=40)
        assert_gradient_close(layer.get(gradient), numeric, index, name=f"self.{gradient}",
                              call=f"{name}.backward(dout) after forward(x), x of shape {x.shape}")

    @weight(2)
    @number("1.1.1")
    def test_forward(self):
        """Conv2D.forward convolves every filter over all input channels and adds its bias"""
        self.check_forward((2, 3, 6, 6), out_channels=4, kernel_size=3, stride=1, padding=0)

    @weight(2)
    @number("1.1.2")
    def test_forward_stride_padding(self):
        """Conv2D.forward zero-pads the input and moves the filters by the stride"""
        self.check_forward((2, 3, 7, 7), out_channels=4, kernel_size=3, stride=2, padding=1)

    @weight(2)
    @number("1.1.3")
    def test_backward_dx(self):
        """Conv2D.backward sets self.dx, the gradient with respect to the input"""
        self.check_backward("dx")

    @weight(2)
    @number("1.1.4")
    def test_backward_dw(self):
        """Conv2D.backward sets self.dw, the gradient with respect to the filters"""
        self.check_backward("dw")

    @weight(1)
    @number("1.1.5")
    def test_backward_db(self):
        """Conv2D.backward sets self.db, the gradient with respect to the biases"""
        self.check_backward("db")
