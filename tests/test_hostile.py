"""Hostile submissions to A1 and to the notebook of A5, graded for real: does the sandbox
hold, is the verdict right?

Each case is a folder tests/fixtures/submissions/a1_mnist/<case>/ (or .../a5_lenet_resnet_101/<case>/:
cells appended to the reference notebook's source, see NOTEBOOK_ASSIGNMENT) holding, for each student
file it attacks, only the attack (after a marker line: the test appends it to the
rendered reference file, so it runs after, and may replace, the reference's code), and
expected.json, the verdict written before the case first ran:

    attack       what the hostile code does; built so that a successful attack would
                 earn the points it is denied (garbage answers, unless the attack works)
    modes        sandbox modes to grade in: bwrap, user, none, or "strongest" (the first
                 this host can run); a mode the host cannot run is skipped with the reason
    verdict      zero: tests that must score 0 (a test method name, or Class.method;
                 fnmatch patterns); full: "others" (every other test that ran, except
                 `free`) or a list; messages: {test: substring of its output};
                 all_zero; output: substring of the top-level output; entries: substrings
                 of the names of entries that must exist; refused: substring
                 of a refused-entry message; absent: text no part of the results may hold
    by_mode      {mode: verdict} in place of `verdict` in that mode: the secrecy probes
                 must breach with --sandbox none, proof that they really test the boundary
    via          "cli" to grade through `autograder grade --out` (results-file attacks)
    format       "zip" to hand the submission in as a zip (zip_entries: extra entries)
    symlinks     {path: target} made as symbolic links in the submission
    limits       manifest limits to use instead of A1's (a short call limit, say)
    extra_tests  tests to run beyond the fast set below
    survivors    no process the attack started may outlive the grading
    listener     the test serves a TCP port and an abstract unix socket; a connection
                 must arrive only where the verdict says the probe breaches
    max_results_bytes  how big results.json may get
    import_penalty  the manifest's imports.penalty to grade with (default "warn", see below;
                 the import-rule cases use A1's own, "fail-use")
    import_errors  the manifest's import_errors.policy to grade with (default: A1's own, "zero")
    known_failure  an engine bug this case exposes (a reason, or {mode: reason}): the
                 case is an expected failure there (strict: once fixed, drop the key)

The attack code may hold placeholders filled in per grading: __KIT_OUT__ (the results
path), __KIT_REPO__ (this repository), __KIT_PORT__ (the test's TCP port), __KIT_MARK__
(a random number naming what the attack starts), __KIT_TMP__ (the grader's scratch).

What stays fixed, so the verdict comes from the sandbox and the parent alone:
- only the fast test files of A1 run (FAST_TESTS, plus a case's extra_tests); A1's
  full suite trains on MNIST for minutes, and no attack here needs it;
- imports are graded with penalty "warn" (unless the case says otherwise): no forbidden
  module is refused at run time, so the verdict shows whether the sandbox itself holds
  (an import finding is a note that costs nothing:
  test_static_import_findings_cost_nothing_unless_forbidden);
- the skeleton is rendered from solutions/ into a scratch folder (what skeletons/ holds).
"""

import contextlib
import dataclasses
import fnmatch
import importlib.util
import json
import os
import secrets
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import threading
import time
import unittest
import zipfile
from pathlib import Path

import jsonschema
import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from autograder import cli, manifest  # noqa: E402
from autograder.authoring.notebook import render_notebook  # noqa: E402
from autograder.authoring.render import render  # noqa: E402
from autograder.grading import results as results_file  # noqa: E402
from autograder.grading import runner  # noqa: E402
from autograder.harness import suite  # noqa: E402
from autograder.sandbox import modes as sandboxes  # noqa: E402

sys.path.insert(0, str(REPO / "tests"))
from results_check import assert_valid_results  # noqa: E402

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "submissions"
ASSIGNMENT = "a1_mnist"  # a case "name" attacks A1; "a5_lenet_resnet_101:name" the notebook assignment
CASES_DIR = FIXTURES / ASSIGNMENT
# Notebook cases: the fixture file is named as the notebook's source (assignment2.nb.py) and
# holds percent-format cells appended to the reference's; expected.json's "outputs" adds
# outputs to cells of the rendered notebook ({cell number from 1, or -1 for the last: [outputs]}).
NOTEBOOK_ASSIGNMENT = "a5_lenet_resnet_101"
SCHEMA = json.loads((REPO / "autograder" / "grading" / "results_schema.json").read_text())
MARKER = "# ==== HOSTILE TEST FIXTURE: everything below this line is the attack ===="
# The tests every case runs (Class.method patterns): A1's tests of single functions and
# small models, public and hidden. Left out: loading and training on MNIST (minutes) and
# TwoLayerNet's hidden gradient checks (the slowest of the rest; no case needs them).
FAST_TESTS = {ASSIGNMENT: ("TestActivation.*", "TestLoss.*", "TestNetwork.*", "TestSGD.*", "TestBaseNetworkHidden.*",
                           "TestSoftmaxRegressionHidden.*", "TestOptimizerHidden.*"),
              # The notebook's LeNet-5 tests, public and hidden: no case needs ResNet-18's or the checkpoints'.
              NOTEBOOK_ASSIGNMENT: ("TestLeNet5.*", "TestLeNet5Hidden.*")}
# Cases that take several seconds each (time limits, bombs, floods, walks of /).
SLOW_CASES = ("infinite-loop", "fork-bomb", "spawn-bomb", "output-flood", "walk-for-secrets",
              "lingering-child", "lingering-thread", "diverging-sgd")
# Cases graded by a test of their own, not by test_hostile_submission.
OWN_TEST = ("sandwich-poison", "checkpoint-malicious-pickle", "sigmoid-dev-hang", "shared-folder-plant",
            "shared-folder-probe")  # the last: test_call_limits.py


def split(case):
    """'name' -> (A1, 'name'); 'a5_lenet_resnet_101:name' -> (that assignment, 'name')."""
    name, _, rest = case.partition(":")
    return (name, rest) if rest else (ASSIGNMENT, case)


def case_dir(case):
    name, folder = split(case)
    return FIXTURES / name / folder


def load_case(case):
    return json.loads((case_dir(case) / "expected.json").read_text())


def case_names():
    names = sorted(p.name for p in CASES_DIR.iterdir() if (p / "expected.json").is_file())
    notebooks = FIXTURES / NOTEBOOK_ASSIGNMENT
    if notebooks.is_dir() and NOTEBOOK_ASSIGNMENT in manifest.all_names():
        names += sorted(f"{NOTEBOOK_ASSIGNMENT}:{p.name}" for p in notebooks.iterdir() if (p / "expected.json").is_file())
    return names


# -- sandbox modes ------------------------------------------------------------------------

def choose(mode):
    return sandboxes.choose(mode)


def available(mode):
    """'' if this host can grade in `mode`, else why not."""
    try:
        choose(mode)
        return ""
    except sandboxes.SandboxUnavailable as e:
        return str(e)


def strongest():
    return next((m for m in sandboxes.MODES if not available(m)), "none")


def case_params():
    params = []
    for case in case_names():
        if case in OWN_TEST:
            continue
        spec = load_case(case)
        modes = [strongest() if m == "strongest" else m for m in spec["modes"]]
        for mode in dict.fromkeys(modes):
            marks = [pytest.mark.slow] if case in SLOW_CASES else []
            known = spec.get("known_failure", {})
            known = known.get(mode) if isinstance(known, dict) else known
            if known:
                marks.append(pytest.mark.xfail(strict=True, reason=known))
            why = available(mode)
            if why:
                marks.append(pytest.mark.skip(reason=f"sandbox {mode} unavailable here: {why}"))
            if split(case)[0] != ASSIGNMENT and importlib.util.find_spec("torch") is None:
                marks.append(pytest.mark.skip(reason="the notebook assignment needs torch"))
            params.append(pytest.param(case, mode, id=f"{case}-{mode}", marks=marks))
    return params


# -- the assignment as graded here ---------------------------------------------------------

class _Assignment(manifest.Manifest):
    """The manifest with the skeleton rendered into scratch (skeletons/ may be stale or absent)."""

    skeleton_roots = {}

    @property
    def skeleton(self):
        return self.skeleton_roots[self.name]


def assignment(limits=None, import_penalty="warn", import_errors=None, name=ASSIGNMENT):
    real = manifest.load(name)
    fields = {f.name: getattr(real, f.name) for f in dataclasses.fields(real)}
    fields["import_penalty"] = import_penalty
    if import_errors:
        fields["import_error_policy"] = import_errors
    if limits:
        fields["limits"] = dataclasses.replace(real.limits, **limits)
    return _Assignment(**fields)


def _openblas():
    """(set, get) of the OpenBLAS NumPy loaded in this process, or None."""
    import ctypes

    import numpy  # noqa: F401  (loads the library)

    with open("/proc/self/maps") as f:
        paths = {line.split()[-1] for line in f if "openblas" in line and line.rstrip().endswith(".so")}
    for path in paths:
        lib = ctypes.CDLL(path)
        for prefix, suffix in (("scipy_openblas", "64_"), ("openblas", "64_"), ("openblas", "")):
            try:
                return getattr(lib, f"{prefix}_set_num_threads{suffix}"), getattr(lib, f"{prefix}_get_num_threads{suffix}")
            except AttributeError:
                continue
    return None


@pytest.fixture(scope="module")
def scratch():
    """The grader's scratch parent for this module: /tmp/kit-hostile-*, passable (0711) by a worker account.

    The grader's own NumPy runs single-threaded meanwhile: the private tests' reference
    computations are small, and on a busy 2-core machine OpenBLAS threads spinning for
    them made each grading 5 times slower.
    """
    from autograder.release import student_zip as release

    blas = _openblas()
    threads = blas[1]() if blas else None
    if blas:
        blas[0](1)
    root = Path(tempfile.mkdtemp(prefix="kit-hostile-"))
    root.chmod(0o711)
    for name in (ASSIGNMENT, NOTEBOOK_ASSIGNMENT):
        if name not in manifest.all_names():
            continue
        skeleton = root / "skeleton" / name
        release.render_skeleton(manifest.load(name), skeleton)
        _Assignment.skeleton_roots[name] = skeleton
    yield root
    shutil.rmtree(root, ignore_errors=True)
    if blas:
        blas[0](threads)


# -- which tests run -------------------------------------------------------------------------

def _flatten(tests):
    for test in tests:
        if isinstance(test, unittest.TestSuite):
            yield from _flatten(test)
        else:
            yield test


def key_of(test):
    return f"{type(test).__name__}.{test._testMethodName}"


@contextlib.contextmanager
def selected_tests(extra=(), name=ASSIGNMENT):
    """Run only FAST_TESTS[name] and `extra` (patterns); yields {number: Class.method} of those run."""
    original = suite.load_suite
    ran = {}

    def load(dirs):
        chosen = unittest.TestSuite()
        for test in _flatten(original(dirs)):
            key = key_of(test)
            if any(fnmatch.fnmatch(key, p) for p in (*FAST_TESTS[name], *extra)):
                number = getattr(getattr(test, test._testMethodName, None), "__number__", None)
                if number in ran:
                    raise AssertionError(f"two tests carry the number {number}: {ran[number]}, {key}")
                ran[number] = key
                chosen.addTest(test)
        return chosen

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(suite, "load_suite", load)
        yield ran


# -- building a submission -------------------------------------------------------------------

def placeholders(scratch_root, out):
    return {"__KIT_OUT__": str(out), "__KIT_REPO__": str(REPO), "__KIT_PORT__": "0",
            "__KIT_MARK__": new_mark(), "__KIT_TMP__": str(scratch_root)}


def new_mark():
    """A 9-digit number naming what one grading's attack starts. Not from `random`: the
    grader seeds `random` before every test, so its draws repeat from one grading to the next."""
    return str(secrets.randbelow(9 * 10**8) + 10**8)


def fill(text, values):
    for key, value in values.items():
        text = text.replace(key, value)
    return text


def submission_files(case, spec, values):
    """{relpath: bytes}: the reference's student files with the case's files over them (a
    notebook's attack is cells appended to its source, then rendered)."""
    real = manifest.load(split(case)[0])
    folder = case_dir(case)
    files = {}
    for rel in real.student_files:
        notebook = real.notebook(rel)
        source = notebook.source if notebook else rel
        text = (real.root / source).read_text()
        if (folder / source).is_file():  # a fixture file holds only the attack; it runs after the reference's code
            text += "\n\n" + fill((folder / source).read_text(), values)
        if notebook is None:
            files[rel] = render(text, solution=True).encode()
        else:
            files[rel] = with_outputs(render_notebook(text, solution=True), spec.get("outputs", {}), values).encode()
    return files


def with_outputs(notebook_text, outputs, values):
    """The rendered notebook with outputs put in cells, as a run in Jupyter leaves them."""
    if not outputs:
        return notebook_text
    nb = json.loads(notebook_text)
    for cell, cell_outputs in outputs.items():
        nb["cells"][int(cell) - 1 if int(cell) > 0 else int(cell)]["outputs"] = json.loads(fill(json.dumps(cell_outputs),
                                                                                                  values))
    return json.dumps(nb)


def build_submission(case, spec, where, values):
    """The case as the student hands it in: a folder, or a zip built here (entries inspected by intake)."""
    files = submission_files(case, spec, values)
    links = spec.get("symlinks", {})
    if spec.get("format") == "zip":
        path = where / f"{case}.zip"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
            for rel, data in files.items():
                if rel not in links:
                    zf.writestr(rel, data)
            for rel, target in links.items():
                info = zipfile.ZipInfo(rel)
                info.create_system = 3  # unix: external_attr holds st_mode
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
                zf.writestr(info, target)
            for name, source in spec.get("zip_entries", {}).items():
                zf.writestr(fill(name, values), (case_dir(case) / source).read_bytes())
        return path
    path = where / case
    for rel, data in files.items():
        target = path / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if rel in links:
            target.symlink_to(links[rel])
        else:
            target.write_bytes(data)
    return path


# -- grading -----------------------------------------------------------------------------------

def grade(case, spec, mode, scratch_root, values, *, import_penalty="warn", settle=True):
    """Grade the case in `mode` -> (results, {number: Class.method} of the tests run).

    settle: afterwards, wait for the processes of the worker account to be gone (zombies
    included), so that one case cannot hit the next one's process limit
    (test_process_limit_is_whole_for_the_next_grading shows why that wait is needed).
    """
    name = split(case)[0]
    work = Path(tempfile.mkdtemp(prefix=f"{split(case)[1]}-", dir=scratch_root))
    submission = build_submission(case, spec, work, values)
    view = assignment(spec.get("limits"), import_penalty, spec.get("import_errors"), name=name)
    with selected_tests(spec.get("extra_tests", ()), name) as ran, pytest.MonkeyPatch.context() as mp:
        mp.setattr(tempfile, "tempdir", str(scratch_root))  # the grader's scratch: runner's TemporaryDirectory
        mp.chdir(REPO)  # as `make grade` runs it
        if spec.get("via") == "cli":
            load = manifest.load
            mp.setattr(manifest, "load", lambda wanted: view if wanted == name else load(wanted))
            status = cli.main(["grade", "--assignment", name, "--submission", str(submission),
                               "--out", values["__KIT_OUT__"], "--sandbox", mode])
            assert status == 0, f"autograder grade exited with status {status}"
            results = assert_valid_results(values["__KIT_OUT__"])
        else:
            results = assert_valid_results(results_file.write(work / "results.json",
                                                              runner.grade(view, submission, sandbox=mode)))
    if settle:
        wait_for_account(mode)
    jsonschema.validate(results, SCHEMA)
    assert results["extra_data"]["sandbox"] == mode, results.get("extra_data")
    return results, ran


def account_processes(mode):
    """Pids of the processes (zombies too) of the account `mode` runs workers as."""
    account = choose(mode).account
    if not account:
        return []
    pids = []
    for entry in os.scandir("/proc"):
        try:
            if entry.name.isdigit() and entry.stat().st_uid == account[0]:
                pids.append(int(entry.name))
        except OSError:
            pass
    return pids


def wait_for_account(mode, seconds=5.0):
    end = time.monotonic() + seconds
    while account_processes(mode) and time.monotonic() < end:
        time.sleep(0.1)


def verdict_problems(results, ran, verdict):
    """Every way `results` departs from `verdict` (empty when it holds)."""
    by_key = {}
    for entry in results["tests"]:
        if entry.get("number") in ran:
            by_key[ran[entry["number"]]] = entry
    problems = [f"{key}: no entry in results.json" for key in sorted(set(ran.values()) - set(by_key))]
    if problems:
        details = [t.get("output", "") for t in results["tests"] if t["name"].startswith("Autograder error details")]
        return [f"the engine failed: {details[0][-1500:]}"] if details else problems
    keys = sorted(by_key)

    def matching(pattern):
        found = [k for k in keys if fnmatch.fnmatch(k, pattern) or fnmatch.fnmatch(k.split(".", 1)[1], pattern)]
        if not found:
            problems.append(f"{pattern}: the verdict names a test that did not run")
        return found

    def show(key):
        entry = by_key[key]
        return f"{key}: {entry['score']:g}/{entry['max_score']:g}, output: {entry.get('output', '')[:400]!r}"

    zero = {k for p in verdict.get("zero", []) for k in matching(p)}
    free = {k for p in verdict.get("free", []) for k in matching(p)}
    full = verdict.get("full", [])
    full = set(keys) - zero - free if full == "others" else {k for p in full for k in matching(p)}
    if verdict.get("all_zero"):
        zero, full = set(keys), set()
        if results["score"] != 0:
            problems.append(f"total score {results['score']}, expected 0")
    problems += [f"should score 0: {show(k)}" for k in sorted(zero) if by_key[k]["score"] != 0]
    problems += [f"should keep full marks: {show(k)}" for k in sorted(full)
                 if by_key[k]["score"] != by_key[k]["max_score"]]
    for pattern, text in verdict.get("messages", {}).items():
        problems += [f"output should contain {text!r}: {show(k)}" for k in matching(pattern)
                     if text not in by_key[k].get("output", "")]
    if "output" in verdict and verdict["output"] not in results["output"]:
        problems.append(f"top-level output should contain {verdict['output']!r}: {results['output'][:400]!r}")
    if "refused" in verdict:
        refusals = [t.get("output", "") for t in results["tests"] if t["name"].startswith("Submission: a file was refused")]
        if not any(verdict["refused"] in r for r in refusals):
            problems.append(f"no refused entry says {verdict['refused']!r}: {refusals}")
    for wanted in verdict.get("entries", []):  # an entry of its own (a notebook cell that raised)
        if not any(wanted in t["name"] for t in results["tests"]):
            problems.append(f"no entry named like {wanted!r}: {[t['name'] for t in results['tests']][:20]}")
    if "absent" in verdict and verdict["absent"] in json.dumps(results):
        problems.append(f"results.json holds {verdict['absent']!r}")
    return problems


def survivors(values):
    """Live processes whose command line carries this grading's mark (what the attack left)."""
    marks = {f"61.{values['__KIT_MARK__']}".encode(), f"kit-hostile-{values['__KIT_MARK__']}".encode()}
    found = []
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                    argv = f.read().split(b"\0")
            except OSError:
                continue
            if marks & set(argv):
                found.append(f"{entry.name}: {b' '.join(argv)[:80].decode(errors='replace')}")
    return found


class Listener:
    """A TCP port on 127.0.0.1 and an abstract unix socket; records every connection."""

    def __init__(self, mark):
        self.connections = []
        self.sockets = [socket.create_server(("127.0.0.1", 0))]
        unix = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        unix.bind(f"\0kit-hostile-{mark}")
        unix.listen()
        self.sockets.append(unix)
        self.port = self.sockets[0].getsockname()[1]
        for sock in self.sockets:
            sock.settimeout(0.2)
        self.running = True
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while self.running:
            for sock in self.sockets:
                try:
                    conn, address = sock.accept()
                except (TimeoutError, OSError):
                    continue
                self.connections.append((sock.family.name, address))
                conn.close()

    def close(self):
        self.running = False
        self.thread.join()
        for sock in self.sockets:
            sock.close()


# -- the cases -------------------------------------------------------------------------------------

@pytest.mark.parametrize(("case", "sandbox_mode"), case_params())
def test_hostile_submission(case, sandbox_mode, scratch):
    """Does the hostile submission get exactly the verdict written in its expected.json?"""
    mode = sandbox_mode  # (`mode` is the conftest's parameter over every mode)
    spec = load_case(case)
    out = Path(tempfile.mkdtemp(prefix="out-", dir=scratch)) / "results.json"
    values = placeholders(scratch, out)
    listener = Listener(values["__KIT_MARK__"]) if spec.get("listener") else None
    if listener:
        values["__KIT_PORT__"] = str(listener.port)
    try:
        results, ran = grade(case, spec, mode, scratch, values, import_penalty=spec.get("import_penalty", "warn"))
    finally:
        if listener:
            listener.close()
    verdict = spec.get("by_mode", {}).get(mode, spec["verdict"])
    problems = verdict_problems(results, ran, verdict)
    if spec.get("survivors"):
        left = survivors(values)
        if left:
            time.sleep(1)
            left = survivors(values)
        problems += [f"processes the attack started outlived the grading: {left}"] if left else []
    if spec.get("via") == "cli":
        time.sleep(1.0)  # give a surviving writer the time to strike
        final = json.loads(out.read_text())
        if final != results or "HOSTILE-FAKE" in out.read_text():
            problems.append(f"results.json changed after grading: {out.read_text()[:300]!r}")
    if listener:
        breach = mode in spec.get("by_mode", {})
        if breach and not listener.connections:
            problems.append("no connection reached the listener: the probe does not test the boundary")
        if not breach and listener.connections:
            problems.append(f"connections reached the listener from the sandbox: {listener.connections}")
    if "max_results_bytes" in spec and len(json.dumps(results)) > spec["max_results_bytes"]:
        problems.append(f"results.json is {len(json.dumps(results))} bytes")
    if "zip_entries" in spec:
        slipped = [str(p) for p in scratch.rglob("kit-hostile-slip-*")]
        slipped += [str(p) for p in Path(tempfile.gettempdir()).glob("kit-hostile-slip-*")]
        problems += [f"zip entries landed outside the workspace: {slipped}"] if slipped else []
    assert not problems, f"{case} in mode {mode}: {spec['attack']}\n" + "\n".join(problems)


def test_verdict_check_catches_each_kind_of_departure():
    """Does the verdict check itself fail where it should (so a passing case means something)?"""
    ran = {"1": "TestA.test_one", "2": "TestA.test_two", "3": "TestB.test_one"}
    results = {"score": 3.0, "output": "all good", "tests": [
        {"name": "one", "number": "1", "score": 1.0, "max_score": 1.0, "status": "passed"},
        {"name": "two", "number": "2", "score": 0.0, "max_score": 2.0, "status": "failed", "output": "it broke"},
        {"name": "three", "number": "3", "score": 2.0, "max_score": 2.0, "status": "passed"},
        {"name": "Submission: a file was refused", "score": 0.0, "max_score": 0.0, "status": "failed",
         "output": "x.py: refused: symbolic link"}]}
    assert verdict_problems(results, ran, {"zero": ["test_two"], "full": "others",
                                           "messages": {"test_two": "broke"}, "refused": "symbolic link"}) == []
    wrong = [
        {"zero": ["TestA.test_one"]},                       # scored, should be 0
        {"zero": [], "full": "others"},                     # test_two lost points
        {"zero": ["test_two"], "messages": {"test_two": "exited"}},
        {"zero": ["test_three"]},                           # names no test that ran
        {"all_zero": True},
        {"output": "printed"},
        {"refused": "'..' in the path"},
        {"absent": "it broke"},
    ]
    for verdict in wrong:
        assert verdict_problems(results, ran, verdict), verdict
    assert verdict_problems(dict(results, tests=results["tests"][1:]), ran, {})  # an entry went missing


def test_survivor_scan_sees_a_marked_process():
    """Does the survivor scan find a process carrying a grading's mark?"""
    values = {"__KIT_MARK__": new_mark()}
    sleeper = subprocess.Popen(["sleep", f"61.{values['__KIT_MARK__']}"])
    try:
        deadline = time.monotonic() + 5  # the child may not have exec'd `sleep` yet
        while not survivors(values) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [int(s.split(":")[0]) for s in survivors(values)] == [sleeper.pid]
    finally:
        sleeper.kill()
        sleeper.wait()
    assert survivors(values) == []


def outcomes(results):
    """What must not change between two gradings of the same code."""
    return [(t["name"], t.get("number"), t.get("score"), t.get("max_score"), t["status"], t.get("output"))
            for t in results["tests"]] + [("total", results["score"])]


@pytest.mark.slow
def test_clean_hostile_clean_sandwich(scratch):
    """Graded between two gradings of the reference, in the same process and worker slot,
    does a poisoning submission leave the second clean result identical to the first?"""
    mode = strongest()
    clean = load_case("clean")
    hostile = load_case("sandwich-poison")
    values = placeholders(scratch, scratch / "unused.json")
    before, ran = grade("clean", clean, mode, scratch, values)
    assert not verdict_problems(before, ran, clean["verdict"])
    poisoned, ran = grade("sandwich-poison", hostile, mode, scratch, values)
    problems = verdict_problems(poisoned, ran, hostile["verdict"])
    after, _ = grade("clean", clean, mode, scratch, values)
    left = survivors(values)
    assert not problems, "\n".join(problems)
    assert outcomes(after) == outcomes(before)
    assert not left, f"the poisoning daemon outlived its grading: {left}"


def mode_params(modes):
    """`modes` as parameters, skipped with the reason where this host cannot run one."""
    return [pytest.param(m, marks=[pytest.mark.skip(reason=f"sandbox {m} unavailable here: {available(m)}")]
                         if available(m) else []) for m in modes]


@pytest.mark.parametrize("sandbox_mode", mode_params(("bwrap", "user", "none")))
def test_shared_folders_carry_nothing_to_the_next_grading(sandbox_mode, scratch):
    """A submission leaves files in /run/lock, /dev/shm, /tmp and /var/tmp; does the next
    one, graded in the same slot with the same mark, find none of them? (It must, with
    --sandbox none: proof that the probe tests the boundary.)"""
    mode = sandbox_mode
    values = placeholders(scratch, scratch / "unused.json")
    plant, probe = load_case("shared-folder-plant"), load_case("shared-folder-probe")
    left = [f"{folder}/kit-hostile-leftover-{values['__KIT_MARK__']}"
            for folder in ("/run/lock", "/dev/shm", "/tmp", "/var/tmp")]
    try:
        planted, ran = grade("shared-folder-plant", plant, mode, scratch, values)
        problems = verdict_problems(planted, ran, plant["verdict"])
        probed, ran = grade("shared-folder-probe", probe, mode, scratch, values)
        problems += verdict_problems(probed, ran, probe.get("by_mode", {}).get(mode, probe["verdict"]))
    finally:
        for path in left:
            with contextlib.suppress(OSError):
                os.unlink(path)
    assert not problems, "\n".join(problems)


ZOMBIES_COUNT = ("engine bug: Sandbox.kill returns while the killed processes of the worker account are still "
                 "zombies (reparented to init), and they count against the next worker's RLIMIT_NPROC; fix: in "
                 "kill(), wait until the account has no process left, or make the grader a child subreaper "
                 "(PR_SET_CHILD_SUBREAPER) and reap them itself")


def next_grading_params(modes):
    """`modes` as parameters: skipped where unavailable, expected to fail in user mode.

    (bwrap run as the worker account is spared: killing its pid namespace's init takes
    every process in it down at once.)
    """
    params = []
    for mode in modes:
        why = available(mode)
        marks = [pytest.mark.skip(reason=f"sandbox {mode} unavailable here: {why}")] if why else []
        if not why and mode == "user":
            marks.append(pytest.mark.xfail(strict=True, reason=ZOMBIES_COUNT))
        params.append(pytest.param(mode, marks=marks))
    return params


@pytest.mark.slow
@pytest.mark.parametrize("sandbox_mode", next_grading_params(("bwrap", "user")))
def test_process_limit_is_whole_for_the_next_grading(sandbox_mode, scratch):
    """Right after a fork bomb's grading, can the next submission in the same slot fork?

    The bomb's children, killed, stay zombies until init reaps them; in user mode they
    count against RLIMIT_NPROC of the worker account, so the next worker in that account
    cannot fork or start a thread (torch starts several).
    """
    mode = sandbox_mode
    values = placeholders(scratch, Path(tempfile.mkdtemp(prefix="out-", dir=scratch)) / "results.json")
    bomb = load_case("fork-bomb")
    grade("fork-bomb", bomb, mode, scratch, values, settle=False)
    forker = load_case("lingering-child")
    results, ran = grade("lingering-child", forker, mode, scratch, values, settle=False)
    wait_for_account(mode)
    assert not verdict_problems(results, ran, forker["verdict"])


def test_static_import_findings_cost_nothing_unless_forbidden(scratch):
    """With A1's real import penalty (fail-use), is the network attack's `import socket` (a
    module that cannot do the student's work) a visible note worth 0 points, with no test
    zeroed for it? (Under the old zero-file rule every test running the file scored 0.)"""
    spec = load_case("network")
    values = placeholders(scratch, scratch / "unused.json")
    results, ran = grade("network", spec, strongest(), scratch, values, import_penalty="fail-use")
    findings = [t for t in results["tests"] if t["name"].startswith("Static check (import)")]
    assert findings and any("socket" in t.get("output", "") for t in findings), results["tests"][:3]
    assert all(t["max_score"] == 0 for t in findings)
    problems = verdict_problems(results, ran, {"zero": ["test_relu_dev"], "full": "others"})
    assert not problems, "\n".join(problems)


MALICIOUS_CHECKPOINT = r"""
import os, sys, torch

class Payload:
    def __reduce__(self):
        return (os.system, ("touch " + sys.argv[2],))

torch.save({"W1": torch.zeros(2, 2), "payload": Payload()}, sys.argv[1])
try:
    torch.load(sys.argv[1], weights_only=True)
except Exception as e:
    print("refused:", type(e).__name__)
else:
    print("loaded")
"""


@pytest.mark.slow
def test_weights_only_load_refuses_malicious_pickle(tmp_path):
    """Does the torch pinned here refuse, with weights_only=True, a checkpoint whose pickle
    runs a command, without running it? (What the checkpoint loader must rely on.)"""
    pytest.importorskip("torch")
    marker = tmp_path / "payload-ran"
    run = subprocess.run([sys.executable, "-c", MALICIOUS_CHECKPOINT, str(tmp_path / "evil.pth"), str(marker)],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    assert run.stdout.startswith("refused:"), run.stdout
    assert not marker.exists()


def test_checkpoint_loader_refuses_malicious_pickle(tmp_path):
    """Is a student checkpoint whose pickle runs code refused by the engine's checkpoint
    loader, in the sandboxed worker, without running it (fixture checkpoint-malicious-pickle)?"""
    pytest.importorskip("torch")
    from autograder.harness.student import Student, StudentError
    from autograder.sandbox import modes as sandbox
    from autograder.sandbox import remote

    workspace = tmp_path / "workspace"
    (workspace / "checkpoints").mkdir(parents=True)
    (workspace / "tiny.py").write_text("import os\n\nimport torch.nn as nn\n\n\nclass Tiny(nn.Linear):\n"
                                       "    def __init__(self):\n        super().__init__(2, 2)\n\n\n"
                                       "def payload_ran():\n    return os.path.exists('payload-ran')\n")
    np.save(workspace / "images.npy", np.zeros((1, 1, 1, 2), dtype=np.uint8))
    # The payload writes "payload-ran" in the worker's working folder (its private scratch):
    # the worker itself is asked whether it is there.
    run = subprocess.run([sys.executable, "-c", MALICIOUS_CHECKPOINT, str(workspace / "checkpoints" / "tiny.pth"),
                          "payload-ran"], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    limits = manifest.Limits(call_seconds=120)
    box = sandbox.Sandbox(sandbox.choose("auto"), workspace, limits, tmp_path)
    box.prepare()
    transport = remote.RemoteTransport(box, limits)
    try:
        student = Student(transport)
        with pytest.raises(StudentError, match=r"could not be loaded with torch\.load\(weights_only=True\)"):
            student.predict("tiny.Tiny", "checkpoints/tiny.pth", "images.npy", max_mb=10, mean=[0.0], std=[1.0])
        assert student.call("tiny.payload_ran") is False
    finally:
        transport.close()
        box.close()


def test_fixtures_are_attacks_on_student_files():
    """Is every fixture file an attack on a student file of its assignment (a notebook's:
    on its source), with the marker line first?"""
    problems = []
    for case in case_names():
        spec = load_case(case)
        real = manifest.load(split(case)[0])
        attackable = {n.source if (n := real.notebook(rel)) else rel for rel in real.student_files}
        extras = set(spec.get("zip_entries", {}).values())
        for path in sorted(case_dir(case).rglob("*")):
            rel = path.relative_to(case_dir(case)).as_posix()
            if not path.is_file() or rel == "expected.json" or rel in extras or "__pycache__" in rel:
                continue
            if rel not in attackable:
                problems.append(f"{case}/{rel}: not a student file of {real.name}")
            elif not path.read_text().startswith(MARKER + "\n"):
                problems.append(f"{case}/{rel}: does not start with the marker line")
        unknown = set(spec) - {"attack", "modes", "via", "format", "limits", "extra_tests", "symlinks", "zip_entries",
                               "listener", "survivors", "max_results_bytes", "known_failure", "verdict", "by_mode",
                               "import_penalty", "import_errors", "outputs"}
        if unknown:
            problems.append(f"{case}/expected.json: unknown keys {sorted(unknown)}")
    assert not problems, "\n".join(problems)
