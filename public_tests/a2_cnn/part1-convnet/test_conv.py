"""Part 1.1: the Conv2D module (modules/convolution.py)."""

from autograder.harness.checks.compare import assert_close
from autograder.harness.checks.fixtures import fixture_loader
from autograder.harness.checks.gradcheck import assert_gradient_close
from autograder.harness.testing import StudentTestCase, number, weight

load_fixture = fixture_loader(__file__)  # fixtures/<module>.npz beside this file


class TestConv(StudentTestCase):
    """Conv2D: forward against a direct convolution, backward against numerical gradients
    (both computed offline, in fixtures/conv.npz)."""

    def make_conv(self, case):
        """A student Conv2D with the case's weights and biases -> (layer, name)."""
        out_channels, in_channels, kernel_size, _ = case["weight"].shape
        stride, padding = case["stride"], case["padding"]
        layer = self.student.call("modules.convolution.Conv2D", in_channels, out_channels,
                                  kernel_size=kernel_size, stride=stride, padding=padding)
        layer.set("weight", case["weight"])
        layer.set("bias", case["bias"])
        name = (f"Conv2D({in_channels}, {out_channels}, kernel_size={kernel_size}, "
                f"stride={stride}, padding={padding})")
        return layer, name

    def check_forward(self, case_name):
        case = load_fixture("conv", case_name)
        layer, name = self.make_conv(case)
        x = case["x"]
        assert_close(layer.call("forward", x), case["out"], call=f"{name}.forward(x) with x of shape {x.shape}")

    def check_backward(self, gradient):
        """Compare self.dx, self.dw or self.db with the numerical gradient."""
        case = load_fixture("conv", "backward")
        layer, name = self.make_conv(case)
        layer.call("forward", case["x"])
        layer.call("backward", case["dout"])
        assert_gradient_close(layer.get(gradient), case[gradient], case[gradient + "_index"],
                              name=f"self.{gradient}",
                              call=f"{name}.backward(dout) after forward(x), x of shape {case['x'].shape}")

    @weight(2)
    @number("1.1.1")
    def test_forward(self):
        """Conv2D.forward convolves every filter over all input channels and adds its bias"""
        self.check_forward("forward")

    @weight(2)
    @number("1.1.2")
    def test_forward_stride_padding(self):
        """Conv2D.forward zero-pads the input and moves the filters by the stride"""
        self.check_forward("forward_stride_padding")

    @weight(2)
    @number("1.1.3")
    def test_backward_dx(self):
        """Conv2D.backward sets self.dx, the gradient with respect to the input"""
        self.check_backward("dx")

    @weight(2)
    @number("1.1.4")
    def test_backward_dw(self):
        """Conv2D.backward sets self.dw, the gradient with respect to the filters"""
        self.check_backward("dw")

    @weight(1)
    @number("1.1.5")
    def test_backward_db(self):
        """Conv2D.backward sets self.db, the gradient with respect to the biases"""
        self.check_backward("db")
