"""Lab 3 (resnet-cifar10.ipynb): ResNet-20 and the predictions file.

The notebook is imported as the module `resnet-cifar10` (definitions only). The accuracy on
the held-out test set is scored by the grader from predictions.csv.
"""

import numpy as np
import torch

from autograder.harness.checks.compare import ComparisonFailed, assert_equal
from autograder.harness.testing import StudentTestCase, number, weight

NOTEBOOK = "resnet-cifar10"


def images(n, seed=0, size=32):
    rng = np.random.default_rng(seed)
    return torch.tensor(rng.standard_normal((n, 3, size, size)), dtype=torch.float32)


def layers(student, model, kind):
    return [(name, ref) for name, ref in student.call("builtins.list", model.call("named_modules"))
            if ref.type_name == kind]


def parameters(student, model):
    return student.call("builtins.dict", model.call("named_parameters"))


def read_text(student, path):
    return bytes(student.call("autograder.worker.serve.read_file", path, 5)).decode("utf-8")


class TestResNet20(StudentTestCase):
    """Lab 3 (a): ResNet-20 of He et al. (2016), section 4.2."""

    def resnet(self):
        return self.student.call(f"{NOTEBOOK}.ResNet20")

    @weight(1)
    @number("4.1")
    def test_resnet20_layers(self):
        """ResNet20: 19 3x3 convolutions (16, then 3x3 blocks of 16, 32 and 64 filters, stride 2 entering stages 2 and 3) and one fully connected layer 64 -> 10"""
        net = self.resnet()
        convs = [(ref.get("in_channels"), ref.get("out_channels"), tuple(ref.get("kernel_size")),
                  tuple(ref.get("stride"))) for _, ref in layers(self.student, net, "Conv2d")]
        threes = [c for c in convs if c[2] == (3, 3)]
        expected = [(3, 16, (3, 3), (1, 1))]
        for stage, (c_in, c_out) in enumerate(((16, 16), (16, 32), (32, 64))):
            for block in range(3):
                first = block == 0
                stride = (2, 2) if first and stage > 0 else (1, 1)
                expected += [(c_in if first else c_out, c_out, (3, 3), stride), (c_out, c_out, (3, 3), (1, 1))]
        assert_equal(threes, expected, call="ResNet20(): its 3x3 convolutions as (in, out, kernel, stride), in "
                                            "definition order")
        others = [c for c in convs if c[2] != (3, 3)]
        if any(c[2] != (1, 1) for c in others):
            raise ComparisonFailed(f"ResNet20(): convolutions other than 3x3 and 1x1 shortcut projections: {others}")
        linears = [(ref.get("in_features"), ref.get("out_features")) for _, ref in layers(self.student, net, "Linear")]
        assert_equal(linears, [(64, 10)], call="ResNet20(): the nn.Linear layers as (in_features, out_features)")

    @weight(1)
    @number("4.2")
    def test_resnet20_parameter_count(self):
        """ResNet20 has about 0.27M parameters (0.26M to 0.28M)"""
        count = sum(p.numel() for p in parameters(self.student, self.resnet()).values())
        if not 260_000 <= count <= 280_000:
            raise ComparisonFailed(f"ResNet20(): {count:,} parameters; ResNet-20 has about 0.27M (269,722 with "
                                   f"parameter-free shortcuts, 272,474 with 1x1 projections)")

    @weight(1)
    @number("4.3")
    def test_resnet20_forward(self):
        """ResNet20.forward maps (N, 3, 32, 32) images to (N, 10) logits, through global average pooling"""
        net = self.resnet()
        net.call("eval")
        out = net.call("forward", images(2))
        assert_equal(tuple(out.shape), (2, 10), call="ResNet20().forward(x), x of shape (2, 3, 32, 32): shape")
        if not torch.isfinite(out).all():
            raise ComparisonFailed("ResNet20().forward(x): the logits contain NaN or infinity")
        try:
            wide = net.call("forward", images(2, size=64))
        except Exception as e:
            raise ComparisonFailed(f"ResNet20().forward(x) on 64x64 images fails ({getattr(e, 'message', e)}): "
                                   f"end with global average pooling over whatever spatial size is left") from None
        assert_equal(tuple(wide.shape), (2, 10), call="ResNet20().forward(x), x of shape (2, 3, 64, 64): shape")


class TestWritePredictions(StudentTestCase):
    """Lab 3 (b): the predictions file, as sample.csv shows it."""

    @weight(0)
    @number("4.4")
    def test_write_predictions_format(self):
        """write_predictions writes the header Id,Category and one row per image, in the loader's order"""
        self.student.module(NOTEBOOK)
        x = images(7)
        linear = self.student.call("torch.nn.Linear", 3 * 32 * 32, 10)
        model = self.student.call("torch.nn.Sequential", self.student.call("torch.nn.Flatten"), linear)
        weight_, bias = linear.get("weight"), linear.get("bias")
        expected = (x.flatten(1) @ weight_.T + bias).argmax(1).tolist()
        dataset = self.student.call("torch.utils.data.TensorDataset", x)
        # A loader of images alone, as TESTSET's: each batch is a tensor, not a list.
        loader = self.student.call("torch.utils.data.DataLoader", self.student.call(
            "builtins.getattr", dataset, "tensors")[0], batch_size=3, shuffle=False)
        path = self.student.call("tempfile.mkdtemp") + "/predictions.csv"
        self.student.call(f"{NOTEBOOK}.write_predictions", model, loader, path, "cpu")
        lines = [line.strip() for line in read_text(self.student, path).splitlines() if line.strip()]
        assert_equal(lines[0].lower(), "id,category", call="the header of the file write_predictions writes")
        assert_equal(lines[1:], [f"{i},{p}" for i, p in enumerate(expected)],
                     call="write_predictions(model, loader of 7 images in batches of 3, path): the rows")
