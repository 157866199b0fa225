"""Is results.json exactly Gradescope's format, scored as gradescope_utils scores it, and
always valid, whatever happened?"""

import io
import json

import jsonschema
import pytest

from autograder import manifest
from autograder.grading import results, runner
from autograder.grading.results import TestRecord as Record
from autograder.harness import suite, testing


@pytest.fixture
def gsu_style(fixture_repo):
    return manifest.load("gsu_style")


def _ours(test_dir, student_root):
    testing.use(student=testing.local_student(str(student_root)))
    try:
        collector = results.Collector()
        suite.load_suite([test_dir]).run(collector)
    finally:
        testing.use()
    return results.build(collector.records, execution_time=0.0)


def _gradescope_utils(test_dir, student_root):
    from gradescope_utils.autograder_utils.json_test_runner import JSONTestRunner

    testing.use(student=testing.local_student(str(student_root)))
    stream = io.StringIO()
    try:
        JSONTestRunner(stream=stream, visibility="visible").run(suite.load_suite([test_dir]))
    finally:
        testing.use()
    return json.loads(stream.getvalue())


def test_an_existing_gradescope_suite_scores_exactly_as_gradescope_utils_scores_it(gsu_style):
    """Same tests, names, scores, statuses, numbers, tags, visibility and leaderboard as
    gradescope_utils' own JSONTestRunner produces for the same suite."""
    ours = _ours(gsu_style.public_tests, gsu_style.root)
    theirs = _gradescope_utils(gsu_style.public_tests, gsu_style.root)
    keys = ("name", "score", "max_score", "status", "number", "tags", "visibility")

    def table(document):
        return sorted(tuple(t.get(k) for k in keys) for t in document["tests"])

    assert table(ours) == table(theirs)
    assert sorted(map(str, ours["leaderboard"])) == sorted(map(str, theirs["leaderboard"]))
    assert ours["score"] == theirs["score"] == 8.5
    hidden = next(t for t in ours["tests"] if t["name"] == "A failure whose details are hidden")
    assert hidden["output"] == "Something is wrong (details hidden)."


def test_the_same_suite_graded_remotely(gsu_style):
    outcome = runner.grade(gsu_style, gsu_style.root, sandbox="auto")
    results.validate(outcome)
    by_name = {t["name"]: t for t in outcome["tests"]}
    assert outcome["score"] == 8.5
    assert by_name["double doubles"]["score"] == 3
    assert by_name["Partial credit: 2.5 of 4"]["score"] == 2.5
    assert by_name["Partial credit set, then a failure"]["status"] == "failed"
    assert by_name["An error (not an assertion) in the test"]["output"] == "KeyError: 'missing'"
    assert "score" not in by_name["A test without a weight"]
    assert "Skipped: listed nowhere" not in by_name
    assert {e["name"]: (e["value"], e["order"]) for e in outcome["leaderboard"]} == {
        "accuracy": (0.93, "desc"), "seconds": (12, "asc")}


def test_a_second_run_does_not_inherit_partial_credit_or_leaderboard_values(gsu_style):
    """gradescope_utils stores set_score on the function itself: a rerun must not reuse it."""
    first = _ours(gsu_style.public_tests, gsu_style.root)
    second = _ours(gsu_style.public_tests, gsu_style.root)
    assert first["tests"] == second["tests"]


def test_every_result_validates_against_the_schema():
    records = [Record(name="a", weight=2, number="1.1", tags=("x",), visibility="visible"),
               Record(name="b", weight=1, failed=True, message="add(2, 3): expected 5, got 6"),
               Record(name="c"),
               Record(name="d", leaderboard=("accuracy", "desc", 0.5)),
               Record(name="e", weight=3, zeroed=True, notes=["Scored 0: printing"])]
    document = results.build(records, execution_time=1.234, output="Sandbox: none.", extra={"sandbox": "none"})
    results.validate(document)
    assert document["score"] == 2
    assert [t["status"] for t in document["tests"]] == ["passed", "failed", "passed", "failed"]
    assert document["leaderboard"] == [{"name": "accuracy", "value": 0.5, "order": "desc"}]
    assert document["output_format"] == "md" and document["stdout_visibility"] == "hidden"
    results.validate(results.engine_failure("Traceback ...", extra={"sandbox": "bwrap"}))


@pytest.mark.parametrize("broken", [
    {"tests": [{"name": "x", "status": "ok", "score": 1}]},
    {"score": 1, "tests": [{"name": "x", "score": "1"}]},
    {"score": 1, "output_format": "markdown"},
    {"score": 1, "unknown_key": 1},
    {"tests": [{"name": "no score anywhere"}]},
    {"score": 1, "leaderboard": [{"name": "accuracy"}]},
])
def test_the_schema_rejects_what_gradescope_would(broken):
    with pytest.raises(jsonschema.ValidationError):
        results.validate(broken)


def test_write_is_atomic_and_replaces_an_invalid_document_with_the_failure_result(tmp_path):
    path = results.write(tmp_path / "out" / "results.json", {"score": "not a number"})
    written = json.loads(path.read_text())
    results.validate(written)
    assert written["score"] == 0 and "contact the course staff" in written["tests"][0]["name"]
    assert "did not validate" in written["tests"][1]["output"]
    assert [p.name for p in path.parent.iterdir()] == ["results.json"]


def test_engine_failure_shows_the_traceback_only_in_a_hidden_entry():
    document = results.engine_failure("Traceback: secret grader path /autograder/source/x.py")
    visible = [t for t in document["tests"] if t.get("visibility") != "hidden"]
    assert "secret" not in json.dumps(visible) + document["output"]
    assert document["score"] == 0


def test_summary_lists_points_status_and_the_first_line_of_each_failure():
    document = results.build([Record(name="add works", weight=1, failed=True,
                                         message="add(2, 3): expected 5, got 6\nmore")],
                             execution_time=0.5)
    assert results.summary(document).splitlines() == [
        "      0/1  failed  add works", "                   add(2, 3): expected 5, got 6",
        "score 0 / 1   (0.5 s)"]


def test_a_failing_class_fixture_is_a_failed_entry_not_silence():
    import unittest

    class Broken(unittest.TestCase):
        @classmethod
        def setUpClass(cls):
            raise RuntimeError("fixture data missing")

        def test_never_runs(self):
            pass

    collector = results.Collector()
    unittest.defaultTestLoader.loadTestsFromTestCase(Broken).run(collector)
    document = results.build(collector.records, execution_time=0.0)
    results.validate(document)
    (entry,) = document["tests"]
    assert entry["status"] == "failed" and entry["output"] == "RuntimeError: fixture data missing"
    assert entry["name"].startswith("setUpClass")


HOSTILE_TEXT = "bad \ud800 nul\x00 bel\x07 del\x7f c1\x85 \x1b[31mred\x1b[0m \x1b]0;title\x07 tab\tline\r\nend"


def _results_with(text):
    record = Record(name=f"name {text}", weight=1.0, failed=True, message=text, tags=(text,))
    return results.build([record], execution_time=1.0, output=text, extra={"note": text})


def test_student_text_is_made_strict_printable_utf8_in_results_json(tmp_path):
    """A lone surrogate, NUL, BEL, DEL, C1 and ANSI escapes in a student's exception message
    or output: results.json is strict UTF-8 without raw controls, even as JSON escapes."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from results_check import assert_valid_results

    path = results.write(tmp_path / "results.json", _results_with(HOSTILE_TEXT))
    written = assert_valid_results(path)
    expected = "bad \ufffd nul\\x00 bel\\x07 del\\x7f c1\\x85 red  tab\tline\nend"
    assert written["tests"][0]["output"] == expected
    assert written["tests"][0]["name"] == f"name {expected}"
    assert written["output"] == expected and written["extra_data"]["note"] == expected
    assert written["tests"][0]["tags"] == [expected]
    assert "Autograder error" not in path.read_text()


def test_student_text_is_bounded_in_length(tmp_path):
    text = "x" * (results.MAX_TEXT + 5000)
    written = json.loads(results.write(tmp_path / "results.json", _results_with(text)).read_text())
    assert len(written["output"]) < results.MAX_TEXT + 100 and "5000 more characters" in written["output"]


def test_the_summary_of_hostile_text_prints_as_strict_utf8():
    text = results.summary(_results_with(HOSTILE_TEXT))
    text.encode("utf-8", errors="strict")
    assert "\x1b" not in text and "\x00" not in text and "red" in text


def test_assert_valid_results_catches_what_it_checks(tmp_path):
    """Does the helper refuse invalid UTF-8, raw controls, escaped surrogates or controls,
    and schema violations (so its passing means something)?"""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from results_check import assert_valid_results

    good = {"score": 1.0, "tests": [{"name": "t", "score": 1.0, "status": "passed", "output": "a\n\tb"}]}
    path = tmp_path / "r.json"
    path.write_text(json.dumps(good))
    assert assert_valid_results(path) == good
    for raw in (b'{"score": 1, "output": "\xff"}', b'{"score": 1, "output": "a\x01"}',
                b'{"score": 1, "output": "\\ud800"}', b'{"score": 1, "output": "\\u001b[31m"}',
                b'{"score": "1"}', b'{"score": 1, "tests": [{"status": "ok"}]}'):
        path.write_bytes(raw)
        with pytest.raises((AssertionError, UnicodeDecodeError, jsonschema.ValidationError)):
            assert_valid_results(path)
