"""Does grading end in the verdict each fixture submission expects, in every sandbox
mode, with the policies, the budget and engine failures handled as the manifest says?"""

import json
import os
import zipfile
from dataclasses import replace
from pathlib import Path

import pytest

from autograder.grading import results, runner
from autograder.sandbox import modes as sandbox
from autograder.sandbox import remote

SUBMISSIONS = Path(__file__).resolve().parent / "fixtures" / "submissions"
CASES = sorted(p.name for p in SUBMISSIONS.iterdir() if (p / "expected.json").is_file())
SURVIVOR_MARKS = ("4242.5", "4243.5")  # the sleeps that background-process and tamper leave


def grade(manifest, submission, mode="bwrap", **kwargs):
    outcome = runner.grade(manifest, submission, sandbox=mode if _works(mode) else "none", **kwargs)
    results.validate(outcome)
    return outcome


def failed(outcome):
    return {t["name"]: t.get("output", "") for t in outcome["tests"] if t["status"] == "failed"}


def test_tests_and_points_of_the_reference(tinycalc):
    outcome = grade(tinycalc, tinycalc.root)
    assert outcome["score"] == 8
    assert [(t["number"], t["score"], t["max_score"], t["status"]) for t in outcome["tests"]] == [
        ("1.1", 1, 1, "passed"), ("1.3", 3, 3, "passed"), ("1.2", 2, 2, "passed"), ("2.1", 2, 2, "passed")]
    assert outcome["tests"][3]["visibility"] == "hidden"
    assert not failed(outcome)


@pytest.mark.parametrize("case", CASES)
def test_fixture_submission_gets_its_expected_verdict(tinycalc, mode, case, survivors):
    """Does each broken or hostile submission fail exactly the tests its expected.json names,
    with the message it names, the rest passing, and nothing it started left running?"""
    expected = json.loads((SUBMISSIONS / case / "expected.json").read_text())
    if mode not in expected.get("modes", sandbox.MODES):
        pytest.skip(f"{case} attacks the grading machine: run only in {expected['modes']}")
    if case == "fork-bomb" and not sandbox.limits_processes(sandbox.choose(mode)):
        pytest.skip("no process limit applies in this mode here")
    outcome = grade(tinycalc, SUBMISSIONS / case, mode)
    assert outcome["extra_data"]["sandbox"] == mode
    score = expected.get("score_by_mode", {}).get(mode, expected["score"])
    assert outcome["score"] == score, results.summary(outcome)
    if mode not in expected.get("score_by_mode", {}):
        for name_part, message_part in expected["failed"].items():
            names = [n for n in failed(outcome) if name_part in n]
            assert names, f"no failed test named like {name_part!r}: {results.summary(outcome)}"
            assert message_part in failed(outcome)[names[0]], failed(outcome)[names[0]]
    if score == 8:
        assert not failed(outcome)
    for mark in SURVIVOR_MARKS:
        assert not survivors(mark), f"{case} left a process running in mode {mode}"
    account = sandbox.choose(mode).account
    if account:  # the user mode shares /tmp: nothing of the account may stay there
        assert not [e.name for e in os.scandir("/tmp") if e.stat(follow_symlinks=False).st_uid == account[0]]


def test_clean_hostile_clean_sandwich_leaves_clean_results_identical(tinycalc, sandboxed_mode):
    """Graded in the same slot right after hostile submissions, is a clean one's verdict unchanged?"""

    def verdict(case):
        outcome = grade(tinycalc, SUBMISSIONS / case, sandboxed_mode)
        return outcome["score"], outcome["tests"], outcome["leaderboard"]

    before = verdict("clean")
    for hostile in ("tamper", "breach-secrets", "background-process", "exit-zero-mid-test", "memory-blowup"):
        verdict(hostile)
    assert verdict("clean") == before == verdict("clean")


def test_print_policy_fail_test_zeroes_only_the_printing_test(tinycalc):
    outcome = grade(replace(tinycalc, print_policy="fail-test"), SUBMISSIONS / "prints")
    assert outcome["score"] == 7
    assert list(failed(outcome)) == ["add returns the sum of two numbers"]
    assert "'debugging add 2 3'. This test scores 0." in failed(outcome)["add returns the sum of two numbers"]


def test_print_policy_warn_keeps_the_score_and_warns(tinycalc):
    outcome = grade(replace(tinycalc, print_policy="warn"), SUBMISSIONS / "prints")
    assert outcome["score"] == 8
    add = next(t for t in outcome["tests"] if t["number"] == "1.1")
    assert add["status"] == "passed" and "Warning: Your code printed" in add["output"]


def test_what_the_provided_code_prints_is_allowed(tinycalc):
    """Counter's provided code prints 'Counting from 2' (allowed_output.txt): no violation."""
    outcome = grade(tinycalc, SUBMISSIONS / "clean")
    assert outcome["score"] == 8 and "printed" not in json.dumps(outcome)


def test_a_printed_line_in_a_hidden_test_is_not_quoted(tinycalc, tmp_path):
    source = (SUBMISSIONS / "clean" / "calc.py").read_text().replace(
        '    with open(path) as f:\n', '    print("hidden input", path)\n    with open(path) as f:\n')
    (tmp_path / "calc.py").write_text(source)
    outcome = grade(tinycalc, tmp_path)
    hidden = next(t for t in outcome["tests"] if t["number"] == "2.1")
    assert "the line is not shown" in hidden["output"] and "hidden input" not in json.dumps(outcome)
    assert outcome["score"] == 0


def test_import_penalty_deduct_takes_points_once_per_file(tinycalc):
    """deduct:2 takes 2 points for the forbidden scipy (not for the merely unlisted json),
    on top of scale's test, which the run-time guard fails."""
    outcome = grade(replace(tinycalc, import_penalty="deduct:2"), SUBMISSIONS / "forbidden-import")
    assert outcome["score"] == 4
    deduction = next(t for t in outcome["tests"] if t["name"] == "Import rules: calc.py")
    assert deduction["score"] == -2 and "import scipy.ndimage" in deduction["output"]


def test_import_penalty_warn_leaves_forbidden_modules_to_fail_as_python_does(tinycalc):
    """With warn, nothing is refused at run time: scipy (not installed here) fails the import
    of calc.py itself, so every test fails; the run-time guard is what spares add and Counter."""
    outcome = grade(replace(tinycalc, import_penalty="warn"), SUBMISSIONS / "forbidden-import")
    assert outcome["score"] == 0
    assert "No module named 'scipy'" in failed(outcome)["add returns the sum of two numbers"]


def test_a_library_warning_is_a_note_unless_the_manifest_counts_it(tinycalc, tmp_path):
    """Under the zero print policy, NumPy's RuntimeWarning in the student's line costs nothing
    (a note names it); with prints.warnings = "count" it is a printed line like any other."""
    source = (SUBMISSIONS / "clean" / "calc.py").read_text().replace(
        '    return a + b\n', '    np.log(np.zeros(1))  # a RuntimeWarning: divide by zero\n    return a + b\n')
    (tmp_path / "calc.py").write_text(source)
    outcome = grade(tinycalc, tmp_path)
    assert outcome["score"] == 8, results.summary(outcome)
    add = next(t for t in outcome["tests"] if t["number"] == "1.1")
    assert "calc.py:8: RuntimeWarning: divide by zero encountered in log" in add["output"]
    counted = grade(replace(tinycalc, print_warnings="count"), tmp_path)
    assert counted["score"] == 0 and "printed output the assignment does not ask for" in counted["output"]


def test_a_file_that_raises_when_imported_zeroes_the_part_and_says_why(tinycalc, tmp_path):
    source = (SUBMISSIONS / "clean" / "calc.py").read_text() + '\nraise RuntimeError("not finished")\n'
    (tmp_path / "calc.py").write_text(source)
    outcome = grade(tinycalc, tmp_path)
    assert outcome["score"] == 0
    entry = failed(outcome)["Import check: calc.py did not import"]
    assert "calc.py did not import: it raised RuntimeError: not finished" in entry
    assert "calc.py did not import, so the programming part scores 0" in outcome["output"]


def test_spent_budget_marks_the_remaining_tests_not_run(tinycalc):
    manifest = replace(tinycalc, limits=replace(tinycalc.limits, submission_seconds=3))
    outcome = grade(manifest, SUBMISSIONS / "hang")
    messages = failed(outcome)
    assert messages["scale multiplies an array by a factor"] == (
        "scale(float64 array of shape (2, 3), 2.5) was stopped: the time budget for the whole submission "
        "(3 s) ran out during this call; the tests after it were not run.")
    assert messages["load_numbers reads the numbers of the data file"].startswith("This test was not run: time budget")
    assert outcome["score"] == 4
    assert "time budget for the whole submission (3 s) was spent" in outcome["output"]


def test_a_zip_submission_with_a_wrapping_folder(tinycalc, tmp_path):
    path = tmp_path / "submission.zip"
    with zipfile.ZipFile(path, "w") as zf:
        zf.write(SUBMISSIONS / "clean" / "calc.py", "my_submission/calc.py")
    assert grade(tinycalc, path)["score"] == 8


def test_an_unreadable_zip_scores_zero_and_says_why(tinycalc, tmp_path):
    path = tmp_path / "submission.zip"
    path.write_bytes(b"this is not a zip")
    outcome = grade(tinycalc, path)
    assert outcome["score"] == 0
    assert "not a readable zip file" in json.dumps(outcome["tests"])


def test_a_missing_file_is_listed_and_its_tests_fail(tinycalc, tmp_path):
    outcome = grade(tinycalc, tmp_path)
    assert outcome["score"] == 0
    messages = failed(outcome)
    assert "calc.py is not in your submission" in messages["Submission: calc.py is missing"]
    assert "raised NotImplementedError: add" in messages["add returns the sum of two numbers"]


def test_an_engine_failure_gives_score_zero_and_hides_the_details(tinycalc, monkeypatch):
    def explode(workspace, manifest):
        raise RuntimeError("the static checker blew up")

    monkeypatch.setattr(runner.static_checks, "check_submission", explode)
    outcome = grade(tinycalc, SUBMISSIONS / "clean")
    visible, hidden = outcome["tests"]
    assert outcome["score"] == 0 and visible["visibility"] == "visible" and hidden["visibility"] == "hidden"
    assert "contact the course staff" in visible["name"] and "blew up" not in visible["output"]
    assert "RuntimeError: the static checker blew up" in hidden["output"]


def test_a_worker_that_cannot_start_is_an_engine_failure(tinycalc, monkeypatch):
    argv = sandbox.Sandbox.argv
    monkeypatch.setattr(sandbox.Sandbox, "argv",
                        lambda self, code=None: argv(self, code="raise SystemExit('no engine here')"))
    outcome = grade(tinycalc, SUBMISSIONS / "clean")
    assert outcome["score"] == 0 and "contact the course staff" in outcome["tests"][0]["name"]
    assert "the worker did not start" in outcome["tests"][1]["output"]
    assert "no engine here" in outcome["tests"][1]["output"]


def test_missing_data_is_an_engine_failure(tinycalc):
    outcome = grade(replace(tinycalc, data=("data/absent.txt",)), SUBMISSIONS / "clean")
    assert "run `make data`" in outcome["tests"][1]["output"]


def test_log_dir_keeps_the_worker_log_and_engine_failures(tinycalc, tmp_path):
    grade(tinycalc, SUBMISSIONS / "clean", log_dir=tmp_path / "logs")
    assert (tmp_path / "logs" / "worker.log").exists()


def test_results_never_name_the_grader_paths(tinycalc):
    text = json.dumps(grade(tinycalc, SUBMISSIONS / "hang"))
    for path in (tinycalc.root, tinycalc.public_tests, tinycalc.private_tests):
        assert str(path) not in text


def test_explicit_unavailable_mode_raises(tinycalc, monkeypatch):
    monkeypatch.setattr(sandbox, "choose", lambda requested="auto": (_ for _ in ()).throw(
        sandbox.SandboxUnavailable("user: needs root")))
    with pytest.raises(sandbox.SandboxUnavailable):
        runner.grade(tinycalc, SUBMISSIONS / "clean", sandbox="user")


def test_worker_failure_message_names_the_call_and_the_limit():
    failure = remote.WorkerFailure("TwoLayerNet.forward(float64 array of shape (5, 784))",
                                   "it ran longer than the limit of 120 s for one call and was stopped")
    assert str(failure) == ("The worker running your code died during TwoLayerNet.forward(float64 array of "
                            "shape (5, 784)): it ran longer than the limit of 120 s for one call and was "
                            "stopped. The remaining tests still ran.")


def _works(mode):
    try:
        sandbox.choose(mode)
        return True
    except sandbox.SandboxUnavailable:
        return False
