"""A predictions file scored against hidden labels: the challenge of seed 001, Lab 3 of 002.

    class TestChallenge(PredictionsTestCase):
        assignment = "a3_cs7643_hw1/2_pytorch"

        @leaderboard("accuracy")
        @partial_credit(10)
        def test_challenge(self, set_score=None, set_leaderboard_value=None):
            '''predictions.csv beats chance, then the course's reference model'''
            self.grade_predictions("challenge", set_score, set_leaderboard_value)

The student's file (`image_id,label`, one row per image) crosses from the worker as bytes
and is parsed here, in the grader, strictly: each problem gets a message naming the row.
Harmless differences are accepted: a UTF-8 BOM, CRLF line ends, spaces around values,
blank lines, rows in any order, labels written as integral floats ("3.0", as np.savetxt
does). The labels never leave the grader.

Leaderboard: the board shows the accuracy on a fixed `public_fraction` of the images (the
public board); the points, and the final standing (in the test's hidden output), use all of
them. `daily_limit` scored submissions a day: past it, the earlier result of that day is
carried (read from Gradescope's submission_metadata.json, in the grader), so resubmitting
cannot probe the hidden labels.
"""

import datetime

import numpy as np

from autograder import manifest as manifests
from autograder.grading.checkpoints import describe_scale, max_points, points_for
from autograder.harness import testing
from autograder.harness.checks.compare import ComparisonFailed
from autograder.harness.testing import StudentError, StudentTestCase

MAX_ERRORS_SHOWN = 5


class PredictionsError(ComparisonFailed):
    """The predictions file cannot be scored; the message says what to fix."""


def parse_predictions(data, count, classes, name="predictions.csv", header=("image_id", "label")):
    """Bytes of a CSV -> int64 labels indexed by image id (ids 0..count-1, each once)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise PredictionsError(f"{name} is not UTF-8 text ({e.reason} at byte {e.start})") from None
    rows = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    if not rows:
        raise PredictionsError(f"{name} is empty: write the header {','.join(header)} and one row per image")
    first = tuple(cell.strip().lower() for cell in rows[0][1].split(","))
    if first != tuple(h.lower() for h in header):
        raise PredictionsError(f"{name} line {rows[0][0]}: the header must be {','.join(header)}, "
                               f"found {rows[0][1].strip()[:80]!r}")
    labels = np.full(count, -1, dtype=np.int64)
    problems = []
    for number, line in rows[1:]:
        cells = [cell.strip() for cell in line.split(",")]
        if len(cells) != 2:
            problems.append(f"line {number}: expected 2 values ({','.join(header)}), found {len(cells)}")
            continue
        image_id, label = (_integer(cell) for cell in cells)
        if image_id is None or not 0 <= image_id < count:
            problems.append(f"line {number}: {header[0]} {cells[0][:20]!r} is not an id from 0 to {count - 1}")
        elif label is None or not 0 <= label < classes:
            problems.append(f"line {number}: {header[1]} {cells[1][:20]!r} is not a class from 0 to {classes - 1}")
        elif labels[image_id] != -1:
            problems.append(f"line {number}: {header[0]} {image_id} appears a second time")
        else:
            labels[image_id] = label
    missing = np.flatnonzero(labels == -1)
    if len(missing) and not problems:
        shown = ", ".join(map(str, missing[:MAX_ERRORS_SHOWN])) + (", ..." if len(missing) > MAX_ERRORS_SHOWN else "")
        problems.append(f"{len(missing)} of the {count} image ids have no row: {shown}")
    if problems:
        more = f" (and {len(problems) - MAX_ERRORS_SHOWN} more problems)" if len(problems) > MAX_ERRORS_SHOWN else ""
        raise PredictionsError(f"{name} cannot be scored: " + "; ".join(problems[:MAX_ERRORS_SHOWN]) + more)
    return labels


def _integer(text):
    try:
        return int(text)
    except ValueError:
        pass
    try:
        value = float(text)
    except ValueError:
        return None
    return int(value) if value.is_integer() else None


NOT_SCORED = "not scored:"  # how a carried result's output starts (it does not count as scored)


def carried_result(metadata, test_name, board_name, daily_limit):
    """(score, leaderboard value) to carry when this submission is past the day's limit, else None.

    `metadata`: Gradescope's submission_metadata.json (created_at, previous_submissions with
    their results). Counts the earlier submissions of the same UTC day whose results scored
    the test `test_name`; past `daily_limit`, the latest of them is carried, with its
    leaderboard entry `board_name`.
    """
    if not metadata or not daily_limit:
        return None
    today = _day(metadata.get("created_at"))
    scored = []
    for earlier in metadata.get("previous_submissions") or []:
        results = earlier.get("results") or {}
        if today is None or _day(earlier.get("submission_time")) != today:
            continue
        for test in results.get("tests") or []:
            if test.get("name") == test_name and "score" in test and \
                    not str(test.get("output", "")).startswith(NOT_SCORED):
                board = next((e.get("value") for e in results.get("leaderboard") or [] if e.get("name") == board_name),
                             None)
                scored.append((str(earlier.get("submission_time")), float(test["score"]), board))
    if len(scored) < daily_limit:
        return None
    return max(scored)[1:]


def _day(stamp):
    try:
        return datetime.datetime.fromisoformat(str(stamp)).astimezone(datetime.UTC).date()
    except ValueError:
        return None


class PredictionsTestCase(StudentTestCase):
    """A test that scores the submission's predictions file against hidden labels."""

    assignment = None  # the manifest name; set by the subclass

    def grade_predictions(self, name, set_score, set_leaderboard_value=None):
        m = manifests.load(self.assignment)
        spec = next((p for p in m.predictions if p.name == name), None)
        if spec is None:
            raise KeyError(f"{self.assignment}: no [[predictions]] named {name!r} in assignment.toml")
        set_score(0.0)
        truth = np.load(m.root / spec.labels)
        carried = carried_result(testing.submission_metadata(), self.shortDescription() or str(self),
                                 spec.leaderboard, spec.daily_limit)
        if carried is not None:
            score, board = carried
            set_score(score)
            if set_leaderboard_value is not None and board is not None:
                set_leaderboard_value(board)
            raise PredictionsError(f"{NOT_SCORED} this is past today's {spec.daily_limit} scored submissions of "
                                   f"{spec.path}; the score of your last scored one today ({score:g}) is kept")
        accuracy, board = self.accuracies(spec, truth)
        points = points_for(accuracy, spec)
        set_score(points)
        if set_leaderboard_value is not None:
            set_leaderboard_value(board)
        if points < max_points(spec):  # the accuracy on all images is the final standing: not shown
            raise ComparisonFailed(f"{spec.path}: {points:g} of {max_points(spec):g} points on the {len(truth)} "
                                   f"hidden images ({describe_scale(spec)}); public board: {board:.4f}")


    def final_standing(self, name):
        """The accuracy on every hidden image (for a hidden test: the final leaderboard's standing)."""
        m = manifests.load(self.assignment)
        spec = next(p for p in m.predictions if p.name == name)
        return self.accuracies(spec, np.load(m.root / spec.labels))[0]

    def accuracies(self, spec, truth):
        """(accuracy on all hidden images, on the public board's) of the submitted file."""
        try:
            data = self.student.call("autograder.worker.serve.read_file", spec.path, spec.max_mb)
        except (StudentError, OSError, ValueError) as e:  # locally the worker's own exception comes back
            if getattr(e, "type_name", type(e).__name__) == "FileNotFoundError":
                raise PredictionsError(f"{spec.path} is not in your submission: write it (one row per "
                                       f"image) and submit it") from None
            raise PredictionsError(f"{spec.path} could not be read: {getattr(e, 'message', e)}") from None
        predicted = parse_predictions(bytes(data), len(truth), spec.classes, name=spec.path, header=spec.header)
        public = public_indices(len(truth), spec.public_fraction)
        return float(np.mean(predicted == truth)), round(float(np.mean(predicted[public] == truth[public])), 4)


def public_indices(count, fraction):
    """The fixed images of the public board: a seeded choice, the same for every submission."""
    rng = np.random.default_rng(20191)
    return np.sort(rng.choice(count, size=max(1, round(count * fraction)), replace=False))
