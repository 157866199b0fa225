"""Hidden tests of part 1.1: MaxPooling with overlapping windows, strides other than the
kernel size, non-square inputs, ties."""

import os
import sys

import numpy as np
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from autograder.harness.checks.compare import ComparisonFailed
from autograder.harness.testing import StudentTestCase, number, visibility, weight

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _hidden_checks import POOL, check_forward, check_gradients, output_shape  # noqa: E402

FEW_EXAMPLES = settings(max_examples=6, deadline=None, database=None, derandomize=True,
                        phases=[Phase.explicit, Phase.generate])


@st.composite
def pool_configs(draw):
    """(x shape, kernel_size, stride) with at least one window."""
    kernel_size = draw(st.integers(1, 3))
    stride = draw(st.integers(1, 3))
    shape = (draw(st.integers(1, 2)), draw(st.integers(1, 3)),
             draw(st.integers(kernel_size, 8)), draw(st.integers(kernel_size, 8)))
    return shape, kernel_size, stride


class TestMaxPoolHidden(StudentTestCase):
    """MaxPooling against the reference: forward values, numerical gradients of dx."""

    def pair(self, kernel_size, stride):
        student = self.student.call(POOL, kernel_size, stride)
        reference = self.reference.call(POOL, kernel_size, stride)
        return student, reference, f"MaxPooling({kernel_size}, {stride})"

    def forward_case(self, x_shape, kernel_size, stride, seed=0):
        student, reference, name = self.pair(kernel_size, stride)
        check_forward(student, reference, np.random.default_rng(seed).standard_normal(x_shape), name)

    def gradient_case(self, x_shape, kernel_size, stride, seed=0, samples=None):
        rng = np.random.default_rng(seed)
        student, reference, name = self.pair(kernel_size, stride)
        x = rng.standard_normal(x_shape)
        dout = rng.standard_normal(output_shape(reference, x))
        check_gradients(student, reference, x, dout, ["dx"], name, samples=samples)

    @weight(1)
    @number("1.1.27")
    @visibility("after_published")
    def test_forward_overlapping_windows(self):
        """MaxPooling.forward with overlapping windows (stride smaller than the kernel)"""
        self.forward_case((2, 3, 7, 7), 3, 1)
        self.forward_case((2, 2, 6, 6), 2, 1, seed=1)

    @weight(1)
    @number("1.1.28")
    @visibility("after_published")
    def test_forward_stride_larger_than_kernel(self):
        """MaxPooling.forward with a stride larger than the kernel (windows skip pixels)"""
        self.forward_case((2, 3, 9, 8), 2, 3)

    @weight(1)
    @number("1.1.29")
    @visibility("after_published")
    def test_forward_non_square(self):
        """MaxPooling.forward on non-square images, including odd sizes with a leftover row"""
        self.forward_case((2, 3, 7, 10), 2, 2)
        self.forward_case((1, 2, 9, 6), 3, 2, seed=1)

    @weight(2)
    @number("1.1.30")
    @visibility("after_published")
    def test_backward_overlapping_windows(self):
        """MaxPooling.backward with overlapping windows adds up the gradients a pixel receives"""
        self.gradient_case((2, 3, 7, 6), 3, 1)

    @weight(1)
    @number("1.1.31")
    @visibility("after_published")
    def test_backward_stride_larger_than_kernel(self):
        """MaxPooling.backward with a stride larger than the kernel on non-square images"""
        self.gradient_case((2, 2, 9, 7), 2, 3)

    @weight(1)
    @number("1.1.32")
    @visibility("after_published")
    def test_backward_non_square_batch_of_one(self):
        """MaxPooling.backward on one non-square image with odd sizes"""
        self.gradient_case((1, 3, 7, 10), 2, 2)

    @weight(1)
    @number("1.1.33")
    @visibility("after_published")
    def test_backward_ties(self):
        """MaxPooling.backward passes each window's gradient on once when its maximum is tied (e.g. all zeros after a ReLU)"""
        rng = np.random.default_rng(6)
        x = np.maximum(rng.standard_normal((2, 3, 6, 6)), 0)  # many all-zero 2x2 windows
        x[0, 0, :2, :2] = 1.5  # and a window whose four entries tie at a positive maximum
        dout = rng.standard_normal((2, 3, 3, 3))
        pool = self.student.call(POOL, 2, 2)
        pool.call("forward", x)
        pool.call("backward", dout)
        dx = np.asarray(pool.get("dx"), dtype=np.float64)
        call = "MaxPooling(2, 2).backward(dout) after forward(x), x with tied maxima"
        if dx.shape != x.shape:
            raise ComparisonFailed(f"{call}: self.dx should have shape {x.shape}, got {dx.shape}")
        windows = x.reshape(2, 3, 3, 2, 3, 2)
        grads = dx.reshape(2, 3, 3, 2, 3, 2)
        maxima = windows.max(axis=(3, 5), keepdims=True)
        off_max = np.abs(np.where(windows == maxima, 0, grads)).max()
        if off_max > 0:
            raise ComparisonFailed(f"{call}: self.dx is non-zero at an entry that is not its window's maximum")
        sums = grads.sum(axis=(3, 5))
        bad = np.argwhere(~np.isclose(sums, dout, rtol=1e-9, atol=1e-12))
        if bad.size:
            n, c, i, j = bad[0]
            raise ComparisonFailed(
                f"{call}: the gradient in window [{n}, {c}, {i}, {j}] adds up to {sums[n, c, i, j]:.6g}, "
                f"expected dout there, {dout[n, c, i, j]:.6g} ({len(bad)} windows differ); "
                f"a tied maximum must not receive the gradient more than once in total")

    @weight(1)
    @number("1.1.34")
    @visibility("after_published")
    def test_repeated_calls(self):
        """MaxPooling gives the same dx when forward and backward run again (nothing accumulates)"""
        rng = np.random.default_rng(7)
        student, reference, name = self.pair(3, 2)
        x = rng.standard_normal((2, 2, 7, 8))
        dout = rng.standard_normal(output_shape(reference, x))
        other_x = rng.standard_normal((1, 2, 5, 5))
        student.call("forward", other_x)
        student.call("backward", rng.standard_normal(output_shape(reference, other_x)))
        for _ in range(2):
            check_gradients(student, reference, x, dout, ["dx"], f"{name} (used before)", samples=30)

    @weight(2)
    @number("1.1.35")
    @visibility("after_published")
    @FEW_EXAMPLES
    @given(pool_configs())
    def test_generated_shapes(self, config):
        """MaxPooling forward and backward on generated shapes, kernel sizes and strides"""
        x_shape, kernel_size, stride = config
        self.forward_case(x_shape, kernel_size, stride)
        self.gradient_case(x_shape, kernel_size, stride, samples=20)
