"""Part 2.1: the train and validate loops of main.py.

The loops run on a tiny data set of random 3x2x2 "images" and a linear classifier built
with torch, so these tests need neither CIFAR-10 nor your models. The expected weights
come from the same SGD steps written out below.
"""

import numpy as np
import torch
import torch.nn.functional as F

from autograder.harness.checks.compare import assert_close
from autograder.harness.testing import StudentTestCase, number, weight


class TinyTask:
    """A linear classifier and a data loader, built inside the code under test."""

    def __init__(self, student, n=50, batch_size=16, seed=0):
        rng = np.random.default_rng(seed)
        self.x = torch.tensor(rng.standard_normal((n, 3, 2, 2)), dtype=torch.float32)
        self.y = torch.tensor(rng.permutation(np.arange(n) % 10), dtype=torch.int64)
        self.w = torch.tensor(0.3 * rng.standard_normal((10, 12)), dtype=torch.float32)
        self.b = torch.tensor(0.1 * rng.standard_normal(10), dtype=torch.float32)
        self.batch_size = batch_size
        self.student = student
        student.module("main")  # loads torch in the code under test before tensors cross
        self.linear = student.call("torch.nn.Linear", 12, 10)
        self.linear.set("weight", torch.nn.Parameter(self.w.clone()))
        self.linear.set("bias", torch.nn.Parameter(self.b.clone()))
        self.model = student.call("torch.nn.Sequential", student.call("torch.nn.Flatten"), self.linear)
        if student.call("torch.cuda.is_available"):
            self.model.call("cuda")  # main.py moves each batch to the GPU when there is one
        dataset = student.call("torch.utils.data.TensorDataset", self.x, self.y)
        self.loader = student.call("torch.utils.data.DataLoader", dataset,
                                   batch_size=batch_size, shuffle=False)

    def sgd(self, lr, momentum):
        return self.student.call("torch.optim.SGD", self.model.call("parameters"),
                                 lr=lr, momentum=momentum)

    def weights(self):
        return self.linear.get("weight"), self.linear.get("bias")

    def expected_sgd(self, lr, momentum, loss=F.cross_entropy, epochs=1):
        """Weights after `epochs` passes of SGD with momentum over the batches in order:
        v = momentum * v + grad; param -= lr * v (torch.optim.SGD's rule)."""
        params = [self.w, self.b]
        velocities = [torch.zeros_like(p) for p in params]
        for _ in range(epochs):
            for i in range(0, len(self.y), self.batch_size):
                params = [p.detach().requires_grad_() for p in params]
                scores = F.linear(self.x[i:i + self.batch_size].flatten(1), *params)
                grads = torch.autograd.grad(loss(scores, self.y[i:i + self.batch_size]), params)
                velocities = [momentum * v + g for v, g in zip(velocities, grads, strict=True)]
                params = [p.detach() - lr * v for p, v in zip(params, velocities, strict=True)]
        return params

    def scores(self):
        return self.x.flatten(1) @ self.w.T + self.b


class TestTraining(StudentTestCase):

    @weight(2)
    @number("2.1.1")
    def test_train_one_epoch(self):
        """train takes one optimizer step per batch: after one epoch the weights match SGD with momentum on each batch in turn"""
        task = TinyTask(self.student)
        optimizer = task.sgd(lr=0.1, momentum=0.9)
        criterion = self.student.call("torch.nn.CrossEntropyLoss")
        self.student.call("main.train", 0, task.loader, task.model, optimizer, criterion)
        weight_, bias = task.weights()
        expected_weight, expected_bias = task.expected_sgd(lr=0.1, momentum=0.9)
        call = "train(0, loader, model, optimizer, criterion) on 50 examples in batches of 16"
        assert_close(weight_, expected_weight, call=call + ", then model's weight", rtol=1e-4, atol=1e-5)
        assert_close(bias, expected_bias, call=call + ", then model's bias", rtol=1e-4, atol=1e-5)

    @weight(2)
    @number("2.1.2")
    def test_validate_accuracy(self):
        """validate returns the accuracy over the whole loader and the per-class accuracies on the diagonal of cm"""
        task = TinyTask(self.student)
        criterion = self.student.call("torch.nn.CrossEntropyLoss")
        acc, cm = self.student.call("main.validate", 0, task.loader, task.model, criterion)
        predicted = task.scores().argmax(1)
        call = "validate(0, loader, model, criterion) on 50 examples in batches of 16"
        assert_close(acc, (predicted == task.y).float().mean(), call=call + ": acc", rtol=1e-5)
        per_class = [(predicted[task.y == c] == c).float().mean() for c in range(10)]
        assert_close(np.diag(np.asarray(cm)), torch.stack(per_class), call=call + ": the diagonal of cm",
                     rtol=1e-5)
        weight_, bias = task.weights()
        assert_close(weight_, task.w, call=call + " must not change the model's weight", rtol=0, atol=0)
        assert_close(bias, task.b, call=call + " must not change the model's bias", rtol=0, atol=0)
