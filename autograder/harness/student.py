"""The `student` interface tests are written against, over a local or a remote transport.

    net = student.call("models.two_layer_nn.TwoLayerNet", hidden_size=16)   # -> Ref
    loss, acc = net.call("forward", x, y, mode="train")
    grads = net.get("gradients")                                            # plain data
    net.set("weights", weights)

Local transport: the student's modules are imported in this process (students' own test
runs, `make test` on the solutions). Remote transport (autograder.runner): each call is
a message to a sandboxed worker. Both pass every argument and result through the same
codec, so a test behaves the same way in both modes.
"""

import io
import sys
import time

from autograder.worker import protocol
from autograder.worker.serve import Worker


class StudentError(Exception):
    """Student code raised (or the worker failed) during a call."""

    def __init__(self, call, error):
        self.call = call
        self.type_name = error.get("type", "Error")
        self.message = error.get("message", "")
        self.student_traceback = error.get("traceback", "")
        super().__init__(self.format_message())

    def format_message(self):
        text = f"{self.call} raised {self.type_name}: {self.message}"
        if self.student_traceback:
            text += "\n" + self.student_traceback.rstrip()
        return text


class Ref(protocol.Handle):
    """An object living in student code; use .call, .get and .set on it."""

    __slots__ = ("student",)

    def __init__(self, student, id, type_name):
        super().__init__(id, type_name)
        self.student = student

    def call(self, name, /, *args, **kwargs):
        return self.student._request(
            {"op": "method", "handle": self.id, "name": name}, (list(args), kwargs),
            f"{self.type_name}.{name}{describe_args(args, kwargs)}",
        )

    def keep(self, name, /, *args, **kwargs):
        """Like call, but the result stays in student code: a Ref comes back, not a copy."""
        return self.student._request(
            {"op": "method", "handle": self.id, "name": name, "keep": True}, (list(args), kwargs),
            f"{self.type_name}.{name}{describe_args(args, kwargs)}",
        )

    def get(self, name):
        return self.student._request({"op": "get", "handle": self.id, "name": name}, None,
                                     f"{self.type_name}.{name}")

    def set(self, name, value):
        self.student._request({"op": "set", "handle": self.id, "name": name}, value,
                              f"setting {self.type_name}.{name}")


class Student:
    """Calls into student code through a transport; records what each call printed."""

    def __init__(self, transport):
        self.transport = transport
        self.output_log = []  # (call, text, total bytes) for every call that wrote output
        self.handles = []     # the id of every Ref received, in order
        self.warning_log = []  # (call, [warning dict, ...]) for every call during which library code warned
        self.limits = None    # a call_limits.CallLimits: each call's time limit (the grader sets it)

    def call(self, target, /, *args, **kwargs):
        """Call a function or class in student code: 'utils.load_csv', 'models.TwoLayerNet'."""
        name = target.replace(":", ".").rsplit(".", 1)[-1]
        return self._request({"op": "call", "target": target}, (list(args), kwargs),
                             f"{name}{describe_args(args, kwargs)}")

    construct = call

    def keep(self, target, /, *args, **kwargs):
        """Like call, but the result stays in student code and a Ref comes back.

        For large results (load_mnist_trainval's 60,000 lists of 784 floats): copy out only
        what the test checks, e.g. `parts.keep("__getitem__", 0).call("__len__")`.
        """
        name = target.replace(":", ".").rsplit(".", 1)[-1]
        return self._request({"op": "call", "target": target, "keep": True}, (list(args), kwargs),
                             f"{name}{describe_args(args, kwargs)}")

    def module(self, name):
        """Import a student module -> Ref (for .get on module-level names)."""
        return self._request({"op": "module", "name": name}, None, f"import {name}")

    def notebook(self, name):
        """What loading notebook module `name` ran, skipped and failed (worker.notebook.report_of)."""
        return self._request({"op": "notebook"}, name, f"loading the notebook {name}")

    def predict(self, model, checkpoint, inputs, *, max_mb, mean, std, kwargs=None, state_key="", max_epoch=0):
        """Predictions of the student's checkpoint on hidden inputs (see worker.predict_checkpoint)."""
        spec = dict(model=model, kwargs=kwargs or {}, checkpoint=checkpoint, inputs=inputs, max_mb=max_mb,
                    mean=list(mean), std=list(std))
        if state_key:  # only then: the payload of the other assignments stays as it was
            spec["state_key"] = state_key
        if max_epoch:
            spec["max_epoch"] = max_epoch
        return self._request({"op": "predict"}, spec, f"{model.rsplit('.', 1)[-1]}() loading {checkpoint}")

    def seed(self, seed):
        self._request({"op": "seed"}, seed, "seeding")

    def release(self, ids):
        """Let student code free the objects behind these handle ids (their Refs stop working).

        The grader releases what each test received when it ends: large objects (a loaded
        dataset) would otherwise stay in memory for the rest of the run.
        """
        self._request({"op": "release"}, list(ids), "releasing objects")

    def _request(self, request, payload, call):
        tree, buffers = protocol.encode(payload, self._to_wire)
        limits = self.limits
        timeout = limits.before(call, request) if limits is not None else None
        extra = {} if timeout is None else {"timeout": timeout}
        started = time.monotonic()
        try:
            reply, reply_buffers = self.transport.send(dict(request, payload=tree), buffers, call, **extra)
        except Exception:
            if limits is not None:
                limits.after(call, time.monotonic() - started, timeout, failed=True)
            raise
        if limits is not None:
            limits.after(call, time.monotonic() - started, timeout, failed=False)
        if reply.get("output_bytes"):
            self.output_log.append((call, reply.get("output", ""), reply["output_bytes"]))
        warned = _warnings_of(reply)
        if warned:
            self.warning_log.append((call, warned))
        if not reply.get("ok"):
            self.transport.raise_error(call, reply.get("error") or {})
        return protocol.decode(reply.get("value"), reply_buffers, self._from_wire,
                               sys.modules.get("torch"))  # tensors come back as tensors once torch is in use

    def _to_wire(self, obj):
        if type(obj) is Ref and obj.student is self:
            return obj
        raise protocol.ProtocolError(f"cannot pass a {type(obj).__name__} to student code")

    def _from_wire(self, hid, type_name):
        self.handles.append(hid)
        return Ref(self, hid, type_name)


class LocalTransport:
    """In-process transport: the worker's dispatch, with the codec round trip kept."""

    def __init__(self, root):
        self.worker = Worker(root)

    def send(self, request, buffers, call, timeout=None):
        # (No time limit in-process.) Round-trip through bytes, exactly as the remote transport does.
        message, buffers = _unpack(protocol.pack(request, buffers))
        reply, reply_buffers = self.worker.handle(message, buffers)
        return _unpack(protocol.pack(reply, reply_buffers))

    def raise_error(self, call, error):
        # Locally, re-raise the student's own exception: their traceback, their debugger.
        exc = self.worker.last_exception
        if exc is not None and not isinstance(exc, (SystemExit, KeyboardInterrupt)):
            raise exc
        raise StudentError(call, error)


def _warnings_of(reply):
    """The reply's "warnings" (see worker.capture.OutputCapture), as plain checked dicts ([] if none or malformed)."""
    found = reply.get("warnings")
    if type(found) is not list:
        return []
    kept = []
    for w in found[:50]:
        if type(w) is dict:
            kept.append({"category": str(w.get("category", "Warning"))[:100], "message": str(w.get("message", ""))[:500],
                         "file": str(w.get("file", "?"))[:300],
                         "line": w["line"] if type(w.get("line")) is int else 0,
                         "count": w["count"] if type(w.get("count")) is int else 1})
    return kept


def local_student(root):
    """A Student whose code is imported in this process from `root`."""
    return Student(LocalTransport(root))


def describe_args(args, kwargs):
    """'(x: float64 (5, 3), mode='train')': what a message shows of a call's arguments."""
    parts = [describe_value(a) for a in args]
    parts += [f"{k}={describe_value(v)}" for k, v in kwargs.items()]
    return "(" + ", ".join(parts) + ")"


def describe_value(value):
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        dtype = str(value.dtype).replace("torch.", "")
        return f"{dtype} array of shape {tuple(value.shape)}"
    if isinstance(value, (list, tuple)) and len(value) > 4:
        return f"{type(value).__name__} of {len(value)} items"
    if isinstance(value, protocol.Handle):
        return value.type_name
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _unpack(data):
    return protocol.read_message(io.BytesIO(data))
