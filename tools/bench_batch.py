"""Throughput of grade-batch: serial, a local pool of 2, and a 2-worker Dask cluster, in one run.

    python tools/bench_batch.py [--submissions 40] [--all-tests] [--keep DIR]

The same class of A1 submissions (correct, buggy and hostile mixed: tests/fixtures/batch/
classroom.py, its KINDS in turn) is graded three times by `autograder grade-batch`:
--workers 1 (serial), --workers 2, and --scheduler on a real dask-scheduler with two
dask-worker processes (one thread each, the kit's autograder/batch/dask.yaml) on 127.0.0.1.
Printed: submissions per minute, the ratios (goal: workers 2 >= 1.8x serial on 2 cores;
Dask within 10% of the pool), the CPU time of the Dask processes themselves, the peak
RSS of each grader process (the first and the last five to finish: flat means no growth
across the batch) and of the batch process itself, and whether the results
(less their times) and gradebooks (less the wall-time column) are identical across the
three runs. It prints; it asserts no speed. By default only A1's tests of single functions
run (seconds per grading); --all-tests grades the full suite (minutes per grading).
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "fixtures" / "batch"))

import classroom  # noqa: E402

from autograder.batch import one  # noqa: E402

ENV = classroom.ENV


def run_batch(class_dir, out, tests, *extra):
    """Run grade-batch -> (seconds, the batch process's own peak RSS in kB)."""
    argv = [sys.executable, "-m", "autograder", "grade-batch", "--assignment", "a1_mnist", "--submissions",
            str(class_dir), "--out", str(out), "--no-similarity", *(["--tests", tests] if tests else []), *extra]
    started = time.monotonic()
    with open(Path(out).parent / f"{Path(out).name}.log", "w") as log:
        proc = subprocess.Popen(argv, cwd=REPO, env=ENV, stdout=log, stderr=log)
        peak = 0
        while proc.poll() is None:
            peak = max(peak, one._high_water_kb(proc.pid))
            time.sleep(0.2)
    seconds = time.monotonic() - started
    if proc.returncode not in (0, 1):
        sys.exit(f"grade-batch failed ({proc.returncode}): see {log.name}")
    return seconds, peak


def grader_rss(out):
    """Peak RSS (kB) of each grader, in the order the gradings finished."""
    states = sorted((p.stat().st_mtime_ns, json.loads(p.read_text())) for p in (Path(out) / ".batch").glob("*.json"))
    return [s["rss_kb"] for _, s in states]


def comparable(out):
    results = {p.stem: one.without_times(json.loads(p.read_text())) for p in (Path(out) / "results").glob("*.json")}
    book = [{k: v for k, v in row.items() if k != "wall_seconds"} for row in csv.DictReader(open(Path(out) / "gradebook.csv"))]
    return results, book


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--all-tests", action="store_true", help="grade A1's full suite (minutes per submission)")
    parser.add_argument("--keep", metavar="DIR", help="work in DIR and keep it (default: a temporary folder)")
    args = parser.parse_args(argv)
    tests = None if args.all_tests else ",".join(classroom.FAST_TESTS)
    work = Path(args.keep or tempfile.mkdtemp(prefix="kit-bench-batch-"))
    work.mkdir(parents=True, exist_ok=True)
    kinds = [classroom.KINDS[i % len(classroom.KINDS)] for i in range(args.submissions)]
    class_dir = work / "class"
    shutil.rmtree(class_dir, ignore_errors=True)
    classroom.make_class(class_dir, kinds)
    hostile = sum(k in classroom.HOSTILE_KINDS for k in kinds)
    print(f"{len(kinds)} A1 submissions ({hostile} hostile), {os.cpu_count()} cores, "
          f"tests: {tests or 'all'}; load average {os.getloadavg()[0]:.2f}")
    # Time the reference once first (the call-times cache), so no run below pays for it.
    one.grade_task({"assignment": "a1_mnist", "student": "reference", "path": str(REPO / "solutions" / "a1_mnist"),
                    "sandbox": "auto", "only": tests.split(",") if tests else [], "timeout": 3600})
    runs = {}
    for name, extra in (("serial", ["--workers", "1"]), ("workers 2", ["--workers", "2"])):
        out = work / name.replace(" ", "-")
        shutil.rmtree(out, ignore_errors=True)
        runs[name] = (out, *run_batch(class_dir, out, tests, *extra))
        print(f"{name:>10}: {runs[name][1]:6.1f} s", flush=True)
    address, procs = classroom.start_cluster(2, work)
    try:
        out = work / "dask"
        shutil.rmtree(out, ignore_errors=True)
        before = classroom.cpu_seconds(procs)
        runs["dask 2"] = (out, *run_batch(class_dir, out, tests, "--scheduler", address))
        dask_cpu = classroom.cpu_seconds(procs) - before
        print(f"{'dask 2':>10}: {runs['dask 2'][1]:6.1f} s (the scheduler and workers themselves used "
              f"{dask_cpu:.1f} CPU-seconds; dask.yaml: {ENV['DASK_CONFIG']})", flush=True)
    finally:
        classroom.stop_cluster(procs)
    n = len(kinds)
    print()
    print(f"{'run':>10}  {'subs/min':>8}  {'vs serial':>9}  grader peak RSS MB (first 5 / last 5)  batch process MB")
    for name, (out, seconds, peak) in runs.items():
        rss = grader_rss(out)
        first, last = rss[:5], rss[-5:]
        print(f"{name:>10}  {60 * n / seconds:8.1f}  {runs['serial'][1] / seconds:8.2f}x  "
              f"{sum(first) / len(first) / 1024:6.1f} / {sum(last) / len(last) / 1024:6.1f}"
              f"{'':>22}{peak / 1024:6.1f}")
    print(f"\nworkers 2 / serial: {runs['serial'][1] / runs['workers 2'][1]:.2f}x (goal >= 1.8x on 2 cores)")
    print(f"dask 2 / workers 2: {runs['workers 2'][1] / runs['dask 2'][1]:.2f}x (goal >= 0.9)")
    base = comparable(runs["serial"][0])
    for name in ("workers 2", "dask 2"):
        other = comparable(runs[name][0])
        same_results = base[0] == other[0]
        differ = sorted(s for s in base[0] if base[0][s] != other[0].get(s))
        print(f"{name} vs serial: results {'identical' if same_results else 'DIFFER: ' + ', '.join(differ)} "
              f"(less times); gradebook {'identical' if base[1] == other[1] else 'DIFFERS'} (less wall time)")
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
