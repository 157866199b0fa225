"""Does `autograder grade` write a valid results.json and exit 0 whatever the score, and
refuse misuse with one line and a non-zero status?"""

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from autograder import cli
from autograder.grading import results

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
    from autograder.sandbox import modes as sandbox

    def refuse(requested="auto", **kwargs):
        raise sandbox.SandboxUnavailable("user: needs root")

    monkeypatch.setattr(sandbox, "choose", refuse)
    assert cli.main(["grade", "--assignment", "tinycalc", "--submission", str(SUBMISSIONS / "clean"),
                     "--out", str(tmp_path / "r.json"), "--sandbox", "user"]) == 2
    assert capsys.readouterr().err.strip() == "autograder grade: --sandbox user cannot run here: user: needs root"


# -- instructor mistakes: one line on stderr, exit 2, no traceback, from every command

COMMANDS_ON_TINYCALC = [
    ["grade", "--assignment", "tinycalc", "--submission", str(SUBMISSIONS / "clean")],
    ["release", "tinycalc"],
    ["gradescope", "--assignment", "tinycalc"],
    ["skeletons", "tinycalc"],
    ["check-skeletons", "tinycalc"],
    ["audit", "tinycalc"],
]


@pytest.fixture
def broken_repo(tmp_path, monkeypatch):
    """A copy of the fixture repository, as the real commands see it (run from its root)."""
    from autograder import manifest
    from autograder.release import student_zip as release

    from .conftest import FIXTURE_REPO

    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE_REPO, repo)
    monkeypatch.setattr(manifest, "REPO", repo)
    monkeypatch.setattr(release, "DIST", repo / "dist")
    monkeypatch.chdir(repo)
    return repo


def run_cli(argv, tmp_path, capsys):
    if argv[0] == "grade":
        argv = [*argv, "--out", str(tmp_path / "r.json")]
    status = cli.main(argv)
    captured = capsys.readouterr()
    return status, captured.err.splitlines()


@pytest.mark.parametrize("argv", COMMANDS_ON_TINYCALC, ids=lambda a: a[0])
def test_an_unknown_manifest_key_is_one_line_naming_file_and_key(broken_repo, tmp_path, capsys, argv):
    path = broken_repo / "solutions" / "tinycalc" / "assignment.toml"
    path.write_text(path.read_text().replace("memory_mb = 1024", "memory_mbs = 1024"))
    status, err = run_cli(argv, tmp_path, capsys)
    assert status == 2
    assert len(err) == 1, err
    assert err[0].startswith(f"autograder {argv[0]}: solutions/tinycalc/assignment.toml: unknown key "
                             f"limits.memory_mbs (did you mean 'memory_mb'?); [limits] allows: call_seconds, ")
    assert not (tmp_path / "r.json").exists() and not list(broken_repo.glob("dist/*.zip"))


# `gradescope` packs the committed skeleton and renders nothing.
@pytest.mark.parametrize("argv", [a for a in COMMANDS_ON_TINYCALC[1:] if a[0] != "gradescope"], ids=lambda a: a[0])
def test_a_marker_error_is_one_line_naming_file_and_line(broken_repo, tmp_path, capsys, argv):
    source = broken_repo / "solutions" / "tinycalc" / "calc.py"
    lines = source.read_text().splitlines()
    source.write_text("\n".join(lines[:2] + ["# {% endif %}"] + lines[2:]) + "\n")
    status, err = run_cli(argv, tmp_path, capsys)
    assert status == 2
    assert len(err) == 1, err
    assert err[0].startswith(f"autograder {argv[0]}: {source}:3: ")
    assert "endif" in err[0]


def _actions(parser):
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for choice in action._choices_actions:
                yield "subcommand " + choice.dest, choice.help
            for name, sub in action.choices.items():
                yield from ((f"{name}: {what}", text) for what, text in _actions(sub))
        elif not isinstance(action, argparse._HelpAction):
            yield "option " + (action.option_strings or [action.dest])[0], action.help


def test_every_subcommand_and_option_says_what_it_does(monkeypatch):
    captured = {}
    monkeypatch.setattr(argparse.ArgumentParser, "parse_args",
                        lambda self, argv=None: captured.setdefault("parser", self) and sys.exit(0))
    with pytest.raises(SystemExit):
        cli.main([])
    found = dict(_actions(captured["parser"]))
    for name in ("grade", "grade-batch", "release", "gradescope", "skeletons", "check-skeletons", "audit"):
        assert f"subcommand {name}" in found
    for option in ("--assignment", "--submission", "--out", "--sandbox", "--log-dir", "--tests"):
        assert f"grade: option {option}" in found
    for option in ("--submissions", "--out", "--workers", "--scheduler", "--regrade", "--sandbox"):
        assert f"grade-batch: option {option}" in found
    assert {what: text for what, text in found.items() if not (text and text.strip())} == {}
    assert "implementation" not in captured["parser"].description


def test_top_level_help_names_the_commands_and_an_example(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    text = capsys.readouterr().out
    assert "grade one submission" in text
    assert "python -m autograder grade --assignment a1_mnist --submission submission.zip" in text


def test_an_automatic_fallback_to_no_sandbox_says_why_and_how_to_fix_it(fixture_repo, tmp_path, capsys,
                                                                       monkeypatch):
    from autograder.sandbox import modes as sandbox

    real = sandbox._trial
    monkeypatch.setattr(sandbox, "_trial", lambda name, slot: (None, "bubblewrap is not installed")
                        if name == "bwrap" else (None, "needs root (to switch to an unprivileged account)")
                        if name == "user" else real(name, slot))
    assert cli.main(["grade", "--assignment", "tinycalc", "--submission", str(SUBMISSIONS / "clean"),
                     "--out", str(tmp_path / "r.json")]) == 0
    err = capsys.readouterr().err
    assert "WARNING: no sandbox" in err
    assert "bwrap was not possible: bubblewrap is not installed; fix: " in err
    assert "apt-get install bubblewrap" in err
    assert "user was not possible: needs root" in err
