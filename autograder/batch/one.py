"""Grade one submission of a batch in a grader process of its own -> the results.json text.

    grade_task(task) -> {"student", "text", "status", "wall", "rss_kb", "kit", "sandbox"}

The grader is `python -m autograder grade` itself, so the text is byte for byte what
`grade` writes for that submission alone: no test session, module or worker account is
shared with any other grading (each grader takes a worker account of its own, under a
lock, in `user` mode). The same function runs in the local pool's threads and as a task
on a Dask worker; there the submission travels as bytes (a zip as it is, a folder as a
tar of its entries, symlinks kept, so intake judges it as it would the original), and the
worker's own kit hash is checked against the client's before anything is graded.
A grader that dies or outlives its budget (the manifest's submission_seconds plus a
margin) is killed with its process group; its row gets the engine-failure result.
"""

import io
import json
import os
import signal
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from autograder import manifest as manifests
from autograder.batch import keys
from autograder.grading import results

REPO = Path(__file__).resolve().parent.parent.parent
GRADED, REFUSED, ENGINE_ERROR = "graded", "intake refused", "engine error"
MARGIN_SECONDS = 120
THREAD_VARS = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
_RUNNING = set()  # graders of this process in flight, for kill_running()


def pack(path):
    """A submission as (kind, bytes) to send to another machine (task["name"]: its file name)."""
    path = Path(path)
    if path.is_file():
        return "zip", path.read_bytes()
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for root, dirs, files in os.walk(path):
            dirs.sort()
            for name in sorted(files) + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
                full = os.path.join(root, name)
                tar.add(full, arcname=os.path.relpath(full, path), recursive=False)
            for d in dirs:  # empty folders too
                full = os.path.join(root, d)
                if not os.path.islink(full):
                    tar.add(full, arcname=os.path.relpath(full, path), recursive=False)
    return "tar", buffer.getvalue()


def _unpack(kind, data, scratch, name):
    """The packed submission under its own name (intake's messages name a zip by its file name)."""
    (scratch / "in").mkdir()
    target = scratch / "in" / name
    if kind == "zip":
        target.write_bytes(data)
        return target
    target.mkdir()
    with tarfile.open(fileobj=io.BytesIO(data)) as tar:
        tar.extractall(target, filter="fully_trusted")  # our own tar, made by pack()
    return target


def grade_task(task):
    """Grade task["path"] (or the packed task["payload"]) -> the row's outcome (plain data)."""
    started = time.monotonic()
    m = manifests.load(task["assignment"])
    kit = keys.kit_hash(m)
    outcome = {"student": task["student"], "kit": kit, "rss_kb": 0, "sandbox": ""}
    with tempfile.TemporaryDirectory(prefix="kit-batch-", ignore_cleanup_errors=True) as scratch:
        scratch = Path(scratch)
        out = scratch / "results.json"
        if task.get("kit") and task["kit"] != kit:
            results.write(out, results.engine_failure(
                f"this worker's kit ({kit[:12]}) differs from the one the batch was started with "
                f"({task['kit'][:12]}): install the same version of the kit on every worker"))
            rc, log = 0, ""
        else:
            path = Path(task["path"]) if task.get("path") else _unpack(*task["payload"], scratch, task["name"])
            rc, log, outcome["rss_kb"] = _run_grader(task, path, out, scratch)
        text = out.read_text() if out.is_file() else ""
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if data is None:  # the grader wrote nothing: what `grade` would have written on an engine failure
            results.write(out, results.engine_failure(f"the grader process ended with status {rc}:\n{log}"))
            text, data = out.read_text(), json.loads(out.read_text())
            rc = rc or 1
    outcome.update(text=text, status=status_of(data, rc), wall=round(time.monotonic() - started, 3),
                   sandbox=(data.get("extra_data") or {}).get("sandbox", ""))
    return outcome


def status_of(data, rc=0):
    """graded | intake refused (nothing was taken) | engine error."""
    names = [t.get("name", "") for t in data.get("tests", [])]
    if rc != 0 or any(n.startswith("Autograder error") for n in names):
        return ENGINE_ERROR
    if names and all(n.startswith("Submission:") for n in names) and any("refused" in n for n in names):
        return REFUSED
    return GRADED


TIME_FIELDS = ("execution_time", "worker_start_seconds")


def without_times(data):
    """A results object less its times (which differ from one run to the next), for comparisons."""
    data = dict(data)
    data.pop("execution_time", None)
    if isinstance(data.get("extra_data"), dict):
        data["extra_data"] = {k: v for k, v in data["extra_data"].items() if k not in TIME_FIELDS}
    return data


def _run_grader(task, path, out, scratch):
    """Run `python -m autograder grade` -> (exit status, its output's tail, its peak RSS in kB)."""
    argv = [sys.executable, "-m", "autograder", "grade", "--assignment", task["assignment"],
            "--submission", str(path), "--out", str(out), "--sandbox", task.get("sandbox", "auto")]
    if task.get("only"):
        argv += ["--tests", ",".join(task["only"])]
    env = dict(os.environ)
    for var in THREAD_VARS:  # the grader's own reference computations are small
        env.setdefault(var, "1")
    env.setdefault("MPLBACKEND", "Agg")
    log_path = scratch / "grader.log"
    peak = 0
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(argv, cwd=REPO, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                start_new_session=True)
        _RUNNING.add(proc)
        deadline = time.monotonic() + task["timeout"]
        rc = None
        while rc is None:
            peak = max(peak, _high_water_kb(proc.pid))
            try:
                rc = proc.wait(timeout=0.2)
            except subprocess.TimeoutExpired:
                if time.monotonic() > deadline:
                    _kill(proc)
                    rc = proc.wait()
                    log.write(f"\nthe grader was killed after {task['timeout']:g} s\n".encode())
    _kill(proc)  # whatever it left in its process group
    _RUNNING.discard(proc)
    tail = log_path.read_bytes()[-4000:].decode("utf-8", "replace")
    return rc, tail, peak


def failed(student, reason):
    """The outcome of a grading that never returned (a Dask task lost with its worker)."""
    text = json.dumps(results.sanitize(results.engine_failure(reason)), indent=2) + "\n"
    return {"student": student, "kit": "", "rss_kb": 0, "sandbox": "", "text": text, "status": ENGINE_ERROR,
            "wall": 0.0}


def kill_running():
    """Kill every grader this process started that is still running (the batch was interrupted)."""
    for proc in list(_RUNNING):
        _kill(proc)


def _kill(proc):
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _high_water_kb(pid):
    """The process's own peak resident memory (VmHWM), 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0
