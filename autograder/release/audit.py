"""The release audit: a gate before any student zip is written, and part of `make test`.

- every rendered skeleton file parses, the student modules import, and every public test
  fails on the skeleton with NotImplementedError (never a collection error or a crash);
  a notebook opens, parses in every code cell and carries no outputs, execution counts or
  attachments, and its cells, outputs and attachments are scanned for leaks like a module;
- every public and private test passes on the reference solution;
- no solution-only line, private test, reference checkpoint, hidden label or marked
  solution file appears anywhere in the zip;
- a shipped test file defines only test cases and the helpers the manifest's
  `[release] test_helpers` lists (a fixture loader, a comparison): a reference forward
  beside the public tests would hand students their own work.

The secret scans read only the files a release ships (plus the private tests, checkpoints
and labels they compare with), never the assignment's data.
"""

import ast
import base64
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import nbformat

from autograder import manifest as manifests
from autograder.authoring.notebook import is_notebook_source
from autograder.authoring.render import has_markers, render, solution_only_lines
from autograder.authoring.tree import source_files
from autograder.manifest import REPO
from autograder.worker import notebook

MIN_SECRET_LINE = 12  # shorter solution lines (`pass`, `return out`) reveal nothing


class AuditError(Exception):
    """The release would ship something broken or secret; the message lists every finding."""


def check_release(manifest, student_tree):
    """Audit one staged student tree (skeleton + tests/ + harness), before it is zipped."""
    problems = check_student_tree(manifest, student_tree) + check_solution_passes(manifest)
    if problems:
        raise AuditError(f"release audit failed for {manifest.name}:\n- " + "\n- ".join(problems))


def check_student_tree(manifest, student_tree):
    """Parse, import, and run the public tests on a copy of the tree (with the data a
    student's get_data script would fetch), as a student would after unpacking."""
    problems = check_parses(student_tree) + check_test_helpers(manifest, Path(student_tree) / "tests")
    with tempfile.TemporaryDirectory() as tmp:
        tree = Path(tmp) / "student"
        shutil.copytree(student_tree, tree)
        for rel in manifest.data:
            if (manifest.root / rel).exists():
                (tree / rel).parent.mkdir(parents=True, exist_ok=True)
                (tree / rel).symlink_to(manifest.root / rel)
        problems += check_imports(manifest, tree)
        return problems or check_skeleton_fails(manifest, tree)


def check_parses(tree):
    """Every module parses; every notebook opens, validates, carries nothing of a run (no
    outputs, execution counts or attachments) and parses in every code cell."""
    problems = []
    for path in sorted(Path(tree).rglob("*.py")):
        try:
            ast.parse(path.read_bytes(), filename=str(path))
        except SyntaxError as e:
            problems.append(f"{path.relative_to(tree)}:{e.lineno}: does not parse: {e.msg}")
    for path in sorted(Path(tree).rglob("*.ipynb")):
        rel = path.relative_to(tree)
        try:
            nb = nbformat.read(path, as_version=4)
            nbformat.validate(nb)
        except Exception as e:
            problems.append(f"{rel}: does not open as a notebook: {e}")
            continue
        problems += [f"{rel}: {p}" for p in run_leftovers(nb)]
        for number, code, _tags in notebook.code_cells(path):
            try:
                ast.parse(code)
            except SyntaxError as e:
                problems.append(f"{rel} cell {number} line {e.lineno}: does not parse: {e.msg}")
    return problems


def run_leftovers(nb):
    """What of a run a released notebook must not carry: outputs, counts, attachments."""
    found = []
    for number, cell in enumerate(nb.cells, 1):
        if cell.get("outputs"):
            found.append(f"cell {number} has outputs")
        if cell.get("execution_count") is not None:
            found.append(f"cell {number} has an execution count")
        if cell.get("attachments"):
            found.append(f"cell {number} has attachments")
    return found


def notebook_texts(data):
    """Every text a notebook holds (cell sources, outputs, attachments), for the leak scan."""
    nb = nbformat.reads(data.decode("utf-8"), as_version=4)
    texts = []
    for cell in nb.cells:
        texts.append(cell.get("source", ""))
        for output in cell.get("outputs", []):
            texts.append(output.get("text", ""))
            texts += [str(v) for v in output.get("data", {}).values()]
            texts += output.get("traceback", [])
        for bundle in (cell.get("attachments") or {}).values():
            for mime, value in bundle.items():
                texts.append(_decoded(value) if not mime.startswith("text/") else str(value))
    return ["".join(t) if isinstance(t, list) else str(t) for t in texts]


def _decoded(value):
    try:
        return base64.b64decode(value).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return ""


# Methods unittest calls itself: part of a test case, like the test_* methods.
TEST_CASE_METHODS = ("setUp", "tearDown", "setUpClass", "tearDownClass", "asyncSetUp", "asyncTearDown")


def check_test_helpers(manifest, tests_dir):
    """Every function or class a shipped test file defines is a test case (a TestCase class
    with test*/setUp/tearDown methods) or listed in `[release] test_helpers` (by name:
    "load_fixture", or "TestConv.make_conv" for a method); a helper module counts too."""
    tests_dir = Path(tests_dir)
    allowed = set(manifest.test_helpers)
    problems = []
    for path in sorted(tests_dir.rglob("*.py")):
        try:
            tree = ast.parse(path.read_bytes(), filename=str(path))
        except SyntaxError:
            continue  # check_parses reports it
        rel = f"{tests_dir.name}/{path.relative_to(tests_dir).as_posix()}"
        for qualname, lineno in _definitions(tree.body, set()):
            if qualname not in allowed:
                problems.append(f"{rel}:{lineno}: {qualname} is neither a test case nor a helper listed in "
                                f"[release] test_helpers of solutions/{manifest.name}/assignment.toml")
    return problems


def _definitions(body, test_classes, prefix=""):
    """(qualified name, line) of each definition in `body` that is not part of a test case;
    a listed class or function covers what it holds."""
    for node in body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            if not (prefix and (node.name.startswith("test") or node.name in TEST_CASE_METHODS)):
                yield prefix + node.name, node.lineno
        elif isinstance(node, ast.ClassDef):
            bases = {b.attr if isinstance(b, ast.Attribute) else getattr(b, "id", "") for b in node.bases}
            if not prefix and any(b.endswith("TestCase") or b in test_classes for b in bases):
                test_classes.add(node.name)
                yield from _definitions(node.body, test_classes, node.name + ".")
            else:
                yield prefix + node.name, node.lineno
        elif isinstance(node, (ast.Assign, ast.AnnAssign)) and isinstance(node.value, ast.Lambda):
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    yield prefix + target.id, node.lineno
        elif isinstance(node, (ast.If, ast.Try, ast.With, ast.For, ast.While)):
            inner = [*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", [])]
            inner += [n for handler in getattr(node, "handlers", []) for n in handler.body]
            yield from _definitions(inner, test_classes, prefix)


def check_imports(manifest, tree):
    """Each student module imports cleanly (in a fresh interpreter, from the tree)."""
    modules = [f[:-3].replace("/", ".").removesuffix(".__init__") for f in manifest.student_files if f.endswith(".py")]
    modules += [n.module for n in manifest.notebooks]
    code = ("import importlib, sys\nfrom autograder.worker import notebook\nnotebook.install()\n"
            "for m in sys.argv[1:]:\n    importlib.import_module(m)\n")
    proc = subprocess.run(
        [sys.executable, "-c", code, *modules], cwd=tree, capture_output=True, text=True,
        env=_env(tree), timeout=300,
    )
    if proc.returncode != 0:
        return [f"the skeleton does not import: {proc.stderr.strip().splitlines()[-1]}"]
    return []


def check_skeleton_fails(manifest, tree):
    """Every public test must fail on the skeleton, and with NotImplementedError."""
    outcomes = run_suite([Path(tree) / "tests"], student=tree)
    if not outcomes:
        return ["no public tests were collected on the skeleton"]
    return [
        f"public test {test_id} {outcome} on the skeleton with {exception}, not NotImplementedError"
        for test_id, (outcome, exception) in sorted(outcomes.items())
        if exception != "NotImplementedError"
    ]


def check_solution_passes(manifest):
    dirs = [d for d in (manifest.public_tests, manifest.private_tests) if d.is_dir()]
    outcomes = run_suite(dirs, student=manifest.root, reference=manifest.root)
    return [
        f"{test_id} {outcome} on the reference solution ({exception})"
        for test_id, (outcome, exception) in sorted(outcomes.items())
        if outcome not in ("passed", "skipped")
    ]


def run_suite(test_dirs, *, student, reference=None):
    """Run tests in a fresh interpreter (student modules of assignments share names)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "outcomes.json"
        cmd = [sys.executable, "-m", "autograder.harness.suite", "--student", str(student), "--out", str(out)]
        if reference:
            cmd += ["--reference", str(reference)]
        proc = subprocess.run(cmd + [str(d) for d in test_dirs], capture_output=True, text=True,
                              env=_env(REPO), cwd=REPO, timeout=3600)
        if proc.returncode != 0 or not out.exists():
            raise AuditError(f"the test run crashed ({' '.join(map(str, test_dirs))}):\n{proc.stderr[-3000:]}")
        return {k: tuple(v) for k, v in json.loads(out.read_text()).items()}


def check_zip(names, zip_path):
    """Nothing secret in the zip: solution-only lines, private tests, checkpoints, labels."""
    secrets = _secret_lines(names)
    secret_hashes = _secret_hashes(names)
    problems = []
    with zipfile.ZipFile(zip_path) as zf:
        for info in zf.infolist():
            data = zf.read(info)
            if "private_tests" in info.filename:
                problems.append(f"{info.filename}: a private test path is in the zip")
            if hashlib.sha256(data).hexdigest() in secret_hashes:
                problems.append(f"{info.filename}: identical to {secret_hashes[hashlib.sha256(data).hexdigest()]}")
            try:
                texts = notebook_texts(data) if info.filename.endswith(".ipynb") else [data.decode("utf-8")]
            except UnicodeDecodeError:
                continue
            except Exception as e:  # a notebook that does not open: check_parses names it
                problems.append(f"{info.filename}: does not open as a notebook ({e})")
                continue
            for number, line in enumerate((line for text in texts for line in text.splitlines()), 1):
                if line.strip() in secrets or line.strip().lstrip("#").strip() in secrets:
                    problems.append(f"{info.filename}:{number}: solution code leaked: {line.strip()[:80]!r}")
    if problems:
        raise AuditError(f"{Path(zip_path).name} would leak:\n- " + "\n- ".join(problems))


def _secret_lines(names):
    """Solution-only lines of every marked file, minus lines the student files also hold
    (only the files a release ships are read: never the data)."""
    secrets, public = set(), set()
    for name in names:
        m = manifests.load(name)
        for rel in source_files(m):
            try:
                text = (m.root / rel).read_text()
            except (UnicodeDecodeError, OSError):
                continue
            if has_markers(text):
                secrets.update(line for line in solution_only_lines(text) if len(line) >= MIN_SECRET_LINE)
                public.update(line.strip() for line in render(text, solution=False).splitlines())
            else:
                public.update(line.strip() for line in text.splitlines())
            if is_notebook_source(rel):  # a markdown cell's "# text" is "text" in the notebook
                secrets.update({s.lstrip("#").strip() for s in secrets} - {""})
                public.update({p.lstrip("#").strip() for p in public})
    return {s for s in secrets - public if len(s) >= MIN_SECRET_LINE}


def _secret_hashes(names):
    """sha256 -> description of every file that must never ship (of the solution tree, only
    the shipped sources are read for markers: never the data)."""
    hashes = {}
    for name in names:
        m = manifests.load(name)
        sources = [("private test file", p) for d in (m.private_tests,) if d.is_dir() for p in d.rglob("*")]
        sources += [("reference checkpoint", p) for p in m.root.rglob("*.pth")]
        sources += [("the hidden labels", m.root / rel) for rel in m.hidden_labels]
        for path in (m.root / rel for rel in source_files(m)):
            if path.suffix in (".py", ".yaml", ".yml", ".sh", ".md"):
                try:
                    if has_markers(path.read_text()):
                        sources.append(("a marked solution file", path))
                except UnicodeDecodeError:
                    pass
        for what, path in sources:
            if path.is_file():
                hashes[hashlib.sha256(path.read_bytes()).hexdigest()] = f"{what} ({path.relative_to(REPO)})"
        # A private file identical to a public one (a shared allowed_output.txt) is public.
        for path in m.public_tests.rglob("*"):
            if path.is_file():
                hashes.pop(hashlib.sha256(path.read_bytes()).hexdigest(), None)
    return hashes


def _env(root):
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(root), str(REPO)])
    env.setdefault("MPLBACKEND", "Agg")
    for key in ("KIT_STUDENT_ROOT", "KIT_REFERENCE_ROOT"):
        env.pop(key, None)
    return env
