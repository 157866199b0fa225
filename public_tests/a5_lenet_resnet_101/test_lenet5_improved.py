"""Section 1.2.1 (b): the improved model.

Any nn.Module CNN trained from scratch is accepted. Its accuracy is measured by the
grader on checkpoints/lenet5_improved.pth (the tiers of the handout: 65% -> 5 points,
67% -> 8, 69% -> 12, 71% -> 15); these tests check that the class works.
"""

import numpy as np
import torch

from autograder.harness.checks.compare import ComparisonFailed, assert_equal
from autograder.harness.testing import StudentTestCase, number, weight


def images(n, seed=0, size=64):
    rng = np.random.default_rng(seed)
    return torch.tensor(rng.standard_normal((n, 3, size, size)), dtype=torch.float32)


class TestLeNet5Improved(StudentTestCase):
    """Section 1.2.1 (b): LeNet5Improved."""

    @weight(2)
    @number("1.2.1")
    def test_improved_output_shape(self):
        """LeNet5Improved maps (N, 3, 64, 64) images to (N, 101) scores, in training and in evaluation mode"""
        net = self.student.call("assignment2.LeNet5Improved", num_classes=101)
        for mode in ("train", "eval"):
            net.call(mode)
            call = f"LeNet5Improved(num_classes=101).{mode}(), then forward(x), x of shape (4, 3, 64, 64)"
            out = net.call("forward", images(4))
            assert_equal(tuple(out.shape), (4, 101), call=call + ": shape of the scores")
            if not torch.isfinite(out).all():
                raise ComparisonFailed(f"{call}: the scores contain NaN or infinity")
