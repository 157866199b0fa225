"""Does `autograder grade` write a valid results.json and exit 0 whatever the score, and
refuse misuse with one line and a non-zero status?"""

import json
import os
from pathlib import Path

import pytest

from autograder import cli, results

SUBMISSIONS = Path(__file__).resolve().parent / "fixtures" / "submissions"


def test_grade_writes_results_and_a_summary_and_exits_zero(fixture_repo, tmp_path, capsys):
    out = tmp_path / "results.json"
    status = cli.main(["grade", "--assignment", "tinycalc", "--submission", str(SUBMISSIONS / "hang"),
                       "--out", str(out)])
    assert status == 0
    document = json.loads(out.read_text())
    results.validate(document)
    assert document["score"] == 6
    printed = capsys.readouterr().out.splitlines()
    assert "      0/2  failed  scale multiplies an array by a factor" in printed
    assert any(line.strip().startswith("The worker running your code died during scale(") for line in printed)
    assert "score 6 / 8" in "\n".join(printed)
    assert any(line.startswith("sandbox: ") for line in printed)
    assert printed[-1] == f"wrote {out}"


def test_a_zero_score_is_still_exit_zero(fixture_repo, tmp_path):
    out = tmp_path / "results.json"
    assert cli.main(["grade", "--assignment", "tinycalc", "--submission", str(SUBMISSIONS / "prints"),
                     "--out", str(out), "--log-dir", str(tmp_path / "logs")]) == 0
    assert json.loads(out.read_text())["score"] == 0


def test_the_plain_mode_warns_on_the_terminal(fixture_repo, tmp_path, capsys):
    assert cli.main(["grade", "--assignment", "tinycalc", "--submission", str(SUBMISSIONS / "clean"),
                     "--out", str(tmp_path / "r.json"), "--sandbox", "none"]) == 0
    captured = capsys.readouterr()
    assert "sandbox: none (plain subprocess)" in captured.out
    assert "WARNING: no sandbox" in captured.err


@pytest.mark.parametrize("argv, message", [
    (["--assignment", "no_such_assignment", "--submission", "."], "unknown assignment 'no_such_assignment'"),
    (["--assignment", "tinycalc", "--submission", "/no/such/path.zip"], "/no/such/path.zip: no such file or folder"),
    (["--assignment", "tinycalc", "--submission", ".", "--sandbox", "docker"], "invalid choice: 'docker'"),
])
def test_misuse_is_one_line_and_a_non_zero_status(fixture_repo, tmp_path, capsys, argv, message):
    try:
        status = cli.main(["grade", *argv, "--out", str(tmp_path / "r.json")])
    except SystemExit as e:  # argparse's own usage errors
        status = e.code
    assert status != 0
    assert message in capsys.readouterr().err
    assert not (tmp_path / "r.json").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads every file")
def test_an_unreadable_submission_is_misuse(fixture_repo, tmp_path, capsys):
    path = tmp_path / "secret.zip"
    path.write_bytes(b"")
    path.chmod(0)
    assert cli.main(["grade", "--assignment", "tinycalc", "--submission", str(path),
                     "--out", str(tmp_path / "r.json")]) == 2
    assert "not readable" in capsys.readouterr().err


def test_an_explicit_sandbox_that_cannot_run_is_misuse(fixture_repo, tmp_path, capsys, monkeypatch):
    from autograder import sandbox

    def refuse(requested="auto", **kwargs):
        raise sandbox.SandboxUnavailable("user: needs root")

    monkeypatch.setattr(sandbox, "choose", refuse)
    assert cli.main(["grade", "--assignment", "tinycalc", "--submission", str(SUBMISSIONS / "clean"),
                     "--out", str(tmp_path / "r.json"), "--sandbox", "user"]) == 2
    assert capsys.readouterr().err.strip() == "autograder grade: --sandbox user cannot run here: user: needs root"
