"""Part 1.1: the MaxPooling module (modules/max_pool.py)."""

from autograder.harness.checks.compare import assert_close
from autograder.harness.checks.fixtures import fixture_loader
from autograder.harness.checks.gradcheck import assert_gradient_close
from autograder.harness.testing import StudentTestCase, number, weight

load_fixture = fixture_loader(__file__)  # fixtures/<module>.npz beside this file


class TestMaxPool(StudentTestCase):
    """MaxPooling: forward against direct window maxima, backward against numerical gradients
    (both computed offline, in fixtures/max_pool.npz)."""

    def check_forward(self, case_name):
        case = load_fixture("max_pool", case_name)
        x, kernel_size, stride = case["x"], case["kernel_size"], case["stride"]
        pool = self.student.call("modules.max_pool.MaxPooling", kernel_size, stride)
        assert_close(pool.call("forward", x), case["out"],
                     call=f"MaxPooling({kernel_size}, {stride}).forward(x) with x of shape {x.shape}")

    @weight(2)
    @number("1.1.6")
    def test_forward(self):
        """MaxPooling.forward takes the maximum of every 2x2 window (stride 2)"""
        self.check_forward("forward")

    @weight(1)
    @number("1.1.7")
    def test_forward_kernel_3_stride_2(self):
        """MaxPooling.forward takes the maximum of every 3x3 window (stride 2)"""
        self.check_forward("forward_kernel_3_stride_2")

    @weight(2)
    @number("1.1.8")
    def test_backward(self):
        """MaxPooling.backward sends each window's gradient to the window's maximum"""
        case = load_fixture("max_pool", "backward")
        pool = self.student.call("modules.max_pool.MaxPooling", 2, 2)
        pool.call("forward", case["x"])
        pool.call("backward", case["dout"])
        assert_gradient_close(pool.get("dx"), case["dx"], case["dx_index"], name="self.dx",
                              call="MaxPooling(2, 2).backward(dout) after forward(x), x of shape (2, 3, 8, 8)")
