"""Gradescope's results.json, built from the gradescope_utils attributes of each test.

A test's weight, number, visibility, tags, leaderboard column and partial-credit score are
read exactly as gradescope_utils' JSONTestRunner reads them, so suites written for it
score the same here. Two deliberate differences: a skipped test is left out (as there)
but an error in a class or module fixture becomes a failed entry instead of vanishing,
and a leaderboard test with a weight is also listed among the tests.

`write()` is the only way results reach disk: validated against results_schema.json
(written from Gradescope's specification), then written atomically. Whatever goes wrong,
a valid file is written: the engine-failure result (score 0, a visible entry asking the
student to contact staff, the details in a hidden entry).

Why over 300 lines: building, sanitising and writing results.json are one contract
(Gradescope's schema) and change together.
"""

import io
import json
import os
import re
import sys
import tempfile
import unittest
from dataclasses import dataclass, field
from pathlib import Path

SCHEMA_PATH = Path(__file__).with_name("results_schema.json")
CONTACT_STAFF = ("The autograder itself failed while grading this submission: this is not a "
                 "problem with your code. Please contact the course staff.")


@dataclass
class TestRecord:
    """One test's outcome, before the policies (prints, imports) adjust it."""

    name: str
    weight: float | None = None
    score: float | None = None       # set by @partial_credit's set_score
    number: str | None = None
    visibility: str | None = None
    tags: tuple = ()
    hide_errors: str | None = None
    leaderboard: tuple | None = None  # (column, order, value)
    failed: bool = False
    message: str = ""                # why it failed, as the student reads it
    stdout: str = ""                 # what the test code itself printed (in the grader)
    notes: list = field(default_factory=list)  # added by the runner and the policies
    zeroed: bool = False             # a policy took its points
    skipped: bool = False
    test_id: str = ""

    @property
    def is_hidden(self):
        return self.visibility == "hidden" or self.hide_errors is not None

    def entry(self):
        """The Gradescope test entry (gradescope_utils' rules for score and status)."""
        failed = self.failed or self.zeroed
        out = {"name": self.name}
        if self.score is not None or self.weight is not None:
            weight = float(self.weight or 0.0)
            score = 0.0 if self.zeroed else (
                float(self.score) if self.score is not None else (0.0 if self.failed else weight))
            out["score"], out["max_score"] = score, weight
            failed = failed or score < weight
        out["status"] = "failed" if failed else "passed"
        text = [self.stdout.rstrip("\n")] if self.stdout.strip() else []
        if self.failed:
            text.append(self.hide_errors if self.hide_errors is not None else self.message)
        text += self.notes
        if any(text):
            out["output"] = "\n\n".join(t for t in text if t)
        if self.tags:
            out["tags"] = [str(t) for t in self.tags]
        if self.visibility:
            out["visibility"] = self.visibility
        if self.number:
            out["number"] = str(self.number)
        return out


class Collector(unittest.TestResult):
    """A unittest result that keeps one TestRecord per test, with its gradescope attributes.

    `on_start(test)` and `on_stop(test, record)` let the runner attach what happened in the
    worker during the test.
    """

    def __init__(self, on_start=None, on_stop=None):
        super().__init__()
        self.records = []
        self.on_start = on_start
        self.on_stop = on_stop
        self._record = None
        self._saved = None

    def startTest(self, test):
        super().startTest(test)
        function = _function(test)
        if function is not None:
            # gradescope_utils stores these on the function itself: clear the last run's.
            vars(function).pop("__score__", None)
            vars(function).pop("__leaderboard_value__", None)
        self._record = TestRecord(name=_description(test), test_id=test.id(), **_attributes(test))
        self._saved = (sys.stdout, sys.stderr)
        sys.stdout = sys.stderr = io.StringIO()
        if self.on_start:
            self.on_start(test)

    def stopTest(self, test):
        captured = sys.stdout
        sys.stdout, sys.stderr = self._saved
        record = self._record
        record.stdout = captured.getvalue()[-20000:]
        function = _function(test)
        if function is not None:
            record.score = getattr(function, "__score__", None)
            if record.leaderboard is not None:
                record.leaderboard = (*record.leaderboard[:2], getattr(function, "__leaderboard_value__", None))
        if self.on_stop:
            self.on_stop(test, record)
        self.records.append(record)
        super().stopTest(test)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._failed(test, err[1])

    def addError(self, test, err):
        super().addError(test, err)
        self._failed(test, err[1])

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self._failed(test, err[1])

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        if self._record is not None and self._record.test_id == test.id():
            self._record.skipped = True

    def _failed(self, test, exc):
        if self._record is None or self._record.test_id != test.id():
            # A class or module fixture failed: no test was started for it.
            record = TestRecord(name=f"{test}", test_id=test.id(), failed=True, message=failure_text(exc))
            self.records.append(record)
            return
        if not self._record.failed:
            self._record.failed = True
            self._record.message = failure_text(exc)


def failure_text(exc):
    """What a student reads for an exception that ended a test (never a grader traceback)."""
    if hasattr(exc, "format_message"):
        return exc.format_message()
    if isinstance(exc, AssertionError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def _function(test):
    method = getattr(type(test), getattr(test, "_testMethodName", ""), None)
    return method if callable(method) else None


def _description(test):
    doc = test.shortDescription() if hasattr(test, "shortDescription") else None
    return doc or str(test)


def _attributes(test):
    method = getattr(test, getattr(test, "_testMethodName", ""), None)

    def attr(name):
        return getattr(method, name, None)

    column = attr("__leaderboard_column__")
    return {
        "weight": attr("__weight__"), "number": attr("__number__"), "visibility": attr("__visibility__"),
        "tags": tuple(attr("__tags__") or ()), "hide_errors": attr("__hide_errors__"),
        "leaderboard": (column, attr("__leaderboard_sort_order__"), None) if column else None,
    }


# -- the results document ---------------------------------------------------------------


def build(records, *, execution_time, output="", extra=None):
    """The results.json object for these test records."""
    tests, leaderboard = [], []
    for record in records:
        if record.skipped:
            continue
        if record.leaderboard is not None:
            column, order, value = record.leaderboard
            if type(value) in (int, float, str) and not (type(value) is float and value != value):
                leaderboard.append({"name": str(column), "value": value, "order": order or "desc"})
            if record.weight is None:
                continue
        tests.append(record.entry())
    score = sum(t.get("score", 0.0) for t in tests)
    results = {
        "score": round(max(0.0, score), 6),
        "execution_time": round(execution_time, 2),
        "output": output,
        "output_format": "md",
        "test_output_format": "text",
        "stdout_visibility": "hidden",  # the terminal summary names hidden tests
        "tests": tests,
        "leaderboard": leaderboard,
    }
    if extra:
        results["extra_data"] = extra
    return results


def engine_failure(details, *, execution_time=0.0, extra=None):
    """Score 0, a visible entry asking to contact staff; the details only in a hidden entry."""
    results = {
        "score": 0.0,
        "execution_time": round(execution_time, 2),
        "output": CONTACT_STAFF,
        "output_format": "md",
        "test_output_format": "text",
        "stdout_visibility": "hidden",
        "tests": [
            {"name": "Autograder error: please contact the course staff", "score": 0.0, "max_score": 0.0,
             "status": "failed", "output": CONTACT_STAFF, "visibility": "visible"},
            {"name": "Autograder error details (staff only)", "score": 0.0, "max_score": 0.0,
             "status": "failed", "output": str(details)[-20000:] or "(no details)", "visibility": "hidden"},
        ],
        "leaderboard": [],
    }
    if extra:
        results["extra_data"] = extra
    return results


# Text in results.json comes from student code (messages, prints, names of objects): it is
# made strict, printable UTF-8 of bounded length before anything is written or printed.
MAX_TEXT = 60_000
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_SURROGATES = re.compile("[\ud800-\udfff]")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def clean_text(text):
    """`text` as strict, printable UTF-8: lone surrogates become U+FFFD, ANSI escape
    sequences go, other control characters (but newline and tab) are shown escaped
    (NUL as \\x00), and the whole is cut to MAX_TEXT characters."""
    text = _SURROGATES.sub("\ufffd", _ANSI.sub("", text.replace("\r\n", "\n")))
    text = _CONTROLS.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    if len(text) > MAX_TEXT:
        text = text[:MAX_TEXT] + f"\n... [cut: {len(text) - MAX_TEXT} more characters]"
    return text


def sanitize(value):
    """A copy of a results object with every string (keys too) passed through clean_text."""
    if isinstance(value, str):
        return clean_text(str(value))
    if isinstance(value, dict):
        return {clean_text(str(k)): sanitize(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [sanitize(v) for v in value]
    return value


def validate(results):
    """Raise jsonschema.ValidationError unless `results` follows the specification."""
    import jsonschema

    jsonschema.validate(results, json.loads(SCHEMA_PATH.read_text()))


def write(path, results):
    """Sanitize (clean_text), validate, then write atomically (readable by the grader's account only)."""
    try:
        results = sanitize(results)
        validate(results)
        text = json.dumps(results, indent=2, allow_nan=False)
    except Exception as e:  # never leave an invalid file: the fixed failure result takes its place
        text = json.dumps(engine_failure(f"the results did not validate: {e}"), indent=2)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".results-", suffix=".json")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(text + "\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise
    return path


def summary(results):
    """A terminal summary: one line per test (points, status, first line of its message)."""
    results = sanitize(results)
    lines = []
    for test in results["tests"]:
        points = f"{test['score']:g}/{test['max_score']:g}" if "max_score" in test else "-"
        first = (test.get("output") or "").strip().splitlines()
        hidden = " [hidden]" if test.get("visibility") == "hidden" else ""
        lines.append(f"{points:>9}  {test['status']:<6}  {test['name']}{hidden}")
        if test["status"] == "failed" and first:
            lines.append(f"{'':>19}{first[0][:150]}")
    total = sum(t.get("max_score", 0.0) for t in results["tests"])
    lines.append(f"score {results['score']:g} / {total:g}   ({results['execution_time']:g} s)")
    for entry in results.get("leaderboard", []):
        lines.append(f"leaderboard {entry['name']}: {entry['value']}")
    return "\n".join(lines)
