"""Section 1.2.1 (a): LeNet5, one-hot labels, training and evaluation.

The tests import the notebook as the module `assignment2`. Layers are found by their type,
in the order your model defines them, so any attribute names (or an nn.Sequential) pass.
Expected values are computed from your own model's parameters, so any initialization
passes. The training tests use a small linear classifier on random 3x4x4 "images" and
need no data set.
"""

import numpy as np
import torch
import torch.nn.functional as F

from autograder.harness.checks.compare import ComparisonFailed, assert_close, assert_equal
from autograder.harness.testing import StudentTestCase, number, weight

# The two readings of the handout's unstated padding: fc1's inputs and the parameter count.
FC1_INPUTS = {2: 64 * 4 * 4, 0: 64 * 2 * 2}
PARAMETER_COUNTS = {2: 1194654, 0: 410526}


def parameters(student, model):
    """{name: tensor} of a model living in the code under test."""
    return student.call("builtins.dict", model.call("named_parameters"))


def layers(student, model, kind):
    """[(name, Ref)] of the model's submodules of type `kind` ("Conv2d"), in definition order."""
    return [(name, ref) for name, ref in student.call("builtins.list", model.call("named_modules"))
            if ref.type_name == kind]


def conv_config(conv):
    """(in, out, kernel, stride, padding) of a Conv2d, padding 'same'/'valid' as numbers."""
    kernel, padding = tuple(conv.get("kernel_size")), conv.get("padding")
    if padding == "same":
        padding = tuple(k // 2 for k in kernel)
    elif padding == "valid":
        padding = (0, 0)
    return conv.get("in_channels"), conv.get("out_channels"), kernel, tuple(conv.get("stride")), tuple(padding)


def images(n, seed=0, size=64):
    rng = np.random.default_rng(seed)
    return torch.tensor(rng.standard_normal((n, 3, size, size)), dtype=torch.float32)


class TinyTask:
    """A linear classifier (48 -> 101) and a data loader, built inside the code under test."""

    def __init__(self, student, n=8, batch_size=8, seed=0):
        rng = np.random.default_rng(seed)
        self.student = student
        self.x = torch.tensor(rng.standard_normal((n, 3, 4, 4)), dtype=torch.float32)
        self.w = torch.tensor(0.5 * rng.standard_normal((101, 48)), dtype=torch.float32)
        self.b = torch.tensor(0.1 * rng.standard_normal(101), dtype=torch.float32)
        # Half the labels are the classifier's own first choice, so the accuracy is 0.5.
        first = self.scores().argmax(dim=1)
        self.y = torch.where(torch.arange(n) % 2 == 0, first, (first + 1) % 101)
        self.batch_size = batch_size
        student.module("assignment2")  # loads torch in the code under test before tensors cross
        self.linear = student.call("torch.nn.Linear", 48, 101)
        self.linear.set("weight", torch.nn.Parameter(self.w.clone()))
        self.linear.set("bias", torch.nn.Parameter(self.b.clone()))
        self.model = student.call("torch.nn.Sequential", student.call("torch.nn.Flatten"), self.linear)
        dataset = student.call("torch.utils.data.TensorDataset", self.x, self.y)
        self.loader = student.call("torch.utils.data.DataLoader", dataset, batch_size=batch_size, shuffle=False)

    def scores(self, w=None, b=None, x=None):
        return F.linear((self.x if x is None else x).flatten(1), self.w if w is None else w,
                        self.b if b is None else b)

    def weights(self):
        return self.linear.get("weight"), self.linear.get("bias")


class TestLeNet5(StudentTestCase):
    """Section 1.2.1 (a): LeNet5 as configured by the handout."""

    def lenet(self, num_classes=101):
        return self.student.call("assignment2.LeNet5", num_classes=num_classes)

    @weight(3)
    @number("1.1.1")
    def test_lenet5_layers(self):
        """LeNet5: conv 5x5 with 32 filters, max-pool 4/4, conv 5x5 with 64 filters, max-pool 4/4, fully connected layers of 1021, 84 and 101 units"""
        net = self.lenet()
        call = "LeNet5(num_classes=101)"
        convs = [conv_config(ref) for _, ref in layers(self.student, net, "Conv2d")]
        linears = [(ref.get("in_features"), ref.get("out_features")) for _, ref in layers(self.student, net, "Linear")]
        assert_equal(len(convs), 2, call=f"{call}: number of nn.Conv2d layers")
        for i, (c_in, c_out) in enumerate(((3, 32), (32, 64))):
            got = convs[i]
            assert_equal(got[:4], (c_in, c_out, (5, 5), (1, 1)),
                         call=f"{call}: convolution {i + 1} as (in_channels, out_channels, kernel_size, stride)")
        paddings = {p for *_, p in convs}
        if paddings not in ({(2, 2)}, {(0, 0)}):
            raise ComparisonFailed(f"{call}: the convolutions have paddings {[p for *_, p in convs]}; the tests "
                                   f"accept padding 2 in both (each keeps its input's size) or no padding in both")
        pad = paddings.pop()[0]
        for _, pool in layers(self.student, net, "MaxPool2d"):
            kernel, stride = pool.get("kernel_size"), pool.get("stride")
            if kernel not in (4, (4, 4)) or stride not in (4, (4, 4)):
                raise ComparisonFailed(f"{call}: nn.MaxPool2d(kernel_size={kernel}, stride={stride}); "
                                       f"the handout asks for size 4 and stride 4")
        for kind in ("AvgPool2d", "AdaptiveAvgPool2d", "AdaptiveMaxPool2d"):
            if layers(self.student, net, kind):
                raise ComparisonFailed(f"{call} has an nn.{kind}: the handout asks for max pooling with size 4 and "
                                       f"stride 4 after each convolution")
        assert_equal(linears, [(FC1_INPUTS[pad], 1021), (1021, 84), (84, 101)],
                     call=f"{call}: the nn.Linear layers as (in_features, out_features), with padding {pad} "
                          f"in the convolutions")

    @weight(1)
    @number("1.1.2")
    def test_lenet5_parameter_count(self):
        """LeNet5 has 1,194,654 parameters with padding 2 in its convolutions, 410,526 without padding"""
        net = self.lenet()
        count = sum(p.numel() for p in parameters(self.student, net).values())
        if count not in PARAMETER_COUNTS.values():
            raise ComparisonFailed(f"LeNet5(num_classes=101): {count:,} parameters; expected 1,194,654 (padding 2) "
                                   f"or 410,526 (no padding)")

    @weight(1)
    @number("1.1.3")
    def test_lenet5_output_shape(self):
        """LeNet5.forward maps a batch of (N, 3, 64, 64) images to (N, 101) class scores"""
        net = self.lenet()
        out = net.call("forward", images(4))
        call = "LeNet5(num_classes=101).forward(x), x of shape (4, 3, 64, 64)"
        assert_equal(tuple(out.shape), (4, 101), call=call + ": shape of the scores")
        if not torch.isfinite(out).all():
            raise ComparisonFailed(f"{call}: the scores contain NaN or infinity")

    @weight(2)
    @number("1.1.4")
    def test_to_one_hot(self):
        """to_one_hot(y) encodes each label as a float row of 101 zeros with a one at the label's column"""
        self.student.module("assignment2")
        y = torch.tensor([0, 5, 100, 3, 3, 42])
        got = self.student.call("assignment2.to_one_hot", y)
        call = "to_one_hot(y), y = tensor([0, 5, 100, 3, 3, 42])"
        if not (hasattr(got, "dtype") and hasattr(got, "shape")):
            raise ComparisonFailed(f"{call}: expected a tensor, got {type(got).__name__}")
        assert_equal(tuple(got.shape), (6, 101), call=call + ": shape")
        if not torch.as_tensor(got).is_floating_point():
            raise ComparisonFailed(f"{call}: dtype {got.dtype}; expected floating point (float32): the "
                                   f"cross-entropy takes one-hot targets as probabilities")
        expected = torch.zeros(6, 101)
        expected[torch.arange(6), y] = 1.0
        assert_close(got, expected, call=call, rtol=0, atol=0)


class TestTraining(StudentTestCase):
    """Section 1.2.1 (a): training and evaluation with one-hot labels and cross-entropy."""

    @weight(2)
    @number("1.1.5")
    def test_evaluate(self):
        """evaluate(model, loader, device) returns the mean cross-entropy and the accuracy (a fraction), and leaves the weights unchanged"""
        task = TinyTask(self.student, n=12, batch_size=4)
        loss, accuracy = self.student.call("assignment2.evaluate", task.model, task.loader, "cpu")
        call = "evaluate(model, loader, 'cpu'), a linear classifier on 12 examples in batches of 4"
        assert_close(loss, F.cross_entropy(task.scores(), task.y).item(), call=call + ": the loss",
                     rtol=1e-4, atol=1e-5)
        if np.isclose(float(accuracy), 50.0):
            raise ComparisonFailed(f"{call}: accuracy 50.0; expected the fraction 0.5, not a percentage")
        assert_close(accuracy, 0.5, call=call + ": the accuracy", rtol=0, atol=1e-6)
        weight_, bias = task.weights()
        assert_close(weight_, task.w, call=call + ", then the model's weight (evaluate must not train)", rtol=0, atol=0)
        assert_close(bias, task.b, call=call + ", then the model's bias", rtol=0, atol=0)

    @weight(2)
    @number("1.1.6")
    def test_train_one_epoch(self):
        """train_one_epoch takes an SGD step on the cross-entropy of the one-hot labels, and returns the loss and accuracy before the step"""
        task = TinyTask(self.student, n=8, batch_size=8)
        optimizer = self.student.call("torch.optim.SGD", task.model.call("parameters"), lr=0.5)
        loss, accuracy = self.student.call("assignment2.train_one_epoch", task.model, task.loader, optimizer, "cpu")
        call = "train_one_epoch(model, loader, SGD(lr=0.5), 'cpu'), a linear classifier on one batch of 8 examples"
        w, b = task.w.clone().requires_grad_(), task.b.clone().requires_grad_()
        expected_loss = F.cross_entropy(task.scores(w, b), task.y)
        grad_w, grad_b = torch.autograd.grad(expected_loss, (w, b))
        assert_close(loss, expected_loss.item(), call=call + ": the returned loss", rtol=1e-4, atol=1e-5)
        assert_close(accuracy, 0.5, call=call + ": the returned accuracy (a fraction)", rtol=0, atol=1e-6)
        weight_, bias = task.weights()
        assert_close(weight_, task.w - 0.5 * grad_w, call=call + ", then the model's weight", rtol=1e-4, atol=1e-6)
        assert_close(bias, task.b - 0.5 * grad_b, call=call + ", then the model's bias", rtol=1e-4, atol=1e-6)
