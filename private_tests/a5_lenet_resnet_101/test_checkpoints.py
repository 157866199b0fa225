"""Sections 1.2.1 (b) and 1.2.3: the saved models' accuracy on the validation set.

The worker loads each checkpoint (torch.load with weights_only=True) into the class the
notebook defines, LeNet5Improved() or ResNet18(), and predicts data/val_images.npy
normalised as (x / 255 - MEAN) / STD; the grader alone holds the labels.
"""

import unittest

from autograder.grading.checkpoints import CheckpointTestCase, max_points
from autograder.harness.testing import number, partial_credit, visibility
from autograder.manifest import load

ASSIGNMENT = "a5_lenet_resnet_101"
SPECS = {c.path.rsplit("/", 1)[-1][:-4]: c for c in load(ASSIGNMENT).checkpoints}


class TestCheckpoints(CheckpointTestCase):
    """checkpoints/lenet5_improved.pth and checkpoints/resnet18.pth."""

    assignment = ASSIGNMENT
    evaluated_on = "validation set"

    @partial_credit(max_points(SPECS["lenet5_improved"]))
    @visibility("visible")
    @number("1.2.4")
    def test_improved_checkpoint(self, set_score=None):
        """Improved model: checkpoints/lenet5_improved.pth reaches 65% validation accuracy (5 points), 67% (8), 69% (12), 71% (15)"""
        self.grade_checkpoint("lenet5_improved", set_score)

    @partial_credit(max_points(SPECS["resnet18"]))
    @visibility("visible")
    @number("3.11")
    def test_resnet18_checkpoint(self, set_score=None):
        """ResNet-18: checkpoints/resnet18.pth, 0 points at 71% validation accuracy or less, rising linearly to 15 at 80%"""
        self.grade_checkpoint("resnet18", set_score)


if __name__ == "__main__":
    unittest.main()
