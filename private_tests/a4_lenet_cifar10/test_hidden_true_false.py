"""Part 1: the True/False choices against the course's key (1 point each); the explanations
are listed for the course staff (1 point each, graded by hand)."""

import importlib.util
import unittest
from pathlib import Path

from autograder.harness.checks.compare import ComparisonFailed
from autograder.harness.testing import StudentTestCase, number, partial_credit, visibility, weight

# The course's key (never shipped: private tests stay with the grader). See the reference's
# true_false.md for the reasoning.
KEY = {"1.1": False, "1.2": True, "1.3": False, "1.4": False, "1.5": False, "1.6": False, "1.7": True,
       "1.8": False, "1.9": False, "1.10": False}
PUBLIC = Path(__file__).resolve().parents[2] / "public_tests" / "a4_lenet_cifar10" / "test_true_false.py"


def _parser():
    spec = importlib.util.spec_from_file_location("a4_public_true_false", PUBLIC)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.parse_true_false


def answers_of(student):
    try:
        text = bytes(student.call("autograder.worker.serve.read_file", "true_false.md", 1)).decode("utf-8", "replace")
    except Exception as e:
        if getattr(e, "type_name", type(e).__name__) == "FileNotFoundError":
            raise ComparisonFailed("true_false.md is not in your submission") from None
        raise
    return _parser()(text)


class TestTrueFalseKey(StudentTestCase):
    @partial_credit(10)
    @visibility("visible")
    @number("1.11")
    def test_choices(self, set_score=None):
        """Part 1: the True/False choices of 1.1-1.10 (1 point each; the explanations are graded by the staff)"""
        set_score(0.0)
        answers, _, _ = answers_of(self.student)
        right = [q for q, truth in KEY.items() if answers.get(q) is truth]
        set_score(float(len(right)))
        if len(right) < len(KEY):
            unanswered = [q for q in KEY if answers.get(q) is None]
            raise ComparisonFailed(f"{len(right)} of {len(KEY)} choices agree with the key"
                                   + (f"; not answered: {', '.join(unanswered)}" if unanswered else ""))

    @weight(0)
    @visibility("after_published")
    @number("1.12")
    def test_explanations_for_manual_grading(self):
        """Part 1: the explanations, listed for manual grading (not scored here)"""
        answers, explanations, _ = answers_of(self.student)
        listing = "\n".join(f"{q} [{ {True: 'True', False: 'False', None: '-'}[answers.get(q)] }] "
                            f"{explanations.get(q) or '(no explanation)'}" for q in KEY)
        print(listing)


if __name__ == "__main__":
    unittest.main()
