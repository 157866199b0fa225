"""Grade one submission: the trusted side, from a zip or folder to a results dict.

    results = grade(manifest, "submission.zip", sandbox="auto")

The steps, in order (each needs what the one before made):
1. intake: the workspace is the skeleton with the student's files over it (nothing runs);
2. static checks on the workspace (AST only): each finding is a visible entry;
3. sandbox: data files staged read-only, the worker-side engine copied beside them;
4. the public, then the private tests run here, in the grader, against a Student whose
   calls go to the sandboxed worker (and a local reference for private tests);
5. policies: the print policy, the import penalty (forbidden modules are refused in the worker);
6. the results, with the sandbox mode reported.
Tests, private tests, solutions, hidden data and the results path never leave this
process: the worker sees the workspace alone, and its argv and environment name none of
them. An exception in the engine itself yields the engine-failure result, never a crash.

Why over 300 lines: the pipeline and the per-test bookkeeping (marks, limits, releases)
that ties each record to its calls.
"""

import fnmatch
import io
import json
import os
import re
import sys
import tempfile
import time
import traceback
import unittest
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from autograder.grading import form, import_rules, intake, notebooks, policies, results, static_checks
from autograder.harness import call_limits, suite, testing
from autograder.harness.student import Student, StudentError, local_student
from autograder.manifest import REPO
from autograder.sandbox import modes as sandboxes
from autograder.sandbox.remote import HANDLE_SPAN, EngineFailure, RemoteTransport, WorkerFailure
from autograder.worker.notebook import notebook_file
from autograder.worker.serve import seed_everything


def grade(manifest, submission_path, *, sandbox="auto", log_dir=None, metadata=None, only=None):
    """Grade `submission_path` (zip or folder) -> the results.json object.

    only: fnmatch patterns of `Class.method` (e.g. "TestSGD.*"): run only the tests that
    match one (a quick regrade of some tests; None runs them all).

    metadata: Gradescope's submission_metadata.json (its path), which tests may read in the
    grader (the earlier submissions, for a daily limit); never shown to the worker.

    Raises sandbox.SandboxUnavailable (misuse) if a mode named explicitly cannot run here;
    everything else ends in a valid result.
    """
    started = time.monotonic()
    mode = sandboxes.choose(sandbox)
    extra = {"sandbox": mode.name, "sandbox_detail": mode.detail}
    if log_dir is not None:
        log_dir = Path(log_dir)
        log_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        # Student code may leave files it made unremovable: that must not fail the grading.
        with tempfile.TemporaryDirectory(prefix="kit-grade-", ignore_cleanup_errors=True) as scratch:
            grading = _Grading(manifest, mode, Path(scratch), log_dir, started, extra)
            grading.metadata = read_metadata(metadata, grading.notes)
            grading.only = tuple(only) if only else None
            return grading.run(Path(submission_path))
    except Exception:
        details = traceback.format_exc()
        if log_dir is not None:
            (log_dir / "engine-failure.txt").write_text(details)
        return results.engine_failure(details, execution_time=time.monotonic() - started, extra=extra)
    finally:
        testing.use()
        _forget_modules(manifest.root)


class _Grading:
    def __init__(self, manifest, mode, scratch, log_dir, started, extra):
        self.manifest = manifest
        self.mode = mode
        self.scratch = scratch
        self.log_dir = log_dir
        self.started = started
        self.extra = extra
        self.notes = [f"Sandbox: {mode.detail}."] + ([mode.warning] if mode.warning else [])
        self.metadata = None
        self.only = None

    def run(self, submission_path):
        manifest = self.manifest
        workspace = self.scratch / "workspace"
        taken = intake.prepare_workspace(submission_path, manifest, workspace)
        records = intake_records(taken, workspace)
        if taken.fatal:
            return self.results(records)
        findings = [f for f in static_checks.check_submission(workspace, manifest)
                    if not (f.kind == "missing" and f.file in taken.missing)]
        records += [finding_record(f) for f in findings]
        box = sandboxes.Sandbox(self.mode, workspace, manifest.limits, self.scratch, data=data_files(manifest))
        log = self.log_dir / "worker.log" if self.log_dir is not None else self.scratch / "worker.log"
        transport = RemoteTransport(box, manifest.limits, log_path=str(log))
        if manifest.import_penalty != "warn":  # the forbidden modules stay out at run time too
            transport.setup.append(("imports", import_rules.forbidden_by_file(manifest)))
        if manifest.notebooks:
            transport.setup.append(("notebooks", notebooks.settings(manifest)))
        # The budget counts from the start of the grading, less a reserve for writing the results.
        transport.budget_end = min(transport.budget_end, self.started + budget_seconds(manifest.limits))
        # The grader loads the tests (importing torch, say) while the worker imports the student's code.
        loading = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kit-load-tests")
        test_suite = loading.submit(load_tests, manifest)
        try:
            box.prepare()
            if self.mode.name == "user":
                sandboxes.protect(secret_paths(manifest, self.log_dir))
            broken, loaded = check_imports(manifest, transport)
            tests = self.run_tests(transport, test_suite.result())
        finally:
            loading.shutdown(wait=True)
            transport.close()
            box.close()
        if transport.start_seconds:
            self.extra["worker_start_seconds"] = round(transport.start_seconds[0], 3)
            self.extra["worker_starts"] = len(transport.start_seconds)
        records += policies.apply_imports(findings, manifest.import_penalty)
        records += [results.TestRecord(name=f"Import check: {rel} did not import", weight=0.0, failed=True,
                                       message=why, visibility="visible") for rel, why in broken.items()]
        for rel, report in loaded.items():
            records += notebooks.load_records(rel, report)
        records += [notebooks.export_record(manifest, workspace, n, taken.exports)
                    for n in manifest.notebooks if n.export_points]
        note = policies.apply_import_errors(tests, broken, manifest.import_error_policy)
        self.notes += [note] if note else []
        note_refused(tests, taken.refused)
        graded = records + tests
        return self.results(graded + form.final_records(manifest, taken, graded))

    def run_tests(self, transport, loaded):
        """The loaded public then private tests, one Collector -> the records."""
        manifest = self.manifest
        student = Student(transport)
        reference = local_student(str(manifest.root))
        testing.use(student=student, reference=reference, fail_on_prints=False, metadata=self.metadata)
        # Each call's limit comes from the reference's own time for the same call (call_limits).
        cache = timings_path(manifest)
        limits = call_limits.CallLimits(manifest.limits.call_seconds,
                                        call_limits.profile(str(Path(manifest.root).resolve()), cache))
        timed_before = len(limits.timings)
        student.limits = limits
        timed = Student(reference.transport)  # the reference in the student's role, its calls timed
        timed.limits = limits
        if self.only:
            loaded = select_tests(loaded, self.only)
        marks, violations = {}, {}

        def on_start(test):
            if (isinstance(test, testing.StudentTestCase) and test.id() not in limits.timings
                    and transport.budget_end - transport.clock() > 2 * manifest.limits.call_seconds):
                _time_reference(test, limits, timed, reference, student)
            limits.begin(test.id())
            marks[test.id()] = (len(student.output_log), len(transport.failures),
                                transport.clock() >= transport.budget_end, len(student.handles),
                                len(student.warning_log))
            seed_everything(getattr(test, "seed", 0))  # the test's own random inputs, here

        def on_stop(test, record):
            if transport.engine_error is not None:
                raise transport.engine_error  # out of the suite: the engine-failure result
            limits.end()
            log0, failure0, spent, handle0, warning0 = marks[test.id()]
            index = len(collector.records)
            failures = transport.failures[failure0:]
            if failures:
                record.failed = True
                record.message = (f"This test was not run: {_budget_reason(transport)}." if spent
                                  else failures[0].format_message())
            count = manifest.print_warnings == "count"
            found, warned = testing.scan_output(student, sys.modules[type(test).__module__].__file__,
                                                log0, warning0, count_warnings=count)
            if found:
                violations[index] = found
            if warned and not count:
                policies.note_warnings(record, warned)
            _release(student, transport, student.handles[handle0:])

        collector = results.Collector(on_start=on_start, on_stop=on_stop)
        loaded.run(collector)
        if len(limits.timings) > timed_before:
            call_limits.save(limits.timings, cache)
        tests = collector.records
        note = policies.apply_prints(tests, violations, manifest.print_policy)
        self.notes += [note] if note else []
        if transport.clock() >= transport.budget_end:
            self.notes.append(f"The {_budget_reason(transport)}; the tests after that point were not run.")
        return tests

    def results(self, records):
        return results.build(records, execution_time=time.monotonic() - self.started,
                             output="\n\n".join(self.notes), extra=self.extra)


def load_tests(manifest):
    """The assignment's public then private test files, as one unittest suite."""
    dirs = [d for d in (manifest.public_tests, manifest.private_tests) if Path(d).is_dir()]
    if not dirs:
        raise EngineFailure(f"no tests found in {manifest.public_tests} or {manifest.private_tests}")
    return suite.load_suite(dirs)


def check_imports(manifest, transport):
    """Import each student file once, before the tests -> ({file: why it did not import},
    {notebook file: what loading it ran, skipped and failed}).

    A file that raises or exits when imported is code that does not run; the manifest's
    `[import_errors] policy` decides what that costs (policies.apply_import_errors). When an
    import failed, printed or warned, the worker is restarted afterwards, so the tests import
    afresh and what a module prints when imported stays attributed to the test that first
    imports it. Otherwise the tests go on in this worker, its modules already imported
    (starting torch twice cost a notebook assignment a third of its grading time).
    """
    checker = Student(transport)  # no per-call limits of its own: the manifest's call_seconds
    checker.seed(0)  # what the modules draw when imported is the same on every run
    broken, loaded = {}, {}
    for rel in manifest.student_files:
        notebook = manifest.notebook(rel)
        if notebook is None and not rel.endswith(".py"):
            continue
        module = notebook.module if notebook else rel[:-len(".py")].replace("/", ".").removesuffix(".__init__")
        try:
            if notebook is not None:
                loaded[rel] = checker.notebook(module)
            else:
                checker.module(module)
        except StudentError as e:
            blame = _raised_in(e.student_traceback, manifest.student_files) or rel
            cause = e.message if e.type_name == "SystemExit" else f"it raised {e.type_name}: {e.message}"
            where = f"\n{e.student_traceback.rstrip()}" if e.student_traceback else ""
            broken.setdefault(blame, f"{blame} did not import: {cause}.{where}")
        except WorkerFailure as e:
            broken.setdefault(rel, f"{rel} did not import: the worker running your code died while importing "
                                   f"it (or a file its import runs: its package's __init__.py, the files they import): "
                                   f"{e.reason}.")
            if e.budget or not e.ran:
                break
    if broken or checker.output_log or checker.warning_log or transport.proc is None:
        transport.close()
    else:
        checker.release(checker.handles)
    return broken, loaded


def select_tests(tests, patterns):
    """The tests of a suite whose `Class.method` matches one of the fnmatch `patterns`."""
    chosen = unittest.TestSuite()
    stack = [tests]
    while stack:
        item = stack.pop(0)
        if isinstance(item, unittest.TestSuite):
            stack[:0] = list(item)
        elif any(fnmatch.fnmatchcase(f"{type(item).__name__}.{item._testMethodName}", p) for p in patterns):
            chosen.addTest(item)
    return chosen


def read_metadata(path, notes):
    """submission_metadata.json as a dict (None without one; a note if it does not parse)."""
    if path is None or not Path(path).is_file():
        return None
    try:
        return json.loads(Path(path).read_text())
    except (OSError, ValueError) as e:
        notes.append(f"The submission's metadata could not be read ({e}); earlier submissions were not counted.")
        return None


def _raised_in(student_traceback, student_files):
    """The student file of the innermost frame of a traceback (worker._describe's), if any."""
    files = [notebook_file(f) for f in re.findall(r'File "([^"]+)", line \d+', student_traceback or "")]
    return files[-1] if files and files[-1] in student_files else None


def budget_seconds(limits):
    """The seconds tests may use: the submission's budget less a reserve for the results."""
    return limits.submission_seconds - min(60.0, 0.05 * limits.submission_seconds)


def timings_path(manifest):
    """The grader's cache of the reference's call times (never inside the workspace)."""
    return REPO / "build" / "call-timings" / (manifest.name.replace("/", "-") + ".json")


def _time_reference(test, limits, timed, reference, student):
    """Run `test` once on the reference (in this process), recording its calls' times."""
    saved = sys.stdout, sys.stderr
    sys.stdout = sys.stderr = io.StringIO()  # not the test's record
    metadata = testing.submission_metadata()
    testing.use(student=timed, reference=reference, fail_on_prints=False)
    seed_everything(getattr(test, "seed", 0))
    limits.begin(test.id(), record=True)
    try:
        # The same instance the suite runs next: Hypothesis refuses a test run by two
        # instances (its differing_executors health check failed the reference).
        test.run(unittest.TestResult())
    finally:
        limits.end()
        sys.stdout, sys.stderr = saved
        testing.use(student=student, reference=reference, fail_on_prints=False, metadata=metadata)
        function = getattr(type(test), test._testMethodName, None)
        if callable(function):  # gradescope_utils' set_score / set_leaderboard_value: the reference's
            vars(function).pop("__score__", None)
            vars(function).pop("__leaderboard_value__", None)


def _release(student, transport, ids):
    """Free the objects a test received, in the live worker (a dead one took its own along)."""
    live = sorted({i for i in ids if i > transport.generation * HANDLE_SPAN})
    if live and transport.proc is not None and transport.clock() < transport.budget_end:
        try:
            student.release(live)
        except (WorkerFailure, StudentError):
            pass  # the next test starts a fresh worker if this one died


def _budget_reason(transport):
    return f"time budget for the whole submission ({transport.limits.submission_seconds:g} s) was spent"


def intake_records(taken, workspace):
    """Visible entries for refused entries and missing files (no points of their own).

    A missing file the starter code has (a module) was graded in its starter version; one it
    does not have (a training log, a plot the run makes) fails what reads it."""
    records = [results.TestRecord(name="Submission: a file was refused", weight=0.0, failed=True,
                                  message=problem, visibility="visible") for problem in taken.problems]
    for rel in taken.missing:
        why = f"{rel} was refused ({taken.refused[rel]})" if rel in taken.refused else f"{rel} is not in your submission"
        then = (", so the starter code's version was graded: its tests fail." if (Path(workspace) / rel).exists()
                else ": the tests that read it fail.")
        records.append(results.TestRecord(name=f"Submission: {rel} is missing", weight=0.0, failed=True,
                                          message=why + then, visibility="visible"))
    return records


def note_refused(tests, refused):
    """A failed test whose message names a refused file (a checkpoint) says why it was refused."""
    for record in tests:
        for rel, why in refused.items():
            if record.failed and rel in record.message:
                record.notes.append(f"{rel} in your submission was refused ({why}), so this test ran without it.")


def finding_record(finding):
    return results.TestRecord(name=f"Static check ({finding.kind}): {finding.where}", weight=0.0, failed=True,
                              message=finding.message, visibility="visible")


def data_files(manifest):
    """(host file or folder, path in the workspace) for the data the student's code reads."""
    pairs = []
    for rel in manifest.data:
        source = Path(manifest.root) / rel
        if not source.exists():
            raise EngineFailure(f"data file {source} is missing (run `make data`)")
        pairs.append((source, rel))
    return pairs


def secret_paths(manifest, log_dir):
    """What user mode makes unreadable to the worker account: the top folders holding the
    tests and solutions and, when grading from the repository, every top-level entry of it
    (.git's objects hold the private tests too) but those the worker's Python lives in or
    its scratch is under (the worker's own files are staged outside the repository)."""
    paths = set()
    for path in (manifest.public_tests, manifest.private_tests, manifest.root):
        path = Path(path).resolve()
        paths.add(REPO / path.relative_to(REPO).parts[0] if path.is_relative_to(REPO)
                  else path)
    if any(p in paths for p in REPO.iterdir()):
        needed = [Path(p).resolve() for p in (*sandboxes._python_roots(), tempfile.gettempdir())]
        paths.update(entry for entry in REPO.iterdir()
                     if not any(n == entry or n.is_relative_to(entry) for n in needed))
    if log_dir is not None:
        paths.add(Path(log_dir))
    return sorted(paths)


def _forget_modules(root):
    """Drop the reference's modules from this process, so a later grading imports afresh."""
    root = str(Path(root).resolve())
    for name, module in list(sys.modules.items()):
        if (getattr(module, "__file__", None) or "").startswith(root + os.sep):
            del sys.modules[name]
    while root in sys.path:
        sys.path.remove(root)
