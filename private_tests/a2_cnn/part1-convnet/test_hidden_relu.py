"""Hidden tests of part 1.1: ReLU at 0, on any shape, over repeated calls."""

import os
import sys

import numpy as np

from autograder.harness.checks.compare import ComparisonFailed, assert_close
from autograder.harness.testing import StudentTestCase, number, visibility, weight

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _hidden_checks import RELU, check_forward, check_gradients  # noqa: E402


def away_from_zero(rng, shape):
    """Inputs of both signs, none so close to 0 that a numerical gradient would cross it."""
    return rng.uniform(0.1, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


class TestReLUHidden(StudentTestCase):
    """ReLU against the reference."""

    def pair(self):
        return self.student.call(RELU), self.reference.call(RELU)

    @weight(1)
    @number("1.1.36")
    @visibility("after_published")
    def test_at_zero(self):
        """ReLU is 0 at x == 0, and its backward there gives a finite value between 0 and dout"""
        x = np.array([[-1.0, 0.0, 2.0], [0.0, 3.0, -0.0]])
        dout = np.array([[1.0, 2.0, 3.0], [-4.0, 5.0, 6.0]])
        relu = self.student.call(RELU)
        assert_close(relu.call("forward", x), np.maximum(x, 0), call="ReLU().forward(x), x with zeros", rtol=0, atol=0)
        relu.call("backward", dout)
        dx = np.asarray(relu.get("dx"), dtype=np.float64)
        call = "ReLU().backward(dout) after forward(x), x with zeros"
        if dx.shape != x.shape:
            raise ComparisonFailed(f"{call}: self.dx should have shape {x.shape}, got {dx.shape}")
        at_zero = x == 0
        # Any subgradient is right at 0: t * dout with 0 <= t <= 1 (torch and the course use t = 0).
        t = dx[at_zero] / dout[at_zero]
        if not (np.all(np.isfinite(dx[at_zero])) and np.all((t >= 0) & (t <= 1))):
            raise ComparisonFailed(f"{call}: self.dx at x == 0 should be 0 (or dout), got {dx[at_zero].tolist()}")
        assert_close(dx[~at_zero], np.where(x > 0, dout, 0)[~at_zero], call=f"{call}: self.dx away from 0")

    @weight(1)
    @number("1.1.37")
    @visibility("after_published")
    def test_any_shape_repeated(self):
        """ReLU works on 2-D and 4-D inputs, and again after an earlier call"""
        rng = np.random.default_rng(8)
        student, reference = self.pair()
        for shape in [(4, 7), (2, 3, 4, 5), (4, 7)]:
            x = away_from_zero(rng, shape)
            check_forward(student, reference, x, "ReLU()")
            check_gradients(student, reference, x, rng.standard_normal(shape), ["dx"], "ReLU()", samples=20)
