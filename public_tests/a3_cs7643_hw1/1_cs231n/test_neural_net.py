"""Q8.2: the two-layer neural network (cs231n/classifiers/neural_net.py), on the notebook's toy model."""

from autograder.harness.checks.compare import ComparisonFailed, assert_close
from autograder.harness.checks.fixtures import fixture_loader
from autograder.harness.checks.gradcheck import assert_gradient_close
from autograder.harness.testing import StudentTestCase, number, weight

load_fixture = fixture_loader(__file__)  # fixtures/<module>.npz beside this file

TWO_LAYER_NET = "cs231n.classifiers.neural_net.two_layer_net"
TOY = "the notebook's toy model (X (5, 4), hidden size 10, 3 classes)"


def toy_case(name):
    """A case of fixtures/neural_net.npz: 'toy' (the notebook's toy model and data) or
    'toy_reg' (its weights with zero biases) -> (case, model)."""
    case = load_fixture("neural_net", name)
    return case, {key: case[key] for key in ("W1", "b1", "W2", "b2")}


def check_gradients(grads, case, names, call):
    """grads[name] of two_layer_net against the numerical gradient, for each parameter name."""
    if type(grads) is not dict or not all(name in grads for name in names):
        raise ComparisonFailed(f"{call}: grads should be a dict with the keys W1, b1, W2, b2 (as model has), "
                               f"got {sorted(grads) if type(grads) is dict else type(grads).__name__}")
    for name in names:
        assert_gradient_close(grads[name], case["d" + name], case[f"d{name}_index"], name=f"grads['{name}']",
                              call=call)


class TestTwoLayerNet(StudentTestCase):
    """two_layer_net on the notebook's toy model, against values computed offline
    (fixtures/neural_net.npz)."""

    @weight(0.25)
    @number("8.2.1")
    def test_scores(self):
        """two_layer_net(X, model) returns the scores of affine - ReLU - affine (the notebook's toy model)"""
        case, model = toy_case("toy")
        assert_close(self.student.call(TWO_LAYER_NET, case["X"], model), case["scores"],
                     call=f"two_layer_net(X, model) on {TOY}: the scores")

    @weight(0.25)
    @number("8.2.2")
    def test_loss(self):
        """two_layer_net(X, model, y) returns the mean softmax cross-entropy of the scores (reg = 0)"""
        case, model = toy_case("toy")
        loss, _ = self.student.call(TWO_LAYER_NET, case["X"], model, case["y"], 0.0)
        assert_close(loss, case["loss"], call=f"two_layer_net(X, model, y, reg=0.0) on {TOY}: the loss")

    @weight(0.25)
    @number("8.2.3")
    def test_gradients_second_layer(self):
        """two_layer_net returns grads['W2'] and grads['b2'], the gradients of the loss (reg = 0)"""
        case, model = toy_case("toy")
        _, grads = self.student.call(TWO_LAYER_NET, case["X"], model, case["y"], 0.0)
        check_gradients(grads, case, ["W2", "b2"], f"two_layer_net(X, model, y, reg=0.0) on {TOY}")

    @weight(0.25)
    @number("8.2.4")
    def test_gradients_first_layer(self):
        """two_layer_net returns grads['W1'] and grads['b1'], back through the ReLU (reg = 0)"""
        case, model = toy_case("toy")
        _, grads = self.student.call(TWO_LAYER_NET, case["X"], model, case["y"], 0.0)
        check_gradients(grads, case, ["W1", "b1"], f"two_layer_net(X, model, y, reg=0.0) on {TOY}")

    @weight(0.5)
    @number("8.2.5")
    def test_regularization(self):
        """two_layer_net adds 0.5 * reg * (sum W1^2 + sum W2^2) to the loss, and reg * W to each weight's gradient"""
        case, model = toy_case("toy_reg")
        loss, grads = self.student.call(TWO_LAYER_NET, case["X"], model, case["y"], case["reg"])
        call = f"two_layer_net(X, model, y, reg={case['reg']}) on {TOY} with zero biases"
        assert_close(loss, case["loss"], call=f"{call}: the loss")
        check_gradients(grads, case, ["W1", "W2"], call)
