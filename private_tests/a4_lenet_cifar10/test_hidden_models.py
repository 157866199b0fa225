"""Hidden checks of the models' forward passes, from the student's own parameters.

The public tests check the layers, the parameter counts and the output shapes; a LeNet5
missing a ReLU or pooling by averaging, or a ResNet20 whose blocks add no shortcut, passes
those and is caught here (the points are moved from the public layer tests: README).
"""

import unittest

import torch
import torch.nn.functional as F

from autograder.harness.checks.compare import ComparisonFailed, assert_close
from autograder.harness.testing import StudentTestCase, number, public_test_module, visibility, weight
from autograder.manifest import load

# The public tests' helpers (random images, a model's parameters and layers in student code).
PUBLIC_TESTS = load("a4_lenet_cifar10").public_tests
lab1 = public_test_module(PUBLIC_TESTS / "test_lab1.py")
lab3 = public_test_module(PUBLIC_TESTS / "test_lab3.py")


class TestHiddenLeNet5(StudentTestCase):
    @weight(0.5)
    @visibility("after_published")
    @number("2.11")
    def test_lenet5_forward_is_table_1(self):
        """LeNet5.forward: conv, ReLU, max-pool 2/2, conv, ReLU, max-pool 2/2, flatten, FC1 + ReLU, FC2 + ReLU, FC3 (logits)"""
        net = self.student.call(f"{lab1.NOTEBOOK}.LeNet5")
        x = lab1.images(3, seed=1)
        got = net.call("forward", x)
        p = {k: torch.as_tensor(v).detach() for k, v in lab1.parameters(self.student, net).items()}
        weights = [v for k, v in p.items() if k.endswith("weight")]
        biases = [v for k, v in p.items() if k.endswith("bias")]
        if len(weights) != 5 or len(biases) != 5:
            raise ComparisonFailed(f"LeNet5(): {len(weights)} weights and {len(biases)} biases; expected 5 layers")
        try:
            out = F.max_pool2d(F.relu(F.conv2d(x, weights[0], biases[0])), 2, 2)
            out = F.max_pool2d(F.relu(F.conv2d(out, weights[1], biases[1])), 2, 2).flatten(1)
            out = F.relu(F.linear(out, weights[2], biases[2]))
            out = F.relu(F.linear(out, weights[3], biases[3]))
            expected = F.linear(out, weights[4], biases[4])
        except RuntimeError as e:
            raise ComparisonFailed(f"LeNet5(): its parameters do not fit Table 1's forward pass on 32x32 images "
                                   f"({str(e).splitlines()[0]})") from None
        assert_close(got, expected, call="LeNet5().forward(x), 3 random images", rtol=1e-4, atol=1e-5)


class TestHiddenResNet20(StudentTestCase):
    @weight(1)
    @visibility("after_published")
    @number("4.6")
    def test_resnet20_blocks_add_their_shortcut(self):
        """ResNet20: every basic block adds its shortcut (the identity, or a projection where the shape changes) to its output"""
        net = self.student.call(f"{lab3.NOTEBOOK}.ResNet20")
        # Zero every 3x3 convolution but the stem: each block's residual branch then gives a
        # constant, and only the shortcuts carry the image to the logits.
        for _, ref in lab3.layers(self.student, net, "Conv2d"):
            if tuple(ref.get("kernel_size")) == (3, 3) and ref.get("in_channels") != 3:
                self.student.call("torch.nn.init.zeros_", self.student.keep("builtins.getattr", ref, "weight"))
        net.call("eval")
        out = net.call("forward", lab3.images(2, seed=4))
        if not (out[0] - out[1]).abs().max() > 1e-6:
            raise ComparisonFailed(
                "ResNet20(): with every 3x3 convolution after the first set to zero, two different images get "
                "the same logits, so the input reaches the output through the convolutions alone: some "
                "BasicBlock.forward does not add self.shortcut(x) (the identity, or the 1x1 projection where "
                "the stride or the number of filters changes) before its last ReLU")


if __name__ == "__main__":
    unittest.main()
