"""Does the worker's run-time import guard refuse a forbidden module to student code however
it is reached, leave it to the allowed stack and the kit's provided code, and fail only the
calls that use it? (In a fresh interpreter: the guard changes builtins for good.)"""

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

# colorsys stands for the forbidden library that would do the work (it is in the standard
# library, so it is installed everywhere, and nothing the worker loads imports it).
STUDENT = '''
import builtins
import importlib
import pickle
import sys

import colorsys
from colorsys import rgb_to_hsv
import helper

def plain():
    return 41 + 1

def by_import():
    return colorsys.rgb_to_hsv(1.0, 0.0, 0.0)

def by_from_import():
    return rgb_to_hsv(1.0, 0.0, 0.0)

def by_dunder():
    return __import__("color" + "sys").rgb_to_hsv(1.0, 0.0, 0.0)

def by_builtins():
    return getattr(builtins, "__imp" + "ort__")("color" + "sys").rgb_to_hsv(1.0, 0.0, 0.0)

def by_import_module():
    return importlib.import_module("color" + "sys").rgb_to_hsv(1.0, 0.0, 0.0)

def by_sys_modules():
    return sys.modules["color" + "sys"].rgb_to_hsv(1.0, 0.0, 0.0)

def by_exec():
    scope = {}
    exec("import color" + "sys as c", scope)
    return scope["c"].rgb_to_hsv(1.0, 0.0, 0.0)

def by_pickle():
    return pickle.loads(b"ccolorsys\\nrgb_to_hsv\\n.")(1.0, 0.0, 0.0)

def by_provided_code():
    return helper.hsv_of_red()

def caught():
    try:
        return colorsys.rgb_to_hsv(1.0, 0.0, 0.0)
    except ImportError:
        return "fallback"
'''

HELPER = '''
def hsv_of_red():
    import colorsys  # the kit's provided code (not a student file): unguarded

    return colorsys.rgb_to_hsv(1.0, 0.0, 0.0)
'''

DRIVER = '''
import json, sys
sys.path.insert(0, sys.argv[1])
from autograder.worker import protocol
from autograder.worker.serve import Worker
worker = Worker(sys.argv[2])
if sys.argv[3] == "guard":
    payload, _ = protocol.encode({"student.py": ["colorsys"], "other.py": []})
    reply, _ = worker.handle({"op": "imports", "payload": payload}, [])
    assert reply["ok"], reply
out = {}
for name in sys.argv[4:]:
    reply, buffers = worker.handle({"op": "call", "target": "student." + name,
                                    "payload": protocol.encode([[], {}])[0]}, [])
    out[name] = (protocol.decode(reply["value"], buffers, None, None) if reply["ok"]
                 else reply["error"]["type"] + ": " + reply["error"]["message"])
print(json.dumps(out))
'''

ROUTES = ("by_import", "by_from_import", "by_dunder", "by_builtins", "by_import_module", "by_exec")


def run(tmp_path, mode, names):
    (tmp_path / "student.py").write_text(STUDENT)
    (tmp_path / "helper.py").write_text(HELPER)
    done = subprocess.run([sys.executable, "-I", "-c", DRIVER, str(REPO), str(tmp_path), mode, *names],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_without_the_guard_every_route_reaches_the_module(tmp_path):
    """The control: each route really does reach colorsys when nothing guards it."""
    out = run(tmp_path, "none", [*ROUTES, "by_pickle", "by_sys_modules"])
    assert all(isinstance(v, list) and v[0] == 0.0 for v in out.values()), out


@pytest.mark.parametrize("route", ROUTES)
def test_each_route_is_refused_naming_file_and_line(tmp_path, route):
    out = run(tmp_path, "guard", [route, "plain"])
    assert out["plain"] == 42  # the file imports; its other code runs
    assert out[route].startswith("ForbiddenImportError: student.py line "), out
    assert "colorsys" in out[route] and "the assignment forbids" in out[route]


def test_pickle_cannot_import_it_for_student_code(tmp_path):
    """pickle imports by name from C (no frame of its own): refused, the error names the module."""
    out = run(tmp_path, "guard", ["by_pickle"])
    assert isinstance(out["by_pickle"], str) and "colorsys" in out["by_pickle"], out


def test_sys_modules_hands_out_no_forbidden_module(tmp_path):
    """helper.py (provided code) loaded colorsys: the student's sys.modules still hides it."""
    out = run(tmp_path, "guard", ["by_provided_code", "by_sys_modules", "caught"])
    assert out["by_provided_code"] == [0.0, 1.0, 1.0]
    assert out["by_sys_modules"].startswith("KeyError"), out
    assert out["caught"] == "fallback"


def test_the_guard_module_runs_in_the_worker_and_ships_with_it():
    from autograder.release import student_zip as release
    from autograder.sandbox import modes as sandbox

    assert (sandbox.WORKER_PACKAGE / "import_guard.py").is_file()
    assert "autograder/worker/import_guard.py" in release.harness_files()
    # It runs before anything else is allowed: the standard library, and notebook.py's
    # notebook_file (a notebook cell's code names its file "x.ipynb, cell 7"), whose own
    # module-level imports are the standard library's too.
    for module, allowed in (("import_guard", {"autograder.worker.notebook"}), ("notebook", set())):
        tree = ast.parse((REPO / "autograder" / "worker" / f"{module}.py").read_text())
        top_level = [n for n in tree.body if isinstance(n, (ast.Import, ast.ImportFrom))]
        imported = {a.name for n in top_level if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module for n in top_level if isinstance(n, ast.ImportFrom)}
        outside = {m for m in imported - allowed if m.split(".")[0] not in sys.stdlib_module_names}
        assert not outside, (module, outside)


# -- A2 part 1, graded for real -------------------------------------------------------------

A2_PART1 = "a2_cnn/part1-convnet"
A2_CASES = Path(__file__).resolve().parent / "fixtures" / "imports" / A2_PART1
# Tests of the network (which runs conv_classifier.py) and of a layer it imports.
A2_TESTS = ("TestNetwork.*", "TestNetworkHidden.*", "TestReLU.*", "TestLinear.*")


def test_numpy_added_to_conv_classifier_scores_full_marks(tmp_path, monkeypatch):
    """modules/__init__.py imports conv_classifier.py, so the old zero-file rule zeroed every
    test of part 1 for an unused `import numpy as np` there; now it is a note worth 0."""
    import dataclasses

    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parent))
    import test_hostile as hostile

    from autograder import manifest
    from autograder.authoring.render import render
    from autograder.grading import runner
    from autograder.harness import suite
    from autograder.release import student_zip as release

    case = A2_CASES / "harmless-numpy-import"
    spec = json.loads((case / "expected.json").read_text())
    real = manifest.load(A2_PART1)
    skeleton = tmp_path / "skeleton"
    release.render_skeleton(real, skeleton)

    class Part1(manifest.Manifest):
        skeleton = property(lambda self: skeleton)

    view = Part1(**dict({f.name: getattr(real, f.name) for f in dataclasses.fields(real)},
                        import_penalty=spec["import_penalty"]))
    submission = tmp_path / "submission"
    for rel in real.student_files:
        text = render((real.root / rel).read_text(), solution=True)
        if (case / rel).is_file():
            text += "\n\n" + (case / rel).read_text()
        (submission / rel).parent.mkdir(parents=True, exist_ok=True)
        (submission / rel).write_text(text)
    original = suite.load_suite
    ran = {}

    def load(dirs):
        import fnmatch
        import unittest

        chosen = unittest.TestSuite()
        for test in hostile._flatten(original(dirs)):
            if any(fnmatch.fnmatch(hostile.key_of(test), p) for p in A2_TESTS):
                ran[getattr(getattr(test, test._testMethodName), "__number__", None)] = hostile.key_of(test)
                chosen.addTest(test)
        return chosen

    monkeypatch.setattr(suite, "load_suite", load)
    monkeypatch.chdir(REPO)
    results = runner.grade(view, submission, sandbox=hostile.strongest())
    notes = [t for t in results["tests"] if t["name"].startswith("Static check (import): modules/conv_classifier.py")]
    assert notes and notes[0]["max_score"] == 0 and "import numpy as np" in notes[0]["output"]
    assert len(ran) >= 4
    problems = hostile.verdict_problems(results, ran, spec["verdict"])
    assert not problems, "\n".join(problems)
