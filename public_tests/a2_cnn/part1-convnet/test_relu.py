"""Part 1.1: the ReLU module (modules/relu.py)."""

from autograder.harness.checks.compare import assert_close
from autograder.harness.checks.fixtures import fixture_loader
from autograder.harness.checks.gradcheck import assert_gradient_close
from autograder.harness.testing import StudentTestCase, number, weight

load_fixture = fixture_loader(__file__)  # fixtures/<module>.npz beside this file


class TestReLU(StudentTestCase):
    """ReLU: forward is max(x, 0); backward lets the gradient through where x > 0 (the
    inputs, of both signs, keep away from 0; expected values in fixtures/relu.npz)."""

    @weight(1)
    @number("1.1.9")
    def test_forward(self):
        """ReLU.forward keeps positive inputs and zeroes negative ones"""
        case = load_fixture("relu", "forward")
        relu = self.student.call("modules.relu.ReLU")
        assert_close(relu.call("forward", case["x"]), case["out"],
                     call="ReLU().forward(x) with x of shape (3, 2, 4, 5)")

    @weight(1)
    @number("1.1.10")
    def test_backward(self):
        """ReLU.backward sets self.dx, the gradient with respect to the input"""
        case = load_fixture("relu", "backward")
        relu = self.student.call("modules.relu.ReLU")
        relu.call("forward", case["x"])
        relu.call("backward", case["dout"])
        assert_gradient_close(relu.get("dx"), case["dx"], case["dx_index"], name="self.dx",
                              call="ReLU().backward(dout) after forward(x), x of shape (3, 2, 4, 5)")
