"""Hidden tests of part 1.2: a deeper ConvNet (strides, padding, overlapping pooling,
non-square images), repeated passes, and the criterion check."""

import os
import sys

import numpy as np

from autograder.harness.checks.compare import assert_close
from autograder.harness.testing import StudentTestCase, number, visibility, weight

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _hidden_checks import CONVNET, CRITERION  # noqa: E402

# x (2, 3, 9, 11) -> (2, 4, 5, 6) -> pool -> (2, 4, 3, 4) -> (2, 2, 2, 3) -> 12 -> 6 -> 3
ARCHITECTURE = [
    dict(type='Conv2D', in_channels=3, out_channels=4, kernel_size=3, stride=2, padding=1),
    dict(type='ReLU'),
    dict(type='MaxPooling', kernel_size=3, stride=1),
    dict(type='Conv2D', in_channels=4, out_channels=2, kernel_size=2, stride=1, padding=0),
    dict(type='ReLU'),
    dict(type='Linear', in_dim=12, out_dim=6),
    dict(type='ReLU'),
    dict(type='Linear', in_dim=6, out_dim=3),
]
CALL = "ConvNet([Conv2D(3, 4, 3, 2, 1), ReLU, MaxPooling(3, 1), Conv2D(4, 2, 2, 1, 0), ReLU, " \
       "Linear(12, 6), ReLU, Linear(6, 3)], SoftmaxCrossEntropy)"


def random_parameters(rng):
    """{module index: {'weight': ..., 'bias': ...}} for the modules of ARCHITECTURE that have them."""
    parameters = {}
    for index, spec in enumerate(ARCHITECTURE):
        if spec['type'] == 'Conv2D':
            k = spec['kernel_size']
            parameters[index] = {
                'weight': 0.5 * rng.standard_normal((spec['out_channels'], spec['in_channels'], k, k)),
                'bias': 0.2 * rng.standard_normal(spec['out_channels'])}
        elif spec['type'] == 'Linear':
            parameters[index] = {
                'weight': 0.5 * rng.standard_normal((spec['in_dim'], spec['out_dim'])),
                'bias': 0.2 * rng.standard_normal(spec['out_dim'])}
    return parameters


class TestNetworkHidden(StudentTestCase):
    """ConvNet against the reference network with the same weights."""

    def build(self, who, parameters):
        model = who.call(CONVNET, ARCHITECTURE, CRITERION)
        modules = model.get("modules")
        for index, values in parameters.items():
            for key, value in values.items():
                modules[index].set(key, value)
        return model, modules

    @weight(0)  # ConvNet.__init__ is provided code: checked, never scored (the skeleton passes it)
    @number("1.2.3")
    @visibility("after_published")
    def test_wrong_criterion(self):
        """ConvNet raises ValueError for a criterion other than SoftmaxCrossEntropy"""
        self.assertStudentRaises("ValueError", self.student.call, CONVNET, ARCHITECTURE, dict(type='MSELoss'))

    @weight(2)
    @number("1.2.4")
    @visibility("after_published")
    def test_deeper_forward(self):
        """ConvNet.forward through two convolutions, overlapping pooling and two linear layers"""
        rng = np.random.default_rng(31)
        parameters = random_parameters(rng)
        x = rng.standard_normal((2, 3, 9, 11))
        y = np.array([2, 0])
        model, _ = self.build(self.student, parameters)
        reference, _ = self.build(self.reference, parameters)
        probs, loss = model.call("forward", x, y)
        expected_probs, expected_loss = reference.call("forward", x, y)
        assert_close(probs, expected_probs, call=f"{CALL}.forward(x, y): probs")
        assert_close(loss, expected_loss, call=f"{CALL}.forward(x, y): loss")

    @weight(3)
    @number("1.2.5")
    @visibility("after_published")
    def test_deeper_backward(self):
        """ConvNet.backward sets dw and db of every layer and dx of the input, through a deeper network"""
        rng = np.random.default_rng(32)
        parameters = random_parameters(rng)
        x = rng.standard_normal((2, 3, 9, 11))
        y = np.array([1, 2])
        model, modules = self.build(self.student, parameters)
        reference, reference_modules = self.build(self.reference, parameters)
        model.call("forward", x, y)
        model.call("backward")
        # The reference's own backward is the yardstick here: numerical gradients through
        # eight layers carry rounding noise that swamps the smallest entries (~1e-7).
        reference.call("forward", x, y)
        reference.call("backward")
        call = f"{CALL}.backward() after forward(x, y)"
        checks = [(index, name) for index in parameters for name in ('dw', 'db')] + [(0, 'dx')]
        for index, name in checks:
            assert_close(modules[index].get(name), reference_modules[index].get(name), rtol=1e-7, atol=1e-14,
                         call=f"{call}: modules[{index}].{name} ({ARCHITECTURE[index]['type']})")

    @weight(1)
    @number("1.2.6")
    @visibility("after_published")
    def test_repeated_passes(self):
        """ConvNet gives the same loss and gradients when forward and backward run twice on the same batch"""
        rng = np.random.default_rng(33)
        model, modules = self.build(self.student, random_parameters(rng))
        x = rng.standard_normal((2, 3, 9, 11))
        y = np.array([0, 1])
        runs = []
        for _ in range(2):
            _, loss = model.call("forward", x, y)
            model.call("backward")
            runs.append((loss, [(m.get("dw"), m.get("db")) for m in (modules[0], modules[3], modules[5], modules[7])]))
        (loss1, grads1), (loss2, grads2) = runs
        call = f"{CALL}: a second forward(x, y) and backward()"
        assert_close(loss2, loss1, call=f"{call}: loss", rtol=1e-12, atol=0)
        for index, (first, second) in zip((0, 3, 5, 7), zip(grads1, grads2, strict=True), strict=True):
            for name, a, b in (("dw", first[0], second[0]), ("db", first[1], second[1])):
                assert_close(b, a, call=f"{call}: modules[{index}].{name} changed", rtol=1e-12, atol=1e-15)
