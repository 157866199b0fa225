"""Grade a class export: resume by content key, a local pool or a Dask cluster, then the reports.

    report = grade_batch(manifest, "export.zip", "graded/", workers=4)

The steps, in order:
1. the submissions in the export (sources.find; zips repacked under DIR/.staging);
2. each one's key (keys.result_key): a result whose key is unchanged is kept, unless --regrade
   (an engine error never is: the next run tries it again);
3. the reference is graded once first where its call times are not yet cached, as
   Gradescope's setup.sh does, so every grading starts timed;
4. the rest is graded, N graders at once (one.grade_task, one process each) on this
   machine, or one task per submission on a Dask distributed cluster;
5. as each finishes, DIR/results/<id>.json is written atomically (the text `grade` wrote),
   then its key in DIR/.batch/<id>.json: a killed batch loses at most the gradings in flight;
6. gradebook.csv, summary.html with its figures, similarity.html (reports, similarity).
"""

import json
import os
import signal
import socket
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from autograder.batch import keys, one, progress, reports, sources
from autograder.errors import KitError

STATE = ".batch"
# The Dask settings of a grading cluster (its scheduler, workers and this client): README.
DASK_CONFIG = Path(__file__).with_name("dask.yaml")


@dataclass
class Row:
    student: str
    name: str = ""
    email: str = ""
    sid: str = ""
    status: str = ""
    sandbox: str = ""
    wall: float = 0.0
    rss_kb: int = 0
    results: dict = field(default_factory=dict)
    kept: bool = False   # up to date from an earlier run, not graded now


@dataclass
class Report:
    out: Path
    rows: list
    written: list

    @property
    def engine_errors(self):
        return [r for r in self.rows if r.status == one.ENGINE_ERROR]

    def summary(self):
        counts = {}
        for r in self.rows:
            counts[r.status] = counts.get(r.status, 0) + 1
        kept = sum(r.kept for r in self.rows)
        text = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
        lines = [f"{len(self.rows)} submissions: {text or 'none'} ({kept} kept from an earlier run)"]
        lines += [f"engine error: {r.student}" for r in self.engine_errors]
        lines += [f"wrote {p}" for p in self.written]
        return "\n".join(lines)


def grade_batch(manifest, submissions, out, *, workers=None, scheduler=None, regrade=False, sandbox="auto",
                only=None, similarity=True, stream=None):
    """Grade every submission in `submissions` into `out` -> Report (see the module's docstring)."""
    out = Path(out)
    (out / "results").mkdir(parents=True, exist_ok=True)
    (out / STATE).mkdir(exist_ok=True)
    for part in [*(out / "results").glob(".*.part"), *(out / STATE).glob(".*.part")]:
        part.unlink(missing_ok=True)  # a write a killed batch left half done
    subs = sources.find(submissions, out / ".staging")
    if not subs:
        raise KitError(f"{submissions}: no submissions found (a folder of zips or folders, or a Gradescope export)")
    kit = keys.kit_hash(manifest)
    rows, todo = {}, []
    for sub in subs:
        key = keys.result_key(keys.submission_hash(sub.path), kit, sandbox=sandbox, only=only)
        row = Row(sub.id, sub.name, sub.email, sub.sid)
        kept = None if regrade else _kept(out, sub.id, key)
        if kept is not None:
            row.results, state = kept
            row.status, row.sandbox, row.wall, row.rss_kb = (state["status"], state["sandbox"], state["wall"],
                                                             state.get("rss_kb", 0))
            row.kept = True
        else:
            todo.append((sub, key))
        rows[sub.id] = row
    timeout = manifest.limits.submission_seconds + one.MARGIN_SECONDS
    tasks = [{"assignment": manifest.name, "student": sub.id, "path": str(Path(sub.path).resolve()),
              "sandbox": sandbox, "only": list(only or ()), "timeout": timeout, "kit": kit, "key": key}
             for sub, key in todo]
    key_of = {t["student"]: t["key"] for t in tasks}
    bar = progress.Progress(len(tasks), kept=len(subs) - len(tasks), stream=stream)
    lock = threading.Lock()

    def finished(outcome):
        with lock:
            row = rows[outcome["student"]]
            _store(out, row, outcome, key_of[row.student])
            bar.update(row.student, row.status, row.results.get("score"))

    if tasks:
        if scheduler:
            _on_dask(scheduler, tasks, finished)
        else:
            _warm_reference(manifest, sandbox, only, timeout)
            _locally(tasks, workers or len(os.sched_getaffinity(0)) or 1, finished)
    bar.close()
    ordered = [rows[s.id] for s in subs]
    written = reports.write_all(out, manifest, ordered)
    if similarity:
        from autograder.batch import similarity as similar  # copydetect is imported only here

        written.append(similar.write_report(out, manifest, subs))
    return Report(out, ordered, written)


def _kept(out, student, key):
    """(results, state) of an up-to-date earlier result, or None (an engine error is tried again)."""
    try:
        state = json.loads((out / STATE / f"{student}.json").read_text())
        if state.get("key") != key or state.get("status") == one.ENGINE_ERROR:
            return None
        return json.loads((out / "results" / f"{student}.json").read_text()), state
    except (OSError, ValueError):
        return None


def _store(out, row, outcome, key):
    """The results file (the grader's text, as it is), then the key that marks it done."""
    _atomic(out / "results" / f"{row.student}.json", outcome["text"])
    row.results = json.loads(outcome["text"])
    row.status, row.sandbox, row.wall, row.rss_kb = (outcome["status"], outcome["sandbox"], outcome["wall"],
                                                     outcome["rss_kb"])
    state = {"key": key, "status": row.status, "sandbox": row.sandbox, "wall": row.wall, "rss_kb": row.rss_kb}
    _atomic(out / STATE / f"{row.student}.json", json.dumps(state, indent=1) + "\n")


def _atomic(path, text):
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _warm_reference(manifest, sandbox, only, timeout):
    """Grade the reference once when its call times are not cached yet (so that N graders
    starting together do not each time it, and every grading gets the same limits)."""
    from autograder.grading import runner

    if runner.timings_path(manifest).is_file():
        return
    print("timing the reference's calls once (as Gradescope's setup.sh does)", file=sys.stderr, flush=True)
    one.grade_task({"assignment": manifest.name, "student": "reference", "path": str(manifest.root),
                    "sandbox": sandbox, "only": list(only or ()), "timeout": timeout})


def _locally(tasks, workers, finished):
    """N graders at once; interrupted (Ctrl-C, SIGTERM), the batch kills the ones in flight."""
    main = threading.current_thread() is threading.main_thread()
    before = signal.signal(signal.SIGTERM, _terminated) if main else None
    try:
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="grader") as pool:
            futures = [pool.submit(one.grade_task, task) for task in tasks]
            try:
                for future in as_completed(futures):
                    finished(future.result())
            except BaseException:
                for future in futures:
                    future.cancel()
                one.kill_running()
                raise
    finally:
        if main:
            signal.signal(signal.SIGTERM, before)


def _terminated(signum, frame):
    raise SystemExit(128 + signum)


def _reachable(address):
    """Fail at once, in one line, where nothing listens at a tcp:// address (Dask would retry for 30 s)."""
    host, _, port = address.removeprefix("tcp://").rpartition(":")
    if not address.startswith("tcp://") or not port.isdigit():
        return  # another transport (tls://, ucx://): Dask says what is wrong
    try:
        socket.create_connection((host.strip("[]"), int(port)), timeout=10).close()
    except OSError as e:
        raise KitError(f"--scheduler {address}: cannot connect ({e.strerror or e})") from None


def _on_dask(address, tasks, finished):
    """One task per submission on the cluster at `address`; each carries its submission's bytes."""
    import dask.config
    from distributed import Client
    from distributed import as_completed as dask_completed

    _reachable(address)
    dask.config.update(dask.config.config, next(dask.config.collect_yaml([DASK_CONFIG])))
    try:
        client = Client(address, timeout="30s")
    except OSError as e:
        raise KitError(f"--scheduler {address}: cannot connect ({e})") from None
    try:
        futures = []
        for task in tasks:
            packed = dict(task, payload=one.pack(task["path"]), path=None, name=Path(task["path"]).name)
            futures.append(client.submit(one.grade_task, packed, key=f"grade-{task['student']}-{task['key'][:16]}",
                                         pure=False, retries=1))
        for future in dask_completed(futures):
            try:
                finished(future.result())
            except Exception as e:  # the task itself failed (its worker died twice): that row alone
                student = next(t["student"] for t in tasks if future.key.startswith(f"grade-{t['student']}-"))
                finished(one.failed(student, f"the Dask task failed: {type(e).__name__}: {e}"))
    finally:
        client.close()
