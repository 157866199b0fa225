"""Q8.5-Q8.8: the models in models/*.py, built with the course's constructors.

Each model's parameters are read back from your model and the expected raw scores are
computed from them with torch.nn.functional, so any initialization and any layer names
pass. The models are put in eval mode first (a Dropout you added changes nothing).
"""

import numpy as np
import torch
import torch.nn.functional as F

from autograder.harness.checks.compare import ComparisonFailed, assert_close, assert_equal
from autograder.harness.testing import StudentTestCase, number, weight


def parameters(student, model):
    """{name: tensor} of a model living in the code under test."""
    return student.call("builtins.dict", model.call("named_parameters"))


def find(params, shape, what):
    """The parameter of `shape` (None: any size); a transposed matrix is accepted."""
    def fits(p, s):
        return len(p.shape) == len(s) and all(want is None or want == got for want, got in zip(s, p.shape, strict=True))
    for p in params.values():
        if fits(p, shape):
            return p.detach()
        if len(shape) == 2 and fits(p, shape[::-1]):
            return p.detach().T
    shown = tuple("any" if s is None else s for s in shape)
    found = sorted(tuple(p.shape) for p in params.values())
    raise ComparisonFailed(f"{what}: no parameter of shape {shown}; found shapes {found}")


def images(n, size=(3, 32, 32), seed=0):
    rng = np.random.default_rng(seed)
    return torch.tensor(rng.standard_normal((n, *size)), dtype=torch.float32)


def build(student, cls, *args):
    """An instance of models.<cls> in eval mode, with its parameters."""
    net = student.call(cls, *args)
    net.call("eval")
    return net, parameters(student, net)


def count(params, expected, what):
    """The model holds exactly the parameters the architecture needs (no extra layer)."""
    total = sum(p.numel() for p in params.values())
    if total != expected:
        found = sorted(tuple(p.shape) for p in params.values())
        raise ComparisonFailed(f"{what}: {total} parameters (shapes {found}); the architecture has {expected}")


def conv_padding(kernel, hw, filters, features, what):
    """The zero padding p with which a kernel x kernel convolution (stride 1) and 2x2
    max-pooling of an image of size hw give `features` inputs to the linear layer."""
    for pad in range(kernel + 1):
        if filters * ((hw[0] + 2 * pad - kernel + 1) // 2) * ((hw[1] + 2 * pad - kernel + 1) // 2) == features:
            return pad
    raise ComparisonFailed(f"{what}: the linear layer takes {features} inputs, which no zero padding gives "
                           f"after a {kernel}x{kernel} convolution with {filters} filters (stride 1) and "
                           f"2x2 max-pooling of {hw[0]}x{hw[1]} images")


def softmax_scores(params, im_size, n_classes, x, what):
    w, b = find(params, (n_classes, int(np.prod(im_size))), what), find(params, (n_classes,), what)
    count(params, w.numel() + b.numel(), what)
    return F.linear(x.flatten(1), w, b)


def two_layer_scores(params, im_size, hidden_dim, n_classes, x, what):
    d = int(np.prod(im_size))
    w1, b1 = find(params, (hidden_dim, d), what), find(params, (hidden_dim,), what)
    w2, b2 = find(params, (n_classes, hidden_dim), what), find(params, (n_classes,), what)
    count(params, (d + 1) * hidden_dim + (hidden_dim + 1) * n_classes, what)
    return F.linear(F.relu(F.linear(x.flatten(1), w1, b1)), w2, b2)


def cnn_scores(params, im_size, hidden_dim, kernel_size, n_classes, x, what):
    conv_w = find(params, (hidden_dim, im_size[0], kernel_size, kernel_size), what)
    conv_b = find(params, (hidden_dim,), what)
    fc_w, fc_b = find(params, (n_classes, None), what), find(params, (n_classes,), what)
    count(params, conv_w.numel() + conv_b.numel() + fc_w.numel() + fc_b.numel(), what)
    pad = conv_padding(kernel_size, im_size[1:], hidden_dim, fc_w.shape[1], what)
    features = F.max_pool2d(F.relu(F.conv2d(x, conv_w, conv_b, padding=pad)), 2, 2)
    return F.linear(features.flatten(1), fc_w, fc_b)


class TestSoftmax(StudentTestCase):

    @weight(0.5)
    @number("8.5.1")
    def test_softmax_scores(self):
        """Softmax((3, 32, 32), 10) is one linear layer, 3072 inputs to 10 scores with a bias; forward returns the raw scores Wx + b"""
        net, params = build(self.student, "models.softmax.Softmax", (3, 32, 32), 10)
        x = images(6)
        what = "Softmax((3, 32, 32), 10).forward(images), images of shape (6, 3, 32, 32)"
        assert_close(net.call("forward", x), softmax_scores(params, (3, 32, 32), 10, x, what),
                     call=what, rtol=1e-4, atol=1e-5)


class TestTwoLayerNN(StudentTestCase):

    @weight(0.75)
    @number("8.6.1")
    def test_two_layer_nn_scores(self):
        """TwoLayerNN((3, 32, 32), 64, 10): linear 3072 -> 64, ReLU, linear 64 -> 10; forward returns the raw scores"""
        net, params = build(self.student, "models.twolayernn.TwoLayerNN", (3, 32, 32), 64, 10)
        x = images(5, seed=1)
        what = "TwoLayerNN((3, 32, 32), 64, 10).forward(images), images of shape (5, 3, 32, 32)"
        assert_close(net.call("forward", x), two_layer_scores(params, (3, 32, 32), 64, 10, x, what),
                     call=what, rtol=1e-4, atol=1e-5)


class TestCNN(StudentTestCase):

    @weight(0.75)
    @number("8.7.1")
    def test_cnn_scores(self):
        """CNN((3, 32, 32), 16, 5, 10): a 5x5 convolution with 16 filters, ReLU, 2x2 max-pooling, a linear layer to 10 raw scores"""
        net, params = build(self.student, "models.convnet.CNN", (3, 32, 32), 16, 5, 10)
        x = images(4, seed=2)
        what = "CNN((3, 32, 32), 16, 5, 10).forward(images), images of shape (4, 3, 32, 32)"
        assert_close(net.call("forward", x), cnn_scores(params, (3, 32, 32), 16, 5, 10, x, what),
                     call=what, rtol=1e-4, atol=1e-5)


class TestMyModel(StudentTestCase):

    @weight(0)
    @number("8.8.1")
    def test_my_model_scores_shape(self):
        """MyModel((3, 32, 32), 32, 3, 10) maps a batch of (N, 3, 32, 32) images to (N, 10) finite scores"""
        net, _ = build(self.student, "models.mymodel.MyModel", (3, 32, 32), 32, 3, 10)
        out = net.call("forward", images(4, seed=3))
        what = "MyModel((3, 32, 32), 32, 3, 10).forward(images), images of shape (4, 3, 32, 32)"
        assert_equal(tuple(out.shape), (4, 10), call=what + ": shape of the scores")
        if not torch.isfinite(out).all():
            raise ComparisonFailed(f"{what}: the scores contain NaN or infinity")
