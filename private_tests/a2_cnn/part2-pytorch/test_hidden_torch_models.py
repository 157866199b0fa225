"""Part 2.2 (hidden): the models with other sizes, single images and evaluation mode."""

import numpy as np
import torch
import torch.nn.functional as F

from autograder.harness.checks.compare import ComparisonFailed, assert_close, assert_equal
from autograder.harness.testing import StudentTestCase, number, visibility, weight


def parameters(student, model):
    """{name: tensor} of a model living in the code under test."""
    return student.call("builtins.dict", model.call("named_parameters"))


def find(params, shape, what):
    """The parameter of the given shape (a transposed matrix is accepted)."""
    for p in params.values():
        if tuple(p.shape) == shape:
            return p.detach()
        if len(shape) == 2 and tuple(p.shape) == shape[::-1]:
            return p.detach().T
    found = sorted(tuple(p.shape) for p in params.values())
    raise ComparisonFailed(f"{what}: no parameter of shape {shape}; found shapes {found}")


def images(n, seed=0, size=32):
    rng = np.random.default_rng(seed)
    return torch.tensor(rng.standard_normal((n, 3, size, size)), dtype=torch.float32)


class TestModelsHidden(StudentTestCase):

    @weight(1)
    @visibility("hidden")
    @number("2.2.6")
    def test_two_layer_net_other_sizes(self):
        """TwoLayerNet(48, 7, 3) uses its arguments: 4x4 images, 7 hidden units, 3 classes"""
        net = self.student.call("models.TwoLayerNet", 48, 7, 3)
        x = images(5, seed=1, size=4)
        out = net.call("forward", x)
        params = parameters(self.student, net)
        call = "TwoLayerNet(48, 7, 3).forward(x), x of shape (5, 3, 4, 4)"
        w1, b1 = find(params, (7, 48), call), find(params, (7,), call)
        w2, b2 = find(params, (3, 7), call), find(params, (3,), call)
        expected = F.linear(torch.sigmoid(F.linear(x.flatten(1), w1, b1)), w2, b2)
        assert_close(out, expected, call=call, rtol=1e-4, atol=1e-5)

    @weight(1)
    @visibility("hidden")
    @number("2.2.7")
    def test_vanilla_cnn_single_image(self):
        """VanillaCNN.forward on a batch of one image returns scores of shape (1, 10)"""
        net = self.student.call("models.VanillaCNN")
        x = 3 * images(1, seed=2)
        out = net.call("forward", x)
        params = parameters(self.student, net)
        call = "VanillaCNN().forward(x), x of shape (1, 3, 32, 32)"
        conv_w, conv_b = find(params, (32, 3, 7, 7), call), find(params, (32,), call)
        fc_w, fc_b = find(params, (10, 5408), call), find(params, (10,), call)
        expected = F.linear(F.max_pool2d(F.relu(F.conv2d(x, conv_w, conv_b)), 2, 2).flatten(1), fc_w, fc_b)
        assert_close(out, expected, call=call, rtol=1e-4, atol=1e-5)

    @weight(1)
    @visibility("hidden")
    @number("2.2.8")
    def test_my_model_single_image_in_eval_mode(self):
        """MyModel in evaluation mode scores a single image, and different images get different scores"""
        net = self.student.call("models.MyModel")
        net.call("eval")
        x = images(2, seed=3)
        call = "MyModel().eval(), then forward(x), x of shape (1, 3, 32, 32)"
        first = net.call("forward", x[:1])
        second = net.call("forward", x[1:])
        assert_equal(tuple(first.shape), (1, 10), call=call + ": shape of the scores")
        if not (torch.isfinite(first).all() and torch.isfinite(second).all()):
            raise ComparisonFailed(f"{call}: the scores contain NaN or infinity")
        if torch.equal(first, second):
            raise ComparisonFailed(f"{call}: two different images get exactly the same scores")
