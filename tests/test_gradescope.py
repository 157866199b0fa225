"""Does the Gradescope autograder zip, laid out as Gradescope lays it out, grade a
submission into a valid results.json, and lock the grader's files first?"""

import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder import gradescope, results

SUBMISSIONS = Path(__file__).resolve().parent / "fixtures" / "submissions"


@pytest.fixture
def autograder_root(tinycalc, tmp_path):
    """tmp/autograder as Gradescope prepares it: source/ (the zip), submission/, results/."""
    path = gradescope.build_autograder_zip(tinycalc, dist=tmp_path / "dist")
    assert path.name == "tinycalc-autograder.zip"
    root = tmp_path / "autograder"
    with zipfile.ZipFile(path) as zf:
        zf.extractall(root / "source")
        for info in zf.infolist():  # extractall drops the modes; Gradescope keeps them
            (root / "source" / info.filename).chmod(info.external_attr >> 16 & 0o777)
    shutil.copytree(SUBMISSIONS / "clean", root / "submission")
    (root / "results").mkdir()
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
    for name in ("constraints.txt", "autograder/worker.py", "autograder/results_schema.json",
                 "autograder/checks/compare.py", "solutions/tinycalc/calc.py",
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
