"""Do the skeletons, the student zip and the audit behave as the instructor expects?"""

import os
import pathlib
import re
import shutil
import subprocess
import sys
import zipfile

import pytest

from autograder import manifest
from autograder.authoring.render import render
from autograder.authoring.tree import source_files
from autograder.release import archive, audit
from autograder.release import student_zip as release

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
    for rel in ("utils.py", "models/two_layer_nn.py", "tests/test_loading.py", "autograder/harness/testing.py",
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
    return archive.write_zip(tmp_path / "planted.zip", archive.tree_entries(tree, A1, skip=()))


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
        files = set(source_files(m))
        assert not files & set(m.data), name
        if m.evaluation:
            assert m.evaluation.labels not in files, name


A2_PART1 = "a2_cnn/part1-convnet"


def test_public_tests_ship_fixture_values_not_reference_forwards(tmp_path):
    """Does A2 part 1's student tree hold the offline fixtures, no reference implementation,
    and pass the helper audit as it is?"""
    m = manifest.load(A2_PART1)
    tree = tmp_path / "part1"
    release.stage_student_tree(m, tree)
    assert not (tree / "tests" / "_reference_ops.py").exists()
    assert (tree / "tests" / "fixtures" / "conv.npz").is_file()
    assert audit.check_test_helpers(m, tree / "tests") == []


def test_audit_names_a_planted_helper_module_and_function(tmp_path):
    """Is a helper module (a reference forward) or an unlisted function in a shipped test
    file caught by the student-tree audit, by file, line and name?"""
    m = manifest.load(A2_PART1)
    tree = tmp_path / "part1"
    release.stage_student_tree(m, tree)
    (tree / "tests" / "_reference_ops.py").write_text(
        "import numpy as np\n\n\ndef relu_forward(x):\n    return np.maximum(x, 0)\n")
    with open(tree / "tests" / "test_relu.py", "a") as f:
        f.write("\n\ndef conv_forward(x, w, b):\n    return x\n\n\n"
                "class TestMore(StudentTestCase):\n    def expected(self):\n        return 1\n\n"
                "    def test_more(self):\n        pass\n")
    problems = audit.check_student_tree(m, tree)
    listed = "is neither a test case nor a helper listed in [release] test_helpers"
    assert f"tests/_reference_ops.py:4: relu_forward {listed}" in "\n".join(problems)
    assert any(p.startswith("tests/test_relu.py:") and f"conv_forward {listed}" in p for p in problems)
    assert any(f"TestMore.expected {listed}" in p for p in problems)
    assert not [p for p in problems if "test_more" in p or "two_sgd_steps" in p or "load_fixture" in p]


def test_leak_scan_reads_only_shipped_files(tinycalc, monkeypatch):
    """Does the leak scan leave the assignment's data unread (A1's is over 100 MB of CSV)?"""
    read = []
    for method in ("read_text", "read_bytes"):
        original = getattr(pathlib.Path, method)

        def recording(self, *args, _original=original, **kwargs):
            read.append(self.resolve())
            return _original(self, *args, **kwargs)

        monkeypatch.setattr(pathlib.Path, method, recording)
    audit._secret_lines(["tinycalc"])
    audit._secret_hashes(["tinycalc"])
    data = (tinycalc.root / tinycalc.data[0]).resolve()
    assert data.is_file() and (tinycalc.root / "calc.py").resolve() in read
    assert data not in read


def test_zip_writer_is_reproducible_and_keeps_modes(tmp_path):
    """Does the one zip writer give identical bytes for the same tree, fixed dates and the
    files' modes (an executable script stays executable)?"""
    tree = tmp_path / "tree"
    (tree / "sub").mkdir(parents=True)
    (tree / "sub" / "run.sh").write_text("#!/bin/sh\n")
    (tree / "sub" / "run.sh").chmod(0o755)
    (tree / "data.txt").write_text("x\n")
    (tree / "__pycache__").mkdir()
    (tree / "__pycache__" / "a.pyc").write_bytes(b"\0")
    first = archive.write_zip(tmp_path / "a.zip", [*archive.tree_entries(tree, "top"), ("extra.txt", "hi", None)])
    second = archive.write_zip(tmp_path / "b.zip", [*archive.tree_entries(tree, "top"), ("extra.txt", "hi", None)])
    assert first.read_bytes() == second.read_bytes()
    with zipfile.ZipFile(first) as zf:
        infos = {i.filename: i for i in zf.infolist()}
        assert zf.read("extra.txt") == b"hi"
    assert sorted(infos) == ["extra.txt", "top/data.txt", "top/sub/run.sh"]
    assert infos["top/sub/run.sh"].external_attr >> 16 & 0o777 == 0o755
    assert infos["top/data.txt"].external_attr >> 16 & 0o777 == 0o644
    assert {i.date_time for i in infos.values()} == {archive.ZIP_DATE}
