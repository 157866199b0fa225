"""Hidden tests of Q8.3: the layers on strides and paddings other than the notebook's,
non-square images and filters, per-filter biases, pooling windows that overlap or leave
gaps, and inputs of more dimensions, against the reference."""

import os
import sys

import numpy as np
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from autograder.harness.checks.compare import assert_close
from autograder.harness.testing import StudentTestCase, number, visibility, weight

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _hidden_checks import LAYERS, check_layer_gradients  # noqa: E402

# A few generated shapes per run, the same ones every run; failures are not shrunk
# (each example calls into student code many times).
FEW_EXAMPLES = settings(max_examples=5, deadline=None, database=None, derandomize=True,
                        phases=[Phase.explicit, Phase.generate])
CONV_GRADIENTS = ["dx", "dw", "db"]


def input_sizes(field, stride, pad):
    """Input sizes (H + 2 pad - field) % stride == 0, at least 1: (H' - 1) * stride + field - 2 pad
    for 1 to 4 output rows H' (H' >= 1 + (2 pad + 1 - field) / stride keeps it positive)."""
    fewest = max(1, 1 - (field - 2 * pad - 1) // stride)
    return st.integers(fewest, fewest + 3).map(lambda rows: (rows - 1) * stride + field - 2 * pad)


@st.composite
def conv_configs(draw):
    """(x shape, w shape, stride, pad) where the stride divides H + 2 pad - HH and W + 2 pad - WW."""
    stride, pad = draw(st.integers(1, 3)), draw(st.integers(0, 2))
    HH, WW = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    H, W = (draw(input_sizes(field, stride, pad)) for field in (HH, WW))
    N, C, F = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    return (N, C, H, W), (F, C, HH, WW), stride, pad


class TestConvHidden(StudentTestCase):
    """conv_forward_naive and conv_backward_naive against the reference."""

    def conv_case(self, x_shape, w_shape, stride, pad, seed):
        rng = np.random.default_rng(seed)
        x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
        conv_param = {'stride': stride, 'pad': pad}
        return (x, w, b, conv_param), f"x {x_shape}, w {w_shape}, conv_param {conv_param}"

    def check_forward(self, x_shape, w_shape, stride, pad, seed=0):
        args, shown = self.conv_case(x_shape, w_shape, stride, pad, seed)
        assert_close(self.student.call(f"{LAYERS}.conv_forward_naive", *args)[0],
                     self.reference.call(f"{LAYERS}.conv_forward_naive", *args)[0],
                     call=f"conv_forward_naive(x, w, b, conv_param) with {shown}")

    def check_backward(self, x_shape, w_shape, stride, pad, checked, seed=0, samples=40):
        args, shown = self.conv_case(x_shape, w_shape, stride, pad, seed)
        out = self.reference.call(f"{LAYERS}.conv_forward_naive", *args)[0]
        dout = np.random.default_rng(seed + 1).standard_normal(out.shape)
        check_layer_gradients(self, "conv_forward_naive", "conv_backward_naive", args, dout, CONV_GRADIENTS, checked,
                              f"conv_backward_naive(dout, cache) after conv_forward_naive(x, w, b, conv_param) with "
                              f"{shown}", samples=samples)

    @weight(0.25)
    @number("8.3.11")
    @visibility("after_published")
    def test_forward_other_strides_and_pads(self):
        """conv_forward_naive with stride 1 and no padding, and with stride 3, pad 2 and 5x5 filters"""
        self.check_forward((2, 3, 6, 6), (4, 3, 3, 3), stride=1, pad=0)
        self.check_forward((2, 2, 10, 7), (3, 2, 5, 5), stride=3, pad=2, seed=1)

    @weight(0.25)
    @number("8.3.12")
    @visibility("after_published")
    def test_forward_non_square(self):
        """conv_forward_naive on non-square images with non-square filters (HH != WW)"""
        self.check_forward((2, 3, 6, 9), (4, 3, 3, 5), stride=1, pad=1)
        self.check_forward((2, 3, 7, 9), (2, 3, 3, 5), stride=2, pad=1, seed=1)

    @weight(0.25)
    @number("8.3.13")
    @visibility("after_published")
    def test_forward_bias_per_filter(self):
        """conv_forward_naive adds each filter's own bias to its output channel"""
        x = np.random.default_rng(813).standard_normal((2, 2, 5, 5))
        w, b = np.zeros((4, 2, 3, 3)), np.array([1.5, -2.0, 0.25, 3.0])
        args = (x, w, b, {'stride': 1, 'pad': 1})
        assert_close(self.student.call(f"{LAYERS}.conv_forward_naive", *args)[0],
                     self.reference.call(f"{LAYERS}.conv_forward_naive", *args)[0],
                     call=f"conv_forward_naive(x, w, b, {args[3]}) with x {x.shape}, w = zeros {w.shape}, b {b}")

    @weight(0.25)
    @number("8.3.14")
    @visibility("after_published")
    def test_backward_dx_stride_pad(self):
        """conv_backward_naive: dx with stride 2 and pad 1, on non-square images and filters"""
        self.check_backward((2, 3, 7, 9), (4, 3, 3, 5), 2, 1, ["dx"])

    @weight(0.25)
    @number("8.3.15")
    @visibility("after_published")
    def test_backward_dw_db_stride_pad(self):
        """conv_backward_naive: dw and db with stride 2 and pad 1, on non-square images and filters"""
        self.check_backward((2, 3, 7, 9), (4, 3, 3, 5), 2, 1, ["dw", "db"])

    @weight(0.25)
    @number("8.3.16")
    @visibility("after_published")
    @FEW_EXAMPLES
    @given(conv_configs())
    def test_generated_shapes(self, config):
        """conv_forward_naive and conv_backward_naive on generated shapes, strides and paddings"""
        x_shape, w_shape, stride, pad = config
        self.check_forward(x_shape, w_shape, stride, pad)
        self.check_backward(x_shape, w_shape, stride, pad, CONV_GRADIENTS, samples=12)


class TestMaxPoolHidden(StudentTestCase):
    """max_pool_forward_naive and max_pool_backward_naive against the reference."""

    @staticmethod
    def pool_case(x_shape, pool_height, pool_width, stride, seed):
        x = np.random.default_rng(seed).standard_normal(x_shape)
        pool_param = {'pool_height': pool_height, 'pool_width': pool_width, 'stride': stride}
        return (x, pool_param), f"x {x_shape}, pool_param {pool_param}"

    def check_forward(self, x_shape, pool_height, pool_width, stride, seed=0):
        args, shown = self.pool_case(x_shape, pool_height, pool_width, stride, seed)
        assert_close(self.student.call(f"{LAYERS}.max_pool_forward_naive", *args)[0],
                     self.reference.call(f"{LAYERS}.max_pool_forward_naive", *args)[0],
                     call=f"max_pool_forward_naive(x, pool_param) with {shown}")

    def check_backward(self, x_shape, pool_height, pool_width, stride, seed=0):
        args, shown = self.pool_case(x_shape, pool_height, pool_width, stride, seed)
        out = self.reference.call(f"{LAYERS}.max_pool_forward_naive", *args)[0]
        dout = np.random.default_rng(seed + 1).standard_normal(out.shape)
        check_layer_gradients(self, "max_pool_forward_naive", "max_pool_backward_naive", args, dout, ["dx"], ["dx"],
                              f"max_pool_backward_naive(dout, cache) after max_pool_forward_naive(x, pool_param) "
                              f"with {shown}", samples=None)

    @weight(0.25)
    @number("8.3.17")
    @visibility("after_published")
    def test_forward_stride_unlike_window(self):
        """max_pool_forward_naive with overlapping windows (3x3, stride 2), gaps (2x2, stride 3) and 2x3 windows"""
        self.check_forward((2, 3, 9, 7), 3, 3, 2)
        self.check_forward((2, 2, 8, 11), 2, 2, 3, seed=1)
        self.check_forward((1, 3, 6, 7), 2, 3, 2, seed=2)

    @weight(0.25)
    @number("8.3.18")
    @visibility("after_published")
    def test_backward_overlapping_windows(self):
        """max_pool_backward_naive where windows overlap: a pixel gets the gradient of every window it is the maximum of"""
        self.check_backward((2, 2, 7, 7), 3, 3, 2)
        self.check_backward((1, 2, 5, 6), 2, 2, 1, seed=1)

    @weight(0.25)
    @number("8.3.19")
    @visibility("after_published")
    def test_backward_gaps_and_rectangles(self):
        """max_pool_backward_naive with gaps between windows (2x2 and 3x2 windows, stride 3)"""
        self.check_backward((2, 2, 8, 11), 2, 2, 3)
        self.check_backward((2, 3, 9, 8), 3, 2, 3, seed=1)


class TestAffineReLUHidden(StudentTestCase):
    """affine and ReLU layers on more dimensions and a batch of one."""

    @weight(0.25)
    @number("8.3.20")
    @visibility("after_published")
    def test_affine_relu_other_shapes(self):
        """affine_forward/backward on (N, 2, 3, 4) inputs and on a batch of one; relu_forward/backward on 4-d inputs"""
        rng = np.random.default_rng(820)
        for x_shape in ((3, 2, 3, 4), (1, 5)):
            D = int(np.prod(x_shape[1:]))
            x, w, b = rng.standard_normal(x_shape), rng.standard_normal((D, 4)), rng.standard_normal(4)
            shown = f"x {x_shape}, w {w.shape}"
            assert_close(self.student.call(f"{LAYERS}.affine_forward", x, w, b)[0],
                         self.reference.call(f"{LAYERS}.affine_forward", x, w, b)[0],
                         call=f"affine_forward(x, w, b) with {shown}")
            check_layer_gradients(self, "affine_forward", "affine_backward", (x, w, b), rng.standard_normal((x_shape[0], 4)),
                                  ["dx", "dw", "db"], ["dx", "dw", "db"],
                                  f"affine_backward(dout, cache) after affine_forward(x, w, b) with {shown}")
        x = rng.uniform(0.1, 2.0, (2, 3, 4, 5)) * rng.choice([-1.0, 1.0], (2, 3, 4, 5))
        assert_close(self.student.call(f"{LAYERS}.relu_forward", x)[0], self.reference.call(f"{LAYERS}.relu_forward", x)[0],
                     call=f"relu_forward(x) with x {x.shape}")
        check_layer_gradients(self, "relu_forward", "relu_backward", (x,), rng.standard_normal(x.shape), ["dx"], ["dx"],
                              f"relu_backward(dout, cache) after relu_forward(x) with x {x.shape}")
