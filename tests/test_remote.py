"""Does the remote transport capture every print, survive every way a worker dies, and
keep the budget, in every sandbox mode?"""

import json
import os
import random
import struct
import sys
import threading
import time
import unittest
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from autograder.grading import results, runner
from autograder.harness.student import StudentError
from autograder.manifest import Limits
from autograder.sandbox import modes as sandbox
from autograder.sandbox import remote
from autograder.worker import protocol
from autograder.worker.serve import Worker

sys.path.insert(0, str(Path(__file__).resolve().parent))
from results_check import assert_valid_results  # noqa: E402

LIMITS = Limits(call_seconds=3, submission_seconds=120, memory_mb=1024, processes=32, file_size_mb=8)


@pytest.fixture
def make_student(probe_worker):
    """make_student(mode, limits=LIMITS) -> a Student whose calls go to a sandboxed worker."""
    return lambda mode, limits=LIMITS: probe_worker(mode, limits)


ROUTES = {
    "print_route": "via print",
    "stdout_write_route": "via sys.stdout.write",
    "stderr_write_route": "via sys.stderr.write",
    "os_write_route": "via os.write(1)\nvia os.write(2)",
    "logging_route": "WARNING:root:via logging",
    "warnings_route": "UserWarning: via warnings",
    "subprocess_route": "via a child process",
    "c_stdio_route": "via C printf",
}


def test_every_print_route_is_captured_per_call(make_student, mode):
    """Is output from print, sys.stdout/stderr, os.write, logging, warnings, a child process
    and C stdio all recorded against the call that wrote it?"""
    student = make_student(mode)
    for function, text in ROUTES.items():
        student.call(f"probe.{function}")
        call, output, total = student.output_log[-1]
        assert call == f"{function}()"
        assert text in output, (function, output)
        assert total == len(output.encode())
    assert len(student.output_log) == len(ROUTES)
    student.call("probe.echo", 1)
    assert len(student.output_log) == len(ROUTES)  # a silent call records nothing


@pytest.mark.parametrize("function, args, reason", [
    ("exit_now", (0,), "the worker process exited with status 0"),
    ("exit_now", (3,), "the worker process exited with status 3"),
    ("sleep_forever", (), "it ran longer than the limit of 3 s for one call"),
    ("exit_leaving_a_fork", (), "the worker process exited with status 5"),
])
def test_a_dying_worker_fails_the_call_and_the_next_call_gets_a_new_worker(make_student, mode, function, args, reason):
    """Does os._exit or a hang fail only the call in flight, naming the call and the cause,
    and does the next call run in a fresh worker?"""
    student = make_student(mode)
    assert student.call("probe.echo", 5) == 5
    with pytest.raises(remote.WorkerFailure) as caught:
        student.call(f"probe.{function}", *args)
    message = str(caught.value)
    assert message.startswith(f"The worker running your code died during {function}(")
    assert reason in message and message.endswith("The remaining tests still ran.")
    assert student.call("probe.echo", 6) == 6
    assert len(student.transport.start_seconds) == 2


def test_objects_of_a_dead_worker_are_refused_cleanly(make_student):
    """After a crash, is an object made by the dead worker refused with a message, never
    confused with an object of the new worker?"""
    student = make_student("bwrap" if _works("bwrap") else "none")
    box = student.call("probe.make_object")
    assert box.call("get_value") == 7
    with pytest.raises(remote.WorkerFailure):
        student.call("probe.exit_now", 1)
    fresh = student.call("probe.make_object")
    with pytest.raises(remote.WorkerFailure, match="existed only in a worker that has since died"):
        box.call("get_value")
    with pytest.raises(remote.WorkerFailure, match="existed only in a worker"):
        student.call("probe.echo", box)
    assert fresh.call("get_value") == 7
    assert fresh.id != box.id


def test_sys_exit_is_a_student_error_that_says_so(make_student):
    student = make_student("bwrap" if _works("bwrap") else "none")
    with pytest.raises(StudentError, match=r"your code called sys.exit\(4\)"):
        student.call("sys.exit", 4)
    assert student.call("probe.echo", "still here") == "still here"
    assert len(student.transport.start_seconds) == 1


def test_memory_blow_up_restarts_the_worker(make_student, mode):
    """Is a MemoryError under the address-space limit reported as running out of memory?"""
    student = make_student(mode)
    with pytest.raises(remote.WorkerFailure, match=r"it ran out of memory \(the limit is 1024 MB\)"):
        student.call("probe.ones", 2**31)
    assert student.call("probe.echo", 1) == 1


def test_spent_budget_fails_calls_without_reaching_the_worker(make_student):
    """Once the submission's budget is spent, do calls fail at once, saying they were not run?"""
    student = make_student("bwrap" if _works("bwrap") else "none", replace(LIMITS, submission_seconds=2))
    with pytest.raises(remote.WorkerFailure, match=r"sleep_forever\(\) was stopped: the time budget for the "
                                                   r"whole submission \(2 s\) ran out during this call"):
        student.call("probe.sleep_forever")
    starts = len(student.transport.start_seconds)
    with pytest.raises(remote.WorkerFailure, match=r"echo\(1\) was not run: the time budget .* was spent"):
        student.call("probe.echo", 1)
    assert len(student.transport.start_seconds) == starts
    assert student.transport.proc is None


def test_an_oversized_reply_fails_the_call(make_student, monkeypatch):
    monkeypatch.setattr(remote, "MAX_REPLY_BYTES", 1 << 20)
    student = make_student("bwrap" if _works("bwrap") else "none")
    assert student.call("probe.ones", 1000).sum() == 1000
    with pytest.raises(remote.WorkerFailure, match="message larger than 1048576 bytes"):
        student.call("probe.ones", 2 << 20)


def test_seeding_makes_every_generator_repeat(make_student, mode):
    """Does seed(s) reset random and NumPy in the worker, so each test starts from the same state?"""
    student = make_student(mode)
    student.seed(3)
    first = student.call("probe.randoms")
    student.call("probe.randoms")
    student.seed(3)
    assert student.call("probe.randoms") == first
    random.seed(3)
    np.random.seed(3)
    assert first == (random.random(), float(np.random.rand()))


def test_a_megabyte_array_round_trips_exactly(make_student, mode):
    student = make_student(mode)
    x = np.random.default_rng(0).standard_normal(1 << 17)
    back = student.call("probe.echo", x)
    assert type(back) is np.ndarray and back.dtype == x.dtype and np.array_equal(back, x)


def _works(mode):
    try:
        sandbox.choose(mode)
        return True
    except sandbox.SandboxUnavailable:
        return False


# -- a fake worker that answers with anything ------------------------------------------------
#
# The peer runs in a thread of this process, over two real pipes, and answers each request
# with the real Worker's reply (on the fixture assignment's reference solution) or, as the
# plan says, with a tampered one. The grading around it is the runner's own.

JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner,
                                                                                max_size=3), max_leaves=6)
FIELDS = ("ok", "output", "output_bytes", "error", "value")
# framing: the channel is broken (then closed); field: fields of a real reply replaced;
# nested: a frame nested past the JSON parser's limit, then a framed reply of nothing
TAMPER = st.one_of(
    st.just(("good",)),
    st.tuples(st.just("framing"), st.binary(max_size=40)),
    st.tuples(st.just("field"), st.dictionaries(st.sampled_from(FIELDS), JSON, min_size=1, max_size=3)),
    st.just(("nested",)),
)


def _test_in_flight(main):
    frame = sys._current_frames().get(main)
    while frame is not None:
        test = frame.f_locals.get("self")
        if isinstance(test, unittest.TestCase):
            return test.id()
        frame = frame.f_back
    return None


class _PeerProc:
    """Looks like the worker's Popen to RemoteTransport; a thread serves the protocol."""

    pid = -1

    def __init__(self, root, plan, log):
        peer_in, parent_out = os.pipe()
        parent_in, peer_out = os.pipe()
        self.stdin = os.fdopen(parent_out, "wb", buffering=0)
        self.stdout = os.fdopen(parent_in, "rb", buffering=0)
        self._in, self._out = os.fdopen(peer_in, "rb"), os.fdopen(peer_out, "wb")
        self.returncode = None
        main = threading.get_ident()
        self.thread = threading.Thread(target=self._serve, args=(root, plan, log, main), daemon=True)
        self.thread.start()

    def _serve(self, root, plan, log, main):
        worker = Worker(root)
        try:
            while True:
                try:
                    request, buffers = protocol.read_message(self._in)
                except (EOFError, OSError, ValueError):
                    return
                reply, out = worker.handle(request, buffers)
                tamper = plan.pop(0) if plan and request["op"] != "hello" else ("good",)
                log.append((_test_in_flight(main), request["op"], tamper[0]))
                if tamper[0] == "good":
                    self._out.write(protocol.pack(reply, out))
                elif tamper[0] == "field":
                    self._out.write(protocol.pack(dict(reply, **tamper[1]), out))
                elif tamper[0] == "nested":
                    head = b"[" * 50_000 + b"]" * 50_000
                    extra = json.dumps({"m": {"ok": True, "value": None}, "n": 0}).encode()
                    self._out.write(struct.pack("<Q", len(head)) + head + struct.pack("<Q", len(extra)) + extra)
                else:
                    self._out.write(tamper[1])
                    self._out.flush()
                    return
                self._out.flush()
        except (BrokenPipeError, OSError, ValueError):
            return
        finally:
            self.returncode = 1 if self.returncode is None else self.returncode
            for f in (self._out, self._in):
                try:
                    f.close()
                except OSError:
                    pass

    def poll(self):
        return self.returncode

    def wait(self, timeout=None):
        self.thread.join(timeout)
        return self.returncode


class _PeerSandbox:
    def __init__(self, root, plan):
        self.root, self.plan, self.log, self.procs = root, plan, [], []

    def spawn(self, stderr):
        self.procs.append(_PeerProc(self.root, self.plan, self.log))
        return self.procs[-1]

    def kill(self, proc):
        proc.returncode = -9
        for f in (proc.stdin, proc.stdout):
            try:
                f.close()
            except OSError:
                pass
        proc.thread.join(5)

    def signal_of(self, code):
        return None


def _grade_with_peer(tinycalc, plan, out):
    """Grade tinycalc's reference through the fake peer, as the runner does; write results.json."""
    sandbox = _PeerSandbox(str(tinycalc.root), list(plan))
    grading = runner._Grading(tinycalc, sandbox_mode_none(), Path(out).parent, None, time.monotonic(),
                              {"sandbox": "none"})
    transport = remote.RemoteTransport(sandbox, tinycalc.limits)
    try:
        tests = grading.run_tests(transport, runner.load_tests(tinycalc))
        outcome = grading.results(tests)
    except remote.EngineFailure as e:
        outcome = results.engine_failure(e)
    finally:
        transport.close()
        sys.modules.pop("calc", None)
    results.write(out, outcome)
    return assert_valid_results(out), sandbox.log


def sandbox_mode_none():
    return sandbox.choose("none")


def _names_of_tests(tinycalc):
    """{unittest id: its results entry name} for the fixture assignment's suite."""
    from autograder.harness import suite

    def flatten(tests):
        for test in tests:
            yield from (flatten(test) if isinstance(test, unittest.TestSuite) else [test])

    dirs = [d for d in (tinycalc.public_tests, tinycalc.private_tests) if Path(d).is_dir()]
    return {t.id(): results._description(t) for t in flatten(suite.load_suite(dirs))}


@pytest.fixture
def baseline(tinycalc, tmp_path):
    graded, log = _grade_with_peer(tinycalc, [], tmp_path / "baseline.json")
    assert graded["tests"] and all(t["status"] == "passed" for t in graded["tests"]), graded
    names = _names_of_tests(tinycalc)
    assert {t for t, _, _ in log} <= set(names) and set(names.values()) == {t["name"] for t in graded["tests"]}
    return {t["name"]: t for t in graded["tests"]}, names


def test_a_malformed_reply_fails_only_its_call_and_a_fresh_worker_takes_over(tinycalc, tmp_path, baseline):
    """A reply nested past the parser's limit and followed by a framed reply of nothing (the
    transport would stay a reply behind): only the test in flight fails, saying the reply
    was malformed; every later test passes in a fresh worker."""
    entries, names = baseline
    graded, log = _grade_with_peer(tinycalc, [("good",), ("good",), ("nested",)], tmp_path / "r.json")
    hit = next(test for test, op, kind in log if kind == "nested")
    failed = [t for t in graded["tests"] if t["status"] == "failed"]
    assert [t["name"] for t in failed] == [names[hit]]
    assert "its reply was malformed" in failed[0]["output"], failed
    assert {t["name"] for t in graded["tests"]} == set(entries)


def test_captured_output_of_the_wrong_type_fails_the_call_not_the_grader(tinycalc, tmp_path, baseline):
    """A list where captured output belongs: that test fails (the reply was malformed); no
    'contact the course staff', every test listed."""
    entries, names = baseline
    graded, log = _grade_with_peer(tinycalc, [("good",), ("field", {"output": ["a", "list"], "output_bytes": 6})], tmp_path / "r.json")
    hit = next(test for test, op, kind in log if kind == "field")
    failed = [t for t in graded["tests"] if t["status"] == "failed"]
    assert [t["name"] for t in failed] == [names[hit]]
    assert "its reply was malformed" in failed[0]["output"], failed
    assert {t["name"] for t in graded["tests"]} == set(entries)
    assert graded["score"] == sum(t["max_score"] for t in entries.values()) - failed[0]["max_score"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plan=st.lists(TAMPER, max_size=12))
def test_whatever_the_worker_answers_results_are_valid_and_only_calls_in_flight_fail(
        tinycalc, tmp_path_factory, baseline, plan):
    """Random and malformed replies: results.json is always valid and lists every test; a
    test whose every call got its real reply keeps its baseline outcome, and a test whose
    call got a broken frame fails."""
    entries, names = baseline
    out = tmp_path_factory.mktemp("peer") / "results.json"
    graded, log = _grade_with_peer(tinycalc, plan, out)
    by_name = {t["name"]: t for t in graded["tests"]}
    assert set(by_name) == set(entries), graded["tests"]
    tampered = {names[test] for test, op, kind in log if kind != "good"}
    for name, entry in by_name.items():
        if name not in tampered:
            assert (entry["status"], entry["score"]) == (entries[name]["status"], entries[name]["score"]), \
                (name, entry, log)
    for test, op, kind in log:
        if kind in ("framing", "nested") and op != "release":
            assert by_name[names[test]]["status"] == "failed", (test, by_name[names[test]], log)
