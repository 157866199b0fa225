"""Q8.3: the modular layers (cs231n/layers.py): forward against values, backward against
numerical gradients, both computed offline (fixtures/layers.npz) on the notebook's cases."""

from autograder.harness.checks.compare import ComparisonFailed, assert_close
from autograder.harness.checks.fixtures import fixture_loader
from autograder.harness.checks.gradcheck import assert_gradient_close
from autograder.harness.testing import StudentTestCase, number, weight

load_fixture = fixture_loader(__file__)  # fixtures/<module>.npz beside this file

LAYERS = "cs231n.layers"


def forward_backward(student, forward, backward, args, dout):
    """student's forward(*args), then backward(dout, cache) -> (out, what backward returned).

    The cache stays in student code (whatever it holds), as it does in the notebooks."""
    result = student.keep(f"{LAYERS}.{forward}", *args)
    out = result.call("__getitem__", 0)
    return out, student.call(f"{LAYERS}.{backward}", dout, result.keep("__getitem__", 1))


def check_gradients(returned, case, names, checked, call):
    """The gradients a backward returned, in the order of `names` (one: the value itself),
    against the numerical ones in `case`, for the names in `checked`."""
    if len(names) > 1 and not (type(returned) in (tuple, list) and len(returned) == len(names)):
        raise ComparisonFailed(f"{call}: should return the tuple ({', '.join(names)}), got "
                               f"{type(returned).__name__}")
    for name, value in zip(names, returned if len(names) > 1 else [returned], strict=True):
        if name in checked:
            assert_gradient_close(value, case[name], case[name + "_index"], name=name, call=call)


class TestAffine(StudentTestCase):
    """affine_forward and affine_backward."""

    @weight(0.25)
    @number("8.3.1")
    def test_affine_forward(self):
        """affine_forward reshapes each input into a row and computes x w + b"""
        case = load_fixture("layers", "affine_forward")
        out, _ = self.student.call(f"{LAYERS}.affine_forward", case["x"], case["w"], case["b"])
        assert_close(out, case["out"], call=f"affine_forward(x, w, b) with x {case['x'].shape}, w {case['w'].shape}")

    @weight(0.25)
    @number("8.3.2")
    def test_affine_backward_dx(self):
        """affine_backward returns dx, shaped like the input x"""
        self.check_backward(["dx"])

    @weight(0.25)
    @number("8.3.3")
    def test_affine_backward_dw_db(self):
        """affine_backward returns dw and db"""
        self.check_backward(["dw", "db"])

    def check_backward(self, checked):
        case = load_fixture("layers", "affine_backward")
        _, grads = forward_backward(self.student, "affine_forward", "affine_backward",
                                    (case["x"], case["w"], case["b"]), case["dout"])
        check_gradients(grads, case, ["dx", "dw", "db"], checked,
                        f"affine_backward(dout, cache) after affine_forward(x, w, b), x {case['x'].shape}, "
                        f"w {case['w'].shape}")


class TestReLU(StudentTestCase):
    """relu_forward and relu_backward."""

    @weight(0.25)
    @number("8.3.4")
    def test_relu_forward(self):
        """relu_forward computes max(0, x)"""
        case = load_fixture("layers", "relu_forward")
        out, _ = self.student.call(f"{LAYERS}.relu_forward", case["x"])
        assert_close(out, case["out"], call=f"relu_forward(x) with x {case['x'].shape}")

    @weight(0.25)
    @number("8.3.5")
    def test_relu_backward(self):
        """relu_backward passes the upstream gradient where the input was positive"""
        case = load_fixture("layers", "relu_backward")
        _, dx = forward_backward(self.student, "relu_forward", "relu_backward", (case["x"],), case["dout"])
        check_gradients(dx, case, ["dx"], ["dx"], f"relu_backward(dout, cache) after relu_forward(x), "
                                                  f"x {case['x'].shape}")


class TestConv(StudentTestCase):
    """conv_forward_naive and conv_backward_naive."""

    @weight(0.25)
    @number("8.3.6")
    def test_conv_forward(self):
        """conv_forward_naive zero-pads the input and slides every filter with the stride (stride 2, pad 1)"""
        case = load_fixture("layers", "conv_forward")
        conv_param = {'stride': case["stride"], 'pad': case["pad"]}
        out, _ = self.student.call(f"{LAYERS}.conv_forward_naive", case["x"], case["w"], case["b"], conv_param)
        assert_close(out, case["out"], call=f"conv_forward_naive(x, w, b, {conv_param}) with x {case['x'].shape}, "
                                            f"w {case['w'].shape}")

    @weight(0.25)
    @number("8.3.7")
    def test_conv_backward_dx(self):
        """conv_backward_naive returns dx, the gradient with respect to the input"""
        self.check_backward(["dx"])

    @weight(0.25)
    @number("8.3.8")
    def test_conv_backward_dw_db(self):
        """conv_backward_naive returns dw and db, the gradients with respect to the filters and biases"""
        self.check_backward(["dw", "db"])

    def check_backward(self, checked):
        case = load_fixture("layers", "conv_backward")
        conv_param = {'stride': case["stride"], 'pad': case["pad"]}
        _, grads = forward_backward(self.student, "conv_forward_naive", "conv_backward_naive",
                                    (case["x"], case["w"], case["b"], conv_param), case["dout"])
        check_gradients(grads, case, ["dx", "dw", "db"], checked,
                        f"conv_backward_naive(dout, cache) after conv_forward_naive(x, w, b, {conv_param}), "
                        f"x {case['x'].shape}, w {case['w'].shape}")


class TestMaxPool(StudentTestCase):
    """max_pool_forward_naive and max_pool_backward_naive."""

    @staticmethod
    def pool_param(case):
        return {'pool_height': case["pool_height"], 'pool_width': case["pool_width"], 'stride': case["stride"]}

    @weight(0.25)
    @number("8.3.9")
    def test_max_pool_forward(self):
        """max_pool_forward_naive takes the maximum of every 2x2 window (stride 2)"""
        case = load_fixture("layers", "max_pool_forward")
        out, _ = self.student.call(f"{LAYERS}.max_pool_forward_naive", case["x"], self.pool_param(case))
        assert_close(out, case["out"], call=f"max_pool_forward_naive(x, {self.pool_param(case)}) with x "
                                            f"{case['x'].shape}")

    @weight(0.25)
    @number("8.3.10")
    def test_max_pool_backward(self):
        """max_pool_backward_naive sends each window's gradient to the window's maximum"""
        case = load_fixture("layers", "max_pool_backward")
        _, dx = forward_backward(self.student, "max_pool_forward_naive", "max_pool_backward_naive",
                                 (case["x"], self.pool_param(case)), case["dout"])
        check_gradients(dx, case, ["dx"], ["dx"], f"max_pool_backward_naive(dout, cache) after "
                                                  f"max_pool_forward_naive(x, {self.pool_param(case)}), "
                                                  f"x {case['x'].shape}")
