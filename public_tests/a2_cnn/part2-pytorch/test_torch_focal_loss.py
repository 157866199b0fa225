"""Part 3.1: class-balanced focal loss (softmax version) and reweighting by effective numbers.

For an example of class y whose softmax probability is p_y, the focal loss is
-w_y (1 - p_y)^gamma log(p_y); a batch's loss is the weighted mean
sum_i loss_i / sum_i w_(y_i), so that with gamma = 0 it is exactly
F.cross_entropy(input, target, weight=w). Without weights, w_y = 1.

The expected gradient is in fixtures/focal_loss.npz, computed offline.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F

from autograder.harness.checks.compare import ComparisonFailed, assert_close
from autograder.harness.checks.fixtures import fixture_loader
from autograder.harness.checks.gradcheck import assert_gradient_close
from autograder.harness.testing import StudentTestCase, number, weight

load_fixture = fixture_loader(__file__)  # fixtures/<module>.npz beside this file


def scores_and_labels(n, c, seed=0, dtype=torch.float32):
    rng = np.random.default_rng(seed)
    x = torch.tensor(rng.standard_normal((n, c)), dtype=dtype)
    y = torch.tensor(rng.integers(0, c, n), dtype=torch.int64)
    return x, y


def autograd_gradient(student, loss, x, target):
    """d loss(x, target) / dx, computed by autograd inside the code under test.

    Graphs cannot leave the code under test, so torch.autograd.functional.jacobian runs
    there, on the loss module with its target bound; only the gradient comes back.
    """
    loss_of_x = student.call("functools.partial", loss, target=target)
    return student.call("torch.autograd.functional.jacobian", loss_of_x, x)


class TestFocalLoss(StudentTestCase):

    @weight(2)
    @number("3.1.1")
    def test_focal_loss_equals_ce_loss(self):
        """With gamma = 0, FocalLoss equals the cross-entropy loss"""
        x, y = scores_and_labels(16, 10)
        loss = self.student.call("losses.FocalLoss", gamma=0.0)
        assert_close(loss.call("forward", x, y), F.cross_entropy(x, y),
                     call="FocalLoss(gamma=0).forward(input, target), input of shape (16, 10)",
                     rtol=1e-5)

    @weight(2)
    @number("3.1.2")
    def test_focal_loss_weighted_equals_weighted_ce(self):
        """With gamma = 0 and class weights, FocalLoss equals F.cross_entropy with the same weights (a weighted mean)"""
        x, y = scores_and_labels(16, 4, seed=1)
        w = torch.tensor([0.4043, 0.6652, 1.1011, 1.8294])
        loss = self.student.call("losses.FocalLoss", weight=w, gamma=0.0)
        assert_close(loss.call("forward", x, y), F.cross_entropy(x, y, weight=w),
                     call="FocalLoss(weight=w, gamma=0).forward(input, target), input of shape (16, 4)",
                     rtol=1e-5)

    @weight(2)
    @number("3.1.3")
    def test_focal_loss_down_weights_easy_examples(self):
        """FocalLoss(gamma=2) multiplies each example's cross-entropy by (1 - p_y)^2"""
        # Two examples, two classes: p_y = 1/2 and p_y = 3/4.
        x = torch.tensor([[0.0, 0.0], [math.log(3.0), 0.0]])
        y = torch.tensor([1, 0])
        expected = (0.5 ** 2 * math.log(2) + 0.25 ** 2 * math.log(4 / 3)) / 2
        loss = self.student.call("losses.FocalLoss", gamma=2.0)
        assert_close(loss.call("forward", x, y), expected,
                     call="FocalLoss(gamma=2).forward([[0, 0], [log 3, 0]], [1, 0])", rtol=1e-5)

    @weight(2)
    @number("3.1.4")
    def test_focal_loss_gradient(self):
        """Autograd's gradient of FocalLoss(gamma=2) with respect to the scores matches the numerical gradient"""
        case = load_fixture("focal_loss", "gradient")
        x = torch.tensor(case["x"], dtype=torch.float64)
        y = torch.tensor(case["y"], dtype=torch.int64)
        loss = self.student.call("losses.FocalLoss", gamma=case["gamma"])
        analytic = autograd_gradient(self.student, loss, x, y)
        # 1e-5: a loss computed in float32 inside (harmless) still passes.
        assert_gradient_close(analytic, case["dx"], case["dx_index"], name="d loss / d input",
                              call="FocalLoss(gamma=2).forward(input, target), input float64 (6, 5)",
                              tol=1e-5)


class TestReweight(StudentTestCase):

    @weight(2)
    @number("3.1.5")
    def test_reweighting(self):
        """reweight([645, 387, 232, 139]) is about [0.4043, 0.6652, 1.1011, 1.8294]"""
        weights = self.student.call("losses.reweight", [645, 387, 232, 139])
        if not torch.is_tensor(weights):
            raise ComparisonFailed("reweight([645, 387, 232, 139]) should return a torch tensor "
                                   f"(main.py passes it to FocalLoss), got {type(weights).__name__}")
        assert_close(weights, [0.4043, 0.6652, 1.1011, 1.8294],
                     call="reweight([645, 387, 232, 139])", rtol=0, atol=1e-4)

    @weight(1)
    @number("3.1.6")
    def test_reweighting_beta_zero(self):
        """With beta = 0 every class counts once whatever its size: all weights are 1"""
        weights = self.student.call("losses.reweight", [645, 387, 232, 139], beta=0.0)
        assert_close(weights, np.ones(4), call="reweight([645, 387, 232, 139], beta=0)", rtol=1e-6)
