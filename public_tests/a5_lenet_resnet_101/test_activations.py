"""Section 1.2.2: the activations of LeNet5's two (conv + ReLU) layers, and their figure.

get_activations runs on a freshly made LeNet5 (trained weights are not needed to check
the computation); the expected maps are computed from that model's own conv1 weights.
The figures of the two handout images are made by your notebook's own cells.
"""

import numpy as np
import torch
import torch.nn.functional as F

from autograder.harness.checks.compare import ComparisonFailed, assert_close, assert_equal
from autograder.harness.testing import StudentTestCase, number, weight

# LeNet5's two padding readings: (conv1 maps, conv2 maps) for a 64x64 image.
SHAPES = {2: ((32, 64, 64), (64, 16, 16)), 0: ((32, 60, 60), (64, 11, 11))}


def parameters(student, model):
    """{name: tensor} of a model living in the code under test."""
    return student.call("builtins.dict", model.call("named_parameters"))


def find(params, shape, what, required=True):
    """The parameter of the given shape (None if absent and not required)."""
    for p in params.values():
        if tuple(p.shape) == shape:
            return p.detach()
    if required:
        found = sorted(tuple(p.shape) for p in params.values())
        raise ComparisonFailed(f"{what}: no parameter of shape {shape}; found shapes {found}")
    return None


def images(n, seed=0, size=64):
    rng = np.random.default_rng(seed)
    return torch.tensor(rng.standard_normal((n, 3, size, size)), dtype=torch.float32)


def padding_of(act1, call):
    """The padding reading (2 or 0) that act1's shape shows."""
    for pad, (shape1, _) in SHAPES.items():
        if tuple(act1.shape) == shape1:
            return pad
    raise ComparisonFailed(f"{call}: act1 has shape {tuple(act1.shape)}; expected (32, 64, 64) (padding 2) or "
                           f"(32, 60, 60) (no padding): the 32 maps of one image, without the batch dimension")


class TestActivations(StudentTestCase):
    """Section 1.2.2: get_activations and plot_activations."""

    def activations(self, seed=0):
        net = self.student.call("assignment2.LeNet5", num_classes=101)
        x = images(1, seed=seed)
        act1, act2 = self.student.call("assignment2.get_activations", net, x)
        return net, x, act1, act2

    @weight(3)
    @number("2.1")
    def test_activation_shapes(self):
        """get_activations(model, image) returns the 32 maps of the first and the 64 maps of the second conv layer"""
        _, _, act1, act2 = self.activations()
        call = "get_activations(LeNet5(), image), image of shape (1, 3, 64, 64)"
        pad = padding_of(act1, call)
        assert_equal(tuple(act2.shape), SHAPES[pad][1],
                     call=f"{call}: shape of act2 (the second conv layer's maps after its ReLU, before pooling)")

    @weight(4)
    @number("2.2")
    def test_first_layer_activation(self):
        """The first layer's activation is the output of (conv1 + ReLU): ReLU(conv1(x)), non-negative"""
        net, x, act1, _ = self.activations(seed=1)
        call = "get_activations(LeNet5(), image), image of shape (1, 3, 64, 64): act1"
        pad = padding_of(act1, call)
        params = parameters(self.student, net)
        weight_ = find(params, (32, 3, 5, 5), "LeNet5's first convolution")
        bias = find(params, (32,), "LeNet5's first convolution", required=False)
        if (torch.as_tensor(act1) < 0).any():
            raise ComparisonFailed(f"{call} has negative values: take the activation after the ReLU")
        expected = F.relu(F.conv2d(x, weight_, bias, padding=pad))[0]
        assert_close(act1, expected, call=call + " against ReLU(conv1(image)) from your model's own weights",
                     rtol=1e-4, atol=1e-5)

    @weight(4)
    @number("2.3")
    def test_plot_activations(self):
        """plot_activations draws one subplot per map, and the figure saves as a PNG image"""
        self.student.module("assignment2")
        acts = torch.tensor(np.random.default_rng(2).random((32, 16, 16)), dtype=torch.float32)
        fig = self.student.call("assignment2.plot_activations", acts, ncols=8, title="conv1")
        call = "plot_activations(acts, ncols=8, title='conv1'), acts of shape (32, 16, 16)"
        if fig is None or fig.type_name != "Figure":
            raise ComparisonFailed(f"{call}: expected a matplotlib Figure, got {getattr(fig, 'type_name', fig)!r}")
        axes = fig.get("axes")
        if len(axes) < 32:
            raise ComparisonFailed(f"{call}: the figure has {len(axes)} subplots; expected one per map, 32")
        folder = self.student.call("tempfile.mkdtemp")
        try:
            path = folder + "/conv1.png"
            fig.call("savefig", path)
            pixels = self.student.call("matplotlib.image.imread", path)
        finally:
            self.student.call("shutil.rmtree", folder, ignore_errors=True)
            self.student.call("matplotlib.pyplot.close", fig)
        if pixels.ndim != 3 or min(pixels.shape[:2]) < 100:
            raise ComparisonFailed(f"{call}, then fig.savefig(...): the PNG has shape {tuple(pixels.shape)}; "
                                   f"expected an image at least 100 pixels on each side")
        if float(np.asarray(pixels).std()) == 0.0:
            raise ComparisonFailed(f"{call}, then fig.savefig(...): the PNG is blank")
