"""Part 2.1 (hidden): train and validate with another loss, several epochs, uneven batches."""

import numpy as np
import torch
import torch.nn.functional as F

from autograder.harness.checks.compare import assert_close
from autograder.harness.testing import StudentTestCase, number, visibility, weight


# The same helper as in the public test_torch_training.py (private tests must not
# depend on where the public ones are installed).
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



class TestTrainingHidden(StudentTestCase):

    @weight(1)
    @visibility("hidden")
    @number("2.1.3")
    def test_train_uses_the_given_criterion(self):
        """train computes the loss with the criterion it is given (here a multi-class hinge loss)"""
        task = TinyTask(self.student, n=40, batch_size=8, seed=3)
        optimizer = task.sgd(lr=0.05, momentum=0.5)
        criterion = self.student.call("torch.nn.MultiMarginLoss")
        self.student.call("main.train", 0, task.loader, task.model, optimizer, criterion)
        expected_weight, expected_bias = task.expected_sgd(
            lr=0.05, momentum=0.5, loss=torch.nn.MultiMarginLoss())
        weight_, bias = task.weights()
        call = "train(0, loader, model, optimizer, criterion=nn.MultiMarginLoss())"
        assert_close(weight_, expected_weight, call=call + ", then model's weight", rtol=1e-4, atol=1e-5)
        assert_close(bias, expected_bias, call=call + ", then model's bias", rtol=1e-4, atol=1e-5)

    @weight(1)
    @visibility("hidden")
    @number("2.1.4")
    def test_train_two_epochs_uneven_batches(self):
        """Two calls of train (two epochs, last batch of 3) match two epochs of SGD with momentum"""
        task = TinyTask(self.student, n=43, batch_size=8, seed=4)
        optimizer = task.sgd(lr=0.1, momentum=0.9)
        criterion = self.student.call("torch.nn.CrossEntropyLoss")
        for epoch in range(2):
            self.student.call("main.train", epoch, task.loader, task.model, optimizer, criterion)
        expected_weight, expected_bias = task.expected_sgd(lr=0.1, momentum=0.9, epochs=2)
        weight_, bias = task.weights()
        call = "train(epoch, loader, model, optimizer, criterion) for epochs 0 and 1, 43 examples in batches of 8"
        assert_close(weight_, expected_weight, call=call + ", then model's weight", rtol=1e-4, atol=1e-5)
        assert_close(bias, expected_bias, call=call + ", then model's bias", rtol=1e-4, atol=1e-5)

    @weight(1)
    @visibility("hidden")
    @number("2.1.5")
    def test_validate_uneven_batches(self):
        """validate weighs each batch by its size: 37 examples in batches of 10, and leaves the model unchanged"""
        task = TinyTask(self.student, n=37, batch_size=10, seed=5)
        criterion = self.student.call("torch.nn.MultiMarginLoss")
        acc, cm = self.student.call("main.validate", 3, task.loader, task.model, criterion)
        predicted = task.scores().argmax(1)
        call = "validate(3, loader, model, criterion) on 37 examples in batches of 10"
        assert_close(acc, (predicted == task.y).float().mean(), call=call + ": acc", rtol=1e-5)
        per_class = [(predicted[task.y == c] == c).float().mean() for c in range(10)]
        assert_close(np.diag(np.asarray(cm)), torch.stack(per_class), call=call + ": the diagonal of cm",
                     rtol=1e-5)
        weight_, bias = task.weights()
        assert_close(weight_, task.w, call=call + " must not change the model's weight", rtol=0, atol=0)
        assert_close(bias, task.b, call=call + " must not change the model's bias", rtol=0, atol=0)
