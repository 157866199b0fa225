"""Q8.8: predictions.csv (written by test.py) scored on the challenge set's hidden labels.

5 points for beating chance, 5 more for reaching the course's reference model; the
leaderboard shows the accuracy on a fixed 10% of the images (the public board), at most 3
scored submissions a day. The final standing, on every image, is the hidden test below.
"""

import unittest

from autograder.grading.checkpoints import max_points
from autograder.grading.predictions import PredictionsTestCase
from autograder.harness.checks.compare import ComparisonFailed
from autograder.harness.testing import leaderboard, number, partial_credit, visibility, weight
from autograder.manifest import load

ASSIGNMENT = "a3_cs7643_hw1/2_pytorch"
CHALLENGE = next(p for p in load(ASSIGNMENT).predictions if p.name == "challenge")


class TestChallenge(PredictionsTestCase):

    assignment = ASSIGNMENT

    def require_predictions(self):
        if not self.student.call("os.path.isfile", CHALLENGE.path):
            raise ComparisonFailed(f"{CHALLENGE.path} is not in your submission: make it with "
                                   f"python test.py --model mymodel.pt")

    @leaderboard(CHALLENGE.leaderboard)
    @partial_credit(max_points(CHALLENGE))
    @number("8.8.2")
    def test_challenge(self, set_score=None, set_leaderboard_value=None):
        """Q8.8 challenge: predictions.csv beats chance (5 points), then reaches the course's reference model (5 more)"""
        set_score(0.0)
        self.require_predictions()
        self.grade_predictions(CHALLENGE.name, set_score, set_leaderboard_value)

    @weight(0)
    @visibility("hidden")
    @number("8.8.5")
    def test_final_standing(self):
        """Q8.8 final standing: the accuracy of predictions.csv on every image of the challenge set"""
        self.require_predictions()
        print(f"final standing: accuracy {self.final_standing(CHALLENGE.name):.4f} on all the challenge images")


if __name__ == "__main__":
    unittest.main()
