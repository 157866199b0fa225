"""Do the skeletons, the student zip and the audit behave as the instructor expects?"""

import os
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

from autograder import audit, manifest, release
from autograder.render import render

A1 = "a1_mnist"


@pytest.fixture(scope="module")
def a1():
    return manifest.load(A1)


@pytest.fixture(scope="module")
def a1_zip(tmp_path_factory, a1):
    """The A1 student zip, unpacked; with the MNIST CSVs a student's get_data.sh would make."""
    path = release.build_release(A1, check=False)
    dest = tmp_path_factory.mktemp("student")
    with zipfile.ZipFile(path) as zf:
        zf.extractall(dest)
    root = dest / A1
    for name in a1.data:
        shutil.copyfile(a1.root / name, root / name)
    return root


def run_tests(root, *command):
    env = dict(os.environ, COLUMNS="400")  # pytest cuts its summary lines to the terminal width
    for key in ("KIT_STUDENT_ROOT", "KIT_REFERENCE_ROOT"):
        env.pop(key, None)
    return subprocess.run([sys.executable, "-m", *command], cwd=root, capture_output=True, text=True,
                          timeout=900, env=env)


def test_skeletons_are_up_to_date():
    """Is skeletons/ exactly what the renderer makes of solutions/ today?"""
    assert release.stale_skeletons(manifest.all_names()) == []


def test_stale_skeleton_is_reported(tmp_path, a1):
    """Does check-skeletons name a skeleton file that no longer matches its solution?"""
    release.render_skeleton(a1, tmp_path)
    (tmp_path / "utils.py").write_text("# edited by hand\n")
    problems = release.stale_skeletons([A1], skeleton_root=tmp_path)
    assert problems == [f"skeletons/{A1}/utils.py is stale"]


def test_zip_holds_what_a_student_needs(a1_zip):
    """Does the unpacked zip hold the skeleton, tests, harness, README, requirements and scripts?"""
    for rel in ("utils.py", "models/two_layer_nn.py", "tests/test_loading.py", "autograder/testing.py",
                "README.md", "requirements.txt", "collect_submission.sh", "data/get_data.sh"):
        assert (a1_zip / rel).is_file(), rel
    assert "numpy==" in (a1_zip / "requirements.txt").read_text()
    assert not list(a1_zip.rglob("assignment.toml"))


@pytest.mark.parametrize("runner", [("unittest", "discover", "-s", "tests"), ("pytest", "tests", "-q", "-p", "no:cacheprovider")])
def test_public_tests_fail_with_not_implemented_error_on_the_skeleton(a1_zip, runner):
    """Unpacked elsewhere, does every public test fail with NotImplementedError?"""
    proc = run_tests(a1_zip, *runner)
    output = proc.stdout + proc.stderr
    assert proc.returncode != 0
    if runner[0] == "unittest":
        ran = int(re.search(r"Ran (\d+) tests?", output).group(1))
        errors = int(re.search(r"errors=(\d+)", output).group(1))
        assert ran > 0 and errors == ran, output[-3000:]
        assert output.count("NotImplementedError: ") >= ran
    else:
        failed = int(re.search(r"(\d+) failed", output).group(1))
        assert "passed" not in output.splitlines()[-1], output[-3000:]
        assert len(re.findall(r"^FAILED .* - NotImplementedError", output, re.M)) == failed, output[-3000:]


def test_copying_the_solution_in_makes_the_public_tests_pass(tmp_path, a1_zip, a1):
    """With the solution files copied in, do the public tests pass as a student would run them?"""
    root = tmp_path / A1
    shutil.copytree(a1_zip, root)
    for rel in a1.student_files:
        (root / rel).write_text(render((a1.root / rel).read_text(), solution=True))
    proc = run_tests(root, "unittest", "discover", "-s", "tests")
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    assert "OK" in proc.stderr.splitlines()[-1]


def _zip_with(tmp_path, a1, plant):
    """Stage the A1 student tree, let `plant` change it, zip it."""
    tree = tmp_path / A1
    release.stage_student_tree(a1, tree)
    plant(tree)
    zip_path = tmp_path / "planted.zip"
    with zipfile.ZipFile(zip_path, "w") as zf:
        for path in tree.rglob("*"):
            if path.is_file():
                zf.write(path, path.relative_to(tmp_path).as_posix())
    return zip_path


def test_clean_zip_passes_the_leak_scan(tmp_path, a1):
    """Does the scan accept the zip the release builder makes?"""
    audit.check_zip([A1], _zip_with(tmp_path, a1, lambda tree: None))


def test_audit_catches_a_planted_solution_line(tmp_path, a1):
    """Is a line of solution code added to a skeleton file caught, with file and line?"""
    source = (a1.root / "models/_base_network.py").read_text()
    secret = next(line for line in audit.solution_only_lines(source) if len(line) >= audit.MIN_SECRET_LINE)

    def plant(tree):
        with open(tree / "utils.py", "a") as f:
            f.write(f"\n# {secret}\n")  # even commented out

    with pytest.raises(audit.AuditError, match=r"utils\.py:\d+: solution code leaked"):
        audit.check_zip([A1], _zip_with(tmp_path, a1, plant))


def test_audit_catches_a_private_test_and_a_marked_solution_file(tmp_path, a1):
    """Are a private test file and a whole solution file caught, wherever they sit in the zip?"""
    private = sorted(a1.private_tests.glob("test_*.py"))[0]

    def plant(tree):
        shutil.copyfile(private, tree / "tests" / "test_extra.py")
        shutil.copyfile(a1.root / "models/two_layer_nn.py", tree / "models" / "backup.txt")

    with pytest.raises(audit.AuditError) as info:
        audit.check_zip([A1], _zip_with(tmp_path, a1, plant))
    message = str(info.value)
    assert "tests/test_extra.py: identical to private test file" in message
    assert "models/backup.txt: identical to a marked solution file" in message


def test_hidden_labels_and_data_never_reach_the_skeleton():
    """Are the hidden test labels (and the data the grader links in) kept out of every skeleton?"""
    for name in manifest.all_names():
        m = manifest.load(name)
        files = set(release.source_files(m))
        assert not files & set(m.data), name
        if m.evaluation:
            assert m.evaluation.labels not in files, name
