"""Lab 2 (lenet5-cifar10-dev.ipynb): augmentation, Swish, batch normalisation, the sweeps, L1.

The notebook is imported as the module `lenet5-cifar10-dev` (definitions only). The
validation accuracy (at least 70%) is measured by the grader from saved_model/model-dev.h5.
"""

import json

import numpy as np
import torch

from autograder.harness.checks.compare import ComparisonFailed, assert_close, assert_equal
from autograder.harness.testing import StudentTestCase, number, weight

NOTEBOOK = "lenet5-cifar10-dev"
LR_VALUES = [1.0, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001]
REG_VALUES = [0.01, 0.001, 0.0001, 0.00001, 0.0]


def images(n, seed=0, size=32):
    rng = np.random.default_rng(seed)
    return torch.tensor(rng.standard_normal((n, 3, size, size)), dtype=torch.float32)


def layers(student, model, kind):
    """[(name, Ref)] of the model's submodules of type `kind`, in definition order."""
    return [(name, ref) for name, ref in student.call("builtins.list", model.call("named_modules"))
            if ref.type_name == kind]


def parameters(student, model):
    return student.call("builtins.dict", model.call("named_parameters"))


def read_text(student, path):
    """The text of a submitted file (None when it is not there)."""
    try:
        return bytes(student.call("autograder.worker.serve.read_file", path, 5)).decode("utf-8")
    except Exception as e:
        if getattr(e, "type_name", type(e).__name__) == "FileNotFoundError":
            return None
        raise


class TestLab2(StudentTestCase):
    """Lab 2 (a)-(c)."""

    @weight(2)
    @number("3.1")
    def test_augmentation(self):
        """(a) transform_train holds a RandomCrop and a RandomHorizontalFlip"""
        transform = self.student.module(NOTEBOOK).get("transform_train")
        if transform is None:  # the starter's placeholder
            raise NotImplementedError("transform_train is None: add random crops and flips to it")
        kinds = [t.type_name for t in self.student.call("builtins.list", transform.get("transforms"))]
        for kind in ("RandomCrop", "RandomHorizontalFlip"):
            if kind not in kinds and not (kind == "RandomCrop" and "RandomResizedCrop" in kinds):
                raise ComparisonFailed(f"transform_train is Compose({kinds}): add transforms.{kind}")

    @weight(2)
    @number("3.2")
    def test_swish_values(self):
        """(b) Swish()(x) equals x * sigmoid(x)"""
        x = torch.linspace(-6, 6, 25).reshape(5, 5)
        swish = self.student.call(f"{NOTEBOOK}.Swish")
        assert_close(swish.call("__call__", x), x * torch.sigmoid(x), call="Swish()(x), x from -6 to 6",
                     rtol=1e-5, atol=1e-6)

    @weight(1)
    @number("3.3")
    def test_swish_gradient(self):
        """(b) Swish's gradient is sigmoid(x) * (1 + x * (1 - sigmoid(x)))"""
        x = torch.linspace(-6, 6, 13)
        swish = self.student.call(f"{NOTEBOOK}.Swish")
        leaf = self.student.keep("torch.tensor", x.tolist(), requires_grad=True)
        out = swish.keep("__call__", leaf)
        out.keep("sum").call("backward")
        s = torch.sigmoid(x)
        assert_close(leaf.get("grad"), s * (1 + x * (1 - s)), call="the gradient of Swish()(x).sum()",
                     rtol=1e-4, atol=1e-6)

    @weight(1)
    @number("3.4")
    def test_swish_replaces_relu(self):
        """(b) LeNet5 uses Swish, and no ReLU module"""
        net = self.student.call(f"{NOTEBOOK}.LeNet5")
        if not layers(self.student, net, "Swish"):
            raise ComparisonFailed("LeNet5() has no Swish module: replace every ReLU with Swish()")
        for kind in ("ReLU", "ReLU6", "LeakyReLU"):
            if layers(self.student, net, kind):
                raise ComparisonFailed(f"LeNet5() still has an nn.{kind}: replace it with Swish()")

    @weight(4)
    @number("3.5")
    def test_batch_norm_after_each_layer_but_the_last(self):
        """(b) LeNet5: BatchNorm2d after each convolution, BatchNorm1d after FC1 and FC2, none after FC3"""
        net = self.student.call(f"{NOTEBOOK}.LeNet5")
        order = [(name, ref.type_name, ref) for name, ref in self.student.call("builtins.list",
                                                                                net.call("named_modules"))
                 if ref.type_name in ("Conv2d", "Linear", "BatchNorm2d", "BatchNorm1d")]
        kinds = [kind for _, kind, _ in order]
        assert_equal(kinds, ["Conv2d", "BatchNorm2d", "Conv2d", "BatchNorm2d", "Linear", "BatchNorm1d", "Linear",
                             "BatchNorm1d", "Linear"],
                     call="LeNet5(): its convolutions, linear layers and batch norms, in definition order")
        for (_, _, layer), (_, _, norm) in zip(order[:-1:2], order[1::2], strict=True):
            width = layer.get("out_channels") if layer.type_name == "Conv2d" else layer.get("out_features")
            assert_equal(norm.get("num_features"), width, call=f"the batch norm after a layer of {width} outputs")
        out = net.call("forward", images(4))
        assert_equal(tuple(out.shape), (4, 10), call="LeNet5().forward(x), x of shape (4, 3, 32, 32)")

    @weight(3)
    @number("3.6")
    def test_l1_penalty(self):
        """(c, bonus) l1_penalty(net, strength) is strength times the sum of |w| over the weights, with a gradient"""
        net = self.student.call(f"{NOTEBOOK}.LeNet5")
        penalty = self.student.keep(f"{NOTEBOOK}.l1_penalty", net, 1e-3)
        params = {name: torch.as_tensor(p).detach() for name, p in parameters(self.student, net).items()}
        weights = sum(p.abs().sum() for name, p in params.items() if name.endswith("weight"))
        everything = sum(p.abs().sum() for p in params.values())
        if getattr(penalty, "type_name", "") != "Tensor":
            raise ComparisonFailed(f"l1_penalty(LeNet5(), 1e-3) returned {getattr(penalty, 'type_name', penalty)}; "
                                   f"expected a tensor built from the parameters")
        value = float(penalty.call("item"))
        if not (np.isclose(value, 1e-3 * float(weights), rtol=1e-4)
                or np.isclose(value, 1e-3 * float(everything), rtol=1e-4)):
            raise ComparisonFailed(f"l1_penalty(LeNet5(), 1e-3) = {value:.6g}; expected 1e-3 * sum |w| = "
                                   f"{1e-3 * float(weights):.6g} (weights) or {1e-3 * float(everything):.6g} "
                                   f"(every parameter)")
        if not penalty.get("requires_grad"):
            raise ComparisonFailed("l1_penalty(...) returns a value without a gradient: return a tensor built from "
                                   "the parameters, so the penalty trains the model as part of the loss")

    @weight(6)
    @number("3.7")
    def test_sweeps_cover_every_value(self):
        """(c) saved_model/sweeps.json has a validation accuracy for every learning rate and every L2 strength of the handout"""
        text = read_text(self.student, "saved_model/sweeps.json")
        if text is None:  # the sweep cells have not run
            raise NotImplementedError("saved_model/sweeps.json is not in your submission: run the sweep cells of "
                                      "lenet5-cifar10-dev.ipynb")
        try:
            sweeps = json.loads(text)
        except ValueError as e:
            raise ComparisonFailed(f"saved_model/sweeps.json is not JSON: {e}") from None
        for key, values in (("lr", LR_VALUES), ("l2", REG_VALUES)):
            table = sweeps.get(key) if isinstance(sweeps, dict) else None
            if not isinstance(table, dict):
                raise ComparisonFailed(f"saved_model/sweeps.json has no {key!r} table ({{value: accuracy}})")
            given = {}
            for k, v in table.items():
                try:
                    given[float(k)] = v
                except ValueError:
                    pass
            missing = [v for v in values if not any(np.isclose(v, g, rtol=1e-9, atol=0) for g in given)]
            if missing:
                raise ComparisonFailed(f"saved_model/sweeps.json {key!r}: no result for {missing} (the handout "
                                       f"lists {values})")
            bad = {k: v for k, v in given.items() if type(v) not in (int, float) or not 0 <= v <= 1}
            if bad:
                raise ComparisonFailed(f"saved_model/sweeps.json {key!r}: accuracies must be fractions from 0 to 1, "
                                       f"found {bad}")
