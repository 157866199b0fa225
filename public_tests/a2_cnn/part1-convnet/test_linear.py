"""Part 1.1: the Linear module (modules/linear.py)."""

from autograder.harness.checks.compare import assert_close
from autograder.harness.checks.fixtures import fixture_loader
from autograder.harness.checks.gradcheck import assert_gradient_close
from autograder.harness.testing import StudentTestCase, number, weight

load_fixture = fixture_loader(__file__)  # fixtures/<module>.npz beside this file

CALL = "Linear(24, 5)"


class TestLinear(StudentTestCase):
    """Linear: forward flattens each example; backward against numerical gradients
    (both computed offline, in fixtures/linear.npz)."""

    def make_linear(self, case):
        """A student Linear(24, 5) with the case's weight and bias."""
        layer = self.student.call("modules.linear.Linear", 24, 5)
        layer.set("weight", case["weight"])
        layer.set("bias", case["bias"])
        return layer

    @weight(2)
    @number("1.1.11")
    def test_forward(self):
        """Linear.forward flattens (N, 2, 3, 4) inputs to (N, 24), then applies weight and bias"""
        case = load_fixture("linear", "forward")
        layer = self.make_linear(case)
        assert_close(layer.call("forward", case["x"]), case["out"],
                     call=f"{CALL}.forward(x) with x of shape (3, 2, 3, 4)")

    @weight(2)
    @number("1.1.12")
    def test_backward(self):
        """Linear.backward sets self.dx (shaped like the input), self.dw and self.db"""
        case = load_fixture("linear", "backward")
        layer = self.make_linear(case)
        layer.call("forward", case["x"])
        layer.call("backward", case["dout"])
        call = f"{CALL}.backward(dout) after forward(x), x of shape (3, 2, 3, 4)"
        for name in ("dx", "dw", "db"):
            assert_gradient_close(layer.get(name), case[name], case[name + "_index"], name=f"self.{name}",
                                  call=call)
