"""Hidden tests of part 1.1: Conv2D on strides, paddings, non-square inputs, batch size 1."""

import os
import sys

import numpy as np
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from autograder.harness.testing import StudentTestCase, number, visibility, weight

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _hidden_checks import check_forward, check_gradients, conv_pair, output_shape  # noqa: E402

# A few generated shapes per run, the same ones every run; failures are not shrunk
# (each example calls into student code many times).
FEW_EXAMPLES = settings(max_examples=6, deadline=None, database=None, derandomize=True,
                        phases=[Phase.explicit, Phase.generate])


@st.composite
def conv_configs(draw):
    """(x shape, out_channels, kernel_size, stride, padding) with at least one output pixel."""
    kernel_size = draw(st.integers(1, 4))
    stride = draw(st.integers(1, 3))
    padding = draw(st.integers(0, 2))
    smallest = max(1, kernel_size - 2 * padding)
    H = draw(st.integers(smallest, 9))
    W = draw(st.integers(smallest, 9))
    shape = (draw(st.integers(1, 3)), draw(st.integers(1, 3)), H, W)
    return shape, draw(st.integers(1, 3)), kernel_size, stride, padding


class TestConvHidden(StudentTestCase):
    """Conv2D against the reference: forward values, numerical gradients of dx, dw and db."""

    def forward_case(self, x_shape, out_channels, kernel_size, stride, padding, seed=0):
        rng = np.random.default_rng(seed)
        student, reference, name = conv_pair(self, rng, x_shape[1], out_channels, kernel_size, stride, padding)
        check_forward(student, reference, rng.standard_normal(x_shape), name)

    def gradient_case(self, names, x_shape, out_channels, kernel_size, stride, padding, seed=0, samples=40):
        rng = np.random.default_rng(seed)
        student, reference, name = conv_pair(self, rng, x_shape[1], out_channels, kernel_size, stride, padding)
        x = rng.standard_normal(x_shape)
        dout = rng.standard_normal(output_shape(reference, x))
        check_gradients(student, reference, x, dout, names, name, samples=samples)

    @weight(1)
    @number("1.1.14")
    @visibility("after_published")
    def test_forward_stride_2(self):
        """Conv2D.forward with stride 2 and no padding"""
        self.forward_case((2, 3, 7, 7), 4, 3, stride=2, padding=0)

    @weight(1)
    @number("1.1.15")
    @visibility("after_published")
    def test_forward_stride_3_padding_2(self):
        """Conv2D.forward with stride 3, padding 2 and a 5x5 kernel (the last columns are not reached)"""
        self.forward_case((2, 2, 11, 12), 3, 5, stride=3, padding=2)

    @weight(1)
    @number("1.1.16")
    @visibility("after_published")
    def test_forward_non_square(self):
        """Conv2D.forward on non-square images (height and width differ)"""
        self.forward_case((2, 3, 6, 10), 4, 3, stride=1, padding=1)
        self.forward_case((2, 3, 9, 5), 2, 3, stride=2, padding=1, seed=1)

    @weight(1)
    @number("1.1.17")
    @visibility("after_published")
    def test_forward_batch_of_one(self):
        """Conv2D.forward on a batch of one image, with one input channel"""
        self.forward_case((1, 1, 6, 7), 3, 3, stride=1, padding=1)

    @weight(1)
    @number("1.1.18")
    @visibility("after_published")
    def test_forward_bias_per_filter(self):
        """Conv2D.forward adds each filter's own bias to its output channel"""
        rng = np.random.default_rng(2)
        student, reference, name = conv_pair(self, rng, 2, 5, 3, 1, 1)
        zeros = np.zeros((5, 2, 3, 3))
        student.set("weight", zeros)
        reference.set("weight", zeros)
        check_forward(student, reference, rng.standard_normal((3, 2, 4, 6)), f"{name} with zero weights")

    @weight(1)
    @number("1.1.19")
    @visibility("after_published")
    def test_forward_1x1_and_large_kernels(self):
        """Conv2D.forward with a 1x1 kernel, and with a kernel as large as the padded image"""
        self.forward_case((2, 4, 5, 6), 3, 1, stride=1, padding=0)
        self.forward_case((2, 2, 4, 4), 3, 6, stride=1, padding=1, seed=1)

    @weight(2)
    @number("1.1.20")
    @visibility("after_published")
    def test_backward_dx_stride_padding(self):
        """Conv2D.backward: dx with stride 2 and padding 1 on non-square images"""
        self.gradient_case(["dx"], (2, 3, 7, 9), 4, 3, stride=2, padding=1)

    @weight(2)
    @number("1.1.21")
    @visibility("after_published")
    def test_backward_dw_stride_padding(self):
        """Conv2D.backward: dw with stride 2 and padding 1 on non-square images"""
        self.gradient_case(["dw"], (2, 3, 7, 9), 4, 3, stride=2, padding=1)

    @weight(1)
    @number("1.1.22")
    @visibility("after_published")
    def test_backward_db_stride_padding(self):
        """Conv2D.backward: db with stride 2 and padding 1 on non-square images"""
        self.gradient_case(["db"], (2, 3, 7, 9), 4, 3, stride=2, padding=1)

    @weight(2)
    @number("1.1.23")
    @visibility("after_published")
    def test_backward_stride_3_padding_2(self):
        """Conv2D.backward: dx, dw and db with stride 3, padding 2 and a 4x4 kernel"""
        self.gradient_case(["dx", "dw", "db"], (2, 2, 10, 8), 3, 4, stride=3, padding=2, seed=3)

    @weight(1)
    @number("1.1.24")
    @visibility("after_published")
    def test_backward_batch_of_one(self):
        """Conv2D.backward: dx, dw and db on a batch of one image"""
        self.gradient_case(["dx", "dw", "db"], (1, 2, 5, 6), 3, 3, stride=1, padding=1, seed=4)

    @weight(1)
    @number("1.1.25")
    @visibility("after_published")
    def test_repeated_calls(self):
        """Conv2D gives the same gradients when forward and backward run again (nothing accumulates)"""
        rng = np.random.default_rng(5)
        student, reference, name = conv_pair(self, rng, 3, 4, 3, 2, 1)
        x = rng.standard_normal((2, 3, 6, 7))
        dout = rng.standard_normal(output_shape(reference, x))
        other_x = rng.standard_normal((3, 3, 5, 5))
        student.call("forward", other_x)
        student.call("backward", rng.standard_normal(output_shape(reference, other_x)))
        for _ in range(2):
            check_gradients(student, reference, x, dout, ["dx", "dw", "db"], f"{name} (used before)", samples=15)

    @weight(2)
    @number("1.1.26")
    @visibility("after_published")
    @FEW_EXAMPLES
    @given(conv_configs())
    def test_generated_shapes(self, config):
        """Conv2D forward and backward (dx, dw, db) on generated shapes, strides and paddings"""
        x_shape, out_channels, kernel_size, stride, padding = config
        self.forward_case(x_shape, out_channels, kernel_size, stride, padding)
        self.gradient_case(["dx", "dw", "db"], x_shape, out_channels, kernel_size, stride, padding, samples=12)
