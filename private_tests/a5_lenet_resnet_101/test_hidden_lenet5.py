"""Section 1.2.1 (hidden): LeNet5's forward pass layer by layer, other sizes, and the
training and evaluation loops' modes and gradients; the improved model in evaluation mode.

Catches what students get wrong: average instead of max pooling, no ReLU after the fully
connected layers, a softmax inside forward (then applied twice by the cross-entropy),
sizes hard-coded to 101, gradients never zeroed between steps, a model left in evaluation
mode while training (or in training mode while evaluating).
"""

import numpy as np
import torch
import torch.nn.functional as F

from autograder.harness.checks.compare import ComparisonFailed, assert_close, assert_equal
from autograder.harness.testing import StudentTestCase, number, public_test_module, visibility, weight
from autograder.manifest import load

# The public tests' helpers.
PUBLIC_TESTS = load("a5_lenet_resnet_101").public_tests
lenet_tests = public_test_module(PUBLIC_TESTS / "test_lenet5.py")
parameters, layers, images = lenet_tests.parameters, lenet_tests.layers, lenet_tests.images
find = public_test_module(PUBLIC_TESTS / "test_activations.py").find


def is_probabilities(out):
    out = torch.as_tensor(out)
    sums = out.sum(dim=1)
    return bool((out >= 0).all() and (out <= 1).all() and torch.allclose(sums, torch.ones_like(sums), atol=1e-4))


class LeNetWeights:
    """A LeNet5's parameters found by shape, and its forward pass written out with variants."""

    def __init__(self, params, call):
        fc1 = [p for p in params.values() if p.dim() == 2 and p.shape[0] == 1021]
        if len(fc1) != 1:
            raise ComparisonFailed(f"{call}: expected one fully connected layer of 1021 units")
        features = fc1[0].shape[1]
        if features not in (1024, 256):
            raise ComparisonFailed(f"{call}: fc1 has {features} inputs; expected 1024 (padding 2) or 256 (none)")
        self.pad = 2 if features == 1024 else 0
        shapes = {"w1": (32, 3, 5, 5), "b1": (32,), "w2": (64, 32, 5, 5), "b2": (64,), "f1": (1021, features),
                  "g1": (1021,), "f2": (84, 1021), "g2": (84,), "f3": (101, 84), "g3": (101,)}
        self.p = {k: find(params, s, call, required=k[0] not in "bg") for k, s in shapes.items()}

    def forward(self, x, pool=F.max_pool2d, fc_relus=(True, True)):
        p = self.p
        x = pool(F.relu(F.conv2d(x, p["w1"], p["b1"], padding=self.pad)), 4, 4)
        x = pool(F.relu(F.conv2d(x, p["w2"], p["b2"], padding=self.pad)), 4, 4)
        x = F.linear(x.flatten(1), p["f1"], p["g1"])
        x = F.relu(x) if fc_relus[0] else x
        x = F.linear(x, p["f2"], p["g2"])
        x = F.relu(x) if fc_relus[1] else x
        return F.linear(x, p["f3"], p["g3"])


class TinyTask:
    """A small classifier and a data loader, built inside the code under test.

    With `batch_norm`, the model is BatchNorm2d(3) -> Flatten -> Linear(48, 101)."""

    def __init__(self, student, n=8, batch_size=8, seed=0, batch_norm=False):
        rng = np.random.default_rng(seed)
        self.student = student
        self.x = torch.tensor(1.0 + 2.0 * rng.standard_normal((n, 3, 4, 4)), dtype=torch.float32)
        self.w = torch.tensor(0.5 * rng.standard_normal((101, 48)), dtype=torch.float32)
        self.b = torch.tensor(0.1 * rng.standard_normal(101), dtype=torch.float32)
        self.y = torch.tensor(rng.integers(0, 101, n), dtype=torch.int64)
        self.batch_size = batch_size
        student.module("assignment2")
        self.linear = student.call("torch.nn.Linear", 48, 101)
        self.linear.set("weight", torch.nn.Parameter(self.w.clone()))
        self.linear.set("bias", torch.nn.Parameter(self.b.clone()))
        parts = [student.call("torch.nn.Flatten"), self.linear]
        self.bn = None
        if batch_norm:
            self.bn = student.call("torch.nn.BatchNorm2d", 3)
            parts.insert(0, self.bn)
        self.model = student.call("torch.nn.Sequential", *parts)
        dataset = student.call("torch.utils.data.TensorDataset", self.x, self.y)
        self.loader = student.call("torch.utils.data.DataLoader", dataset, batch_size=batch_size, shuffle=False)

    def weights(self):
        return self.linear.get("weight"), self.linear.get("bias")


class TestLeNet5Hidden(StudentTestCase):

    @weight(3)
    @visibility("after_published")
    @number("1.1.7")
    def test_lenet5_forward_layers(self):
        """LeNet5.forward: conv, ReLU, max-pool 4/4, conv, ReLU, max-pool 4/4, then fc1 + ReLU, fc2 + ReLU, fc3"""
        net = self.student.call("assignment2.LeNet5", num_classes=101)
        call = "LeNet5(num_classes=101).forward(x), x of shape (3, 3, 64, 64)"
        lenet = LeNetWeights(parameters(self.student, net), call)
        x = images(3, seed=5)
        out = torch.as_tensor(net.call("forward", x)).double()
        if is_probabilities(out):  # charged once, by the logits test below
            out = torch.log(out.clamp_min(1e-30))
        variants = {
            "": {},
            "average pooling instead of max pooling": {"pool": F.avg_pool2d},
            "no ReLU after fc1 and fc2": {"fc_relus": (False, False)},
            "no ReLU after fc1": {"fc_relus": (False, True)},
            "no ReLU after fc2": {"fc_relus": (True, False)},
        }
        # Compared as log-softmax: logits, logits shifted per row, and log-probabilities all pass.
        got = F.log_softmax(out, dim=1)
        for what, kwargs in variants.items():
            expected = F.log_softmax(lenet.forward(x, **kwargs).double(), dim=1)
            if what and torch.allclose(got, expected, rtol=1e-3, atol=1e-4):
                raise ComparisonFailed(f"{call}: your forward pass computes LeNet5 with {what}")
        assert_close(got, F.log_softmax(lenet.forward(x).double(), dim=1),
                     call=call + ": log-softmax of the scores, against the layers computed from your parameters",
                     rtol=1e-3, atol=1e-4)

    @weight(1)
    @visibility("after_published")
    @number("1.1.8")
    def test_lenet5_returns_logits(self):
        """LeNet5.forward returns the scores of fc3, not softmax probabilities: the cross-entropy loss applies the softmax itself"""
        net = self.student.call("assignment2.LeNet5", num_classes=101)
        out = net.call("forward", 3 * images(4, seed=6))
        if is_probabilities(out):
            raise ComparisonFailed("LeNet5(num_classes=101).forward(x): each row of the result sums to 1, so forward "
                                   "applies a softmax; return fc3's output (the logits): F.cross_entropy applies "
                                   "the softmax, and a second one flattens the gradients")

    @weight(1)
    @visibility("after_published")
    @number("1.1.9")
    def test_lenet5_other_num_classes(self):
        """LeNet5(num_classes=10) scores 10 classes"""
        net = self.student.call("assignment2.LeNet5", num_classes=10)
        out = net.call("forward", images(2, seed=7))
        assert_equal(tuple(out.shape), (2, 10),
                     call="LeNet5(num_classes=10).forward(x), x of shape (2, 3, 64, 64): shape of the scores")

    @weight(1)
    @visibility("after_published")
    @number("1.1.10")
    def test_to_one_hot_other_sizes(self):
        """to_one_hot(y, num_classes=7) has 7 columns, and a single label gives one row"""
        self.student.module("assignment2")
        for y, classes in ((torch.tensor([6, 0, 2]), 7), (torch.tensor([4]), 101)):
            got = self.student.call("assignment2.to_one_hot", y, num_classes=classes)
            expected = torch.zeros(len(y), classes)
            expected[torch.arange(len(y)), y] = 1.0
            assert_close(got, expected, call=f"to_one_hot(tensor({y.tolist()}), num_classes={classes})", rtol=0, atol=0)


class TestTrainingHidden(StudentTestCase):

    @weight(1)
    @visibility("after_published")
    @number("1.1.11")
    def test_train_one_epoch_zeroes_gradients(self):
        """train_one_epoch over two batches: each step uses the gradient of its own batch only"""
        task = TinyTask(self.student, n=8, batch_size=4, seed=1)
        optimizer = self.student.call("torch.optim.SGD", task.model.call("parameters"), lr=0.5)
        loss, _ = self.student.call("assignment2.train_one_epoch", task.model, task.loader, optimizer, "cpu")
        w, b, losses = task.w, task.b, []
        for i in (0, 4):
            w, b = w.clone().requires_grad_(), b.clone().requires_grad_()
            batch_loss = F.cross_entropy(F.linear(task.x[i:i + 4].flatten(1), w, b), task.y[i:i + 4])
            grad_w, grad_b = torch.autograd.grad(batch_loss, (w, b))
            w, b = (w - 0.5 * grad_w).detach(), (b - 0.5 * grad_b).detach()
            losses.append(batch_loss.item())
        call = "train_one_epoch(model, loader, SGD(lr=0.5), 'cpu'), two batches of 4 examples"
        weight_, bias = task.weights()
        assert_close(weight_, w, call=call + ", then the model's weight (zero the gradients before each backward)",
                     rtol=1e-4, atol=1e-6)
        assert_close(bias, b, call=call + ", then the model's bias", rtol=1e-4, atol=1e-6)
        assert_close(loss, np.mean(losses), call=call + ": the returned loss, the mean over the examples",
                     rtol=1e-4, atol=1e-5)

    @weight(1)
    @visibility("after_published")
    @number("1.1.12")
    def test_train_one_epoch_sets_training_mode(self):
        """train_one_epoch puts the model in training mode (after evaluate left it in evaluation mode)"""
        task = TinyTask(self.student, n=8, batch_size=8, seed=2, batch_norm=True)
        task.model.call("eval")
        optimizer = self.student.call("torch.optim.SGD", task.model.call("parameters"), lr=0.1)
        self.student.call("assignment2.train_one_epoch", task.model, task.loader, optimizer, "cpu")
        running_mean = torch.as_tensor(task.bn.get("running_mean"))
        if not running_mean.abs().sum() > 0:
            raise ComparisonFailed("model.eval(), then train_one_epoch(model, loader, optimizer, 'cpu'), the model with "
                                   "a batch norm: its running statistics did not change, so it trained in evaluation "
                                   "mode; call model.train() at the start of train_one_epoch")

    @weight(1)
    @visibility("after_published")
    @number("1.1.13")
    def test_evaluate_uses_evaluation_mode(self):
        """evaluate puts the model in evaluation mode: batch norm uses its running statistics and keeps them"""
        task = TinyTask(self.student, n=8, batch_size=4, seed=3, batch_norm=True)
        mean, var = torch.tensor([0.5, -0.5, 1.0]), torch.tensor([2.0, 0.5, 1.5])
        task.bn.set("running_mean", mean.clone())
        task.bn.set("running_var", var.clone())
        task.model.call("train")
        loss, _ = self.student.call("assignment2.evaluate", task.model, task.loader, "cpu")
        normalised = (task.x - mean.view(1, 3, 1, 1)) / torch.sqrt(var.view(1, 3, 1, 1) + 1e-5)
        expected = F.cross_entropy(F.linear(normalised.flatten(1), task.w, task.b), task.y).item()
        call = "model.train(), then evaluate(model, loader, 'cpu'), the model with a batch norm"
        assert_close(loss, expected, call=call + ": the loss (call model.eval() first)", rtol=1e-4, atol=1e-5)
        assert_close(task.bn.get("running_mean"), mean, call=call + ", then the running mean (unchanged)",
                     rtol=0, atol=1e-7)


class TestLeNet5ImprovedHidden(StudentTestCase):

    @weight(2)
    @visibility("after_published")
    @number("1.2.2")
    def test_improved_is_a_cnn_for_single_images(self):
        """LeNet5Improved is a CNN; in evaluation mode it scores a single image, the same way each time"""
        net = self.student.call("assignment2.LeNet5Improved", num_classes=101)
        call = "LeNet5Improved(num_classes=101)"
        if not layers(self.student, net, "Conv2d"):
            raise ComparisonFailed(f"{call} has no nn.Conv2d layer: the improved model must be a CNN")
        net.call("eval")
        x = images(1, seed=8)
        first, second = net.call("forward", x), net.call("forward", x)
        call += ".eval(), then forward(x) twice, x of shape (1, 3, 64, 64)"
        assert_equal(tuple(first.shape), (1, 101), call=call + ": shape of the scores")
        assert_close(second, first, call=call + ": the second scores (dropout must be off in evaluation mode)",
                     rtol=1e-5, atol=1e-6)

    @weight(1)
    @visibility("after_published")
    @number("1.2.3")
    def test_improved_other_num_classes(self):
        """LeNet5Improved(num_classes=10) scores 10 classes"""
        net = self.student.call("assignment2.LeNet5Improved", num_classes=10)
        out = net.call("forward", images(2, seed=9))
        assert_equal(tuple(out.shape), (2, 10),
                     call="LeNet5Improved(num_classes=10).forward(x), x of shape (2, 3, 64, 64): shape of the scores")
