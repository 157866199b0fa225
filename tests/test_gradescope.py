"""Does the Gradescope autograder zip, laid out as Gradescope lays it out, grade a
submission into a valid results.json, and lock the grader's files first?"""

import json
import os
import re
import shlex
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder import manifest
from autograder.grading import results
from autograder.release import gradescope

SUBMISSIONS = Path(__file__).resolve().parent / "fixtures" / "submissions"
FIXTURE_REPO = Path(__file__).resolve().parent / "fixtures" / "repo"


def unpack(zip_path, root):
    """root/source as Gradescope unpacks the zip (keeping the modes), with empty results/."""
    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall(root / "source")
        for info in zf.infolist():  # extractall drops the modes; Gradescope keeps them
            (root / "source" / info.filename).chmod(info.external_attr >> 16 & 0o777)
    (root / "results").mkdir()
    return root


def setup_pip_arguments(source):
    """The arguments of setup.sh's `pip install`, with $SOURCE pointing at `source`."""
    line = next(line for line in (source / "setup.sh").read_text().splitlines()
                if line.startswith(f"{gradescope.VENV}/bin/pip install "))
    return shlex.split(line.replace("$SOURCE", str(source)))[1:]


@pytest.fixture
def autograder_root(tinycalc, tmp_path):
    """tmp/autograder as Gradescope prepares it: source/ (the zip), submission/, results/."""
    path = gradescope.build_autograder_zip(tinycalc, dist=tmp_path / "dist")
    assert path.name == "tinycalc-autograder.zip"
    root = unpack(path, tmp_path / "autograder")
    shutil.copytree(SUBMISSIONS / "clean", root / "submission")
    (root / "submission_metadata.json").write_text('{"previous_submissions": ["hidden results"]}')
    return root


def run_autograder(root, python=sys.executable):
    env = {"PATH": os.environ["PATH"], "KIT_AUTOGRADER_ROOT": str(root), "KIT_PYTHON": python}
    return subprocess.run([str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True,
                          timeout=300)


def test_the_zip_holds_the_scripts_the_engine_and_this_assignment_only(tinycalc, tmp_path):
    with zipfile.ZipFile(gradescope.build_autograder_zip(tinycalc, dist=tmp_path)) as zf:
        names = zf.namelist()
        modes = {i.filename: i.external_attr >> 16 for i in zf.infolist()}
        setup = zf.read("setup.sh").decode()
    assert modes["setup.sh"] & 0o111 and modes["run_autograder"] & 0o111
    for name in ("constraints.txt", "autograder/worker/serve.py", "autograder/grading/results_schema.json",
                 "autograder/harness/checks/compare.py", "solutions/tinycalc/calc.py",
                 "solutions/tinycalc/data/numbers.txt", "skeletons/tinycalc/calc.py",
                 "public_tests/tinycalc/test_calc.py", "private_tests/tinycalc/test_calc_hidden.py"):
        assert name in names
    assert not [n for n in names if "__pycache__" in n or "gsu_style" in n]
    assert "bubblewrap" in setup and '-c "$SOURCE/constraints.txt"' in setup


def test_run_autograder_grades_into_a_valid_results_json(autograder_root):
    run = run_autograder(autograder_root)
    assert run.returncode == 0, run.stderr
    document = json.loads((autograder_root / "results" / "results.json").read_text())
    results.validate(document)
    assert document["score"] == 8
    assert document["extra_data"]["sandbox"] in ("bwrap", "user", "none")
    for path in (autograder_root, autograder_root / "source", autograder_root / "results"):
        assert stat.S_IMODE(path.stat().st_mode) == 0o700
    assert stat.S_IMODE((autograder_root / "submission_metadata.json").stat().st_mode) == 0o600


def test_run_autograder_leaves_a_valid_failure_result_if_the_grader_cannot_run(autograder_root):
    run_autograder(autograder_root, python="/bin/false")
    document = json.loads((autograder_root / "results" / "results.json").read_text())
    results.validate(document)
    assert document["score"] == 0 and "contact the course staff" in document["tests"][0]["name"]


def test_setup_installs_what_the_shipped_tests_import(tmp_path):
    """Does A2 part 1's setup.sh install hypothesis, which its hidden tests import (and no
    torch: the engine imports it lazily, for checkpoints this assignment does not have)?"""
    m = manifest.load("a2_cnn/part1-convnet")
    assert "hypothesis" in gradescope.required_packages(m)
    source = unpack(gradescope.build_autograder_zip(m, dist=tmp_path), tmp_path / "autograder") / "source"
    arguments = setup_pip_arguments(source)
    for package in ("hypothesis", "numpy", "gradescope-utils", "jsonschema", "matplotlib"):
        assert package in arguments
    assert "torch" not in arguments and "--extra-index-url" not in arguments
    assert arguments[:5] == ["install", "-q", "--disable-pip-version-check", "-c", str(source / "constraints.txt")]


def test_an_import_no_pinned_package_covers_fails_the_build(tmp_path, monkeypatch):
    """Is an import in a shipped test that constraints.txt cannot satisfy a build error
    naming the file, the line and the module (and no zip written)?"""
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE_REPO, repo)
    monkeypatch.setattr(manifest, "REPO", repo)
    (repo / "private_tests" / "tinycalc" / "_helper.py").write_text("import os\nimport nosuchmodule_kit\n")
    (repo / "private_tests" / "tinycalc" / "test_more.py").write_text("import _helper  # noqa: F401\n")
    with pytest.raises(gradescope.GradescopeError,
                       match=r"private_tests/tinycalc/_helper\.py:2: import nosuchmodule_kit maps to no package"):
        gradescope.build_autograder_zip(manifest.load("tinycalc"), dist=tmp_path / "dist")
    assert not list((tmp_path / "dist").glob("*.zip"))


@pytest.mark.slow
@pytest.mark.parametrize("name", ["a1_mnist", "a2_cnn/part1-convnet"])
def test_the_zip_grades_the_reference_in_the_environment_its_setup_builds(name, tmp_path):
    """In a fresh venv holding exactly what setup.sh installs (same pip invocation, the
    zip's constraints), does run_autograder give the reference solution full marks?"""
    m = manifest.load(name)
    assert not m.needs_torch
    for rel in m.data:
        if not (m.root / rel).exists():
            pytest.skip(f"{rel} is missing (run `make data`)")
    root = unpack(gradescope.build_autograder_zip(m, dist=tmp_path / "dist"), tmp_path / "autograder")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    pip = subprocess.run([str(venv / "bin" / "pip"), *setup_pip_arguments(root / "source")],
                         capture_output=True, text=True, timeout=400)
    assert pip.returncode == 0, pip.stderr[-3000:]
    for rel in m.student_files:
        (root / "submission" / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(m.root / rel, root / "submission" / rel)
    env = {"PATH": os.environ["PATH"], "KIT_AUTOGRADER_ROOT": str(root), "KIT_PYTHON": str(venv / "bin" / "python"),
           "OMP_NUM_THREADS": "1"}
    run = subprocess.run([str(root / "source" / "run_autograder")], env=env, capture_output=True, text=True,
                         timeout=900)
    document = json.loads((root / "results" / "results.json").read_text())
    lost = [f"{t['name']}: {t.get('output', '')[:300]}" for t in document["tests"]
            if t.get("score", 0) != t.get("max_score", 0)]
    total = sum(t.get("max_score", 0) for t in document["tests"])
    assert total > 0 and document["score"] == total and not lost, (lost, run.stdout[-2000:], run.stderr[-2000:])
    assert not re.search(r"autograder itself failed", json.dumps(document), re.I)


def test_setup_grades_the_reference_once_and_leaves_every_test_timed(autograder_root):
    """Does setup.sh's last step (grading the reference) leave the call-time cache that
    each student's grading then starts from, with every test of the assignment timed?"""
    source = autograder_root / "source"
    setup = (source / "setup.sh").read_text()
    step = setup[setup.index('cd "$SOURCE"'):].replace("\\\n", " ")
    step = step.replace("$SOURCE", str(source)).replace(f"{gradescope.VENV}/bin/python", sys.executable)
    run = subprocess.run(["bash", "-c", step], capture_output=True, text=True, timeout=300,
                         env={**os.environ, "KIT_AUTOGRADER_ROOT": str(autograder_root)})
    assert run.returncode == 0, run.stderr[-2000:]
    timings = json.loads((source / "build" / "call-timings" / "tinycalc.json").read_text())
    graded = json.loads(Path("/tmp/kit-setup-results.json").read_text())
    tested = [t for t in graded["tests"] if t.get("max_score")]
    assert tested and graded["score"] == sum(t["max_score"] for t in tested)
    assert len(timings) >= len(tested) and all(isinstance(calls, list) for calls in timings.values())
