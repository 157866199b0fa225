"""Section 1.2.3 (hidden): ResNet-18's whole forward pass, blocks of other sizes, other class counts.

The forward pass is checked as the public block tests check a block: the model gets a
state in which the convolutions of one shape share one random weight and the batch norms
of one width share one random state, and its output in evaluation mode is compared with
ResNet-18 computed from that state. Catches a stride in the wrong block, a missing ReLU or
max pooling in the stem, a missing shortcut, a shortcut that is not projected when only
the stride changes, and sizes hard-coded to 101 classes.
"""


import torch.nn.functional as F

from autograder.harness.checks.compare import assert_close, assert_equal
from autograder.harness.testing import StudentTestCase, number, public_test_module, visibility, weight
from autograder.manifest import load

STAGES = [(64, 64, 1), (64, 64, 1), (64, 128, 2), (128, 128, 1), (128, 256, 2), (256, 256, 1),
          (256, 512, 2), (512, 512, 1)]


# The public test_resnet18.py's shared-state helpers: one way to compute what is expected.
resnet_tests = public_test_module(load("a5_lenet_resnet_101").public_tests / "test_resnet18.py")
images, load_shared_state = resnet_tests.images, resnet_tests.load_shared_state
shared, batch_norm, block_expected = resnet_tests.shared, resnet_tests.batch_norm, resnet_tests.block_expected


def resnet18_expected(x, table, num_classes, call):
    """ResNet-18's forward pass in evaluation mode, from the shared state."""
    x = F.relu(batch_norm(F.conv2d(x, shared(table, "conv", (64, 3, 7, 7), call), stride=2, padding=3), table, call))
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
