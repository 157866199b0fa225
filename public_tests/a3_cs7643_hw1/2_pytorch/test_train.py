"""Q8.5: train.py's optimizer (build_optimizer) and update step (in train(epoch)).

train(epoch) runs on a tiny task set as train.py's globals (model, optimizer, args,
train_loader, val_loader): a linear classifier of random 3x2x2 "images", so these tests
need neither CIFAR-10 nor your models. The expected weights come from the SGD steps
written out in TinyTask.expected_sgd.
"""

import numpy as np
import torch
import torch.nn.functional as F

from autograder.harness.checks.compare import ComparisonFailed, assert_close, assert_equal
from autograder.harness.testing import StudentTestCase, number, weight

# run_softmax.sh's command line, with the hyperparameters the test checks
ARGV = ["--model", "softmax", "--epochs", "1", "--lr", "0.05", "--momentum", "0.8",
        "--weight-decay", "0.01", "--batch-size", "16"]


class TinyTask:
    """A linear classifier and its data, built in the code under test and set as train.py's globals."""

    def __init__(self, student, n=48, batch_size=16, seed=0):
        rng = np.random.default_rng(seed)
        self.x = torch.tensor(rng.standard_normal((n, 3, 2, 2)), dtype=torch.float32)
        self.y = torch.tensor(rng.permutation(np.arange(n) % 10), dtype=torch.int64)
        self.w = torch.tensor(0.3 * rng.standard_normal((10, 12)), dtype=torch.float32)
        self.b = torch.tensor(0.1 * rng.standard_normal(10), dtype=torch.float32)
        self.batch_size = batch_size
        self.student = student
        self.train = student.module("train")  # loads torch in the code under test before tensors cross
        self.linear = student.call("torch.nn.Linear", 12, 10)
        self.linear.set("weight", torch.nn.Parameter(self.w.clone()))
        self.linear.set("bias", torch.nn.Parameter(self.b.clone()))
        self.model = student.call("torch.nn.Sequential", student.call("torch.nn.Flatten"), self.linear)
        dataset = student.call("torch.utils.data.TensorDataset", self.x, self.y)
        loader = student.call("torch.utils.data.DataLoader", dataset, batch_size=batch_size, shuffle=False)
        self.train.set("model", self.model)
        self.train.set("train_loader", loader)
        self.train.set("val_loader", loader)
        self.train.set("args", student.call("argparse.Namespace", cuda=False, log_interval=10))

    def use_sgd(self, lr, momentum=0.0, weight_decay=0.0):
        """train.py's optimizer global: torch.optim.SGD over the classifier's parameters."""
        self.train.set("optimizer", self.student.call("torch.optim.SGD", self.model.call("parameters"),
                                                      lr=lr, momentum=momentum, weight_decay=weight_decay))

    def weights(self):
        return self.linear.get("weight"), self.linear.get("bias")

    def expected_sgd(self, lr, momentum=0.0, weight_decay=0.0, epochs=1):
        """Weights after `epochs` passes over the batches in order, one step each of
        torch.optim.SGD's rule: g = grad + weight_decay * param; v = momentum * v + g
        (v = g at the first step); param -= lr * v."""
        params = [self.w, self.b]
        velocities = None
        for _ in range(epochs):
            for i in range(0, len(self.y), self.batch_size):
                params = [p.detach().requires_grad_() for p in params]
                scores = F.linear(self.x[i:i + self.batch_size].flatten(1), *params)
                grads = torch.autograd.grad(F.cross_entropy(scores, self.y[i:i + self.batch_size]), params)
                grads = [g + weight_decay * p.detach() for g, p in zip(grads, params, strict=True)]
                velocities = grads if velocities is None else [
                    momentum * v + g for v, g in zip(velocities, grads, strict=True)]
                params = [p.detach() - lr * v for p, v in zip(params, velocities, strict=True)]
        return params

    def check(self, call, **sgd):
        weight_, bias = self.weights()
        expected_weight, expected_bias = self.expected_sgd(**sgd)
        assert_close(weight_, expected_weight, call=call + ", then model's weight", rtol=1e-4, atol=1e-5)
        assert_close(bias, expected_bias, call=call + ", then model's bias", rtol=1e-4, atol=1e-5)


class TestOptimizer(StudentTestCase):

    @weight(0.25)
    @number("8.5.2")
    def test_optimizer_from_the_command_line(self):
        """build_optimizer(model, args) for `--lr 0.05 --momentum 0.8 --weight-decay 0.01` is torch.optim.SGD with these values, over every parameter of the model"""
        task = TinyTask(self.student)
        args = task.train.get("parser").call("parse_args", ARGV)
        call = f"build_optimizer(model, parser.parse_args({ARGV}))"
        optimizer = self.student.call("train.build_optimizer", task.model, args)
        if getattr(optimizer, "type_name", None) != "SGD":
            raise ComparisonFailed(f"{call}: expected a torch.optim.SGD (the hyperparameters train.py takes are "
                                   f"SGD's), got {getattr(optimizer, 'type_name', type(optimizer).__name__)}")
        groups = optimizer.get("param_groups")
        for key, value in (("lr", 0.05), ("momentum", 0.8), ("weight_decay", 0.01)):
            assert_equal([float(g[key]) for g in groups], [value] * len(groups), call=f"{call}: {key} of its param_groups")
        assert_equal(sum(len(g["params"]) for g in groups), 2,
                     call=f"{call}: parameters it updates (the model has a weight and a bias)")


class TestTrain(StudentTestCase):

    @weight(0.25)
    @number("8.5.3")
    def test_train_one_step_per_batch(self):
        """train(epoch) updates the model once per batch: after one epoch of 3 batches the weights match 3 SGD steps with momentum"""
        task = TinyTask(self.student)
        task.use_sgd(lr=0.1, momentum=0.9)
        self.student.call("train.train", 1)
        task.check("train(1) on 48 examples in batches of 16 with SGD(lr=0.1, momentum=0.9)", lr=0.1, momentum=0.9)
