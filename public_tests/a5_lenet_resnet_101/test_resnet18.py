"""Section 1.2.3: ResNet-18 and its basic block.

The structure tests read your layers by type, so any attribute names pass: the
convolutions, batch norms and the fully connected layer must be those of ResNet-18 (as in
He et al. 2016 and torchvision: 11,228,325 parameters; biases in the convolutions, which
the batch norms make redundant, are accepted too). The block tests load into your block a
state in which the convolutions of one shape share one random weight and the batch norms
of one width share one random state, then compare its forward pass, in evaluation mode,
with conv - batch norm - ReLU - conv - batch norm, plus the shortcut, then ReLU, computed
from that state.
"""

import collections
import math

import numpy as np
import torch
import torch.nn.functional as F

from autograder.harness.checks.compare import ComparisonFailed, assert_close, assert_equal
from autograder.harness.testing import StudentTestCase, number, weight

# (in_channels, out_channels, kernel, stride, padding) of ResNet-18's 20 convolutions.
RESNET18_CONVS = (
    [(3, 64, (7, 7), (2, 2), (3, 3))] + [(64, 64, (3, 3), (1, 1), (1, 1))] * 4
    + [conv for c in (128, 256, 512)
       for conv in [(c // 2, c, (3, 3), (2, 2), (1, 1)), (c // 2, c, (1, 1), (2, 2), (0, 0))]
       + [(c, c, (3, 3), (1, 1), (1, 1))] * 3]
)
RESNET18_BATCH_NORMS = {64: 5, 128: 5, 256: 5, 512: 5}
RESNET18_PARAMETERS = 11228325


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


def describe_conv(config):
    c_in, c_out, kernel, stride, padding = config
    return f"{c_in}->{c_out} {kernel[0]}x{kernel[1]} stride {stride[0]} padding {padding[0]}"


def multiset_difference(got, expected):
    """'missing ...; unexpected ...' between two lists of descriptions ('' if equal)."""
    got, expected = collections.Counter(got), collections.Counter(expected)
    parts = []
    for what, counter in (("missing", expected - got), ("unexpected", got - expected)):
        if counter:
            parts.append(f"{what}: " + ", ".join(f"{n} x {item}" for item, n in sorted(counter.items())))
    return "; ".join(parts)


def images(n, seed=0, size=64, channels=3):
    rng = np.random.default_rng(seed)
    return torch.tensor(rng.standard_normal((n, channels, size, size)), dtype=torch.float32)


def load_shared_state(student, module, seed=0):
    """Load a state into `module` in which every convolution weight of one shape, every batch
    norm of one width and every linear layer of one shape have the same random values
    (convolution biases zero); return those values, {(kind, shape): tensor}."""
    state = student.call("builtins.dict", module.call("state_dict"))
    table, new = {}, {}
    for name, tensor in state.items():
        prefix, _, leaf = name.rpartition(".")
        owner = state.get(f"{prefix}.weight" if prefix else "weight")
        owner_dim = owner.dim() if owner is not None else 0
        shape = tuple(tensor.shape)
        if leaf == "weight" and len(shape) == 4:
            kind = "conv"
        elif leaf == "bias" and owner_dim == 4:
            new[name] = torch.zeros(shape)
            continue
        elif leaf in ("weight", "bias") and len(shape) == 2 - (leaf == "bias") and owner_dim == 2:
            kind = f"linear_{leaf}"
        elif leaf in ("weight", "bias", "running_mean", "running_var") and len(shape) == 1:
            kind = f"bn_{leaf}"
        else:
            new[name] = tensor
            continue
        if (kind, shape) not in table:
            table[kind, shape] = random_value(kind, shape, seed)
        new[name] = table[kind, shape]
    module.call("load_state_dict", new)
    return table


def random_value(kind, shape, seed):
    """A value for one kind of tensor, drawn from (seed, kind, shape) alone."""
    rng = np.random.default_rng([seed, sum(map(ord, kind)), *shape])
    if kind == "conv":
        value = rng.standard_normal(shape) * math.sqrt(2.0 / math.prod(shape[1:]))
    elif kind in ("bn_weight", "bn_running_var"):
        value = rng.uniform(0.5, 1.5, shape)
    elif kind == "linear_weight":
        value = rng.standard_normal(shape) / math.sqrt(shape[1])
    else:
        value = 0.2 * rng.standard_normal(shape)
    return torch.tensor(value, dtype=torch.float32)


def shared(table, kind, shape, call):
    try:
        return table[kind, tuple(shape)]
    except KeyError:
        found = sorted({s for k, s in table if k == kind})
        raise ComparisonFailed(f"{call}: no {kind.replace('_', ' ')} of shape {tuple(shape)}; found {found}") from None


def batch_norm(x, table, call):
    """Evaluation-mode batch norm with the shared state of x's width."""
    width = (x.shape[1],)
    weight_, bias = table.get(("bn_weight", width)), table.get(("bn_bias", width))
    return F.batch_norm(x, shared(table, "bn_running_mean", width, call), shared(table, "bn_running_var", width, call),
                        weight_, bias, training=False, eps=1e-5)


def block_expected(x, table, c_in, c_out, stride, call):
    """relu(bn(conv3x3(relu(bn(conv3x3(x))))) + shortcut(x)), from the shared state."""
    def conv(t, shape, s, p):
        return F.conv2d(t, shared(table, "conv", shape, call), stride=s, padding=p)

    out = F.relu(batch_norm(conv(x, (c_out, c_in, 3, 3), stride, 1), table, call))
    out = batch_norm(conv(out, (c_out, c_out, 3, 3), 1, 1), table, call)
    if stride == 1 and c_in == c_out:
        shortcut = x
    else:
        shortcut = batch_norm(conv(x, (c_out, c_in, 1, 1), stride, 0), table, call)
    return F.relu(out + shortcut)


class TestResNet18(StudentTestCase):
    """Section 1.2.3: ResNet18 and BasicBlock."""

    def resnet(self):
        return self.student.call("assignment2.ResNet18", num_classes=101)

    @weight(3)
    @number("3.1")
    def test_resnet18_stem(self):
        """conv_1 is a 7x7 convolution with 64 filters, stride 2 (padding 3), followed by max pooling 3x3 with stride 2 (padding 1)"""
        net = self.resnet()
        call = "ResNet18(num_classes=101)"
        stems = [conv_config(ref) for _, ref in layers(self.student, net, "Conv2d") if ref.get("in_channels") == 3]
        if len(stems) != 1:
            raise ComparisonFailed(f"{call}: expected one convolution taking the 3 image channels, found {len(stems)}")
        assert_equal(describe_conv(stems[0]), describe_conv(RESNET18_CONVS[0]),
                     call=f"{call}: the first convolution (conv_1)")
        for _, pool in layers(self.student, net, "MaxPool2d"):
            got = tuple(pool.get(k) for k in ("kernel_size", "stride", "padding"))
            if got not in ((3, 2, 1), ((3, 3), (2, 2), (1, 1))):
                raise ComparisonFailed(f"{call}: nn.MaxPool2d(kernel_size={got[0]}, stride={got[1]}, padding={got[2]}); "
                                       f"expected kernel_size=3, stride=2, padding=1")

    @weight(3)
    @number("3.2")
    def test_resnet18_convolutions(self):
        """conv_2 to conv_5: 2 blocks of two 3x3 convolutions each, with 64, 128, 256 and 512 filters; stride 2 and a 1x1 projection shortcut at the first block of conv_3, conv_4 and conv_5"""
        net = self.resnet()
        got = [describe_conv(conv_config(ref)) for _, ref in layers(self.student, net, "Conv2d")]
        difference = multiset_difference(got, [describe_conv(c) for c in RESNET18_CONVS])
        if difference:
            raise ComparisonFailed(f"ResNet18(num_classes=101): its {len(got)} convolutions differ from ResNet-18's 20 "
                                   f"(in->out kernel stride padding): {difference}")

    @weight(1)
    @number("3.3")
    def test_resnet18_batch_norm_and_fc(self):
        """Every convolution is followed by batch norm (20 of them), and a fully connected layer maps 512 features to 101 classes"""
        net = self.resnet()
        call = "ResNet18(num_classes=101)"
        widths = [ref.get("num_features") for _, ref in layers(self.student, net, "BatchNorm2d")]
        expected = [w for w, n in RESNET18_BATCH_NORMS.items() for _ in range(n)]
        difference = multiset_difference([f"BatchNorm2d({w})" for w in widths], [f"BatchNorm2d({w})" for w in expected])
        if difference:
            raise ComparisonFailed(f"{call}: its {len(widths)} batch norms differ from ResNet-18's 20: {difference}")
        linears = [(ref.get("in_features"), ref.get("out_features")) for _, ref in layers(self.student, net, "Linear")]
        assert_equal(linears, [(512, 101)], call=f"{call}: the nn.Linear layers as (in_features, out_features)")

    @weight(1)
    @number("3.4")
    def test_resnet18_parameter_count(self):
        """ResNet18 has 11,228,325 parameters (not counting biases of convolutions)"""
        net = self.resnet()
        conv_biases = {f"{name}.bias" for name, _ in layers(self.student, net, "Conv2d")}
        count = sum(p.numel() for name, p in parameters(self.student, net).items() if name not in conv_biases)
        assert_equal(count, RESNET18_PARAMETERS, call="ResNet18(num_classes=101): number of parameters")

    @weight(2)
    @number("3.5")
    def test_resnet18_output_shape(self):
        """ResNet18 maps (N, 3, 64, 64) images to (N, 101) scores, in training mode and, for one image, in evaluation mode"""
        net = self.resnet()
        for mode, n in (("train", 2), ("eval", 1)):
            net.call(mode)
            call = f"ResNet18(num_classes=101).{mode}(), then forward(x), x of shape ({n}, 3, 64, 64)"
            out = net.call("forward", images(n))
            assert_equal(tuple(out.shape), (n, 101), call=call + ": shape of the scores")
            if not torch.isfinite(out).all():
                raise ComparisonFailed(f"{call}: the scores contain NaN or infinity")

    def check_block(self, c_in, c_out, stride, size=8):
        block = self.student.call("assignment2.BasicBlock", c_in, c_out, stride=stride)
        call = f"BasicBlock({c_in}, {c_out}, stride={stride})"
        table = load_shared_state(self.student, block, seed=c_in + c_out + stride)
        block.call("eval")
        x = images(2, seed=c_out, size=size, channels=c_in)
        out = block.call("forward", x)
        call = f"{call}.eval(), then forward(x), x of shape {tuple(x.shape)}"
        assert_equal(tuple(out.shape), (2, c_out, size // stride, size // stride), call=call + ": shape")
        expected = block_expected(x, table, c_in, c_out, stride, call)
        assert_close(out, expected, call=call + " against relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))",
                     rtol=1e-4, atol=1e-4)

    @weight(4)
    @number("3.6")
    def test_basic_block_identity(self):
        """A block that keeps the shape, BasicBlock(64, 64): relu(bn2(conv2(relu(bn1(conv1(x))))) + x)"""
        self.check_block(64, 64, 1)

    @weight(4)
    @number("3.7")
    def test_basic_block_projection(self):
        """A block with stride 2, BasicBlock(64, 128, stride=2): halves the size; its shortcut is a 1x1 convolution with stride 2 and batch norm"""
        self.check_block(64, 128, 2)
