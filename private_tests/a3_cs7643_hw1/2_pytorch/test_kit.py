"""Kit self-checks (weight 0, hidden): whole models are never taken or loaded, and the
provided data code (cifar10.py, challenge_data.py) reads what it should.

train.py saves whole models (torch.save(model, ...)), as the course does, and loading one
runs the pickle it holds. Trained models are not graded here (the course's
collect_submission.sh leaves *.pt out): the grader takes only the manifest's files, so a
.pt in a zip, however named, never reaches the worker, and nothing ever unpickles it.
"""

import importlib.util
import os
import pickle
import tempfile
import unittest
from pathlib import Path

import numpy as np

from autograder.grading.intake import prepare_workspace
from autograder.harness.checks.compare import ComparisonFailed, assert_equal
from autograder.harness.student import LocalTransport
from autograder.harness.testing import StudentTestCase, number, visibility, weight
from autograder.manifest import REPO, load

ASSIGNMENT = "a3_cs7643_hw1/2_pytorch"


class Payload:
    """Unpickling this creates the folder `marker`: what a malicious whole model would do."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.mkdir, (self.marker,)


def load_standin_tool():
    path = REPO / "tools" / "make_cifar_standin.py"
    if not path.exists():
        raise unittest.SkipTest("kit self-check: needs the repository's tools/ (make test)")
    spec = importlib.util.spec_from_file_location("make_cifar_standin", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class TestKit(StudentTestCase):

    def setUp(self):
        super().setUp()
        self.tmp = Path(tempfile.mkdtemp())
        self.addCleanup(lambda: __import__("shutil").rmtree(self.tmp, ignore_errors=True))

    @weight(0)
    @visibility("hidden")
    @number("0.1")
    def test_whole_models_are_never_taken(self):
        """(kit) a submission's whole models (*.pt, a malicious one too) are not taken into the grading workspace, and never unpickled"""
        submission, marker = self.tmp / "submission", self.tmp / "payload-ran"
        (submission / "models").mkdir(parents=True)
        (submission / "train.py").write_text("# the student's train.py\n")
        (submission / "models" / "mymodel.py").write_text("# the student's model\n")
        for rel in ("mymodel.pt", "convnet.pt", "models/mymodel.pt", "checkpoints/mymodel.pt"):
            (submission / rel).parent.mkdir(exist_ok=True)
            (submission / rel).write_bytes(pickle.dumps(Payload(str(marker))))
        intake = prepare_workspace(submission, load(ASSIGNMENT), self.tmp / "workspace")
        assert_equal(sorted(intake.files), ["models/mymodel.py", "train.py"], call="the files taken from the submission")
        taken = sorted(p.relative_to(self.tmp / "workspace").as_posix() for p in (self.tmp / "workspace").rglob("*.pt"))
        assert_equal(taken, [], call="whole models (*.pt) in the grading workspace")
        if marker.exists():
            raise ComparisonFailed("a submitted .pt was unpickled: its payload ran")

    @weight(0)
    @visibility("hidden")
    @number("0.2")
    def test_worker_sees_no_whole_model(self):
        """(kit) the worker grading this submission sees no .pt file"""
        if isinstance(self.student.transport, LocalTransport):
            raise unittest.SkipTest("kit self-check of the sandboxed worker: the grader only")
        assert_equal(self.student.call("glob.glob", "**/*.pt", recursive=True), [],
                     call="glob.glob('**/*.pt', recursive=True) in the worker")

    @weight(0)
    @visibility("hidden")
    @number("0.3")
    def test_cifar10_splits(self):
        """(kit) CIFAR10(root, split, val_samples): val is the last val_samples training images, train the rest, test the test batch"""
        standin = load_standin_tool()
        standin.write_standin(str(self.tmp), per_batch=30, test=20)
        patcher = self.reference.call("unittest.mock:patch.object", self.reference.module("cifar10").get("CIFAR10"),
                                      "_check_integrity", return_value=True)  # the stand-in has its own MD5 sums
        patcher.call("start")
        self.addCleanup(patcher.call, "stop")
        labels = [y for i in range(1, 6) for y in standin.make_batch(30, 0, i)[1]]
        for split, expected in (("train", labels[:-40]), ("val", labels[-40:]), ("test", standin.make_batch(20, 0, 6)[1])):
            dataset = self.reference.call("cifar10.CIFAR10", str(self.tmp), split=split, val_samples=40)
            got = [dataset.call("__getitem__", i)[1] for i in range(dataset.call("__len__"))]
            assert_equal(got, expected, call=f"CIFAR10(root, split={split!r}, val_samples=40): the labels in order")
        image = dataset.call("__getitem__", 0)[0]
        assert_equal(image.type_name, "Image", call="CIFAR10(...)[0][0] (a PIL image)")

    @weight(0)
    @visibility("hidden")
    @number("0.4")
    def test_challenge_data_reads_the_set(self):
        """(kit) ChallengeData('data') gives every challenge image, unlabelled, as a (3, 32, 32) tensor after ToTensor"""
        m = load(ASSIGNMENT)
        count = len(np.load(m.root / m.predictions[0].labels))
        transform = self.student.call("torchvision.transforms.ToTensor")
        data = self.student.call("challenge_data.ChallengeData", "data", transform=transform)
        assert_equal(data.call("__len__"), count, call="len(ChallengeData('data'))")
        assert_equal(tuple(data.call("__getitem__", 0).shape), (3, 32, 32), call="ChallengeData('data', transform)[0].shape")
