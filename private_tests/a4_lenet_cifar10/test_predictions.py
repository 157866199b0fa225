"""Lab 3 (b): predictions.csv scored on the hidden test labels (12 points above 90%)."""

import unittest

from autograder.grading.predictions import PredictionsTestCase
from autograder.harness.testing import leaderboard, number, partial_credit, visibility


class TestPredictions(PredictionsTestCase):
    assignment = "a4_lenet_cifar10"

    @leaderboard("accuracy")
    @partial_credit(12)
    @visibility("visible")
    @number("4.5")
    def test_predictions(self, set_score=None, set_leaderboard_value=None):
        """Lab 3 (b): predictions.csv, 0 points at 80% test accuracy or less, rising linearly to all 12 at 90%"""
        self.grade_predictions("test set", set_score, set_leaderboard_value)


if __name__ == "__main__":
    unittest.main()
