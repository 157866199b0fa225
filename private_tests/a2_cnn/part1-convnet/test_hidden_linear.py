"""Hidden tests of part 1.1: Linear on 2-D inputs, a batch of one, non-zero biases,
repeated calls."""

import os
import sys

import numpy as np

from autograder.harness.testing import StudentTestCase, number, visibility, weight

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _hidden_checks import check_forward, check_gradients, linear_pair  # noqa: E402


class TestLinearHidden(StudentTestCase):
    """Linear against the reference: forward values, numerical gradients of dx, dw and db."""

    @weight(1)
    @number("1.1.38")
    @visibility("after_published")
    def test_forward_2d_and_batch_of_one(self):
        """Linear.forward on (N, in_dim) inputs and on a batch of one (N, C, H, W) image"""
        rng = np.random.default_rng(9)
        student, reference, name = linear_pair(self, rng, 12, 7)
        check_forward(student, reference, rng.standard_normal((5, 12)), name)
        check_forward(student, reference, rng.standard_normal((1, 3, 2, 2)), name)

    @weight(2)
    @number("1.1.39")
    @visibility("after_published")
    def test_backward_2d_and_batch_of_one(self):
        """Linear.backward: dx, dw and db on (N, in_dim) inputs and on a batch of one image"""
        rng = np.random.default_rng(10)
        student, reference, name = linear_pair(self, rng, 12, 7)
        for shape in [(5, 12), (1, 3, 2, 2)]:
            x = rng.standard_normal(shape)
            check_gradients(student, reference, x, rng.standard_normal((shape[0], 7)), ["dx", "dw", "db"], name,
                            samples=30)

    @weight(1)
    @number("1.1.40")
    @visibility("after_published")
    def test_repeated_calls(self):
        """Linear gives the same gradients when forward and backward run again (nothing accumulates)"""
        rng = np.random.default_rng(11)
        student, reference, name = linear_pair(self, rng, 8, 3)
        x = rng.standard_normal((4, 2, 2, 2))
        dout = rng.standard_normal((4, 3))
        student.call("forward", rng.standard_normal((6, 8)))
        student.call("backward", rng.standard_normal((6, 3)))
        for _ in range(2):
            check_gradients(student, reference, x, dout, ["dx", "dw", "db"], f"{name} (used before)", samples=20)
