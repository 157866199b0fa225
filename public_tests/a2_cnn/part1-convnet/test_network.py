"""Part 1.2: the ConvNet (modules/conv_classifier.py) ties the modules together."""

import os
import sys

import numpy as np

from autograder.checks.compare import assert_close
from autograder.checks.gradcheck import assert_gradient_close, numerical_gradient
from autograder.testing import StudentTestCase, number, weight

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _reference_ops import network_forward  # noqa: E402  (the helper beside this file)

ARCHITECTURE = [
    dict(type='Conv2D', in_channels=3, out_channels=4, kernel_size=3, stride=1, padding=1),
    dict(type='ReLU'),
    dict(type='MaxPooling', kernel_size=2, stride=2),
    dict(type='Linear', in_dim=64, out_dim=5),
]
CRITERION = dict(type='SoftmaxCrossEntropy')
CALL = "ConvNet([Conv2D(3, 4, 3, 1, 1), ReLU, MaxPooling(2, 2), Linear(64, 5)], SoftmaxCrossEntropy)"


class TestNetwork(StudentTestCase):
    """ConvNet.forward runs the modules in order, then the loss; backward runs them in reverse."""

    def make_network(self, rng):
        """A student ConvNet with random weights -> (model, modules, layers with their weights)."""
        model = self.student.call("modules.conv_classifier.ConvNet", ARCHITECTURE, CRITERION)
        modules = model.get("modules")
        layers = [dict(spec) for spec in ARCHITECTURE]
        for module, layer in zip(modules, layers, strict=True):
            if layer['type'] == 'Conv2D':
                shape = (layer['out_channels'], layer['in_channels'], layer['kernel_size'], layer['kernel_size'])
                layer['weight'] = 0.3 * rng.standard_normal(shape)
                layer['bias'] = 0.3 * rng.standard_normal(layer['out_channels'])
            elif layer['type'] == 'Linear':
                layer['weight'] = 0.1 * rng.standard_normal((layer['in_dim'], layer['out_dim']))
                layer['bias'] = 0.1 * rng.standard_normal(layer['out_dim'])
            else:
                continue
            module.set("weight", layer['weight'])
            module.set("bias", layer['bias'])
        return model, modules, layers

    @weight(3)
    @number("1.2.1")
    def test_forward(self):
        """ConvNet.forward returns the class probabilities and the cross-entropy loss"""
        rng = np.random.default_rng(21)
        model, _, layers = self.make_network(rng)
        x = rng.standard_normal((3, 3, 8, 8))
        y = np.array([0, 4, 2])
        probs, loss = model.call("forward", x, y)
        expected_probs, expected_loss = network_forward(x, y, layers)
        call = f"{CALL}.forward(x, y) with x of shape (3, 3, 8, 8)"
        assert_close(probs, expected_probs, call=f"{call}: probs")
        assert_close(loss, expected_loss, call=f"{call}: loss")

    @weight(3)
    @number("1.2.2")
    def test_backward(self):
        """ConvNet.backward sets the gradients of every module, from the loss back to the input"""
        rng = np.random.default_rng(22)
        model, modules, layers = self.make_network(rng)
        x = rng.standard_normal((3, 3, 8, 8))
        y = np.array([1, 3, 3])
        model.call("forward", x, y)
        model.call("backward")
        call = f"{CALL}.backward() after forward(x, y)"

        def loss_with(index, key):
            def loss(value):
                changed = [dict(layer) for layer in layers]
                changed[index][key] = value
                return network_forward(x, y, changed)[1]
            return loss

        for index, layer in enumerate(layers):
            for key, name in (('weight', 'dw'), ('bias', 'db')):
                if key in layer:
                    numeric, sampled = numerical_gradient(loss_with(index, key), layer[key], h=1e-5, samples=30)
                    assert_gradient_close(modules[index].get(name), numeric, sampled,
                                          name=f"modules[{index}].{name} ({layer['type']})", call=call)
        numeric, sampled = numerical_gradient(lambda v: network_forward(v, y, layers)[1], x, h=1e-5, samples=30)
        assert_gradient_close(modules[0].get("dx"), numeric, sampled, name="modules[0].dx (the input)", call=call)
