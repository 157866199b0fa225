"""Gradescope autograder zips: dist/<assignment>-autograder.zip.

Gradescope unpacks the zip into /autograder/source, runs setup.sh once to build the image,
then run_autograder once per submission (as root, one container each). The zip holds:

    setup.sh          Ubuntu packages (bubblewrap, Python >= 3.11) and a venv from the pins:
                      what the zip's test files and engine files import (an AST scan,
                      mapped to constraints.txt; an import no pin covers fails the build)
                      plus the manifest's requirements (the graded code's own)
    run_autograder    locks the grader's folders, grades /autograder/submission, always
                      leaves a valid /autograder/results/results.json
    constraints.txt   the exact versions
    autograder/       the engine
    solutions/<a>/  skeletons/<a>/  public_tests/<a>/  private_tests/<a>/   this assignment only

Inside Docker, namespaces are usually refused, so the sandbox falls back to the separate
account: hence the venv lives outside /autograder (the worker account must run its
Python) and /autograder is made root-only before the worker starts. That also covers
submission_metadata.json, which holds earlier results, hidden tests included.
"""

import ast
import json
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

from autograder.errors import KitError
from autograder.grading import results
from autograder.manifest import REPO
from autograder.release import archive
from autograder.release import student_zip as release

ENGINE = REPO / "autograder"
VENV = "/opt/kit-venv"
# Import names whose distribution is named otherwise (the rest: the import name itself,
# or what the installed distributions say).
DISTRIBUTIONS = {"yaml": "PyYAML", "PIL": "pillow", "gradescope_utils": "gradescope-utils"}
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
SKIP = ("__pycache__", ".pytest_cache", ".hypothesis")

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, on Ubuntu, when it builds the autograder image.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SOURCE=/autograder/source
apt-get update -qq
apt-get install -y -qq bubblewrap python3 python3-venv python3-pip
PYTHON=python3
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  # The engine needs Python 3.11 (tomllib); Ubuntu 22.04 ships 3.10.
  apt-get install -y -qq python3.11 python3.11-venv
  PYTHON=python3.11
fi
$PYTHON -m venv {venv}
{venv}/bin/pip install -q --disable-pip-version-check -c "$SOURCE/constraints.txt" {index}{packages}
# The worker runs this Python under its own unprivileged account.
chmod -R a+rX {venv}
# Grade the reference once: it proves the image grades, and it times every test's calls
# (each student call's limit is derived from them, cached in build/call-timings/).
cd "$SOURCE"
{venv}/bin/python -B -m autograder grade --assignment {name} --submission "$SOURCE/solutions/{name}" \
  --out /tmp/kit-setup-results.json --sandbox none >/dev/null
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission, as root. The paths can be moved for tests.
set -uo pipefail
AG="${{KIT_AUTOGRADER_ROOT:-/autograder}}"
PY="${{KIT_PYTHON:-{venv}/bin/python}}"
RESULTS="$AG/results/results.json"
mkdir -p "$AG/results"
# Before any student code runs: the grader's folders, the earlier results
# (submission_metadata.json) and the results folder become root-only.
chmod 0600 "$AG/submission_metadata.json" 2>/dev/null || true
chmod 0700 "$AG/source" "$AG/results" "$AG"
cd "$AG/source"
"$PY" -B -m autograder grade --assignment {name} --submission "$AG/submission" --out "$RESULTS" \
  --metadata "$AG/submission_metadata.json"
if ! "$PY" -c 'import json, sys; json.load(open(sys.argv[1]))' "$RESULTS" 2>/dev/null; then
  cat > "$RESULTS" <<'JSON'
{fallback}
JSON
fi
"""


class GradescopeError(KitError):
    """The autograder zip would not run: an import its setup.sh could not install."""


def _canonical(name):
    return re.sub(r"[-_.]+", "-", name).lower()


def _imports(path):
    """(top-level module, line, inside a function) of every absolute import in a file."""
    tree = ast.parse(path.read_bytes(), filename=str(path))
    found = []

    def visit(node, in_function):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.Import):
                found.extend((alias.name.split(".")[0], child.lineno, in_function) for alias in child.names)
            elif isinstance(child, ast.ImportFrom) and child.level == 0 and child.module:
                found.append((child.module.split(".")[0], child.lineno, in_function))
            visit(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)))

    visit(tree, False)
    return found


def _local_names(*roots):
    """Module names a file under these folders imports from its own tree (not a package)."""
    names = set()
    for root in roots:
        if Path(root).is_dir():
            names.update(p.stem for p in Path(root).glob("*.py"))
            names.update(p.name for p in Path(root).iterdir() if p.is_dir() and any(p.glob("*.py")))
    return names


def graded_test_files(manifest):
    """The test modules the grader loads (test_*.py of the public and private tests) and the
    helper modules beside them that they import, transitively."""
    files = []
    for folder in (manifest.public_tests, manifest.private_tests):
        if not folder.is_dir():
            continue
        queue = sorted(folder.glob("test_*.py"))
        while queue:
            path = queue.pop(0)
            if path in files:
                continue
            files.append(path)
            for module, _, _ in _imports(path):
                helper = folder / f"{module}.py"
                if helper.is_file() and helper not in files:
                    queue.append(helper)
    return files


def engine_files():
    return sorted(p for p in ENGINE.rglob("*.py") if "__pycache__" not in p.parts)


def required_packages(manifest):
    """The pinned packages setup.sh installs, sorted: what the zip's test files and engine
    files import, plus the manifest's requirements. Engine imports of pyproject's `torch`
    extra made inside a function (checkpoint scoring) count for needs_torch assignments only;
    those of the `batch` extra (grade-batch's Dask, copydetect, tqdm), made inside functions, never.
    Raises GradescopeError naming each import that maps to no package in constraints.txt."""
    pins = {_canonical(name): name for name in release.pinned_versions()}
    extras = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["optional-dependencies"]
    torch_extra = {_canonical(p) for p in extras.get("torch", [])}
    batch_extra = {_canonical(p) for p in extras.get("batch", [])}  # grade-batch's: never on Gradescope
    installed = metadata.packages_distributions()
    local = _local_names(manifest.root, manifest.public_tests, manifest.private_tests) | {"autograder"}
    wanted, problems = set(), []
    sources = [(p, False) for p in graded_test_files(manifest)] + [(p, True) for p in engine_files()]
    for path, is_engine in sources:
        for module, line, lazy in _imports(path):
            if module in sys.stdlib_module_names or module in local or module == "__future__":
                continue
            candidates = [DISTRIBUTIONS.get(module, module), *installed.get(module, [])]
            package = next((pins[_canonical(c)] for c in candidates if _canonical(c) in pins), None)
            if package is None:
                shown = path.relative_to(REPO) if path.is_relative_to(REPO) else path
                problems.append(f"{shown}:{line}: import {module} maps to no package pinned in constraints.txt")
            elif is_engine and lazy and _canonical(package) in batch_extra:
                continue
            elif not (is_engine and lazy and _canonical(package) in torch_extra and not manifest.needs_torch):
                wanted.add(package)
    if problems:
        raise GradescopeError(f"{manifest.name}: the autograder could not install what it imports: "
                              + "; ".join(problems))
    for package in manifest.requirements:
        wanted.add(pins.get(_canonical(package), package))
    if manifest.needs_torch:
        wanted.update(pins.get(p, p) for p in ("torch", "torchvision"))
    return sorted(wanted, key=_canonical)


def build_autograder_zip(manifest, *, dist=None):
    """Write dist/<assignment, '/' -> '-'>-autograder.zip; return its path."""
    dist = Path(dist) if dist is not None else REPO / "dist"
    dist.mkdir(parents=True, exist_ok=True)
    path = dist / f"{manifest.name.replace('/', '-')}-autograder.zip"
    for rel in manifest.data:
        if not (Path(manifest.root) / rel).exists():
            raise FileNotFoundError(f"{Path(manifest.root) / rel}: data the graded code reads is missing "
                                    f"(run `make data` first)")
    packages = required_packages(manifest)
    fallback = json.dumps(results.engine_failure("run_autograder: the grader wrote no valid results.json"),
                          indent=2)
    entries = [
        ("setup.sh", SETUP.format(venv=VENV, name=manifest.name, packages=" ".join(packages),
                                  index=f"--extra-index-url {TORCH_INDEX} " if manifest.needs_torch else ""), 0o755),
        ("run_autograder", RUN.format(venv=VENV, name=manifest.name, fallback=fallback), 0o755),
        ("constraints.txt", REPO / "constraints.txt", 0o644),
        *archive.tree_entries(ENGINE, "autograder", skip=SKIP, suffixes=(".py", ".json")),
    ]
    for top, source in (("solutions", manifest.root), ("skeletons", manifest.skeleton),
                        ("public_tests", manifest.public_tests), ("private_tests", manifest.private_tests)):
        if Path(source).is_dir():
            entries += archive.tree_entries(source, f"{top}/{manifest.name}", skip=SKIP)
    tmp = path.with_name(path.name + ".tmp")
    archive.write_zip(tmp, entries)
    tmp.replace(path)
    return path
