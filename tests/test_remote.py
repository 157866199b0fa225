"""Does the remote transport capture every print, survive every way a worker dies, and
keep the budget, in every sandbox mode?"""

import random
from dataclasses import replace

import numpy as np
import pytest

from autograder import remote, sandbox
from autograder.manifest import Limits
from autograder.student import StudentError

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
