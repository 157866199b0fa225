"""What a test file imports: the TestCase base class, the gradescope_utils decorators.

    from autograder.harness.testing import StudentTestCase, weight, number, visibility

    class TestActivation(StudentTestCase):
        @weight(1)
        def test_sigmoid(self):
            '''sigmoid matches 1 / (1 + exp(-x))'''
            net = self.student.call("models.softmax_regression.SoftmaxRegression")
            ...

`self.student` is the submission (or, in `make test`, the reference solution);
`self.reference` is the reference solution, for private tests only. Who they are is set
by `use()` (the grader does this) or, by default, from the environment:
KIT_STUDENT_ROOT (default: the folder above the test file's `tests/` folder) and
KIT_REFERENCE_ROOT.

What student code prints is checked after every test against `allowed_output.txt`
beside the test files (one regular expression per line: the provided code's own
messages). Locally, a violation fails the test, so students learn it before submitting;
the grader applies the assignment's print policy instead. Both read what a test printed
through one function, `scan_output`. Warnings that library code raises through Python's
warnings machinery (NumPy's RuntimeWarning on an overflow) are not printing: they come
back apart (worker.capture.OutputCapture), are shown locally on stderr, and are a note in the
grader unless the manifest counts them (`[prints] warnings = "count"`).
"""

import importlib.util
import os
import re
import sys
import unittest

from gradescope_utils.autograder_utils.decorators import (  # noqa: F401  (re-exported)
    hide_errors,
    leaderboard,
    number,
    partial_credit,
    tags,
    visibility,
    weight,
)

from autograder.harness.student import LocalTransport, StudentError, local_student  # noqa: F401  (re-exported)

_session = {}
_fail_on_prints = True


def use(student=None, reference=None, fail_on_prints=True, metadata=None):
    """Set the Student objects tests see (the grader calls this before running suites), and
    Gradescope's submission_metadata.json (a dict: earlier submissions) where there is one."""
    global _fail_on_prints
    _session.clear()
    if student is not None:
        _session["student"] = student
    if reference is not None:
        _session["reference"] = reference
    if metadata is not None:
        _session["metadata"] = metadata
    _fail_on_prints = fail_on_prints


def submission_metadata():
    """Gradescope's submission_metadata.json of the submission being graded, or None."""
    return _session.get("metadata")


def public_test_module(path):
    """A public test file, imported for its helpers, so that a hidden test computes its
    expected values exactly as the public one does (one copy of each helper). Loaded by path
    under a private name: public test folders are not packages, and the test classes in it
    are not collected a second time (they are not attributes of the hidden test module)."""
    path = os.fspath(path)
    name = "_public_" + re.sub(r"\W", "_", os.path.splitext(os.path.relpath(path))[0])
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _resolve(role, test_file):
    if role not in _session:
        if role == "student":
            default = os.path.dirname(os.path.dirname(os.path.abspath(test_file)))
            root = os.environ.get("KIT_STUDENT_ROOT", default)
        else:
            root = os.environ.get("KIT_REFERENCE_ROOT")
            if root is None:
                raise unittest.SkipTest("this test needs the reference solution (instructors only)")
        other = _session.get("reference" if role == "student" else "student")
        if other is not None and isinstance(other.transport, LocalTransport) and \
                os.path.realpath(other.transport.worker.root) != os.path.realpath(root):
            # Both would import `models`, `utils`, ... into this one interpreter: the second
            # would silently get the first's modules, and a test would compare code with itself.
            raise RuntimeError("the student and the reference cannot both be imported locally from "
                               "different folders in one process; grade the student remotely")
        _session[role] = local_student(root)
    return _session[role]


def allowed_output_patterns(test_dir):
    """The regular expressions in `allowed_output.txt` beside the tests ([] if none)."""
    path = os.path.join(test_dir, "allowed_output.txt")
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [re.compile(line.rstrip("\n")) for line in f if line.strip() and not line.startswith("#")]


def unexpected_output(text, patterns):
    """Lines of `text` that no allowed pattern matches in full."""
    return [line for line in text.splitlines() if line.strip() and not any(p.fullmatch(line) for p in patterns)]


def warning_line(warning):
    """A warning (worker.capture.OutputCapture's dict) as Python prints it: 'file:line: Category: message'."""
    return f"{warning['file']}:{warning['line']}: {warning['category']}: {warning['message']}"


def scan_output(student, test_file, output_start=0, warning_start=0, count_warnings=False):
    """What student code wrote during one test -> (violations, warned).

    violations: (call, line) for every line no pattern of allowed_output.txt beside
    `test_file` matches, from `student.output_log[output_start:]` (and, if
    `count_warnings`, the lines of the warnings too); warned: (call, warning) for every
    warning library code raised, from `student.warning_log[warning_start:]`.
    """
    patterns = allowed_output_patterns(os.path.dirname(test_file))
    violations = [(call, line) for call, text, _total in student.output_log[output_start:]
                  for line in unexpected_output(text, patterns)]
    warned = [(call, w) for call, found in student.warning_log[warning_start:] for w in found]
    if count_warnings:
        violations += [(call, line) for call, w in warned for line in unexpected_output(warning_line(w), patterns)]
    return violations, warned


class StudentTestCase(unittest.TestCase):
    """A test of student code: seeds it before each test and checks what it prints."""

    seed = 0

    @property
    def student(self):
        return _resolve("student", sys.modules[type(self).__module__].__file__)

    @property
    def reference(self):
        return _resolve("reference", sys.modules[type(self).__module__].__file__)

    def setUp(self):
        super().setUp()
        self._log_start = len(self.student.output_log)
        self._warnings_start = len(self.student.warning_log)
        self._handles_start = len(self.student.handles)
        self.student.seed(self.seed)

    def tearDown(self):
        super().tearDown()
        if isinstance(self.student.transport, LocalTransport):
            # Free what this test received (a loaded data set); the grader does the same remotely.
            self.student.release(self.student.handles[self._handles_start:])
        if _fail_on_prints:
            _, warned = scan_output(self.student, sys.modules[type(self).__module__].__file__,
                                    warning_start=self._warnings_start)
            for call, w in warned:  # locally, warnings still show (the worker kept them off stderr)
                sys.stderr.write(f"{warning_line(w)} (during {call})\n")
            violations = self.print_violations()
            if violations:
                call, line = violations[0]
                self.fail(
                    f"Your code printed output that the assignment does not ask for "
                    f"(during {call}): {line[:200]!r}. The autograder checks what your code prints "
                    f"and may deduct for it (the assignment's README says how much); remove the print."
                )

    def print_violations(self):
        """(call, line) for every unexpected line printed during this test."""
        return scan_output(self.student, sys.modules[type(self).__module__].__file__, self._log_start)[0]

    def assertStudentRaises(self, type_name, func, *args, **kwargs):
        """Student code must raise an exception of the named type (e.g. 'ValueError')."""
        try:
            func(*args, **kwargs)
        except StudentError as e:
            if e.type_name != type_name:
                raise
            return e
        except Exception as e:
            if type(e).__name__ != type_name:
                raise
            return e
        self.fail(f"expected {type_name} to be raised, but nothing was raised")
