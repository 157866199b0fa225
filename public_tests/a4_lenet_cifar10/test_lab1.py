"""Lab 1: LeNet-5 (Table 1), the Step 1 transforms, the Step 2 pipeline, the Step 4 loss and
optimizer, and the initial loss of an untrained model.

The tests import the notebook lenet5-cifar10.ipynb as the module `lenet5-cifar10`: only its
imports, functions, classes and constant assignments run (Step 2's datasets and loaders too:
the kit's loader only reads two .npy files). Training loops never run when graded; the
validation accuracy is measured by the grader from saved_model/model.h5.
"""

import ast
import json
import math

import numpy as np
import torch
import torch.nn.functional as F

from autograder.harness.checks.compare import ComparisonFailed, assert_close, assert_equal
from autograder.harness.testing import StudentTestCase, number, weight

NOTEBOOK = "lenet5-cifar10"
MEAN = (0.4914, 0.4822, 0.4465)
STD = (0.2023, 0.1994, 0.2010)


def parameters(student, model):
    """{name: tensor} of a model living in the code under test."""
    return student.call("builtins.dict", model.call("named_parameters"))


def layers(student, model, kind):
    """[(name, Ref)] of the model's submodules of type `kind` ("Conv2d"), in definition order."""
    return [(name, ref) for name, ref in student.call("builtins.list", model.call("named_modules"))
            if ref.type_name == kind]


def conv_config(conv):
    """(in, out, kernel, stride, padding) of a Conv2d."""
    padding = conv.get("padding")
    if padding == "valid":
        padding = (0, 0)
    return (conv.get("in_channels"), conv.get("out_channels"), tuple(conv.get("kernel_size")),
            tuple(conv.get("stride")), padding if padding == "same" else tuple(padding))


def images(n, seed=0, size=32):
    rng = np.random.default_rng(seed)
    return torch.tensor(rng.standard_normal((n, 3, size, size)), dtype=torch.float32)


def normalise(batch):
    """uint8 (N, 32, 32, 3) -> the handout's normalised float (N, 3, 32, 32)."""
    x = torch.tensor(batch, dtype=torch.float32).permute(0, 3, 1, 2) / 255
    return (x - torch.tensor(MEAN).view(1, 3, 1, 1)) / torch.tensor(STD).view(1, 3, 1, 1)


def val_batch(student, n=200):
    """(uint8 images (n, 32, 32, 3), labels (n,)) of the kit's validation split, read by tools.dataset."""
    val = student.keep("tools.dataset.CIFAR10", "./data", train=False)
    return np.asarray(val.get("data"))[:n], np.asarray(val.get("targets"))[:n]


def apply_transform(student, transform, batch):
    """transform applied, in the code under test, to each uint8 (32, 32, 3) image of `batch` as the
    kit's loader applies it (to a PIL image) -> [tensor]."""
    dataset = student.keep("tools.dataset.CIFAR10", "./data", train=False, transform=transform)
    dataset.set("data", np.ascontiguousarray(batch))
    dataset.set("targets", np.zeros(len(batch), dtype=np.int64))
    return [torch.as_tensor(dataset.call("__getitem__", i)[0]) for i in range(len(batch))]


def notebook_code(student, path):
    """The code cells of a submitted notebook, each parsed (None where a cell does not parse).

    The kit's own reference is a jupytext percent-format source (name.nb.py): read whole."""
    try:
        data = bytes(student.call("autograder.worker.serve.read_file", path, 50))
    except Exception as e:
        if getattr(e, "type_name", type(e).__name__) != "FileNotFoundError":
            raise
        source = bytes(student.call("autograder.worker.serve.read_file", path[:-len(".ipynb")] + ".nb.py", 50))
        return [ast.parse(source.decode("utf-8"))]
    notebook = json.loads(data.decode("utf-8"))
    trees = []
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            source = "".join(cell.get("source", []))
            source = "\n".join("" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines())
            try:
                trees.append(ast.parse(source))
            except SyntaxError:
                trees.append(None)
    return trees


def find_call(trees, target, suffix):
    """The call assigned to `target` (e.g. optimizer = optim.SGD(...)) whose function's name ends with `suffix`."""
    for tree in trees:
        for node in ast.walk(tree) if tree is not None else ():
            if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == target for t in node.targets) \
                    and isinstance(node.value, ast.Call) and ast.unparse(node.value.func).endswith(suffix):
                return node.value
    return None


class TestLeNet5(StudentTestCase):
    """Lab 1 (a): LeNet5 as Table 1 of the handout."""

    def lenet(self):
        return self.student.call(f"{NOTEBOOK}.LeNet5")

    @weight(0.5)
    @number("2.1")
    def test_lenet5_layers(self):
        """LeNet5: conv 5x5 with 6 then 16 filters (stride 1, no padding), fully connected layers of 120, 84 and 10 units"""
        net = self.lenet()
        convs = [conv_config(ref) for _, ref in layers(self.student, net, "Conv2d")]
        linears = [(ref.get("in_features"), ref.get("out_features")) for _, ref in layers(self.student, net, "Linear")]
        call = "LeNet5()"
        assert_equal(len(convs), 2, call=f"{call}: number of nn.Conv2d layers")
        for i, (c_in, c_out) in enumerate(((3, 6), (6, 16))):
            assert_equal(convs[i][:4], (c_in, c_out, (5, 5), (1, 1)),
                         call=f"{call}: convolution {i + 1} as (in_channels, out_channels, kernel_size, stride)")
            if convs[i][4] != (0, 0):
                raise ComparisonFailed(f"{call}: convolution {i + 1} has padding {convs[i][4]}; Table 1 says no "
                                       f"padding is applied on both convolution layers")
        assert_equal(linears, [(400, 120), (120, 84), (84, 10)],
                     call=f"{call}: the nn.Linear layers as (in_features, out_features)")

    @weight(0.5)
    @number("2.2")
    def test_lenet5_parameter_count(self):
        """LeNet5 has 62,006 parameters"""
        count = sum(p.numel() for p in parameters(self.student, self.lenet()).values())
        if count != 62006:
            raise ComparisonFailed(f"LeNet5(): {count:,} parameters; Table 1 gives 62,006 (no padding, 400 inputs "
                                   f"to FC1)")

    @weight(0.5)
    @number("2.3")
    def test_lenet5_output_shape(self):
        """LeNet5.forward maps (N, 3, 32, 32) images to (N, 10) logits"""
        out = self.lenet().call("forward", images(4))
        call = "LeNet5().forward(x), x of shape (4, 3, 32, 32)"
        assert_equal(tuple(out.shape), (4, 10), call=call + ": shape of the logits")
        if not torch.isfinite(out).all():
            raise ComparisonFailed(f"{call}: the logits contain NaN or infinity")


class TestPipeline(StudentTestCase):
    """Lab 1 (b), (c), (e): transforms, data pipeline, loss and optimizer."""

    def notebook(self):
        return self.student.module(NOTEBOOK)

    @weight(2)
    @number("2.4")
    def test_transform_val_normalises(self):
        """Step 1: transform_val turns an image into a (3, 32, 32) tensor normalised with the given mean and std"""
        transform = self.notebook().get("transform_val")
        if transform is None:  # the starter's placeholder
            raise NotImplementedError("transform_val is None: define it in Step 1 (transforms.Compose([...]))")
        image, _ = val_batch(self.student, 1)
        got = apply_transform(self.student, transform, image)[0]
        assert_close(got, normalise(image)[0], call="transform_val(image), a validation image",
                     rtol=1e-4, atol=1e-4)

    @weight(2)
    @number("2.5")
    def test_transform_train_normalises(self):
        """Step 1: transform_train gives (3, 32, 32) tensors normalised with the same constants (crops and flips allowed)"""
        transform = self.notebook().get("transform_train")
        if transform is None:
            raise NotImplementedError("transform_train is None: define it in Step 1 (transforms.Compose([...]))")
        colour = np.array([200, 100, 50], dtype=np.uint8)
        image = np.tile(colour, (32, 32, 1))
        got = apply_transform(self.student, transform, image[None])[0]
        call = "transform_train(image), an image of one colour (200, 100, 50)"
        assert_equal(tuple(got.shape), (3, 32, 32), call=call + ": shape")
        expected = (torch.tensor(colour / 255, dtype=torch.float32) - torch.tensor(MEAN)) / torch.tensor(STD)
        centre = got[:, 12:20, 12:20].reshape(3, -1)
        assert_close(centre.median(dim=1).values, expected, call=call + ": the normalised colour at the centre",
                     rtol=1e-4, atol=1e-4)

    @weight(4)
    @number("2.6")
    def test_data_pipeline(self):
        """Step 2: train_set and val_set are tools.dataset.CIFAR10's train and val splits with the Step 1 transforms, each in a DataLoader"""
        trees = notebook_code(self.student, f"{NOTEBOOK}.ipynb")
        for name, split, transform, loader, batch in (("train_set", "train", "transform_train", "train_loader",
                                                       "TRAIN_BATCH_SIZE"),
                                                      ("val_set", "val", "transform_val", "val_loader",
                                                       "VAL_BATCH_SIZE")):
            call = find_call(trees, name, "CIFAR10")
            if call is None:
                raise NotImplementedError(f"no `{name} = CIFAR10(...)` in {NOTEBOOK}.ipynb: build it in Step 2 with "
                                       f"tools.dataset.CIFAR10 (not torchvision's: its labels do not match the "
                                       f"course's data)")
            if "torchvision" in ast.unparse(call.func):
                raise ComparisonFailed(f"{ast.unparse(call)}: use the course's tools.dataset.CIFAR10")
            keywords = {k.arg: ast.unparse(k.value) for k in call.keywords}
            shown = ast.unparse(call)
            chosen = keywords.get("mode", "").strip("'\"") or {"True": "train", "False": "val"}.get(
                keywords.get("train", "True"), "?")
            if chosen != split:
                raise ComparisonFailed(f"{shown}: {name} must be the {split!r} split (mode={split!r}"
                                       f"{', or train=' + str(split == 'train') if split != 'test' else ''})")
            if keywords.get("transform") != transform:
                raise ComparisonFailed(f"{shown}: pass transform={transform}")
            wrap = find_call(trees, loader, "DataLoader")
            if wrap is None:
                raise NotImplementedError(f"no `{loader} = torch.utils.data.DataLoader(...)` in {NOTEBOOK}.ipynb")
            given = ([ast.unparse(a) for a in wrap.args[:1]] + [ast.unparse(k.value) for k in wrap.keywords
                                                                 if k.arg == "dataset"])
            if given != [name]:
                raise ComparisonFailed(f"{ast.unparse(wrap)}: {loader} must load {name}")
            size = {k.arg: ast.unparse(k.value) for k in wrap.keywords}.get("batch_size")
            if size is None and len(wrap.args) > 1:
                size = ast.unparse(wrap.args[1])
            if size != batch:
                raise ComparisonFailed(f"{ast.unparse(wrap)}: use batch_size={batch}")

    @weight(2)
    @number("2.7")
    def test_criterion(self):
        """Step 4: criterion is the cross-entropy of the logits and the labels"""
        criterion = self.notebook().get("criterion")
        if criterion is None:
            raise NotImplementedError("criterion is None: define it in Step 4")
        logits = images(1)[0, 0, :6, :10].contiguous()
        labels = torch.tensor([0, 3, 9, 1, 1, 7])
        assert_close(criterion.call("__call__", logits, labels), F.cross_entropy(logits, labels),
                     call="criterion(logits, labels), 6 examples", rtol=1e-5, atol=1e-6)

    @weight(2)
    @number("2.8")
    def test_optimizer(self):
        """Step 4: optimizer is SGD with momentum MOMENTUM = 0.9 and L2 regularisation weight_decay=REG > 0"""
        nb = self.notebook()
        assert_equal(nb.get("MOMENTUM"), 0.9, call="MOMENTUM")
        reg = nb.get("REG")
        call = find_call(notebook_code(self.student, f"{NOTEBOOK}.ipynb"), "optimizer", "SGD")
        if call is None:
            raise NotImplementedError("no `optimizer = optim.SGD(...)` in lenet5-cifar10.ipynb (Step 4)")
        keywords = {k.arg: ast.unparse(k.value) for k in call.keywords}
        shown = ast.unparse(call)
        if keywords.get("momentum") not in ("MOMENTUM", "0.9"):
            raise ComparisonFailed(f"{shown}: pass momentum=MOMENTUM (0.9)")
        if keywords.get("weight_decay") not in ("REG",) and not (type(reg) is float and reg > 0
                                                                  and keywords.get("weight_decay") == repr(reg)):
            raise ComparisonFailed(f"{shown}: add L2 regularisation with weight_decay=REG")
        if not (isinstance(reg, (int, float)) and reg > 0):
            raise ComparisonFailed(f"REG = {reg!r}: the L2 strength must be above 0")

    @weight(4)
    @number("2.9")
    def test_initial_loss(self):
        """Lab 1 (g): the loss of an untrained LeNet5 on validation images is close to ln 10 = 2.3026"""
        images_, labels = val_batch(self.student)
        net = self.student.call(f"{NOTEBOOK}.LeNet5")
        net.call("eval")
        with torch.no_grad():
            logits = torch.as_tensor(net.call("forward", normalise(images_)))
        loss = F.cross_entropy(logits, torch.as_tensor(labels)).item()
        if abs(loss - math.log(10)) > 0.15:
            raise ComparisonFailed(f"untrained LeNet5(): cross-entropy {loss:.4f} on {len(labels)} validation "
                                   f"images; expected about ln 10 = 2.3026 (within 0.15): a uniform guess over "
                                   f"10 classes")
