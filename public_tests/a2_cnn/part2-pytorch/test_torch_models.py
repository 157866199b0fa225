"""Part 2.2: the two-layer network, the vanilla CNN and your own model.

Each model's parameters are read back from your model and the expected scores are
computed from them with torch.nn.functional, so any initialization passes.
"""

import numpy as np
import torch
import torch.nn.functional as F

from autograder.harness.checks.compare import ComparisonFailed, assert_close, assert_equal
from autograder.harness.testing import StudentTestCase, number, weight


def parameters(student, model):
    """{name: tensor} of a model living in the code under test."""
    return student.call("builtins.dict", model.call("named_parameters"))


def shapes(params):
    return sorted(tuple(p.shape) for p in params.values())


def find(params, shape, what):
    """The parameter of the given shape (a transposed matrix is accepted)."""
    for p in params.values():
        if tuple(p.shape) == shape:
            return p.detach()
        if len(shape) == 2 and tuple(p.shape) == shape[::-1]:
            return p.detach().T
    raise ComparisonFailed(f"{what}: no parameter of shape {shape}; found shapes {shapes(params)}")


def images(n, seed=0, size=32):
    rng = np.random.default_rng(seed)
    return torch.tensor(rng.standard_normal((n, 3, size, size)), dtype=torch.float32)


class TestModels(StudentTestCase):

    @weight(1)
    @number("2.2.1")
    def test_two_layer_net_parameters(self):
        """TwoLayerNet(3072, 256, 10) has two fully connected layers: 3072 x 256 and 256 x 10, with biases"""
        net = self.student.call("models.TwoLayerNet", 3072, 256, 10)
        params = parameters(self.student, net)
        assert_equal(shapes(params), [(10,), (10, 256), (256,), (256, 3072)],
                     call="TwoLayerNet(3072, 256, 10): shapes of its parameters")
        assert_equal(sum(p.numel() for p in params.values()), 789258,
                     call="TwoLayerNet(3072, 256, 10): number of parameters")

    @weight(2)
    @number("2.2.2")
    def test_two_layer_net_forward(self):
        """TwoLayerNet.forward flattens each image, then applies linear, sigmoid, linear"""
        net = self.student.call("models.TwoLayerNet", 3072, 256, 10)
        x = images(5)
        out = net.call("forward", x)
        params = parameters(self.student, net)
        call = "TwoLayerNet(3072, 256, 10).forward(x), x of shape (5, 3, 32, 32)"
        w1, b1 = find(params, (256, 3072), call), find(params, (256,), call)
        w2, b2 = find(params, (10, 256), call), find(params, (10,), call)
        expected = F.linear(torch.sigmoid(F.linear(x.flatten(1), w1, b1)), w2, b2)
        assert_close(out, expected, call=call, rtol=1e-4, atol=1e-5)

    @weight(1)
    @number("2.2.3")
    def test_vanilla_cnn_parameters(self):
        """VanillaCNN has a 7x7 convolution with 32 filters and a fully connected layer from 32 x 13 x 13 features to 10 classes"""
        net = self.student.call("models.VanillaCNN")
        params = parameters(self.student, net)
        assert_equal(shapes(params), [(10,), (10, 5408), (32,), (32, 3, 7, 7)],
                     call="VanillaCNN(): shapes of its parameters")
        assert_equal(sum(p.numel() for p in params.values()), 58826,
                     call="VanillaCNN(): number of parameters")

    @weight(2)
    @number("2.2.4")
    def test_vanilla_cnn_forward(self):
        """VanillaCNN.forward: convolution (stride 1, no padding), ReLU, 2x2 max-pooling, fully connected layer"""
        net = self.student.call("models.VanillaCNN")
        x = images(4)
        out = net.call("forward", x)
        params = parameters(self.student, net)
        call = "VanillaCNN().forward(x), x of shape (4, 3, 32, 32)"
        conv_w, conv_b = find(params, (32, 3, 7, 7), call), find(params, (32,), call)
        fc_w, fc_b = find(params, (10, 5408), call), find(params, (10,), call)
        features = F.max_pool2d(F.relu(F.conv2d(x, conv_w, conv_b)), 2, 2)
        expected = F.linear(features.flatten(1), fc_w, fc_b)
        assert_close(out, expected, call=call, rtol=1e-4, atol=1e-5)

    @weight(1)
    @number("2.2.5")
    def test_my_model_forward_shape(self):
        """MyModel maps a batch of (N, 3, 32, 32) images to (N, 10) class scores"""
        net = self.student.call("models.MyModel")
        out = net.call("forward", images(4))
        call = "MyModel().forward(x), x of shape (4, 3, 32, 32)"
        assert_equal(tuple(out.shape), (4, 10), call=call + ": shape of the scores")
        if not torch.isfinite(out).all():
            raise ComparisonFailed(f"{call}: the scores contain NaN or infinity")
