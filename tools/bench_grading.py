"""Benchmark: what the sandboxed remote mode costs over running the same tests in-process.

    .venv/bin/python tools/bench_grading.py [--assignment a1_mnist] [--sandbox auto]

In one run, on one machine: the assignment's public and private tests against its
reference solution (a notebook assignment: its rendered .ipynb), first in local mode (student code imported in this process, as
`make test` runs them), then graded in remote mode (autograder.runner.grade: intake,
static checks, sandboxed worker). Prints both times and their ratio (goal: <= 1.3), the
worker's start time, and the round trip of one call carrying a 1 MB array each way.
Not a timed test: numbers depend on the machine; compare ratios measured in one run.
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder import manifest  # noqa: E402
from autograder.grading import results, runner
from autograder.harness import suite, testing
from autograder.harness.student import Student, local_student  # noqa: E402
from autograder.sandbox import modes as sandbox
from autograder.sandbox import remote
from autograder.worker.serve import seed_everything  # noqa: E402
from tools.demo import render_reference  # noqa: E402


def run_local(m, root):
    """The tests in this process, with the grader's per-test seeding and release."""
    student = local_student(str(root))
    testing.use(student=student, reference=student, fail_on_prints=False)
    marks = {}

    def on_start(test):
        marks[test.id()] = len(student.handles)
        seed_everything(getattr(test, "seed", 0))

    def on_stop(test, record):
        ids = student.handles[marks[test.id()]:]
        if ids:
            student.release(ids)

    collector = results.Collector(on_start=on_start, on_stop=on_stop)
    started = time.perf_counter()
    suite.load_suite([d for d in (m.public_tests, m.private_tests) if d.is_dir()]).run(collector)
    elapsed = time.perf_counter() - started
    testing.use()
    return elapsed, results.build(collector.records, execution_time=elapsed)


def run_remote(m, root, mode):
    started = time.perf_counter()
    outcome = runner.grade(m, root, sandbox=mode)
    return time.perf_counter() - started, outcome


def round_trips(mode, n=50):
    """(worker start seconds, median seconds of a call sending and getting back 1 MB)."""
    limits = manifest.Limits()
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as scratch:
        box = sandbox.Sandbox(sandbox.choose(mode), Path(scratch) / "workspace", limits, Path(scratch))
        box.prepare()
        transport = remote.RemoteTransport(box, limits)
        student = Student(transport)
        x = np.random.default_rng(0).standard_normal(2**17)  # 1 MiB of float64
        student.call("numpy.asarray", x)
        times = []
        for _ in range(n):
            started = time.perf_counter()
            student.call("numpy.asarray", x)
            times.append(time.perf_counter() - started)
        transport.close()
        box.close()
    return transport.start_seconds[0], statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--assignment", default="a1_mnist")
    parser.add_argument("--sandbox", default="auto", choices=("auto", *sandbox.MODES))
    args = parser.parse_args()
    m = manifest.load(args.assignment)
    mode = sandbox.choose(args.sandbox)
    print(f"{m.name}: reference solution, sandbox {mode.detail}")
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as tmp:
        # A notebook assignment's submission is the rendered .ipynb: both modes load that one.
        root = m.root
        if m.notebooks:
            root = Path(tmp) / "reference"
            render_reference(m, root)
            for rel in m.data:  # the data the tests read, as the grader binds it
                (root / rel).parent.mkdir(parents=True, exist_ok=True)
                (root / rel).symlink_to(m.root / rel)
            from nbconvert import HTMLExporter  # its export, as collect_submission.sh makes it

            for n in m.notebooks:
                html, _ = HTMLExporter().from_filename(str(root / n.path))
                (root / n.path).with_suffix(".html").write_text(html)
        local_seconds, local = run_local(m, root)
        print(f"local  mode: {local_seconds:7.2f} s   score {local['score']:g}")
        runner._forget_modules(root)
        for rel in m.data if m.notebooks else ():  # the grader binds the data itself
            (root / rel).unlink()
        remote_seconds, graded = run_remote(m, root, mode.name)
    print(f"remote mode: {remote_seconds:7.2f} s   score {graded['score']:g}")
    print(f"ratio remote / local: {remote_seconds / local_seconds:.2f} (goal <= 1.3)")
    start, trip = round_trips(mode.name)
    print(f"worker start (spawn to first reply): {start * 1000:.0f} ms")
    print(f"one call with a 1 MB array each way: {trip * 1000:.2f} ms (median of 50)")
    slow = sorted((t["name"], t["status"]) for t in graded["tests"] if t["status"] != "passed")
    if slow or local["score"] != graded["score"]:
        print("differences:", slow)


if __name__ == "__main__":
    main()
