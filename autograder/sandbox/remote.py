"""The remote transport: each call is a framed message to a sandboxed worker process.

A call that crashes, hangs, runs out of memory, exits, or answers with something that is
not a well-formed reply costs its worker: the worker is killed with everything it started,
the call raises WorkerFailure (the test in flight fails with a message that says which),
and the next call starts a fresh worker. Objects of a dead worker are gone: a test that
still holds one fails cleanly, since a new worker numbers its handles past every id ever
handed out. The submission's time budget is checked before every call; once it is spent,
calls fail at once without reaching the worker.
"""

import os
import select
import signal
import time

from autograder.harness.student import StudentError
from autograder.worker import protocol

MAX_REPLY_BYTES = 1 << 30
# Plain values (lists, numbers) arrive as JSON: a bound far below the arrays' keeps a
# reply of tens of millions of list items from costing the grader gigabytes.
MAX_REPLY_JSON_BYTES = 16 << 20
HANDLE_SPAN = 1 << 40  # handle ids of worker number k start at k * HANDLE_SPAN + 1
SIGNALS = {signal.SIGXCPU: "it used up its CPU time limit ({cpu} s)",
           signal.SIGXFSZ: "it wrote a file larger than the limit of {fsize} MB",
           signal.SIGSEGV: "it crashed (segmentation fault; memory is limited to {memory} MB)",
           signal.SIGKILL: "it was killed (SIGKILL: usually the memory limit of {memory} MB)"}


class WorkerFailure(Exception):
    """The worker could not finish a call; the message is the student's feedback."""

    def __init__(self, call, reason, ran=True, budget=False):
        self.call = call
        self.reason = reason
        self.ran = ran          # False: refused before reaching the worker
        self.budget = budget    # the submission's time budget ended it
        super().__init__(self.format_message())

    def format_message(self):
        if not self.ran:
            return f"{self.call} was not run: {self.reason}."
        if self.budget:
            return f"{self.call} was stopped: {self.reason}; the tests after it were not run."
        return (f"The worker running your code died during {self.call}: {self.reason}. "
                f"The remaining tests still ran.")


class EngineFailure(Exception):
    """The worker cannot start at all: a problem of the grader, not of the submission."""


class RemoteTransport:
    """Sends requests to a worker that `sandbox` starts; restarts it after a failure."""

    def __init__(self, sandbox, limits, log_path=os.devnull, clock=time.monotonic):
        self.sandbox = sandbox
        self.limits = limits
        self.log_path = log_path
        self.clock = clock
        self.budget_end = clock() + limits.submission_seconds
        self.proc = None
        self.generation = 0
        self.failures = []       # every WorkerFailure, in order (the runner reads them per test)
        self.start_seconds = []  # how long each worker took to answer its first request
        self.engine_error = None  # an EngineFailure, once the worker could not start
        # Requests each new worker gets before any student module loads: [(op, payload)], e.g.
        # ("imports", {student file: [forbidden modules]}), ("notebooks", {module: settings}).
        self.setup = []

    # -- the Transport interface (autograder.student)
    def send(self, request, buffers, call, timeout=None):
        """timeout: this call's limit in seconds (at most limits.call_seconds; None: that)."""
        if self.clock() >= self.budget_end:
            raise self._fail(WorkerFailure(call, self._budget_text("was spent before this call"), ran=False))
        if self._stale(request):
            raise self._fail(WorkerFailure(call, "it uses an object that existed only in a worker "
                                                 "that has since died (after an earlier failure in "
                                                 "this test)", ran=False))
        if self.proc is None:
            self._start()
        reply, reply_buffers = self._exchange(request, buffers, call, timeout)
        error = reply.get("error") if type(reply) is dict else None
        if type(error) is dict and error.get("type") == "MemoryError":
            self._stop()
            raise self._fail(WorkerFailure(call, f"it ran out of memory (the limit is "
                                                 f"{self.limits.memory_mb} MB)"))
        return reply, reply_buffers

    def raise_error(self, call, error):
        if error.get("type") == "SystemExit":
            error = dict(error, message=f"your code called sys.exit({error.get('message', '')}); "
                                        f"graded code must return, never exit")
        raise StudentError(call, error)

    def close(self):
        if self.proc is not None:
            self._stop()

    # -- the worker's life
    def _start(self):
        self.generation += 1
        started = self.clock()
        with open(self.log_path, "ab") as log:
            self.proc = self.sandbox.spawn(stderr=log)
        _grow_pipe(self.proc.stdin.fileno())
        _grow_pipe(self.proc.stdout.fileno())
        os.set_blocking(self.proc.stdin.fileno(), False)
        tree, buffers = protocol.encode(self.generation * HANDLE_SPAN + 1)
        try:
            self._exchange({"op": "hello", "payload": tree}, buffers, "starting the worker")
            for op, payload in self.setup:  # before any student module is imported
                tree, setup_buffers = protocol.encode(payload)
                reply, _ = self._exchange({"op": op, "payload": tree}, setup_buffers, "starting the worker")
                if not reply["ok"]:
                    raise self._fail(WorkerFailure("starting the worker", f"it could not set up {op!r} "
                                                   f"({reply.get('error')})"))
        except WorkerFailure as e:
            self.failures.pop()
            self.engine_error = EngineFailure(f"the worker did not start: {e.reason}; its last words: "
                                              f"{_tail(self.log_path)!r} (in {self.log_path})")
            raise self.engine_error from None
        self.start_seconds.append(self.clock() - started)

    def _stop(self):
        self.sandbox.kill(self.proc)
        for pipe in (self.proc.stdin, self.proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass
        self.proc = None

    def _exchange(self, request, buffers, call, timeout=None):
        """One request, one reply, within the call's deadline; WorkerFailure otherwise."""
        seconds = self.limits.call_seconds if timeout is None else min(timeout, self.limits.call_seconds)
        deadline = min(self.clock() + seconds, self.budget_end)
        try:
            waiter = _Waiter(self.proc, deadline, self.clock)
            _write_all(self.proc.stdin.fileno(), protocol.pack(request, buffers), waiter)
            reply, reply_buffers = protocol.read_message(_Reader(self.proc.stdout.fileno(), waiter),
                                                         MAX_REPLY_BYTES, MAX_REPLY_JSON_BYTES)
            protocol.check_reply(reply, reply_buffers)
            return reply, reply_buffers
        except TimeoutError:
            budget = deadline >= self.budget_end
            reason = (self._budget_text("ran out during this call") if budget
                      else f"it ran longer than the limit of {seconds:g} s for one call "
                           f"and was stopped")
        except (EOFError, BrokenPipeError, ConnectionResetError):
            budget, reason = False, self._death_reason()
        except protocol.ProtocolError as e:
            budget, reason = False, f"its reply was malformed, not a valid message ({e})"
        except (RecursionError, MemoryError, OverflowError, ValueError, TypeError) as e:
            # Whatever a hostile reply makes the reader raise: the channel is out of step now.
            budget, reason = False, f"its reply was malformed, not a valid message ({type(e).__name__})"
        self._stop()
        raise self._fail(WorkerFailure(call, reason, budget=budget))

    def _death_reason(self):
        try:
            code = self.proc.wait(timeout=5)
        except Exception:
            return "it stopped answering"
        sig = self.sandbox.signal_of(code)
        if sig is not None:
            try:
                name = signal.Signals(sig).name
            except ValueError:
                name = str(sig)
            text = SIGNALS.get(sig, f"it was killed by signal {name}")
            limits = self.limits
            return text.format(cpu=int(limits.submission_seconds), fsize=limits.file_size_mb,
                               memory=limits.memory_mb)
        return f"the worker process exited with status {code} (sys.exit or os._exit in your code?)"

    def _budget_text(self, when):
        return f"the time budget for the whole submission ({self.limits.submission_seconds:g} s) {when}"

    def _fail(self, failure):
        self.failures.append(failure)
        return failure

    # -- bookkeeping
    def _stale(self, request):
        """Does the request name a handle of an earlier worker?"""
        generation = self.generation if self.proc is not None else self.generation + 1
        floor = generation * HANDLE_SPAN + 1
        ids = [request["handle"]] if "handle" in request else []
        _collect_handles(request.get("payload"), ids)
        return any(type(i) is int and i < floor for i in ids)


def _tail(path, size=2000):
    try:
        with open(path, "rb") as f:
            f.seek(max(0, os.path.getsize(path) - size))
            return f.read().decode(errors="replace").strip()
    except OSError:
        return ""


def _collect_handles(tree, ids):
    if type(tree) is list:
        for item in tree:
            _collect_handles(item, ids)
    elif type(tree) is dict:
        if "$handle" in tree:
            ids.append(tree["$handle"])
        for value in tree.values():
            _collect_handles(value, ids)


class _Waiter:
    """Waits for the worker's pipe until the deadline (TimeoutError), or until the worker
    has exited (EOFError), even if a process it forked still holds the pipe open."""

    def __init__(self, proc, deadline, clock):
        self.proc, self.deadline, self.clock = proc, deadline, clock

    def wait(self, fd, event):
        poller = select.poll()
        poller.register(fd, event)
        while True:
            left = self.deadline - self.clock()
            if left <= 0:
                raise TimeoutError
            if poller.poll(min(left, 0.5) * 1000):
                return
            if self.proc.poll() is not None:
                raise EOFError("the worker exited")


class _Reader:
    """A file-like read(n) on the worker's pipe, for protocol.read_message."""

    def __init__(self, fd, waiter):
        self.fd, self.waiter = fd, waiter

    def read(self, n):
        self.waiter.wait(self.fd, select.POLLIN)
        return os.read(self.fd, min(n, 1 << 20))


def _write_all(fd, data, waiter):
    view = memoryview(data)
    while view:
        waiter.wait(fd, select.POLLOUT)
        try:
            view = view[os.write(fd, view):]
        except BlockingIOError:
            continue


def _grow_pipe(fd):
    """A 1 MiB pipe buffer: fewer round trips through the kernel for array-sized messages."""
    try:
        import fcntl

        fcntl.fcntl(fd, 1031, 1 << 20)  # F_SETPIPE_SZ
    except OSError:
        pass
