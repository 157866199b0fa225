"""grade-batch: a whole class graded on a local pool and on a real Dask cluster.

The class is made up at test time (tests/fixtures/batch/classroom.py): the reference, the
skeleton, buggy edits of the reference, and hostile submissions (a hang, a fork bomb, an
os._exit at import, a disk filler, a zip-slip zip, a file that is not a zip). Only A1's
tests of single functions run (FAST_TESTS), so each grading takes seconds.
"""

import csv
import io
import json
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests" / "fixtures" / "batch"))

import classroom  # noqa: E402

from autograder import cli, manifest  # noqa: E402
from autograder.batch import keys, one, pool, progress, reports, sources  # noqa: E402
from autograder.errors import KitError  # noqa: E402

TESTS = ",".join(classroom.FAST_TESTS)
ENV = classroom.ENV


def batch(*args):
    return subprocess.run([sys.executable, "-m", "autograder", "grade-batch", "--assignment", "a1_mnist",
                           "--tests", TESTS, *map(str, args)], cwd=REPO, env=ENV, capture_output=True,
                          text=True, timeout=900)


def comparable(path):
    return one.without_times(json.loads(Path(path).read_text()))


def gradebook(path, drop=("wall_seconds",)):
    rows = list(csv.DictReader(Path(path).open()))
    return [{k: v for k, v in row.items() if k not in drop} for row in rows]


# -- sources -----------------------------------------------------------------------------------

def test_a_folder_of_zips_and_folders_names_each_student_by_its_file(tmp_path):
    (tmp_path / "alice").mkdir()
    with zipfile.ZipFile(tmp_path / "bob.zip", "w") as zf:
        zf.writestr("utils.py", "")
    (tmp_path / ".DS_Store").write_text("")
    (tmp_path / "notes.txt").write_text("")
    found = sources.find(tmp_path, tmp_path / "staging")
    assert [(s.id, s.path.name) for s in found] == [("alice", "alice"), ("bob", "bob.zip")]


METADATA = """\
submission_101:
  :submitters:
  - :name: Ada Lovelace
    :email: ada@example.edu
    :sid: '1815'
  :created_at: 2026-03-01 10:00:00.000000000 -08:00
  :score: !ruby/object:BigDecimal 18:0.7e2
submission_102:
  :submitters:
  - :name: Alan Turing
    :email: alan@example.edu
    :sid: '1912'
  - :name: Grace Hopper
    :email: grace@example.edu
    :sid: '1906'
"""


def test_a_gradescope_export_maps_submission_folders_to_their_submitters(tmp_path):
    export = tmp_path / "export" / "assignment_1_export"
    for n in (101, 102):
        (export / f"submission_{n}" / "models").mkdir(parents=True)
        (export / f"submission_{n}" / "models" / "sgd.py").write_text(f"# {n}\n")
    (export / sources.METADATA).write_text(METADATA)
    found = sources.find(tmp_path / "export", tmp_path / "staging")
    assert [(s.id, s.name, s.email, s.sid) for s in found] == [
        ("submission_101", "Ada Lovelace", "ada@example.edu", "1815"),
        ("submission_102", "Alan Turing; Grace Hopper", "alan@example.edu; grace@example.edu", "1912; 1906")]
    # The export's zip: each submission repacked as a zip of its own, entries as they were.
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(export.rglob("*")):
            if path.is_file():
                zf.write(path, path.relative_to(tmp_path / "export").as_posix())
        zf.writestr("assignment_1_export/submission_101/../../escape.py", "x = 1\n")
    zipped = sources.find(archive, tmp_path / "staging")
    assert [(s.id, s.name) for s in zipped] == [(s.id, s.name) for s in found]
    digests = [keys.submission_hash(s.path) for s in zipped]
    time.sleep(1.1)  # repacked again a second later: the same bytes, so a rerun keeps their results
    assert [keys.submission_hash(s.path) for s in sources.find(archive, tmp_path / "staging")] == digests
    with zipfile.ZipFile(zipped[0].path) as zf:
        assert sorted(zf.namelist()) == ["../../escape.py", "models/sgd.py"]  # intake refuses it by name
        assert zf.read("models/sgd.py") == b"# 101\n"


def test_an_unsafe_yaml_tag_is_read_as_text_never_run(tmp_path):
    with pytest.raises(KitError, match="does not parse"):
        sources.read_metadata("submission_1:\n  :submitters:\n  - :name: !!python/object/apply:os.system [id]\n")
    assert sources.read_metadata("submission_1:\n  :submitters:\n  - :name: !ruby/string Ada\n") == {
        "submission_1": ("Ada", "", "")}
    with pytest.raises(KitError):
        sources.read_metadata("- just a list\n")


def test_canvas_and_moodle_downloads_name_the_student_in_the_file_name(tmp_path):
    canvas = tmp_path / "canvas"
    canvas.mkdir()
    (canvas / "lovelaceada_1815_99001_submission.zip").write_bytes(b"PK")
    (canvas / "turingalan_LATE_1912_99002_utils.py").write_text("a = 1\n")
    (canvas / "turingalan_LATE_1912_99002_sgd.py").write_text("b = 2\n")
    found = sources.find(canvas, tmp_path / "staging")
    assert [(s.id, s.sid, s.path.name) for s in found] == [("lovelaceada_1815", "1815", "lovelaceada_1815_99001_submission.zip"),
                                                           ("turingalan_1912", "1912", "turingalan_1912.zip")]
    with zipfile.ZipFile(found[1].path) as zf:
        assert sorted(zf.namelist()) == ["sgd.py", "utils.py"]
    moodle = tmp_path / "moodle"
    (moodle / "Ada Lovelace_1815_assignsubmission_file_").mkdir(parents=True)
    found = sources.find(moodle, tmp_path / "staging")
    assert [(s.id, s.name, s.path.is_dir()) for s in found] == [("Ada_Lovelace_1815", "Ada Lovelace", True)]


# -- reports and progress, from rows ------------------------------------------------------------

def _row(student, status, score, tests, wall=1.0):
    results = {"score": score, "tests": [{"name": n, "number": str(i + 1), "score": s, "max_score": 1.0,
                                          "status": "passed" if s else "failed", "output": ""}
                                         for i, (n, s) in enumerate(tests)]}
    return pool.Row(student, name=student.title(), status=status, sandbox="bwrap", wall=wall, results=results)


def test_the_gradebook_has_a_row_per_submission_and_a_column_per_test(tmp_path):
    rows = [_row("ann", "graded", 2, [("a", 1), ("b", 1)]), _row("bo", "graded", 1, [("a", 1), ("b", 0)]),
            _row("cy", "engine error", 0, [("Autograder error: please contact the course staff", 0)])]
    written = reports.write_all(tmp_path, manifest.load("a1_mnist"), rows)
    assert {p.name for p in written} == {"gradebook.csv", "summary.html", "score_histogram.png", "pass_rates.png"}
    book = list(csv.reader((tmp_path / "gradebook.csv").open()))
    assert book[0] == reports.FIXED + ["1 a", "2 b", "1 Autograder error: please contact the course staff"]
    assert book[1][:7] == ["ann", "Ann", "", "", "graded", "2", "2"]
    assert book[2][-3:] == ["1", "0", ""]
    assert reports.pass_rates(rows) == {"1 a": (2, 2), "2 b": (1, 2)}
    page = (tmp_path / "summary.html").read_text()
    assert "data:image/png;base64," in page and "http" not in page.replace("http-equiv", "")
    assert "cy" in page.split("Submissions not graded")[1]
    assert (tmp_path / "pass_rates.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_progress_is_plain_lines_with_failures_and_eta_off_a_terminal():
    stream = io.StringIO()
    bar = progress.Progress(2, kept=3, stream=stream)
    bar.update("ann", "graded", 5.0)
    bar.update("bo", "engine error", 0)
    bar.close()
    lines = stream.getvalue().splitlines()
    assert lines[0] == "3 results up to date (kept); grading 2"
    assert lines[1].startswith("[1/2] ann: graded, score 5; failures 0; ETA ")
    assert lines[2].startswith("[2/2] bo: engine error, score 0; failures 1; ETA 0:00")


def test_the_similarity_report_reads_a_notebook_as_its_code_cells(tmp_path):
    from types import SimpleNamespace

    from autograder.batch import similarity

    nb = {"cells": [{"cell_type": "markdown", "source": ["# Answer"]},
                    {"cell_type": "code", "source": ["def f(x):\n", "    return x + 1\n"], "outputs": []},
                    {"cell_type": "code", "source": "y = f(2)", "outputs": []}]}
    (tmp_path / "models").mkdir()
    (tmp_path / "a2.ipynb").write_text(json.dumps(nb))
    (tmp_path / "models" / "net.py").write_text("class Net: pass\n")
    m = SimpleNamespace(student_files=("a2.ipynb", "models/net.py", "notes.md"))
    assert similarity.student_code(tmp_path, m) == {"a2.py": "def f(x):\n    return x + 1\n\n\ny = f(2)",
                                                     "models__net.py": "class Net: pass\n"}


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_is_a_bar_with_failures_on_a_terminal():
    stream = _Terminal()
    bar = progress.Progress(4, stream=stream)
    bar.update("ann", "graded", 5.0)
    bar.update("bo", "intake refused", 0)
    bar.close()
    text = stream.getvalue()
    assert "2/4" in text and "failures 1" in text and "<" in text  # tqdm's elapsed<remaining


def test_status_tells_graded_refused_and_engine_errors_apart():
    refused = {"tests": [{"name": "Submission: a file was refused"}]}
    assert one.status_of(refused) == one.REFUSED
    assert one.status_of({"tests": [{"name": "Submission: a file was refused"}, {"name": "ReLU"}]}) == one.GRADED
    assert one.status_of({"tests": [{"name": "Autograder error: please contact the course staff"}]}) == one.ENGINE_ERROR
    assert one.status_of({"tests": []}, rc=1) == one.ENGINE_ERROR


# -- a mixed class on the local pool --------------------------------------------------------------

@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    root = tmp_path_factory.mktemp("batch")
    students = classroom.make_class(root / "class", classroom.KINDS)
    run = batch("--submissions", root / "class", "--out", root / "out", "--workers", 2)
    assert run.returncode == 0, run.stdout + run.stderr
    return root, students, run


def test_every_result_is_what_grade_writes_for_that_submission_alone(mixed):
    root, students, _ = mixed
    for student, kind in students.items():
        path = root / "class" / (f"{student}.zip" if kind in ("zip-slip", "not-a-zip") else student)
        alone = root / "alone" / f"{student}.json"
        assert cli.main(["grade", "--assignment", "a1_mnist", "--submission", str(path), "--out", str(alone),
                         "--tests", TESTS]) == 0
        assert comparable(root / "out" / "results" / f"{student}.json") == comparable(alone), student


def test_hostile_submissions_cost_only_their_own_results(mixed):
    root, students, run = mixed
    book = {row["student"]: row for row in gradebook(root / "out" / "gradebook.csv")}
    assert list(book) == sorted(students)
    full = book["s001-correct"]
    assert (full["status"], full["score"], full["max_score"], full["sandbox"]) == ("graded", "13", "13", "bwrap")
    relu_dev = next(c for c in full if "ReLU_dev" in c)
    for student, kind in students.items():
        row = book[student]
        if kind in ("hang", "fork-bomb", "disk-fill"):  # the attacked test alone
            assert row["status"] == "graded" and row[relu_dev] == "0", student
            assert {c: v for c, v in row.items() if c != relu_dev and c in full and c[0].isdigit()} == \
                {c: v for c, v in full.items() if c != relu_dev and c[0].isdigit()}, student
        elif kind == "crash":
            assert (row["status"], row["score"]) == ("graded", "0")
        elif kind == "not-a-zip":
            assert (row["status"], row["score"]) == ("intake refused", "0")
        elif kind == "zip-slip":
            assert (row["status"], row["score"]) == ("graded", "13")
    assert "[10/10]" in run.stderr and "failures 1" in run.stderr  # plain progress lines: not a terminal


def test_the_reports_show_the_class_and_the_similar_pairs(mixed):
    root, students, _ = mixed
    out = root / "out"
    for name in ("summary.html", "similarity.html", "score_histogram.png", "pass_rates.png"):
        assert (out / name).is_file(), name
    summary = (out / "summary.html").read_text()
    assert "s010-not-a-zip" in summary.split("Submissions not graded")[1]
    similar = (out / "similarity.html").read_text()
    assert "s001-correct and s003-buggy-relu" in similar and "highlight-red" in similar
    assert "s002-skeleton" not in similar  # the skeleton's code is boilerplate: nothing of its own


def test_a_second_run_keeps_every_result_and_regrades_only_what_changed(mixed, tmp_path):
    root, students, _ = mixed
    results = root / "out" / "results"
    before = {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in results.glob("*.json")}
    run = batch("--submissions", root / "class", "--out", root / "out", "--workers", 2)
    assert run.returncode == 0, run.stderr
    assert "10 results up to date (kept); grading 0" in run.stderr
    assert {p.name: (p.stat().st_mtime_ns, p.read_bytes()) for p in results.glob("*.json")} == before
    changed = root / "class" / "s002-skeleton" / "models" / "_base_network.py"
    changed.write_text(classroom.files_of("correct")["models/_base_network.py"])
    run = batch("--submissions", root / "class", "--out", root / "out", "--workers", 2)
    assert "9 results up to date (kept); grading 1" in run.stderr and "[1/1] s002-skeleton: graded" in run.stderr
    assert {p.name: p.stat().st_mtime_ns for p in results.glob("*.json")} == \
        {n: t for n, (t, _) in before.items() if n != "s002-skeleton.json"} | {
            "s002-skeleton.json": (results / "s002-skeleton.json").stat().st_mtime_ns}


def test_a_killed_batch_run_again_grades_only_what_is_missing(tmp_path):
    students = classroom.make_class(tmp_path / "class", ["correct", "buggy-relu", "skeleton", "buggy-loss"])
    argv = [sys.executable, "-m", "autograder", "grade-batch", "--assignment", "a1_mnist", "--tests", TESTS,
            "--submissions", str(tmp_path / "class"), "--out", str(tmp_path / "out"), "--workers", "1"]
    proc = subprocess.Popen(argv, cwd=REPO, env=ENV, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    state = tmp_path / "out" / pool.STATE
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and len(list(state.glob("*.json"))) < 1:
        time.sleep(0.1)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    done = {p.stem for p in state.glob("*.json")}
    assert 1 <= len(done) < len(students)
    run = batch("--submissions", tmp_path / "class", "--out", tmp_path / "out", "--workers", 2)
    assert run.returncode == 0, run.stderr
    graded_now = {line.split("] ")[1].split(":")[0] for line in run.stderr.splitlines() if line.startswith("[")}
    assert graded_now == set(students) - done  # nothing lost, nothing graded twice
    assert sorted(p.stem for p in (tmp_path / "out" / "results").glob("*.json")) == sorted(students)
    run = batch("--submissions", tmp_path / "class", "--out", tmp_path / "out", "--regrade", "--no-similarity")
    assert run.returncode == 0 and run.stderr.count("] s0") == len(students)  # --regrade: every one again


def _user_mode():
    from autograder.sandbox import modes

    try:
        modes.choose("user")
        return ""
    except modes.SandboxUnavailable as e:
        return str(e)


@pytest.mark.skipif(bool(_user_mode()), reason=f"user mode unavailable here: {_user_mode()}")
def test_in_user_mode_each_grader_takes_a_worker_account_of_its_own(tmp_path):
    students = classroom.make_class(tmp_path / "class", ["correct", "buggy-relu", "correct"])
    run = batch("--submissions", tmp_path / "class", "--out", tmp_path / "out", "--workers", 3, "--sandbox", "user",
                "--no-similarity")
    assert run.returncode == 0, run.stderr
    book = {row["student"]: row for row in gradebook(tmp_path / "out" / "gradebook.csv")}
    assert [(book[s]["status"], book[s]["sandbox"], book[s]["score"]) for s in students] == [
        ("graded", "user", "13"), ("graded", "user", "12"), ("graded", "user", "13")]
    details = {json.loads((tmp_path / "out" / "results" / f"{s}.json").read_text())["extra_data"]["sandbox_detail"]
               for s in students}
    # The three graders ran at once (3 workers, seconds each): three accounts, one each.
    assert len(details) == 3 and all("separate unprivileged account kit-worker" in d for d in details), details


def test_a_gradescope_export_is_graded_with_its_submitters_in_the_gradebook(tmp_path):
    export = tmp_path / "export"
    classroom.write_submission(export, "submission_101", "correct")
    classroom.write_submission(export, "submission_102", "skeleton")
    (export / sources.METADATA).write_text(METADATA)
    run = batch("--submissions", export, "--out", tmp_path / "out", "--workers", 2, "--no-similarity")
    assert run.returncode == 0, run.stderr
    book = gradebook(tmp_path / "out" / "gradebook.csv")
    assert [(r["student"], r["name"], r["email"], r["sid"], r["score"]) for r in book] == [
        ("submission_101", "Ada Lovelace", "ada@example.edu", "1815", "13"),
        ("submission_102", "Alan Turing; Grace Hopper", "alan@example.edu; grace@example.edu", "1912; 1906", "0")]


def test_a_result_is_kept_only_under_its_own_key_and_never_an_engine_error(tmp_path):
    (tmp_path / "results").mkdir()
    (tmp_path / pool.STATE).mkdir()
    (tmp_path / "results" / "ann.json").write_text('{"score": 1}')
    for status, key, kept in (("graded", "k1", True), ("graded", "k2", False), (one.ENGINE_ERROR, "k1", False)):
        (tmp_path / pool.STATE / "ann.json").write_text(json.dumps({"key": "k1", "status": status}))
        assert (pool._kept(tmp_path, "ann", key) is not None) == kept, (status, key)


def test_a_worker_whose_kit_differs_grades_nothing_and_says_so(tmp_path):
    outcome = one.grade_task({"assignment": "a1_mnist", "student": "ann", "path": str(tmp_path), "timeout": 60,
                              "kit": "0" * 64})
    assert outcome["status"] == one.ENGINE_ERROR
    assert "differs from the one the batch was started with" in json.loads(outcome["text"])["tests"][1]["output"]


# -- the same class on a Dask cluster: a real scheduler and two real workers ------------------------

@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    address, procs = classroom.start_cluster(2, tmp_path_factory.mktemp("dask"))
    yield address
    classroom.stop_cluster(procs)


def test_a_dask_cluster_gives_the_same_results_and_gradebook_as_the_local_pool(mixed, cluster):
    root, students, _ = mixed
    run = batch("--submissions", root / "class", "--out", root / "dask", "--scheduler", cluster)
    assert run.returncode == 0, run.stdout + run.stderr
    for student in students:
        assert comparable(root / "dask" / "results" / f"{student}.json") == \
            comparable(root / "out" / "results" / f"{student}.json"), student
    assert gradebook(root / "dask" / "gradebook.csv") == gradebook(root / "out" / "gradebook.csv")


def test_an_unreachable_scheduler_is_one_line_and_status_2(tmp_path):
    classroom.make_class(tmp_path / "class", ["skeleton"])
    run = batch("--submissions", tmp_path / "class", "--out", tmp_path / "out", "--scheduler",
                f"tcp://127.0.0.1:{classroom.free_port()}")
    assert run.returncode == 2 and run.stderr.strip().splitlines()[-1].startswith("autograder grade-batch: --scheduler")


# -- 100 submissions, 10 of them hostile ---------------------------------------------------------------

@pytest.mark.slow
def test_a_hundred_with_ten_hostile_finishes_and_every_other_result_is_as_alone(tmp_path):
    honest = ["correct", "buggy-relu", "buggy-loss", "skeleton"]
    kinds = [classroom.HOSTILE_KINDS[i // 10 % len(classroom.HOSTILE_KINDS)] if i % 10 == 9 else honest[i % 4]
             for i in range(100)]
    students = classroom.make_class(tmp_path / "class", kinds)
    run = batch("--submissions", tmp_path / "class", "--out", tmp_path / "out", "--workers", 2, "--no-similarity")
    assert run.returncode == 0, run.stderr
    alone = {}
    for kind in honest:
        path = classroom.write_submission(tmp_path / "alone", kind, kind)
        assert cli.main(["grade", "--assignment", "a1_mnist", "--submission", str(path),
                         "--out", str(tmp_path / "alone" / f"{kind}.json"), "--tests", TESTS]) == 0
        alone[kind] = comparable(tmp_path / "alone" / f"{kind}.json")
    assert len(list((tmp_path / "out" / "results").glob("*.json"))) == 100
    for student, kind in students.items():
        if kind in alone:
            assert comparable(tmp_path / "out" / "results" / f"{student}.json") == alone[kind], student
