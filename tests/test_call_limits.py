"""Issue 8, "a hang costs the whole budget": is each call's time limit derived from the
reference's own time for the same call, and does grading end, results written, well inside
the submission's budget whatever the student's code does?"""

import time
from dataclasses import replace
from pathlib import Path

import pytest

from autograder import manifest
from autograder.grading import results, runner
from autograder.harness import call_limits
from autograder.harness.call_limits import FACTOR, FLOOR_SECONDS, CallLimits
from autograder.sandbox import modes as sandbox
from autograder.sandbox import remote
from tests.test_hostile import grade as grade_case
from tests.test_hostile import load_case, placeholders, scratch, strongest, verdict_problems  # noqa: F401

SUBMISSIONS = Path(__file__).resolve().parent / "fixtures" / "submissions"
SEED = "seeding"
SIGMOID_DEV = "SoftmaxRegression.sigmoid_dev(float64 array of shape (4, 5))"


def _sandbox():
    try:
        sandbox.choose("bwrap")
        return "bwrap"
    except sandbox.SandboxUnavailable:
        return "none"


def test_limit_is_a_multiple_of_the_reference_time_with_a_floor_and_the_manifest_cap():
    timings = {"t": [(SEED, 0.001), (SIGMOID_DEV, 0.00001), ("TwoLayerNet.train(...)", 0.5),
                     ("TwoLayerNet.fit(...)", 30.0)]}
    limits = CallLimits(120, timings)
    limits.begin("t")
    assert limits.before(SEED) == FLOOR_SECONDS                       # a microsecond: the floor
    assert limits.before(SIGMOID_DEV) == FLOOR_SECONDS
    assert limits.before("TwoLayerNet.train(...)") == FACTOR * 0.5     # a multiple of the reference
    assert limits.before("TwoLayerNet.fit(...)") == 120               # capped by call_seconds
    assert limits.before("TwoLayerNet.extra(...)") == 120             # past the reference's calls: its slowest
    limits.end()
    assert limits.before(SIGMOID_DEV) is None                         # outside a test: the manifest's
    limits.begin("never timed")
    assert limits.before(SIGMOID_DEV) is None


def test_a_call_that_differs_from_the_reference_gets_the_slowest_reference_call():
    limits = CallLimits(120, {"t": [(SEED, 0.001), ("f(int)", 0.001), ("g(int)", 1.0)]})
    limits.begin("t")
    limits.before(SEED)
    assert limits.before("h(str)") == FACTOR * 1.0  # not the reference's 2nd call: a multiple of its slowest (1 s)


def test_reference_run_records_each_call_in_order():
    limits = CallLimits(120)
    limits.begin("t", record=True)
    for call, seconds in ((SEED, 0.01), ("f()", 0.2)):
        assert limits.before(call) is None  # the reference runs unlimited
        limits.after(call, seconds, None, failed=False)
    limits.end()
    assert limits.timings == {"t": [(SEED, 0.01), ("f()", 0.2)]}


def test_a_target_that_hung_once_gets_a_short_limit_afterwards():
    limits = CallLimits(120, {"a": [(SEED, 0.001), (SIGMOID_DEV, 0.001)], "b": [(SEED, 0.001), (SIGMOID_DEV, 0.001)],
                              "c": [(SEED, 0.001), ("SoftmaxRegression.sigmoid_dev(float64 array of shape (4, 6))",
                                                    0.001)]})
    limits.begin("a")
    limits.before(SEED)
    timeout = limits.before(SIGMOID_DEV)
    limits.after(SIGMOID_DEV, timeout + 0.01, timeout, failed=True)  # it ran past its limit
    limits.end()
    limits.begin("b")
    assert limits.before(SEED) == FLOOR_SECONDS                       # other targets keep theirs
    assert limits.before(SIGMOID_DEV) == call_limits.REPEAT_SECONDS
    limits.begin("c")
    limits.before(SEED)
    assert limits.before("SoftmaxRegression.sigmoid_dev(float64 array of shape (4, 6))") == \
        call_limits.REPEAT_SECONDS                                    # the same target, other arguments
    limits.begin("d")
    limits.after("f()", 0.5, 10.0, failed=True)                       # a quick crash is no hang
    assert "f" not in limits.hung


def test_remote_call_stops_at_its_derived_limit_not_the_manifest_one(probe_worker, monkeypatch):
    monkeypatch.setattr(call_limits, "FLOOR_SECONDS", 1.0)
    student = probe_worker(_sandbox(), manifest.Limits(call_seconds=60, submission_seconds=300))
    student.limits = CallLimits(60, {"t": [("echo(1)", 0.0001), ("sleep_forever()", 0.0001)]})
    student.limits.begin("t")
    assert student.call("probe.echo", 1) == 1  # the first call into `probe` imports it: call_seconds
    started = time.monotonic()
    with pytest.raises(remote.WorkerFailure, match=r"ran longer than the limit of 1 s for one call"):
        student.call("probe.sleep_forever")
    assert time.monotonic() - started < 30  # generous: the manifest's limit is 60 s
    assert "sleep_forever" in student.limits.hung


def test_tests_end_inside_the_submission_budget_less_a_reserve(tinycalc):
    """A hang that outlasts the budget: the grading returns before submission_seconds."""
    limits = replace(tinycalc.limits, call_seconds=40, submission_seconds=40)
    assert runner.budget_seconds(limits) == 38
    assert runner.budget_seconds(replace(limits, submission_seconds=900)) == 855
    assert runner.budget_seconds(replace(limits, submission_seconds=3600)) == 3540
    manifest_ = replace(tinycalc, limits=limits)
    started = time.monotonic()
    outcome = runner.grade(manifest_, SUBMISSIONS / "hang", sandbox=_sandbox())
    results.validate(outcome)
    assert time.monotonic() - started < 40
    assert outcome["execution_time"] < 40
    assert len(outcome["tests"]) == 4, outcome["tests"][-1].get("output", "")[-3000:]


@pytest.mark.slow
def test_a1_submission_whose_sigmoid_dev_hangs_is_graded_well_inside_the_budget(scratch):  # noqa: F811
    """Issue 8's acceptance: A1's real limits (120 s a call, 900 s in all); sigmoid_dev loops
    forever. Every test is listed, the hanging ones zeroed, in a fraction of the budget
    (before the fix: 120 s for each test reaching sigmoid_dev)."""
    spec = load_case("sigmoid-dev-hang")
    assert "limits" not in spec  # A1's own limits
    values = placeholders(scratch, scratch / "unused.json")
    started = time.monotonic()
    outcome, ran = grade_case("sigmoid-dev-hang", spec, strongest(), scratch, values)
    wall = time.monotonic() - started
    problems = verdict_problems(outcome, ran, spec["verdict"])
    assert not problems, "\n".join(problems)
    numbers = {t.get("number") for t in outcome["tests"]}
    assert set(ran) <= numbers, sorted(set(ran) - numbers)
    assert wall < 300, f"graded in {wall:.0f} s"  # generous; 3 x 120 s before the fix


def test_reference_run_times_the_test_and_leaves_no_score_behind():
    """The reference's own run of a test records its calls, and its set_score does not
    become the submission's score (gradescope_utils keeps it on the test function)."""
    from autograder.harness import testing
    from autograder.harness.student import Student

    class Partial(testing.StudentTestCase):
        @testing.partial_credit(2)
        def test_partial(self, set_score=None):
            assert self.student.call("probe.echo", 7) == 7
            set_score(2)

    reference = testing.local_student(str(SUBMISSIONS.parent / "probe"))
    limits = CallLimits(60)
    timed = Student(reference.transport)
    timed.limits = limits
    test = Partial("test_partial")
    try:
        runner._time_reference(test, limits, timed, reference, reference)
    finally:
        testing.use()
    calls = [call for call, _ in limits.timings[test.id()]]
    assert calls[:2] == [SEED, "echo(7)"], calls  # then, locally, the release of what it received
    assert "__score__" not in vars(Partial.test_partial)


def test_first_call_into_a_module_in_each_worker_keeps_the_manifest_limit():
    """Importing a module (torch, matplotlib) in a fresh worker costs seconds the reference,
    imported long before, never paid: that call keeps call_seconds, later ones do not."""
    build = "SoftmaxRegression()"
    limits = CallLimits(120, {"t": [(SEED, 0.001), (build, 0.001), (SIGMOID_DEV, 0.001)]})
    request = {"op": "call", "target": "models.softmax_regression.SoftmaxRegression"}
    for expected in (None, FLOOR_SECONDS):
        limits.begin("t")
        limits.before(SEED, {"op": "seed"})
        assert limits.before(build, request) == expected
        assert limits.before(SIGMOID_DEV, {"op": "method", "handle": 1, "name": "sigmoid_dev"}) == FLOOR_SECONDS
        limits.end()
    limits.begin("t")
    limits.before(SEED, {"op": "seed"})
    limits.after(SEED, 0.2, FLOOR_SECONDS, failed=True)  # the worker died: the next one imports again
    assert limits.before(build, request) is None
