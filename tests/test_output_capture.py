"""Warnings are not prints: the worker keeps library warnings apart; the policies note them.

(Issue 8: under A1's `zero` print policy, one NumPy RuntimeWarning zeroed a whole part.)
The graded pipeline is exercised in test_hostile.py (unstable-softmax, diverging-sgd,
print-warnings, exit-*-at-import); these are the pieces, in-process.
"""

import sys
import uuid

import pytest

from autograder.grading import policies
from autograder.grading.results import TestRecord as Record
from autograder.harness import testing
from autograder.harness.student import local_student

CODE = '''\
import warnings

import numpy as np


def overflow(x):
    return np.exp(x)


def empty_mean():
    return float(np.mean(np.array([])))


def own_warning():
    warnings.warn("my debugging line")
    return 1
'''


@pytest.fixture
def student(tmp_path):
    """A Student over a module of CODE (a fresh name: every test imports its own)."""
    name = f"capture_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{name}.py").write_text(CODE)
    yield local_student(str(tmp_path)), name
    sys.modules.pop(name, None)
    while str(tmp_path) in sys.path:
        sys.path.remove(str(tmp_path))


def test_a_numpy_runtime_warning_is_kept_apart_not_printed(student):
    """np.exp overflowing in the student's line: a warning with its file:line, nothing on stderr."""
    s, name = student
    with _no_warning_escapes():
        s.call(f"{name}.overflow", 1000.0)
    assert s.output_log == []
    [(call, [warning])] = s.warning_log
    assert call.startswith("overflow(")
    assert (warning["category"], warning["file"], warning["line"]) == ("RuntimeWarning", f"{name}.py", 7)
    assert "overflow" in warning["message"]


def test_a_warning_of_numpys_own_python_code_is_a_library_warning(student):
    """np.mean of nothing warns through warnings.warn in NumPy's code: still not the student printing."""
    s, name = student
    s.call(f"{name}.empty_mean")
    assert s.output_log == []
    found = [w for _, ws in s.warning_log for w in ws]
    assert "Mean of empty slice" in [w["message"] for w in found]
    assert {w["category"] for w in found} == {"RuntimeWarning"}


def test_the_same_warning_is_reported_in_every_call(student):
    """Python shows a warning once per location; the worker resets that per call, so each test sees its own."""
    s, name = student
    s.call(f"{name}.overflow", 1000.0)
    s.call(f"{name}.overflow", 1000.0)
    assert len(s.warning_log) == 2


def test_the_students_own_warnings_warn_is_printing(student):
    """warnings.warn called from the submission's file is a line on stderr, as Python would print it."""
    s, name = student
    s.call(f"{name}.own_warning")
    assert s.warning_log == []
    [(call, text, _)] = s.output_log
    assert text == f"{name}.py:15: UserWarning: my debugging line\n"


def test_one_scan_for_prints_and_warnings(student, tmp_path):
    """scan_output: warnings are violations only when counted; printed lines always are."""
    s, name = student
    s.call(f"{name}.overflow", 1000.0)
    s.call(f"{name}.own_warning")
    test_file = str(tmp_path / "tests" / "test_x.py")  # no allowed_output.txt beside it
    found, warned = testing.scan_output(s, test_file)
    assert [line for _, line in found] == [f"{name}.py:15: UserWarning: my debugging line"]
    assert len(warned) == 1
    counted, _ = testing.scan_output(s, test_file, count_warnings=True)
    assert len(counted) == 2 and counted[1][1].startswith(f"{name}.py:7: RuntimeWarning: overflow")


class _no_warning_escapes:
    """Fail if a warning reaches this process's warnings machinery (the worker must keep it)."""

    def __enter__(self):
        import warnings

        self._ctx = warnings.catch_warnings(record=True)
        self.caught = self._ctx.__enter__()
        warnings.simplefilter("always")

    def __exit__(self, *exc):
        self._ctx.__exit__(*exc)
        assert [str(w.message) for w in self.caught] == []


WARNING = {"category": "RuntimeWarning", "message": "overflow encountered in exp", "file": "models/m.py",
           "line": 3, "count": 1}


def test_a_warning_note_takes_no_points_and_hides_the_message_in_hidden_tests():
    visible, hidden = Record(name="v", weight=2.0), Record(name="h", weight=2.0, visibility="hidden")
    for record in (visible, hidden):
        policies.note_warnings(record, [("softmax(x)", WARNING)])
    assert visible.entry()["score"] == 2.0 and hidden.entry()["score"] == 2.0
    assert "models/m.py:3: RuntimeWarning: overflow encountered in exp" in visible.entry()["output"]
    assert "models/m.py:3: RuntimeWarning" in hidden.entry()["output"]
    assert "overflow encountered" not in hidden.entry()["output"]


def test_import_errors_zero_scores_every_test_and_fail_tests_none():
    broken = {"optimizer/sgd.py": "optimizer/sgd.py did not import: your code called sys.exit(0)"}
    records = [Record(name="a", weight=2.0), Record(name="b", weight=1.0)]
    note = policies.apply_import_errors(records, broken, "zero")
    assert [r.entry()["score"] for r in records] == [0.0, 0.0]
    assert "optimizer/sgd.py did not import, so the programming part scores 0" in note
    assert "optimizer/sgd.py did not import" in records[0].entry()["output"]
    records = [Record(name="a", weight=2.0)]
    note = policies.apply_import_errors(records, broken, "fail-tests")
    assert records[0].entry()["score"] == 2.0 and "optimizer/sgd.py did not import" in note
    assert policies.apply_import_errors(records, {}, "zero") == ""
