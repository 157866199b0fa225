"""Kit self-checks (weight 0): the provided ResNet-32 and data code.

These check what the course provides, not what students write: ResNet-32's size (in
the submission, which carries models/*.py), and, on the reference, the long-tailed
CIFAR-10's class counts and torchvision's download path. They run on a
synthetic stand-in of CIFAR-10 (tools/make_cifar_standin.py) written to a temporary
folder, so they need neither the real data nor the network.

The stand-in's files have their own MD5 sums, while torchvision's CIFAR10 checks the
real ones: the checks patch `torchvision.datasets.cifar.check_integrity` (or, for the
download path, CIFAR10's url and MD5 sums) in the reference's process, only for the
duration of a test. Student-facing code is never patched.
"""

import functools
import hashlib
import http.server
import importlib.util
import os
import tempfile
import threading
import unittest

import numpy as np
import torch

from autograder.harness.checks.compare import assert_equal
from autograder.harness.testing import StudentTestCase, number, visibility, weight

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), *[".."] * 3))


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def load_standin_tool():
    path = os.path.join(REPO, "tools", "make_cifar_standin.py")
    if not os.path.exists(path):
        raise unittest.SkipTest("kit self-check: needs the repository's tools/ (make test)")
    spec = importlib.util.spec_from_file_location("make_cifar_standin", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def md5(path):
    with open(path, "rb") as f:
        return hashlib.md5(f.read()).hexdigest()


def expected_counts(per_class, imb_factor=0.01, classes=10):
    return [int(per_class * imb_factor ** (i / (classes - 1.0))) for i in range(classes)]


class TestKitData(StudentTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = tempfile.TemporaryDirectory()
        self.addCleanup(self.tmp.cleanup)
        self.standin = load_standin_tool()

    def patch_reference(self, *args, **kwargs):
        """unittest.mock.patch(*args) in the reference's process, undone after the test."""
        patcher = self.reference.call("unittest.mock.patch", *args, **kwargs)
        patcher.call("start")
        self.addCleanup(patcher.call, "stop")

    def patch_cifar10(self, name, value):
        cifar10 = self.reference.module("torchvision.datasets").get("CIFAR10")
        patcher = self.reference.call("unittest.mock:patch.object", cifar10, name, value)
        patcher.call("start")
        self.addCleanup(patcher.call, "stop")

    @weight(0)
    @visibility("hidden")
    @number("0.1")
    def test_resnet32_size(self):
        """(kit) resnet32() has 464,154 parameters (He et al.: 0.46M) and maps images to 10 scores"""
        net = self.student.call("models.resnet32")  # models/*.py come from the submission
        params = self.student.call("builtins.list", net.call("parameters"))
        assert_equal(sum(p.numel() for p in params), 464154, call="resnet32(): number of parameters")
        out = net.call("forward", torch.zeros(2, 3, 32, 32))
        assert_equal(tuple(out.shape), (2, 10), call="resnet32().forward(x): shape of the scores")

    @weight(0)
    @visibility("hidden")
    @number("0.2")
    def test_imbalanced_cifar_counts(self):
        """(kit) IMBALANCECIFAR10 keeps img_max * 0.01^(i / 9) training images of class i"""
        self.standin.write_standin(self.tmp.name, per_batch=100, test=20)
        self.patch_reference("torchvision.datasets.cifar.check_integrity", return_value=True)
        dataset = self.reference.call("data.IMBALANCECIFAR10", root=self.tmp.name)
        counts = expected_counts(50)
        assert_equal(dataset.call("get_cls_num_list"), counts,
                     call="IMBALANCECIFAR10(root).get_cls_num_list() on 50 images per class")
        labels = np.bincount(np.asarray(dataset.get("targets")), minlength=10).tolist()
        assert_equal(labels, counts, call="IMBALANCECIFAR10(root).targets, images per class")
        assert_equal(tuple(dataset.get("data").shape), (sum(counts), 32, 32, 3),
                     call="IMBALANCECIFAR10(root).data.shape")

    @weight(0)
    @visibility("hidden")
    @number("0.3")
    def test_download_path(self):
        """(kit) download=True fetches, checks and unpacks cifar-10-python.tar.gz as torchvision does"""
        served = os.path.join(self.tmp.name, "served")
        folder = self.standin.write_standin(served, per_batch=30, test=20, tar=True)
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                 functools.partial(QuietHandler, directory=served))
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.server_close)
        self.addCleanup(server.shutdown)
        port = server.server_address[1]
        self.patch_cifar10("url", f"http://127.0.0.1:{port}/cifar-10-python.tar.gz")
        self.patch_cifar10("tgz_md5", md5(os.path.join(served, "cifar-10-python.tar.gz")))
        self.patch_cifar10("train_list", [[f"data_batch_{i}", md5(os.path.join(folder, f"data_batch_{i}"))]
                                          for i in range(1, 6)])
        self.patch_cifar10("test_list", [["test_batch", md5(os.path.join(folder, "test_batch"))]])
        self.patch_cifar10("meta", {"filename": "batches.meta", "key": "label_names",
                                    "md5": md5(os.path.join(folder, "batches.meta"))})
        root = os.path.join(self.tmp.name, "downloaded")
        train = self.reference.call("data.IMBALANCECIFAR10", root=root, download=True)
        assert_equal(train.call("get_cls_num_list"), expected_counts(15),
                     call="IMBALANCECIFAR10(root, download=True).get_cls_num_list()")
        test = self.reference.call("torchvision.datasets.CIFAR10", root=root, train=False, download=True)
        assert_equal(test.call("__len__"), 20, call="CIFAR10(root, train=False, download=True): length")
        assert_equal(test.get("classes"), self.standin.LABEL_NAMES, call="CIFAR10(...).classes")
