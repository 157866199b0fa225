"""Is a submitted checkpoint loaded safely, scored against labels the worker never sees,
and refused with a clear message when it is wrong?"""

import os
import pickle
import sys

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from autograder.grading.checkpoints import describe_scale, linear_points, points_for, tier_points  # noqa: E402
from autograder.harness.student import local_student  # noqa: E402
from autograder.manifest import Checkpoint  # noqa: E402
from autograder.worker import protocol  # noqa: E402

MODEL = '''
import torch.nn as nn


class Tiny(nn.Module):
    def __init__(self, classes=3):
        super().__init__()
        self.fc = nn.Linear(3 * 2 * 2, classes)

    def forward(self, x):
        return self.fc(x.reshape(x.shape[0], -1))
'''


class Payload:
    """Unpickling this runs a command: what weights_only loading must refuse."""

    def __reduce__(self):
        return (os.system, ("touch pwned",))


@pytest.fixture
def root(tmp_path):
    (tmp_path / "tiny.py").write_text(MODEL)
    (tmp_path / "checkpoints").mkdir()
    rng = np.random.default_rng(0)
    np.save(tmp_path / "images.npy", rng.integers(0, 256, (10, 3, 2, 2), dtype=np.uint8))
    return tmp_path


def predict(root, checkpoint="checkpoints/tiny.pth", max_mb=1.0, state_key="", max_epoch=0):
    student = local_student(str(root))
    return student.predict("tiny.Tiny", checkpoint, "images.npy", max_mb=max_mb, mean=[0.5] * 3, std=[0.25] * 3,
                           state_key=state_key, max_epoch=max_epoch)


def save_tiny(root, **kwargs):
    import importlib.util

    spec = importlib.util.spec_from_file_location("tiny_model", root / "tiny.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["tiny_model"] = module  # so that a whole model can be pickled
    spec.loader.exec_module(module)
    torch.manual_seed(0)
    model = module.Tiny(**kwargs)
    torch.save(model.state_dict(), root / "checkpoints" / "tiny.pth")
    return model


def test_predictions_match_the_model_in_eval_mode(root):
    """Are the worker's predictions the model's argmax on the course-normalised images?"""
    model = save_tiny(root)
    images = np.load(root / "images.npy").astype(np.float32)
    expected = model(torch.from_numpy((images / 255 - 0.5) / 0.25)).argmax(1).numpy()
    np.testing.assert_array_equal(predict(root), expected)


def test_missing_checkpoint_is_named(root):
    with pytest.raises(Exception, match=r"checkpoints/tiny\.pth is missing"):
        predict(root)


def test_wrong_shapes_are_named(root):
    """Does a checkpoint of another architecture fail with the key and the shapes?"""
    save_tiny(root, classes=5)
    with pytest.raises(Exception, match=r"(?s)does not fit tiny\.Tiny: .*fc\.weight.*torch\.Size\(\[5, 12\]\)"):
        predict(root)


def test_a_whole_model_instead_of_a_state_dict_is_refused(root):
    """A pickled nn.Module is not a state_dict: weights_only refuses it, with advice."""
    model = save_tiny(root)
    torch.save(model, root / "checkpoints" / "tiny.pth")
    with pytest.raises(Exception, match=r"could not be loaded with torch\.load\(weights_only=True\) \(save model\.state_dict\(\)"):
        predict(root)


def test_a_dict_of_other_things_is_not_a_state_dict(root):
    torch.save({"epoch": 3, "acc": 0.5}, root / "checkpoints" / "tiny.pth")
    with pytest.raises(Exception, match=r"is not a state_dict \(a dict of tensors\)"):
        predict(root)


def test_a_course_dict_loads_its_state_dict_from_the_key(root):
    """Seed 002 saves {'net': state_dict, 'epoch': i, 'lr': lr}: with state_key='net' only 'net' loads."""
    model = save_tiny(root)
    torch.save({"net": model.state_dict(), "epoch": 7, "lr": 0.01}, root / "checkpoints" / "tiny.pth")
    images = np.load(root / "images.npy").astype(np.float32)
    expected = model(torch.from_numpy((images / 255 - 0.5) / 0.25)).argmax(1).numpy()
    np.testing.assert_array_equal(predict(root, state_key="net"), expected)


def test_a_course_dict_saved_after_the_epoch_limit_is_refused(root):
    """Seed 002's Lab 2: "a maximum of 100 epochs"; 'epoch': 100 passes (counted from 1), 101 does not."""
    model = save_tiny(root)
    for epoch, allowed in ((99, True), (100, True), (torch.tensor(100.0), True), (101, False), (250.0, False),
                           ("late", True)):  # not a number: not checked
        torch.save({"net": model.state_dict(), "epoch": epoch, "lr": 0.01}, root / "checkpoints" / "tiny.pth")
        if allowed:
            assert predict(root, state_key="net", max_epoch=100).shape == (len(np.load(root / "images.npy")),)
        else:
            with pytest.raises(Exception, match=r"was saved at epoch \d+; train for at most 100 epochs"):
                predict(root, state_key="net", max_epoch=100)


def test_without_the_key_a_course_dict_is_not_a_state_dict(root):
    model = save_tiny(root)
    torch.save({"net": model.state_dict(), "epoch": 7, "lr": 0.01}, root / "checkpoints" / "tiny.pth")
    with pytest.raises(Exception, match=r"is not a state_dict \(a dict of tensors\)"):
        predict(root)


def test_a_plain_state_dict_where_the_course_dict_is_expected_is_named(root):
    save_tiny(root)
    with pytest.raises(Exception, match=r"is not a dict with the key 'net'; save \{'net': net\.state_dict\(\)"):
        predict(root, state_key="net")


def test_malicious_pickle_never_runs(root):
    """Is a checkpoint whose unpickling runs a command refused, with nothing run?"""
    with open(root / "checkpoints" / "tiny.pth", "wb") as f:
        pickle.dump({"fc.weight": Payload()}, f)
    with pytest.raises(Exception, match=r"could not be loaded with torch\.load\(weights_only=True\)"):
        predict(root)
    assert not (root / "pwned").exists()


def test_oversized_checkpoint_is_refused_before_loading(root):
    (root / "checkpoints" / "tiny.pth").write_bytes(b"\0" * (2 * 2**20))
    with pytest.raises(Exception, match=r"checkpoints/tiny\.pth is 2\.0 MB; the limit is 1 MB"):
        predict(root)


def test_predictions_cross_as_plain_int64_data(root):
    """The grader compares an ndarray it rebuilt from bytes, not an object from student code."""
    save_tiny(root)
    tree, buffers = protocol.encode(predict(root))
    assert tree["dtype"] == np.dtype(np.int64).str


@pytest.mark.parametrize("accuracy, points", [(0.49, 0.0), (0.5, 4.0), (0.65, 7.0), (0.7, 10.0), (0.95, 10.0)])
def test_the_highest_tier_reached_counts(accuracy, points):
    tiers = ((0.5, 4.0), (0.6, 7.0), (0.7, 10.0))
    assert tier_points(accuracy, tiers) == points
    spec = Checkpoint(name="m", path="m.pth", model="m.M", tiers=tiers)
    assert points_for(accuracy, spec) == points
    assert describe_scale(spec) == "tiers: 0.50 -> 4, 0.60 -> 7, 0.70 -> 10"


@pytest.mark.parametrize("accuracy, points", [(0.5, 0.0), (0.71, 0.0), (0.755, 7.5), (0.80, 15.0), (0.99, 15.0)])
def test_a_linear_scale_gives_points_in_proportion_between_its_ends(accuracy, points):
    """Seed 004's ResNet-18: 0.71 (the improved LeNet's top tier) -> 0, rising to 0.80 -> 15."""
    assert linear_points(accuracy, (0.71, 0.80, 15.0)) == pytest.approx(points)
    spec = Checkpoint(name="r", path="r.pth", model="m.R", tiers=(), linear=(0.71, 0.80, 15.0))
    assert points_for(accuracy, spec) == pytest.approx(points, abs=1e-4)
    assert describe_scale(spec) == "0.71 -> 0 rising linearly to 0.80 -> 15"
