"""Checkpoint accuracy: the worker predicts the hidden test inputs, the grader scores them.

    class TestCheckpoints(CheckpointTestCase):
        assignment = "a2_cnn/part2-pytorch"

        @partial_credit(CHECKPOINTS["vanillacnn"].points)
        def test_vanilla_cnn(self, set_score=None):
            '''VanillaCNN's checkpoint: above 0.4 accuracy on the hidden test set'''
            self.grade_checkpoint("vanillacnn", set_score)

The labels are read here, in the grader, from the assignment's `evaluation.labels`; the
worker only ever sees the images. Accuracy maps to points through the manifest's tiers:
the highest tier reached counts.
"""

from pathlib import Path

import numpy as np

from autograder import manifest as manifests
from autograder.harness.checks.compare import ComparisonFailed
from autograder.harness.testing import StudentTestCase


def tier_points(accuracy, tiers):
    """Points for `accuracy` under ((threshold, points), ...): the best tier reached, else 0."""
    reached = [points for threshold, points in tiers if accuracy >= threshold]
    return max(reached, default=0.0)


def linear_points(accuracy, linear):
    """Points under (from, to, points): 0 at `from` or below, rising linearly to all at `to`."""
    low, high, points = linear
    return points * min(1.0, max(0.0, (accuracy - low) / (high - low)))


def points_for(accuracy, spec):
    """A checkpoint's points for `accuracy`: its linear scale if it has one, else its tiers."""
    return round(linear_points(accuracy, spec.linear), 4) if spec.linear else tier_points(accuracy, spec.tiers)


def max_points(spec):
    return spec.linear[2] if spec.linear else max(points for _, points in spec.tiers)


def describe_scale(spec):
    if spec.linear:
        low, high, points = spec.linear
        return f"{low:.2f} -> 0 rising linearly to {high:.2f} -> {points:g}"
    return "tiers: " + ", ".join(f"{threshold:.2f} -> {points:g}" for threshold, points in sorted(spec.tiers))


def _local_root(student):
    worker = getattr(student.transport, "worker", None)  # the local transport only
    return Path(worker.root).resolve() if worker is not None else None


class CheckpointTestCase(StudentTestCase):
    """A test that scores a submitted checkpoint against the hidden labels."""

    assignment = None  # the manifest name; set by the subclass
    evaluated_on = "hidden test set"  # what the messages call the evaluation images

    @classmethod
    def manifest(cls):
        return manifests.load(cls.assignment)

    @classmethod
    def checkpoint(cls, name):
        """The manifest's checkpoint entry whose file is checkpoints/<name>.pth."""
        for spec in cls.manifest().checkpoints:
            if spec.path.rsplit("/", 1)[-1].rsplit(".", 1)[0] == name:
                return spec
        raise KeyError(f"{cls.assignment}: no checkpoint {name!r} in assignment.toml")

    def _is_untrained_reference(self, m, spec):
        """The reference solution itself, run in this process, without its trained checkpoint:
        `make test` on a machine where the (large) reference checkpoints were not made."""
        return _local_root(self.student) == Path(m.root).resolve() and not (Path(m.root) / spec.path).is_file()

    def grade_checkpoint(self, name, set_score, set_leaderboard_value=None):
        """Predict with the student's checkpoint, score it, set the tier's points."""
        m = self.manifest()
        spec = self.checkpoint(name)
        ev = m.evaluation
        if self._is_untrained_reference(m, spec):
            self.skipTest(f"the reference's {spec.path} is not trained on this machine (an instructor's "
                          f"check; a submission without it scores 0 here)")
        set_score(0.0)
        predictions = self.student.predict(spec.model, spec.path, ev.inputs, max_mb=spec.max_mb,
                                           mean=ev.mean, std=ev.std, kwargs=dict(spec.kwargs),
                                           state_key=spec.state_key, max_epoch=spec.max_epoch)
        labels = np.load(m.root / ev.labels)
        if type(predictions) is not np.ndarray or predictions.shape != labels.shape:
            raise ComparisonFailed(f"{spec.name}: expected {labels.shape[0]} predictions, got "
                                   f"{getattr(predictions, 'shape', type(predictions).__name__)}")
        accuracy = float(np.mean(predictions == labels))
        points = points_for(accuracy, spec)
        set_score(points)
        if set_leaderboard_value is not None:
            set_leaderboard_value(round(accuracy, 4))
        if points < max_points(spec):
            raise ComparisonFailed(
                f"{spec.name}: accuracy {accuracy:.4f} on the {self.evaluated_on} ({labels.shape[0]} images) "
                f"earns {points:g} of {max_points(spec):g} points ({describe_scale(spec)})"
            )
