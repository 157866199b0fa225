"""The untrusted side: import student modules and serve the parent's calls.

This module imports only the standard library, NumPy and `protocol` (torch only if the
student's code already imported it). It never sees tests, expected values, hidden labels,
reference solutions or the results file. The same `Worker` serves the in-process local
mode (students' own test runs, `make test`) and the sandboxed remote mode (`python -m
autograder.worker`, speaking the protocol on its stdin/stdout).

Requests (dicts):
  {"op": "call",   "target": "pkg.module.Name" or "pkg.module:Name.attr", "args": [..], "kwargs": {..}}
  {"op": "method", "handle": id, "name": str, "args": [..], "kwargs": {..}}
  {"op": "get",    "handle": id, "name": str}
  {"op": "set",    "handle": id, "name": str, "value": ..}
  {"op": "module", "name": "pkg.module"}
  {"op": "seed",   "seed": int}
  {"op": "release", payload: [ids]}
  {"op": "predict", payload: {model, kwargs, checkpoint, inputs, max_mb, mean, std[, state_key, max_epoch]}}
                                                                                  -> predictions
  {"op": "imports", payload: {file: [module, ...]}}  the forbidden modules of each student
                                  file, refused at run time (autograder.import_guard)
  {"op": "notebooks", payload: {module: {mode, cell_seconds, allow_calls}}}  how notebooks load
  {"op": "notebook", payload: "module"}  -> what loading that notebook ran, skipped and failed
  {"op": "hello",  payload: int}  remote mode's first request: number handles from there,
                                  so a restarted worker never reuses a dead worker's ids
Any call, method or get request may carry "keep": true: the result then stays in the
worker and only its handle comes back.
Replies: {"ok": true, "value": ..., "output": str} or
         {"ok": false, "error": {"type", "message", "traceback"}, "output": str};
either may carry "warnings": [{"category", "message", "file", "line", "count"}], what
library code warned through Python's warnings machinery during the call
(capture.OutputCapture).
"""

import collections
import importlib
import os
import random
import sys
import traceback

import numpy as np

from autograder.worker import import_guard, notebook, protocol
from autograder.worker.capture import OutputCapture


class Worker:
    """Executes requests against student code; objects stay here behind handle ids."""

    def __init__(self, root, cwd=None):
        self.root = os.path.abspath(root)
        # Calls run in `cwd`: the student's folder locally; remotely, the sandbox's writable
        # working folder (the workspace itself is read-only there).
        self.cwd = os.path.abspath(cwd or root)
        self.objects = {}
        self.next_id = 1
        self.last_exception = None
        self.capture = OutputCapture(self.root)
        if self.root not in sys.path:
            sys.path.insert(0, self.root)
        notebook.install()  # `import assignment2` finds assignment2.ipynb

    # -- handles
    def to_handle(self, obj):
        hid = self.next_id
        self.next_id += 1
        self.objects[hid] = obj
        name = type(obj).__name__
        if isinstance(obj, np.ndarray):  # an object array or a subclass: say which
            name = f"{name} of dtype {obj.dtype}"
        return protocol.Handle(hid, name)

    def from_handle(self, hid, _type_name):
        try:
            return self.objects[hid]
        except KeyError:
            raise protocol.ProtocolError(f"unknown handle {hid}") from None

    # -- one request
    def handle(self, request, buffers):
        """Serve one request -> (reply, reply_buffers). Never raises for student errors."""
        self.last_exception = None
        try:
            op = request["op"]
            payload = protocol.decode(request.get("payload"), buffers, self.from_handle, _torch())
        except Exception as e:
            return {"ok": False, "error": _describe(e, self.root), "output": "", "output_bytes": 0}, []
        cwd = os.getcwd()
        self.capture.start()
        try:
            os.chdir(self.cwd)
            value = self._execute(op, request, payload)
            error = None
        except BaseException as e:  # SystemExit and KeyboardInterrupt from student code too
            value, error = None, _describe(e, self.root)
            self.last_exception = e
        finally:
            os.chdir(cwd)
            output, output_bytes = self.capture.stop()
        reply = {"ok": error is None, "output": output, "output_bytes": output_bytes}
        if self.capture.warnings:
            reply["warnings"] = self.capture.warnings
        if error is not None:
            reply["error"] = error
            return reply, []
        try:
            if request.get("keep"):  # the parent wants a handle, not a copy (a large result)
                value = self.to_handle(value)
            reply["value"], out_buffers = protocol.encode(value, self.to_handle)
        except Exception as e:
            return {"ok": False, "error": _describe(e, self.root), "output": output,
                    "output_bytes": output_bytes, **({"warnings": reply["warnings"]} if "warnings" in reply else {})}, []
        return reply, out_buffers

    def _execute(self, op, request, payload):
        if op == "call":
            args, kwargs = payload
            return resolve(request["target"])(*args, **kwargs)
        if op == "method":
            args, kwargs = payload
            return getattr(self.from_handle(request["handle"], ""), request["name"])(*args, **kwargs)
        if op == "get":
            return getattr(self.from_handle(request["handle"], ""), request["name"])
        if op == "set":
            setattr(self.from_handle(request["handle"], ""), request["name"], payload)
            return None
        if op == "module":
            return importlib.import_module(request["name"])
        if op == "seed":
            seed_everything(payload)
            return None
        if op == "release":
            for hid in payload:
                self.objects.pop(hid, None)
            return None
        if op == "predict":
            return predict_checkpoint(**payload)
        if op == "hello":
            self.next_id = max(self.next_id, int(payload))
            return {"pid": os.getpid()}
        if op == "imports":  # remote mode, before any student module: {file: [forbidden modules]}
            import_guard.install(self.root, payload)
            return None
        if op == "notebooks":
            notebook.configure(payload)
            return None
        if op == "notebook":
            return notebook.report_of(payload)
        raise protocol.ProtocolError(f"unknown operation {op!r}")


class CheckpointError(Exception):
    """A submitted checkpoint cannot be evaluated; the message says why, for the student."""


def predict_checkpoint(model, checkpoint, inputs, max_mb, mean, std, kwargs=None, batch_size=100, state_key="",
                       max_epoch=0):
    """Load a submitted state_dict into the student's model class and predict hidden inputs.

    With `state_key` the file is a dict holding the state_dict under that key, beside plain
    values (seed 002's `{'net': state_dict, 'epoch': i, 'lr': lr}`): only that entry loads.
    With `max_epoch` too, a dict whose 'epoch' is above it is refused ("a maximum of 100
    epochs"); 'epoch' counted from 0 or from 1 both pass at exactly that many epochs.

    Runs in the worker: `torch.load(weights_only=True)` refuses anything but tensors and
    plain containers, so a malicious pickle never runs. `inputs` is a uint8 (N, C, H, W)
    .npy of test images (no labels: those stay with the grader); they are normalised as
    the course does (pixels / 255, then (x - mean) / std). Returns int64 predictions (N,).
    """
    import torch

    if not os.path.isfile(checkpoint):
        raise CheckpointError(f"{checkpoint} is missing: train the model and keep the saved checkpoint")
    size_mb = os.path.getsize(checkpoint) / 2**20
    if size_mb > max_mb:
        raise CheckpointError(f"{checkpoint} is {size_mb:.1f} MB; the limit is {max_mb:g} MB")
    try:
        state = torch.load(checkpoint, map_location="cpu", weights_only=True)
    except Exception as e:
        raise CheckpointError(
            f"{checkpoint} could not be loaded with torch.load(weights_only=True) "
            f"(save model.state_dict() with torch.save): {str(e).splitlines()[0][:300]}"
        ) from None
    if state_key:
        if type(state) not in (dict, collections.OrderedDict) or state_key not in state:
            raise CheckpointError(f"{checkpoint} is not a dict with the key {state_key!r}; save "
                                  f"{{{state_key!r}: net.state_dict(), 'epoch': epoch, 'lr': lr}}")
        epoch = state.get("epoch")
        if isinstance(epoch, torch.Tensor) and epoch.numel() == 1:
            epoch = epoch.item()
        if max_epoch and type(epoch) in (int, float) and epoch > max_epoch:
            raise CheckpointError(f"{checkpoint} was saved at epoch {epoch:g}; train for at most {max_epoch} epochs")
        state = state[state_key]
    if type(state) not in (dict, collections.OrderedDict) or not all(
        isinstance(v, torch.Tensor) for v in state.values()
    ):
        raise CheckpointError(f"{checkpoint} is not a state_dict (a dict of tensors); save model.state_dict()")
    net = resolve(model)(**(kwargs or {}))
    try:
        net.load_state_dict(state, strict=True)
    except RuntimeError as e:
        raise CheckpointError(f"{checkpoint} does not fit {model}: {e}") from None
    net.eval()
    images = np.load(inputs)
    mean = np.asarray(mean, dtype=np.float32).reshape(1, -1, 1, 1)
    std = np.asarray(std, dtype=np.float32).reshape(1, -1, 1, 1)
    predictions = []
    with torch.inference_mode():
        for start in range(0, len(images), batch_size):
            batch = (images[start:start + batch_size].astype(np.float32) / 255.0 - mean) / std
            predictions.append(net(torch.from_numpy(batch)).argmax(dim=1).numpy())
    return np.concatenate(predictions).astype(np.int64)


def read_file(path, max_mb):
    """The bytes of a submitted file (a predictions.csv) for the grader to parse; capped."""
    size = os.path.getsize(path)
    if size > max_mb * 2**20:
        raise ValueError(f"{path} is {size / 2**20:.1f} MB; the limit is {max_mb:g} MB")
    with open(path, "rb") as f:
        return f.read()


def resolve(target):
    """'pkg.mod.Name' or 'pkg.mod:Name.attr' -> the object."""
    if ":" in target:
        module_name, _, attr_path = target.partition(":")
    else:
        module_name, _, attr_path = target.rpartition(".")
    obj = importlib.import_module(module_name)
    for part in attr_path.split("."):
        obj = getattr(obj, part)
    return obj


def seed_everything(seed):
    """Seed random, NumPy and (if the student's code loaded it) torch, deterministically."""
    random.seed(seed)
    np.random.seed(seed)
    torch = _torch()
    if torch is not None:
        torch.manual_seed(seed)
        torch.use_deterministic_algorithms(True, warn_only=True)


def _torch():
    return sys.modules.get("torch")


def _describe(exc, root):
    """Exception -> plain dict: type, message and a traceback cut to the student's frames."""
    try:
        message = str(exc)[:2000]
    except Exception:
        message = "<exception message could not be read>"
    frames = [
        f for f in traceback.extract_tb(exc.__traceback__)
        if f.filename.startswith(root + os.sep)
    ]
    lines = traceback.format_list(frames)
    lines = [line.replace(root + os.sep, "") for line in lines]
    hint = notebook.explain(exc)  # a name a notebook's skipped or failing cell would have defined
    if hint:
        message = f"{message}\n{hint.replace(root + os.sep, '')}"
    return {"type": type(exc).__name__, "message": message, "traceback": "".join(lines)[-4000:]}


def serve(root, channel_in, channel_out):
    """Remote mode: answer framed requests until the parent closes the channel."""
    worker = Worker(root, cwd=os.getcwd())  # the working folder the sandbox started it in
    while True:
        try:
            request, buffers = protocol.read_message(channel_in)
        except EOFError:
            return
        reply, out_buffers = worker.handle(request, buffers)
        protocol.write_message(channel_out, reply, out_buffers)


def main():
    """Entry point of the sandboxed process: `python -I -B -m autograder.worker ROOT`.

    The protocol channel is moved off descriptors 0/1 first, so anything the student's
    code writes to stdout or stderr can never be mistaken for a reply.
    """
    root = sys.argv[1]
    channel_in = os.fdopen(os.dup(0), "rb")
    channel_out = os.fdopen(os.dup(1), "wb")
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    os.close(null)
    serve(root, channel_in, channel_out)


if __name__ == "__main__":
    main()
