"""Section 1.2.3 (hidden): ResNet-18's whole forward pass, blocks of other sizes, other class counts.

The forward pass is checked as the public block tests check a block: the model gets a
state in which the convolutions of one shape share one random weight and the batch norms
of one width share one random state, and its output in evaluation mode is compared with
ResNet-18 computed from that state. Catches a stride in the wrong block, a missing ReLU or
max pooling in the stem, a missing shortcut, a shortcut that is not projected when only
the stride changes, and sizes hard-coded to 101 classes.
"""

import math

import numpy as np
import torch
import torch.nn.functional as F

from autograder.harness.checks.compare import ComparisonFailed, assert_close, assert_equal
from autograder.harness.testing import StudentTestCase, number, visibility, weight

STAGES = [(64, 64, 1), (64, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1),
          (256, 512, 2), (512, 512, 1)]


def images(n, seed=0, size=64, channels=3):
    rng = np.random.default_rng(seed)
    return torch.tensor(rng.standard_normal((n, channels, size, size)), dtype=torch.float32)


# The same shared-state helpers as the public test_resnet18.py (private tests must not
# depend on where the public ones are installed).
def load_shared_state(student, module, seed=0):
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
    width = (x.shape[1],)
    return F.batch_norm(x, shared(table, "bn_running_mean", width, call), shared(table, "bn_running_var", width, call),
                        table.get(("bn_weight", width)), table.get(("bn_bias", width)), training=False, eps=1e-5)


def conv(x, table, shape, stride, padding, call):
    return F.conv2d(x, shared(table, "conv", shape, call), stride=stride, padding=padding)


def block_expected(x, table, c_in, c_out, stride, call):
    out = F.relu(batch_norm(conv(x, table, (c_out, c_in, 3, 3), stride, 1, call), table, call))
    out = batch_norm(conv(out, table, (c_out, c_out, 3, 3), 1, 1, call), table, call)
    if stride == 1 and c_in == c_out:
        shortcut = x
    else:
        shortcut = batch_norm(conv(x, table, (c_out, c_in, 1, 1), stride, 0, call), table, call)
    return F.relu(out + shortcut)


def resnet18_expected(x, table, num_classes, call):
    x = F.relu(batch_norm(conv(x, table, (64, 3, 7, 7), 2, 3, call), table, call))
    x = F.max_pool2d(x, 3, 2, 1)
    for c_in, c_out, stride in STAGES:
        x = block_expected(x, table, c_in, c_out, stride, call)
    x = x.mean(dim=(2, 3))
    return F.linear(x, shared(table, "linear_weight", (num_classes, 512), call),
                    shared(table, "linear_bias", (num_classes,), call))


class TestResNet18Hidden(StudentTestCase):

    @weight(4)
    @visibility("after_published")
    @number("3.8")
    def test_resnet18_forward(self):
        """ResNet18.forward: conv_1, batch norm, ReLU, max pooling, the 8 blocks of conv_2 to conv_5 (stride 2 at the first block of conv_3 to conv_5), global average pooling, fc"""
        net = self.student.call("assignment2.ResNet18", num_classes=101)
        table = load_shared_state(self.student, net, seed=21)
        net.call("eval")
        x = images(2, seed=22)
        out = net.call("forward", x)
        call = "ResNet18(num_classes=101).eval(), then forward(x), x of shape (2, 3, 64, 64)"
        assert_equal(tuple(out.shape), (2, 101), call=call + ": shape of the scores")
        expected = resnet18_expected(x, table, 101, call)
        scale = float(expected.abs().max())
        assert_close(out, expected, call=call + ", against ResNet-18 computed from the same shared weights",
                     rtol=1e-3, atol=1e-4 * scale)

    @weight(2)
    @visibility("after_published")
    @number("3.9")
    def test_basic_block_other_sizes(self):
        """BasicBlock(128, 256, stride=2), and BasicBlock(32, 32, stride=2), whose shortcut must be projected because only the size changes"""
        for c_in, c_out, stride in ((128, 256, 2), (32, 32, 2)):
            block = self.student.call("assignment2.BasicBlock", c_in, c_out, stride=stride)
            table = load_shared_state(self.student, block, seed=c_in + c_out)
            block.call("eval")
            x = images(2, seed=23, size=6, channels=c_in)
            call = f"BasicBlock({c_in}, {c_out}, stride={stride}).eval(), then forward(x), x of shape {tuple(x.shape)}"
            out = block.call("forward", x)
            assert_equal(tuple(out.shape), (2, c_out, 3, 3), call=call + ": shape")
            assert_close(out, block_expected(x, table, c_in, c_out, stride, call), call=call, rtol=1e-4, atol=1e-4)

    @weight(1)
    @visibility("after_published")
    @number("3.10")
    def test_resnet18_other_num_classes(self):
        """ResNet18(num_classes=10) scores 10 classes"""
        net = self.student.call("assignment2.ResNet18", num_classes=10)
        out = net.call("forward", images(2, seed=24))
        assert_equal(tuple(out.shape), (2, 10),
                     call="ResNet18(num_classes=10).forward(x), x of shape (2, 3, 64, 64): shape of the scores")


class TestReferenceLayout(StudentTestCase):
    """Instructors' check of the reference (0 points): its ResNet18 checkpoints load into torchvision's."""

    @weight(0)
    @visibility("hidden")
    @number("3.99")
    def test_reference_state_dict_matches_torchvision(self):
        """The reference ResNet18's state_dict has torchvision.models.resnet18(num_classes=101)'s keys and shapes"""
        import torchvision

        state = self.reference.call("builtins.dict", self.reference.call("assignment2.ResNet18").call("state_dict"))
        expected = torchvision.models.resnet18(num_classes=101).state_dict()
        assert_equal(sorted((k, tuple(v.shape)) for k, v in state.items()),
                     sorted((k, tuple(v.shape)) for k, v in expected.items()),
                     call="the reference's ResNet18().state_dict(): (key, shape) pairs")
