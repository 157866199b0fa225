"""Does each layer of the engine import only the layers below it (the trust boundary)?

    worker     the untrusted side, copied whole into the sandbox
    harness    shipped to students with worker/: the Student interface, testing, checks
    authoring  render, the solution tree
    sandbox    isolation modes, confinement, the remote transport
    grading    the pipeline, intake, static checks, policies, checkpoints, results
    release    student zips, the audit, Gradescope zips
    batch      grade-batch: a class export on a local pool or a Dask cluster, gradebook, reports
    cli        parsing only
Each module is imported alone in a fresh interpreter, and what it pulled in is read from
sys.modules: so a cycle or an upward import anywhere is caught, whichever module has it.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ENGINE = Path(__file__).resolve().parent.parent / "autograder"
CORE = {"autograder", "autograder.errors", "autograder.manifest"}
# layer -> the layers it may import (besides itself).
BELOW = {
    "worker": set(),
    "harness": {"worker"},
    "authoring": {"core"},
    "sandbox": {"core", "worker", "harness"},
    "grading": {"core", "worker", "harness", "sandbox"},
    "release": {"core", "worker", "harness", "authoring", "grading"},
    "batch": {"core", "worker", "harness", "sandbox", "grading"},
    "core": set(),
}


def layer_of(module):
    return "core" if module in CORE else module.split(".")[1]


def modules_of(layer):
    return sorted("autograder." + p.relative_to(ENGINE).with_suffix("").as_posix().replace("/", ".")
                  .removesuffix(".__init__") for p in (ENGINE / layer).rglob("*.py") if "__pycache__" not in p.parts)


def imported_alone(module):
    code = f"import sys, json, {module}; print(json.dumps(sorted(m for m in sys.modules if m.startswith('autograder'))))"
    run = subprocess.run([sys.executable, "-I", "-c", f"import sys; sys.path.insert(0, {str(ENGINE.parent)!r}); {code}"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout)


@pytest.mark.parametrize("layer", [name for name in BELOW if name != "core"])
def test_a_layer_imports_only_the_layers_below_it(layer):
    allowed = BELOW[layer] | {layer}
    wrong = {}
    for module in modules_of(layer):
        upward = [m for m in imported_alone(module) if m != "autograder" and layer_of(m) not in allowed]
        if upward:
            wrong[module] = upward
    assert not wrong, f"{layer} may import only {sorted(allowed)}: {wrong}"


def test_the_core_imports_no_layer():
    for module in sorted(CORE - {"autograder"}):
        assert set(imported_alone(module)) <= CORE, module


def test_every_module_belongs_to_a_layer_and_the_top_level_holds_only_core_and_cli():
    top = sorted(p.stem for p in ENGINE.glob("*.py"))
    assert top == ["__init__", "__main__", "cli", "errors", "manifest"]
    assert sorted(p.name for p in ENGINE.iterdir() if p.is_dir() and p.name != "__pycache__") == sorted(
        name for name in BELOW if name != "core")
