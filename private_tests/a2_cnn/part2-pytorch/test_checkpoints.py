"""Section 2.2: the trained models' checkpoints, scored on the hidden test set.

The worker loads each checkpoint (torch.load with weights_only=True) into the student's
own class and predicts the test images; the grader alone holds the labels.
"""

import unittest

from autograder.grading.checkpoints import CheckpointTestCase, max_points
from autograder.harness.testing import leaderboard, number, partial_credit
from autograder.manifest import load

ASSIGNMENT = "a2_cnn/part2-pytorch"
SPECS = {c.path.rsplit("/", 1)[-1][:-4]: c for c in load(ASSIGNMENT).checkpoints}


class TestCheckpoints(CheckpointTestCase):
    """Section 2.2: checkpoints/<model>.pth of each trained model."""

    assignment = ASSIGNMENT

    @partial_credit(max_points(SPECS["twolayernet"]))
    @number("2.2.1")
    def test_two_layer_checkpoint(self, set_score=None):
        """Two-layer network: checkpoints/twolayernet.pth reaches about 0.3 test accuracy"""
        self.grade_checkpoint("twolayernet", set_score)

    @partial_credit(max_points(SPECS["vanillacnn"]))
    @number("2.2.2")
    def test_vanilla_cnn_checkpoint(self, set_score=None):
        """Vanilla CNN: checkpoints/vanillacnn.pth reaches about 0.4 test accuracy"""
        self.grade_checkpoint("vanillacnn", set_score)

    @leaderboard("MyModel accuracy")
    @partial_credit(max_points(SPECS["mymodel"]))
    @number("2.2.3")
    def test_my_model_checkpoint(self, set_score=None, set_leaderboard_value=None):
        """Your own network: checkpoints/mymodel.pth above 0.5 for partial credit, 0.7 for full"""
        self.grade_checkpoint("mymodel", set_score, set_leaderboard_value)


if __name__ == "__main__":
    unittest.main()
