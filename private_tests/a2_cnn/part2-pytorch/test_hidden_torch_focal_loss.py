"""Part 3.1 (hidden): focal loss with weights and gamma > 0, large scores, gradients and
reweighting, all against the reference solution."""

import numpy as np
import torch

from autograder.harness.checks.compare import assert_close
from autograder.harness.checks.gradcheck import assert_gradient_close, numerical_gradient
from autograder.harness.testing import StudentTestCase, number, visibility, weight


def scores_and_labels(n, c, seed=0, dtype=torch.float32, scale=1.0):
    rng = np.random.default_rng(seed)
    x = torch.tensor(scale * rng.standard_normal((n, c)), dtype=dtype)
    y = torch.tensor(rng.integers(0, c, n), dtype=torch.int64)
    return x, y


def class_weights(c, seed=0, dtype=torch.float32):
    return torch.tensor(np.random.default_rng(seed).uniform(0.2, 3.0, c), dtype=dtype)


class TestFocalLossHidden(StudentTestCase):

    def check_loss(self, x, y, gamma, w=None, rtol=1e-5):
        student = self.student.call("losses.FocalLoss", weight=w, gamma=gamma)
        reference = self.reference.call("losses.FocalLoss", weight=w, gamma=gamma)
        weights = "" if w is None else "weight=w, "
        assert_close(student.call("forward", x, y), reference.call("forward", x, y),
                     call=f"FocalLoss({weights}gamma={gamma}).forward(input, target), "
                          f"input {str(x.dtype)[6:]} {tuple(x.shape)}",
                     rtol=rtol)

    @weight(2)
    @visibility("hidden")
    @number("3.1.7")
    def test_focal_loss_weights_and_gamma(self):
        """With class weights and gamma = 2, FocalLoss is the weighted mean of -w_y (1 - p_y)^2 log p_y"""
        x, y = scores_and_labels(32, 10, seed=10)
        self.check_loss(x, y, 2.0, class_weights(10, seed=11))

    @weight(1)
    @visibility("hidden")
    @number("3.1.8")
    def test_focal_loss_fractional_gamma(self):
        """FocalLoss accepts any gamma >= 0, e.g. 0.5 and 1 (main.py's value)"""
        x, y = scores_and_labels(20, 6, seed=12, dtype=torch.float64)
        self.check_loss(x, y, 0.5)
        self.check_loss(x, y, 1.0, class_weights(6, seed=13, dtype=torch.float64))

    @weight(1)
    @visibility("hidden")
    @number("3.1.9")
    def test_focal_loss_large_scores(self):
        """FocalLoss stays finite and correct for large scores (hundreds), in float32"""
        x, y = scores_and_labels(16, 10, seed=14, scale=60.0)
        self.check_loss(x, y, 1.0, rtol=1e-4)

    @weight(2)
    @visibility("hidden")
    @number("3.1.10")
    def test_focal_loss_weighted_gradient(self):
        """Autograd's gradient of the class-balanced FocalLoss(gamma=2) matches the reference's numerical gradient"""
        x, y = scores_and_labels(7, 4, seed=15, dtype=torch.float64)
        w = class_weights(4, seed=16, dtype=torch.float64)
        student = self.student.call("losses.FocalLoss", weight=w, gamma=2.0)
        reference = self.reference.call("losses.FocalLoss", weight=w, gamma=2.0)
        # Graphs cannot leave the code under test: jacobian runs there, on the loss with
        # its target bound.
        loss_of_x = self.student.call("functools.partial", student, target=y)
        analytic = self.student.call("torch.autograd.functional.jacobian", loss_of_x, x)
        numeric, index = numerical_gradient(
            lambda v: reference.call("forward", torch.from_numpy(v), y), x.numpy())
        assert_gradient_close(analytic, numeric, index, name="d loss / d input",
                              call="FocalLoss(weight=w, gamma=2).forward(input, target), input float64 (7, 4)",
                              tol=1e-5)


class TestReweightHidden(StudentTestCase):

    @weight(1)
    @visibility("hidden")
    @number("3.1.11")
    def test_reweighting_other_counts(self):
        """reweight follows (1 - beta) / (1 - beta^n), normalised to sum to the number of classes, for any counts and beta"""
        counts = [int(n) for n in np.random.default_rng(17).integers(1, 5000, 10)]
        for beta in (0.9, 0.999, 0.9999):
            assert_close(self.student.call("losses.reweight", counts, beta=beta),
                         self.reference.call("losses.reweight", counts, beta=beta),
                         call=f"reweight({counts}, beta={beta})", rtol=1e-5)

    @weight(1)
    @visibility("hidden")
    @number("3.1.12")
    def test_reweighted_focal_loss_as_in_main(self):
        """FocalLoss(weight=reweight(counts), gamma=1) works on float32 scores, as main.py uses it"""
        counts = [5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50]
        x, y = scores_and_labels(24, 10, seed=18)
        weights = self.student.call("losses.reweight", counts)
        student = self.student.call("losses.FocalLoss", weight=weights, gamma=1)
        reference = self.reference.call("losses.FocalLoss",
                                        weight=self.reference.call("losses.reweight", counts), gamma=1)
        assert_close(student.call("forward", x, y), reference.call("forward", x, y),
                     call="FocalLoss(weight=reweight(counts), gamma=1).forward(input, target), "
                          "input float32 (24, 10)", rtol=1e-4)
