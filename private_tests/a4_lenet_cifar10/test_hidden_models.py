"""Hidden checks of the three models' forward passes, from the student's own parameters."""

import unittest

import numpy as np
import torch
import torch.nn.functional as F

from autograder.harness.checks.compare import ComparisonFailed, assert_close
from autograder.harness.testing import StudentTestCase, number, visibility, weight


def images(n, seed=1):
    return torch.tensor(np.random.default_rng(seed).standard_normal((n, 3, 32, 32)), dtype=torch.float32)


def parameters(student, model):
    return {k: torch.as_tensor(v).detach() for k, v in student.call("builtins.dict", model.call("named_parameters")).items()}


class TestHiddenLeNet5(StudentTestCase):
    @weight(0)
    @visibility("after_published")
    @number("2.11")
    def test_lenet5_forward_is_table_1(self):
        """LeNet5.forward: conv, ReLU, max-pool 2/2, conv, ReLU, max-pool 2/2, flatten, FC1 + ReLU, FC2 + ReLU, FC3 (logits)"""
        net = self.student.call("lenet5-cifar10.LeNet5")
        x = images(3)
        got = net.call("forward", x)
        p = parameters(self.student, net)
        weights = [v for k, v in p.items() if k.endswith("weight")]
        biases = [v for k, v in p.items() if k.endswith("bias")]
        if len(weights) != 5 or len(biases) != 5:
            raise ComparisonFailed(f"LeNet5(): {len(weights)} weights and {len(biases)} biases; expected 5 layers")
        out = F.max_pool2d(F.relu(F.conv2d(x, weights[0], biases[0])), 2, 2)
        out = F.max_pool2d(F.relu(F.conv2d(out, weights[1], biases[1])), 2, 2).flatten(1)
        out = F.relu(F.linear(out, weights[2], biases[2]))
        out = F.relu(F.linear(out, weights[3], biases[3]))
        assert_close(got, F.linear(out, weights[4], biases[4]), call="LeNet5().forward(x), 3 random images",
                     rtol=1e-4, atol=1e-5)


if __name__ == "__main__":
    unittest.main()
