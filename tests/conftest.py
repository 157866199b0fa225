"""Shared fixtures of the engine tests: the fixture repository and the sandbox modes.

tests/fixtures/repo is laid out like the real repository (solutions/, skeletons/,
public_tests/, private_tests/) with small assignments, so the engine's tests never
depend on the real assignments. `fixture_repo` points manifest.REPO at it.

A test taking `mode` runs in every sandbox mode (bwrap, user, none); one taking
`sandboxed_mode` in bwrap and user only. A mode this host cannot run is skipped with
the reason (as root, with a Python the worker account cannot reach, `user` is
unavailable: tools/with_reachable_python.sh runs the suite where it is).
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from autograder import manifest
from autograder.harness.student import Student
from autograder.sandbox import modes as sandbox
from autograder.sandbox import remote

FIXTURE_REPO = Path(__file__).resolve().parent / "fixtures" / "repo"
PROBE = Path(__file__).resolve().parent / "fixtures" / "probe"


def _param(name):
    try:
        sandbox.choose(name)
        return pytest.param(name, id=name)
    except sandbox.SandboxUnavailable as e:
        return pytest.param(name, id=name, marks=pytest.mark.skip(reason=f"sandbox {name} unavailable: {e}"))


def pytest_generate_tests(metafunc):
    if "mode" in metafunc.fixturenames:
        metafunc.parametrize("mode", [_param(m) for m in sandbox.MODES])
    if "sandboxed_mode" in metafunc.fixturenames:
        metafunc.parametrize("sandboxed_mode", [_param(m) for m in ("bwrap", "user")])


@pytest.fixture
def fixture_repo(monkeypatch):
    monkeypatch.setattr(manifest, "REPO", FIXTURE_REPO)
    return FIXTURE_REPO


@pytest.fixture
def tinycalc(fixture_repo):
    return manifest.load("tinycalc")


@pytest.fixture
def survivors():
    """PIDs of live processes with `argument` in their command line (what grading left behind)."""

    def find(argument):
        found = []
        for entry in os.scandir("/proc"):
            if entry.name.isdigit():
                try:
                    with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                        if argument.encode() in f.read().split(b"\0"):
                            found.append(int(entry.name))
                except OSError:
                    pass
        return found

    return find


@pytest.fixture
def probe_worker():
    """probe_worker(mode, limits) -> a Student whose calls go to a sandboxed worker on a
    copy of tests/fixtures/probe (closed and removed after the test)."""
    opened = []

    def start(mode, limits):
        scratch = Path(tempfile.mkdtemp(prefix="kit-test-"))  # as the runner's: the account passes /tmp
        shutil.copytree(PROBE, scratch / "workspace")
        box = sandbox.Sandbox(sandbox.choose(mode), scratch / "workspace", limits, scratch)
        box.prepare()
        transport = remote.RemoteTransport(box, limits, log_path=str(scratch / "worker.log"))
        opened.append((transport, box, scratch))
        return Student(transport)

    yield start
    for transport, box, scratch in opened:
        transport.close()
        box.close()
        shutil.rmtree(scratch)
