"""Q8.4: the two-layer ConvNet of convnet.ipynb (cs231n/classifiers/convnet.py, provided),
which runs on your affine and ReLU layers; values computed offline (fixtures/convnet.npz)."""

from autograder.harness.checks.compare import ComparisonFailed, assert_close
from autograder.harness.checks.fixtures import fixture_loader
from autograder.harness.checks.gradcheck import assert_gradient_close
from autograder.harness.testing import StudentTestCase, number, weight

load_fixture = fixture_loader(__file__)  # fixtures/<module>.npz beside this file

CONVNET = "cs231n.classifiers.convnet.two_layer_convnet"
PARAMETERS = ("W1", "b1", "W2", "b2")


class TestTwoLayerConvNet(StudentTestCase):
    """two_layer_convnet: conv (3x3, 4 filters) - ReLU - 2x2 max pool - affine - softmax on (2, 3, 8, 8)."""

    @weight(0.5)
    @number("8.4.1")
    def test_scores_and_loss(self):
        """two_layer_convnet, built on your layers, gives the ConvNet's scores and its regularized loss"""
        case = load_fixture("convnet", "small")
        model = {name: case[name] for name in PARAMETERS}
        call = f"two_layer_convnet(X, model{{}}) with X {case['X'].shape}, 4 filters 3x3"
        assert_close(self.student.call(CONVNET, case["X"], model), case["scores"], call=call.format("") + ": scores")
        loss, _ = self.student.call(CONVNET, case["X"], model, case["y"], case["reg"])
        assert_close(loss, case["loss"], call=call.format(f", y, reg={case['reg']}") + ": the loss")

    @weight(0.5)
    @number("8.4.2")
    def test_gradients(self):
        """two_layer_convnet's gradients, back through your affine and ReLU layers, match numerical gradients"""
        case = load_fixture("convnet", "small")
        model = {name: case[name] for name in PARAMETERS}
        _, grads = self.student.call(CONVNET, case["X"], model, case["y"], case["reg"])
        call = f"two_layer_convnet(X, model, y, reg={case['reg']}) with X {case['X'].shape}, 4 filters 3x3"
        if type(grads) is not dict:
            raise ComparisonFailed(f"{call}: grads should be a dict, got {type(grads).__name__}")
        for name in PARAMETERS:
            assert_gradient_close(grads.get(name), case["d" + name], case[f"d{name}_index"], name=f"grads['{name}']",
                                  call=call)
