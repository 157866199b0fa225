"""Part 2.1 (hidden): train and validate with another loss, several epochs, uneven batches."""

import numpy as np
import torch

from autograder.harness.checks.compare import assert_close
from autograder.harness.testing import StudentTestCase, number, public_test_module, visibility, weight
from autograder.manifest import load

# The public test_torch_training.py's tiny task: one way to compute what is expected.
TinyTask = public_test_module(load("a2_cnn/part2-pytorch").public_tests / "test_torch_training.py").TinyTask


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
