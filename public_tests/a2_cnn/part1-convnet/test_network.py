"""Part 1.2: the ConvNet (modules/conv_classifier.py) ties the modules together."""

from autograder.harness.checks.compare import assert_close
from autograder.harness.checks.fixtures import fixture_loader
from autograder.harness.checks.gradcheck import assert_gradient_close
from autograder.harness.testing import StudentTestCase, number, weight

load_fixture = fixture_loader(__file__)  # fixtures/<module>.npz beside this file

ARCHITECTURE = [
    dict(type='Conv2D', in_channels=3, out_channels=4, kernel_size=3, stride=1, padding=1),
    dict(type='ReLU'),
    dict(type='MaxPooling', kernel_size=2, stride=2),
    dict(type='Linear', in_dim=64, out_dim=5),
]
CRITERION = dict(type='SoftmaxCrossEntropy')
CALL = "ConvNet([Conv2D(3, 4, 3, 1, 1), ReLU, MaxPooling(2, 2), Linear(64, 5)], SoftmaxCrossEntropy)"


class TestNetwork(StudentTestCase):
    """ConvNet.forward runs the modules in order, then the loss; backward runs them in reverse
    (expected values computed offline, in fixtures/network.npz)."""

    def make_network(self, case):
        """A student ConvNet with the case's weights ('<index>_weight', '<index>_bias')
        -> (model, modules)."""
        model = self.student.call("modules.conv_classifier.ConvNet", ARCHITECTURE, CRITERION)
        modules = model.get("modules")
        for index, module in enumerate(modules):
            for key in ("weight", "bias"):
                if f"{index}_{key}" in case:
                    module.set(key, case[f"{index}_{key}"])
        return model, modules

    @weight(3)
    @number("1.2.1")
    def test_forward(self):
        """ConvNet.forward returns the class probabilities and the cross-entropy loss"""
        case = load_fixture("network", "forward")
        model, _ = self.make_network(case)
        probs, loss = model.call("forward", case["x"], case["y"])
        call = f"{CALL}.forward(x, y) with x of shape (3, 3, 8, 8)"
        assert_close(probs, case["probs"], call=f"{call}: probs")
        assert_close(loss, case["loss"], call=f"{call}: loss")

    @weight(3)
    @number("1.2.2")
    def test_backward(self):
        """ConvNet.backward sets the gradients of every module, from the loss back to the input"""
        case = load_fixture("network", "backward")
        model, modules = self.make_network(case)
        model.call("forward", case["x"], case["y"])
        model.call("backward")
        call = f"{CALL}.backward() after forward(x, y)"
        for index, layer in enumerate(ARCHITECTURE):
            for name in ("dw", "db"):
                if f"{index}_{name}" in case:
                    assert_gradient_close(modules[index].get(name), case[f"{index}_{name}"],
                                          case[f"{index}_{name}_index"],
                                          name=f"modules[{index}].{name} ({layer['type']})", call=call)
        assert_gradient_close(modules[0].get("dx"), case["0_dx"], case["0_dx_index"],
                              name="modules[0].dx (the input)", call=call)
