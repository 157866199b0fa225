"""Labs 1 and 2: the saved models' validation accuracy, measured by the grader.

The worker loads each checkpoint (torch.load with weights_only=True; the course's dict
{'net': state_dict, 'epoch', 'lr'}, of which 'net' is loaded) into the notebook's own
LeNet5 and predicts data/eval/val_images.npy normalised with the template's constants;
the grader alone holds the labels.
"""

import unittest

from autograder.grading.checkpoints import CheckpointTestCase, max_points
from autograder.harness.testing import number, partial_credit, visibility
from autograder.manifest import load

ASSIGNMENT = "a4_lenet_cifar10"
SPECS = {c.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]: c for c in load(ASSIGNMENT).checkpoints}


class TestCheckpoints(CheckpointTestCase):
    """saved_model/model.h5 (Lab 1) and saved_model/model-dev.h5 (Lab 2)."""

    assignment = ASSIGNMENT
    evaluated_on = "validation set"

    @partial_credit(max_points(SPECS["model"]))
    @visibility("visible")
    @number("2.10")
    def test_lab1_checkpoint(self, set_score=None):
        """Lab 1 (f): saved_model/model.h5 in lenet5-cifar10.ipynb's LeNet5 reaches 63% validation accuracy (10 points)"""
        self.grade_checkpoint("model", set_score)

    @partial_credit(max_points(SPECS["model-dev"]))
    @visibility("visible")
    @number("3.8")
    def test_lab2_checkpoint(self, set_score=None):
        """Lab 2: saved_model/model-dev.h5 in lenet5-cifar10-dev.ipynb's LeNet5 reaches 70% validation accuracy (4 points)"""
        self.grade_checkpoint("model-dev", set_score)


if __name__ == "__main__":
    unittest.main()
