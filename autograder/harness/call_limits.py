"""Per-call time limits derived from the reference's own time for the same call.

A hang in a one-microsecond function must not cost the manifest's whole per-call limit
(`limits.call_seconds`, 120 s in A1) in every test that reaches it: a handful of such tests
would spend the submission's whole budget. So the grader runs each test once against the
reference (in its own process, lazily: the first time the test is seen) and records how
long each of the test's calls into "student" code took, in order. When the submission then
makes the k-th call of that test, its limit is

    min(call_seconds, max(FLOOR_SECONDS, FACTOR x the reference's time for call k))

when call k is the same call the reference made (the same description: the function and
its arguments' shapes); otherwise the test's slowest reference call stands in. A target
that already ran past its limit in this submission proved it hangs: its later calls get
at most max(REPEAT_SECONDS, REPEAT_FACTOR x the reference's time). A test never timed
(no reference run) keeps call_seconds, and so does the first call naming a module in each
worker (the first call of a fresh worker into `utils` imports matplotlib, into `models`
torch: seconds the reference, imported long before, never paid).
"""

import json
import os
from pathlib import Path

FACTOR = 50.0          # loops where the reference is vectorised are harmless variety
FLOOR_SECONDS = 10.0   # module imports, codec and sandbox overheads on a busy machine
REPEAT_FACTOR = 5.0
REPEAT_SECONDS = 3.0
_PROFILES = {}  # key -> {test id: [(call, seconds), ...]}: one reference run per process


def profile(key, path=None):
    """The reference timings kept in this process for `key` (the assignment's root), first
    read from `path` (the grader's cache, see `save`) when this process has none yet."""
    if key not in _PROFILES:
        _PROFILES[key] = _read(path) if path is not None else {}
    return _PROFILES[key]


def save(timings, path):
    """Keep the timings for the next grading process (Gradescope's setup.sh grades the
    reference once, so each student's grading starts with every test timed)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")  # graders of a batch may save at once
    tmp.write_text(json.dumps({test: [[call, seconds] for call, seconds in calls]
                               for test, calls in timings.items()}, indent=0))
    os.replace(tmp, path)


def _read(path):
    try:
        data = json.loads(Path(path).read_text())
        return {str(test): [(str(call), float(seconds)) for call, seconds in calls]
                for test, calls in data.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}  # no cache yet, or a broken one: time the tests again


def target_of(call):
    """'SoftmaxRegression.sigmoid_dev' of 'SoftmaxRegression.sigmoid_dev(float64 array ...)'."""
    return call.partition("(")[0]


class CallLimits:
    """Counts a test's calls; records the reference's times or gives the submission's limits."""

    def __init__(self, call_seconds, timings=None):
        self.call_seconds = float(call_seconds)
        self.timings = {} if timings is None else timings
        self.hung = set()       # targets that ran past their limit in this submission
        self.test_id = None
        self.index = 0
        self.recording = None   # the calls of the reference run in progress
        self.imported = set()   # modules the submission's calls have named in the live worker

    def begin(self, test_id, record=False):
        self.test_id, self.index = test_id, 0
        self.recording = [] if record else None

    def end(self):
        if self.recording is not None:
            self.timings[self.test_id] = self.recording
        self.test_id, self.recording = None, None

    def before(self, call, request=None):
        """The limit (seconds) of the call about to be made; None: the manifest's."""
        if self.test_id is None:
            return None
        index, self.index = self.index, self.index + 1
        if self.recording is not None:
            return None
        module = module_of(request)
        if module is not None and module not in self.imported:
            self.imported.add(module)
            return None
        calls = self.timings.get(self.test_id)
        if not calls:
            return FLOOR_SECONDS if target_of(call) in self.hung else None
        if index < len(calls) and calls[index][0] == call:
            reference = calls[index][1]
        else:
            reference = max(seconds for _, seconds in calls)
        limit = max(FLOOR_SECONDS, FACTOR * reference)
        if target_of(call) in self.hung:
            limit = min(limit, max(REPEAT_SECONDS, REPEAT_FACTOR * reference))
        return round(min(self.call_seconds, limit), 1)

    def after(self, call, seconds, timeout, failed):
        """What the call took; `failed`: it raised in the transport (a timeout, say)."""
        if self.recording is not None:
            if not failed:
                self.recording.append((call, seconds))
            return
        if failed:
            self.imported.clear()  # the transport raised: its worker is gone, the next one imports afresh
            if timeout is not None and seconds >= 0.95 * timeout:
                self.hung.add(target_of(call))


def module_of(request):
    """The module a request makes the worker import (if not yet done), else None."""
    if type(request) is not dict:
        return None
    op = request.get("op")
    if op == "call":
        target = str(request.get("target", ""))
        return target.partition(":")[0] if ":" in target else target.rpartition(".")[0]
    if op == "module":
        return str(request.get("name", ""))
    if op == "predict":
        return "predict:"  # a checkpoint's model, torch and its loader
    return None
