"""Section 1.2.2 (hidden): the second layer's activation, unbatched images, the figure's layout.

Catches the activation taken before the ReLU or after the pooling, the second layer fed
without the first pooling, and a figure that is not one small image per map in rows.
"""

import numpy as np
import torch
import torch.nn.functional as F

from autograder.harness.checks.compare import ComparisonFailed, assert_close, assert_equal
from autograder.harness.testing import StudentTestCase, number, public_test_module, visibility, weight
from autograder.manifest import load

# The public test_activations.py's helpers.
activation_tests = public_test_module(load("a5_lenet_resnet_101").public_tests / "test_activations.py")
parameters, find, images = activation_tests.parameters, activation_tests.find, activation_tests.images


class TestActivationsHidden(StudentTestCase):

    def lenet_activations(self, x):
        net = self.student.call("assignment2.LeNet5", num_classes=101)
        act1, act2 = self.student.call("assignment2.get_activations", net, x)
        params = parameters(self.student, net)
        what = "LeNet5's convolutions"
        w1, b1 = find(params, (32, 3, 5, 5), what), find(params, (32,), what, required=False)
        w2, b2 = find(params, (64, 32, 5, 5), what), find(params, (64,), what, required=False)
        pad = {64: 2, 60: 0}.get(tuple(act1.shape)[-1], 2)
        return act1, act2, (w1, b1, w2, b2, pad)

    @weight(4)
    @visibility("after_published")
    @number("2.4")
    def test_second_layer_activation(self):
        """The second layer's activation is the output of (conv2 + ReLU) on the pooled first layer: ReLU(conv2(pool1(act1))), before the second pooling"""
        x = images(1, seed=11)
        act1, act2, (w1, b1, w2, b2, pad) = self.lenet_activations(x)
        call = "get_activations(LeNet5(), image), image of shape (1, 3, 64, 64): act2"
        first = F.relu(F.conv2d(x, w1, b1, padding=pad))
        pre_relu = F.conv2d(F.max_pool2d(first, 4, 4), w2, b2, padding=pad)
        expected = F.relu(pre_relu)[0]
        act2 = torch.as_tensor(act2)
        if tuple(act2.shape) == tuple(pre_relu.shape[1:]) and torch.allclose(act2, pre_relu[0], atol=1e-4):
            raise ComparisonFailed(f"{call} is conv2's output before the ReLU: take it after the ReLU")
        pooled = tuple(F.max_pool2d(expected, 4, 4).shape)
        if tuple(act2.shape) == pooled:
            raise ComparisonFailed(f"{call} has shape {pooled}, the maps after the second pooling: take them after "
                                   f"the ReLU, before the pooling ({tuple(expected.shape)})")
        assert_close(act2, expected, call=call + " against ReLU(conv2(maxpool(act1))) from your model's own weights",
                     rtol=1e-4, atol=1e-5)

    @weight(2)
    @visibility("after_published")
    @number("2.5")
    def test_unbatched_image(self):
        """get_activations takes an image of shape (3, 64, 64) as well as (1, 3, 64, 64)"""
        x = images(1, seed=12)
        act1, act2, (w1, b1, _, _, pad) = self.lenet_activations(x[0])
        call = "get_activations(LeNet5(), image), image of shape (3, 64, 64)"
        expected = F.relu(F.conv2d(x, w1, b1, padding=pad))[0]
        assert_close(act1, expected, call=call + ": act1", rtol=1e-4, atol=1e-5)
        assert_equal(len(tuple(act2.shape)), 3, call=call + ": number of dimensions of act2")

    @weight(3)
    @visibility("after_published")
    @number("2.6")
    def test_plot_layout(self):
        """plot_activations of 64 maps with ncols=8: 64 subplots, each showing one map, 8 side by side in each row"""
        self.student.module("assignment2")
        acts = torch.tensor(np.random.default_rng(13).random((64, 11, 11)), dtype=torch.float32)
        fig = self.student.call("assignment2.plot_activations", acts, ncols=8, title=None)
        call = "plot_activations(acts, ncols=8), acts of shape (64, 11, 11)"
        try:
            if fig is None or fig.type_name != "Figure":
                raise ComparisonFailed(f"{call}: expected a matplotlib Figure, got {getattr(fig, 'type_name', fig)!r}")
            shown = []
            for ax in fig.get("axes"):
                pictures = self.student.call("builtins.list", ax.call("get_images"))
                if pictures:
                    position = ax.call("get_position")
                    shown.append((tuple(pictures[0].call("get_size")), round(position.get("y0"), 4),
                                  round(position.get("x0"), 4)))
            assert_equal(len(shown), 64, call=call + ": number of subplots showing an image (imshow)")
            sizes = sorted({size for size, _, _ in shown})
            assert_equal(sizes, [(11, 11)], call=call + ": the sizes of the images shown, one map each")
            rows = sorted({y for _, y, _ in shown})
            assert_equal(len(rows), 8, call=call + ": number of rows of images")
        finally:
            self.student.call("matplotlib.pyplot.close", fig)
