"""When `auto` has to grade without a sandbox, the warning says why each stronger mode
failed here and the one command that fixes it (the modes' trial runs are faked)."""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from autograder.sandbox import modes as sandbox

NO_BWRAP = "bubblewrap is not installed"
NOT_ROOT = "needs root (to switch to an unprivileged account)"
USER_TRIAL_FAILED = "trial run failed (exit status 1)"


@pytest.fixture
def trials(monkeypatch):
    """trials(bwrap=reason or None, user=reason or None, root=bool): fake this host."""

    def fake(bwrap=None, user=None, root=False, apt=True, private=None):
        outcomes = {"bwrap": bwrap, "user": user}

        def trial(name, slot):
            if name == "none" or outcomes[name] is None:
                return sandbox.Mode(name, f"{name} (faked)", warning="WARNING: no sandbox." if name == "none" else ""), None
            return None, outcomes[name]

        monkeypatch.setattr(sandbox, "_trial", trial)
        monkeypatch.setattr(sandbox.os, "geteuid", lambda: 0 if root else 1000)
        monkeypatch.setattr(sandbox.shutil, "which", lambda name: f"/usr/bin/{name}" if apt else None)
        monkeypatch.setattr(sandbox, "_private_python_folder", lambda paths=None: private)

    return fake


def test_a_user_without_bubblewrap_is_told_to_install_it(trials):
    trials(bwrap=NO_BWRAP, user=NOT_ROOT)
    mode = sandbox.choose("auto")
    assert mode.name == "none"
    assert mode.warning.splitlines() == [
        "WARNING: no sandbox.",
        "  bwrap was not possible: bubblewrap is not installed; fix: sudo apt-get install bubblewrap",
        "  user was not possible: needs root (to switch to an unprivileged account); fix: run the grader as "
        "root (sudo), or install bubblewrap for the bwrap mode",
    ]


def test_root_with_python_in_a_private_home_is_told_why_user_mode_failed(trials):
    trials(bwrap=NO_BWRAP, user=USER_TRIAL_FAILED, root=True, private="/root")
    lines = sandbox.choose("auto").warning.splitlines()
    assert lines[1] == "  bwrap was not possible: bubblewrap is not installed; fix: apt-get install bubblewrap"
    assert lines[2] == ("  user was not possible: trial run failed (exit status 1); Python must be readable by "
                        "other accounts, and /root is not: fix: chmod o+rx /root (or grade with a Python "
                        "installed outside private folders)")


def test_without_apt_the_package_is_named(trials):
    trials(bwrap=NO_BWRAP, user=NOT_ROOT, apt=False)
    assert ("bubblewrap is not installed; fix: install the bubblewrap package with this system's package "
            "manager") in sandbox.choose("auto").warning


def test_an_installed_bubblewrap_that_fails_points_at_user_namespaces(trials):
    trials(bwrap="trial run failed (bwrap: setting up uid map: Permission denied)", user=NOT_ROOT)
    line = sandbox.choose("auto").warning.splitlines()[1]
    assert line.startswith("  bwrap was not possible: trial run failed (bwrap: setting up uid map: "
                           "Permission denied); ")
    assert "user namespaces" in line


def test_no_warning_when_a_sandbox_was_found_or_none_was_asked_for(trials):
    trials(bwrap=NO_BWRAP, user=None, root=True)
    assert sandbox.choose("auto").name == "user"
    assert sandbox.choose("auto").warning == ""
    trials(bwrap=NO_BWRAP, user=NOT_ROOT)
    assert sandbox.choose("none").warning == "WARNING: no sandbox."


def test_an_explicit_mode_is_still_refused_with_the_reason(trials):
    trials(bwrap=NO_BWRAP, user=NOT_ROOT)
    with pytest.raises(sandbox.SandboxUnavailable) as info:
        sandbox.choose("bwrap")
    assert str(info.value) == "bwrap: bubblewrap is not installed; fix: sudo apt-get install bubblewrap"


def test_the_private_folder_on_the_way_to_python_is_found():
    top = Path(tempfile.mkdtemp(prefix="kit-test-"))  # directly in /tmp: its parents are open
    try:
        top.chmod(0o755)
        python = top / "home" / "bin" / "python"
        python.parent.mkdir(parents=True)
        python.write_text("")
        python.chmod(0o755)
        (top / "home").chmod(0o700)
        if os.stat("/tmp").st_mode & 0o005 != 0o005:
            pytest.skip("/tmp itself is private here")
        assert sandbox._private_python_folder([str(python)]) == str(top / "home")
        (top / "home").chmod(0o755)
        assert sandbox._private_python_folder([str(python)]) is None
        python.chmod(0o700)
        assert sandbox._private_python_folder([str(python)]) == str(python)
    finally:
        shutil.rmtree(top)
