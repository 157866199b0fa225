"""Grade one submission: the trusted side, from a zip or folder to a results dict.

    results = grade(manifest, "submission.zip", sandbox="auto")

The steps, in order (each needs what the one before made):
1. intake: the workspace is the skeleton with the student's files over it (nothing runs);
2. static checks on the workspace (AST only): each finding is a visible entry;
3. sandbox: data files staged read-only, the worker-side engine copied beside them;
4. the public, then the private tests run here, in the grader, against a Student whose
   calls go to the sandboxed worker (and a local reference for private tests);
5. policies: the print policy, the import penalty;
6. the results, with the sandbox mode reported.
Tests, private tests, solutions, hidden data and the results path never leave this
process: the worker sees the workspace alone, and its argv and environment name none of
them. An exception in the engine itself yields the engine-failure result, never a crash.
"""

import os
import sys
import tempfile
import time
import traceback
from pathlib import Path

from autograder import intake, policies, results, static_checks, suite, testing
from autograder import sandbox as sandboxes
from autograder.remote import HANDLE_SPAN, EngineFailure, RemoteTransport, WorkerFailure
from autograder.student import Student, StudentError, local_student
from autograder.worker import seed_everything

ENGINE_REPO = Path(__file__).resolve().parent.parent


def grade(manifest, submission_path, *, sandbox="auto", log_dir=None):
    """Grade `submission_path` (zip or folder) -> the results.json object.

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
            return _Grading(manifest, mode, Path(scratch), log_dir, started, extra).run(Path(submission_path))
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

    def run(self, submission_path):
        manifest = self.manifest
        workspace = self.scratch / "workspace"
        taken = intake.prepare_workspace(submission_path, manifest, workspace)
        records = intake_records(taken)
        if taken.fatal:
            return self.results(records)
        findings = [f for f in static_checks.check_submission(workspace, manifest)
                    if not (f.kind == "missing" and f.file in taken.missing)]
        records += [finding_record(f) for f in findings]
        box = sandboxes.Sandbox(self.mode, workspace, manifest.limits, self.scratch, data=data_files(manifest))
        log = self.log_dir / "worker.log" if self.log_dir is not None else self.scratch / "worker.log"
        transport = RemoteTransport(box, manifest.limits, log_path=str(log))
        try:
            box.prepare()
            if self.mode.name == "user":
                sandboxes.protect(secret_paths(manifest, self.log_dir))
            tests, used = self.run_tests(transport)
        finally:
            transport.close()
            box.close()
        if transport.start_seconds:
            self.extra["worker_start_seconds"] = round(transport.start_seconds[0], 3)
            self.extra["worker_starts"] = len(transport.start_seconds)
        used_files = {i: policies.files_used(workspace, modules) for i, modules in used.items()}
        records += policies.apply_imports(tests, findings, used_files, manifest.import_penalty)
        return self.results(records + tests)

    def run_tests(self, transport):
        """Public then private tests, one Collector -> (records, {index: modules called})."""
        manifest = self.manifest
        student = Student(transport)
        testing.use(student=student, reference=local_student(str(manifest.root)), fail_on_prints=False)
        dirs = [d for d in (manifest.public_tests, manifest.private_tests) if Path(d).is_dir()]
        if not dirs:
            raise EngineFailure(f"no tests found in {manifest.public_tests} or {manifest.private_tests}")
        loaded = suite.load_suite(dirs)
        marks, violations, used = {}, {}, {}

        def on_start(test):
            marks[test.id()] = (len(student.output_log), len(transport.targets), len(transport.failures),
                                transport.clock() >= transport.budget_end, len(student.handles))
            seed_everything(getattr(test, "seed", 0))  # the test's own random inputs, here

        def on_stop(test, record):
            if transport.engine_error is not None:
                raise transport.engine_error  # out of the suite: the engine-failure result
            log0, target0, failure0, spent, handle0 = marks[test.id()]
            index = len(collector.records)
            failures = transport.failures[failure0:]
            if failures:
                record.failed = True
                record.message = (f"This test was not run: {_budget_reason(transport)}." if spent
                                  else failures[0].format_message())
            patterns = testing.allowed_output_patterns(os.path.dirname(sys.modules[type(test).__module__].__file__))
            found = [(call, line) for call, text, _ in student.output_log[log0:]
                     for line in testing.unexpected_output(text, patterns)]
            if found:
                violations[index] = found
            used[index] = transport.targets[target0:]
            _release(student, transport, student.handles[handle0:])

        collector = results.Collector(on_start=on_start, on_stop=on_stop)
        loaded.run(collector)
        tests = collector.records
        note = policies.apply_prints(tests, violations, manifest.print_policy)
        self.notes += [note] if note else []
        if transport.clock() >= transport.budget_end:
            self.notes.append(f"The {_budget_reason(transport)}; the tests after that point were not run.")
        return tests, used

    def results(self, records):
        return results.build(records, execution_time=time.monotonic() - self.started,
                             output="\n\n".join(self.notes), extra=self.extra)


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


def intake_records(taken):
    """Visible entries for refused entries and missing files (no points of their own)."""
    records = [results.TestRecord(name="Submission: a file was refused", weight=0.0, failed=True,
                                  message=problem, visibility="visible") for problem in taken.problems]
    records += [results.TestRecord(name=f"Submission: {rel} is missing", weight=0.0, failed=True,
                                   message=f"{rel} is not in your submission, so the starter code's "
                                           f"version was graded: its tests fail.", visibility="visible")
                for rel in taken.missing]
    return records


def finding_record(finding):
    where = f"{finding.file} line {finding.line}" if finding.line else finding.file
    return results.TestRecord(name=f"Static check ({finding.kind}): {where}", weight=0.0, failed=True,
                              message=finding.message, visibility="visible")


def data_files(manifest):
    """(host file, path in the workspace) for every data file the student's code reads."""
    pairs = []
    for rel in manifest.data:
        source = Path(manifest.root) / rel
        if source.is_dir():
            pairs += [(p, p.relative_to(manifest.root).as_posix()) for p in sorted(source.rglob("*")) if p.is_file()]
        elif source.is_file():
            pairs.append((source, rel))
        else:
            raise EngineFailure(f"data file {source} is missing (run `make data`)")
    return pairs


def secret_paths(manifest, log_dir):
    """What user mode makes unreadable to the worker account: the top folders holding them."""
    paths = set()
    for path in (manifest.public_tests, manifest.private_tests, manifest.root):
        path = Path(path).resolve()
        paths.add(ENGINE_REPO / path.relative_to(ENGINE_REPO).parts[0] if path.is_relative_to(ENGINE_REPO)
                  else path)
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
