"""Does each sandbox mode hide the grader's files, its paths and the network from the
worker, and apply the limits? The same probes run in the plain mode, where they must
succeed: that proves they test the boundary."""

import ctypes
import os
import shutil
import socket
import stat
import tempfile
from pathlib import Path

import pytest

from autograder.grading import runner
from autograder.manifest import Limits
from autograder.sandbox import confine
from autograder.sandbox import modes as sandbox

LIMITS = Limits(call_seconds=10, submission_seconds=120, memory_mb=1024, processes=32, open_files=100,
                file_size_mb=8)
NOBODY_UID = 65534
ALLOWED_ENV = {"PATH", "HOME", "TMPDIR", "LANG", "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
               "MPLBACKEND", "PWD"}


@pytest.fixture
def worker(probe_worker):
    """worker(mode) -> a Student on a sandboxed probe workspace."""
    return lambda mode: probe_worker(mode, LIMITS)


@pytest.fixture
def secrets(tinycalc, tmp_path):
    """The grader's files a worker must not read: tests, hidden tests, the solution, results."""
    results = tmp_path / "out" / "results.json"
    results.parent.mkdir()
    results.write_text('{"score": 100}')
    return {
        "public test": tinycalc.public_tests / "test_calc.py",
        "hidden test": tinycalc.private_tests / "test_calc_hidden.py",
        "solution": tinycalc.root / "calc.py",
        "results file": results,
        "engine tests": Path(__file__),
        "repository history (.git)": runner.REPO / ".git" / "HEAD",
        "repository files": runner.REPO / "pyproject.toml",
    }


@pytest.fixture
def protected(tinycalc):
    """User mode: the grader's folders made 0700 as the runner does; modes restored after."""
    paths = runner.secret_paths(tinycalc, None)
    before = {p: stat.S_IMODE(p.stat().st_mode) for p in paths}
    sandbox.protect(paths)
    yield
    for path, mode in before.items():
        path.chmod(mode)


def test_the_worker_reads_no_grader_file_in_a_sandbox(worker, secrets, sandboxed_mode, protected):
    student = worker(sandboxed_mode)
    for what, path in secrets.items():
        got = student.call("probe.read", str(path))
        assert isinstance(got, str) and "Error" in got, f"{what} ({path}) was readable: {got!r}"


def test_the_same_probe_reads_them_in_the_plain_mode(worker, secrets):
    student = worker("none")
    for what, path in secrets.items():
        got = student.call("probe.read", str(path))
        assert isinstance(got, bytes) and got, f"{what} ({path}) should be readable without a sandbox: {got!r}"


def test_environment_and_command_line_name_no_secret(worker, secrets, mode):
    """Is the environment an allow-list, and is argv just python -I -B, the launcher and the workspace?"""
    student = worker(mode)
    env = student.call("probe.environ")
    assert set(env) <= ALLOWED_ENV, set(env) - ALLOWED_ENV
    argv = student.call("probe.proc_file", "cmdline").split(b"\0")[:-1]
    assert argv[1:4] == [b"-I", b"-B", b"-c"]
    assert argv[-1].endswith(b"workspace")
    everything = repr(env).encode() + b" ".join(argv)
    for path in [*secrets.values(), Path(__file__).parent]:
        assert str(path).encode() not in everything
    for word in (b"results", b"private_tests", b"public_tests", b"solutions"):
        assert word not in everything


def test_limits_and_no_new_privileges_apply(worker, mode):
    student = worker(mode)
    limits = {line[:26].strip(): line[26:].split()[:2]
              for line in student.call("probe.proc_file", "limits").decode().splitlines()[1:]}
    assert limits["Max cpu time"] == ["121", "126"]
    assert limits["Max address space"] == [str(1024 * 2**20)] * 2
    assert limits["Max file size"] == [str(8 * 2**20)] * 2
    assert limits["Max open files"] == ["100", "100"]
    assert limits["Max core file size"] == ["0", "0"]
    processes = int(limits["Max processes"][0])
    assert processes == 32 if sandbox.choose(mode).account else 32 < processes < 100_000
    status = student.call("probe.proc_file", "status").decode()
    assert "NoNewPrivs:\t1" in status


def test_bwrap_hides_the_network_and_the_system_is_read_only(worker):
    if not _works("bwrap"):
        pytest.skip("bwrap unavailable")
    student = worker("bwrap")
    assert student.call("probe.network_interfaces") == ["lo"]
    assert set(student.call("probe.listdir", "/")) <= {
        "bin", "sbin", "lib", "lib32", "lib64", "libx32", "usr", "etc", "proc", "dev", "tmp", "workspace",
        "engine", *(p.strip("/").split("/")[0] for p in sandbox._python_roots())}
    assert student.call("probe.listdir", "/engine/autograder") == ["__init__.py", "worker"]
    assert set(student.call("probe.listdir", "/engine/autograder/worker")) >= {
        p.name for p in sandbox.WORKER_PACKAGE.glob("*.py")}
    for path in ("/usr/kit-x", "/kit-x", "/engine/autograder/kit-x", sandbox.sys.prefix + "/kit-x"):
        assert "Read-only file system" in student.call("probe.write", path)
    assert student.call("probe.write", "/tmp/kit-x") == "written"
    assert "Read-only file system" in student.call("probe.write", "/workspace/kit-x")
    assert student.call("probe.write", "kit-x") == "written"  # its working folder, on the private /tmp
    assert student.call("probe.read", "/proc/1/cmdline") != b""  # its own pid namespace: bwrap's init
    assert student.call("probe.proc_file", "status").count(b"CapEff:\t0000000000000000") == 1


def test_user_mode_cannot_write_outside_its_workspace(worker):
    if not _works("user"):
        pytest.skip("user mode unavailable")
    student = worker("user")
    assert "Permission denied" in student.call("probe.write", "/usr/kit-x")
    assert "Permission denied" in student.call("probe.write", os.path.dirname(sandbox.sys.executable) + "/kit-x")
    assert student.call("probe.write", "kit-x") == "written"


def test_an_explicit_mode_that_cannot_run_is_refused_with_the_reason(monkeypatch):
    sandbox._trial.cache_clear()
    monkeypatch.setattr(sandbox.shutil, "which", lambda name: None)
    try:
        with pytest.raises(sandbox.SandboxUnavailable, match="bwrap: bubblewrap is not installed"):
            sandbox.choose("bwrap")
        with pytest.raises(sandbox.SandboxUnavailable, match="unknown sandbox mode 'docker'"):
            sandbox.choose("docker")
        assert sandbox.choose("auto").name in ("user", "none")
    finally:
        sandbox._trial.cache_clear()


def _works(mode):
    try:
        sandbox.choose(mode)
        return True
    except sandbox.SandboxUnavailable:
        return False


@pytest.fixture
def listener():
    """A TCP port on 127.0.0.1 that accepts connections (what a worker must not reach)."""
    server = socket.create_server(("127.0.0.1", 0))
    yield server.getsockname()[1]
    server.close()


def test_sandboxed_workers_cannot_connect_anywhere(worker, listener, sandboxed_mode):
    student = worker(sandboxed_mode)
    for host, port in (("127.0.0.1", listener), ("1.1.1.1", 80)):
        assert student.call("probe.connect", host, port) != "connected"


def test_the_plain_mode_connects(worker, listener):
    assert worker("none").call("probe.connect", "127.0.0.1", listener) == "connected"


def test_user_mode_without_network_namespaces_refuses_sockets(worker, listener, monkeypatch):
    """Inside Docker no network namespace can be made: the seccomp filter must hold instead."""
    if not _works("user"):
        pytest.skip("user mode unavailable")
    monkeypatch.setattr(confine, "can_unshare_net", lambda: False)
    student = worker("user")
    assert student.call("probe.connect", "127.0.0.1", listener) == "PermissionError: Permission denied"
    assert student.call("probe.echo", 1) == 1


def test_the_socket_filter_refuses_socket_and_keeps_socketpair():
    program = confine.socket_filter()
    if program is None:
        pytest.skip("no seccomp program for this architecture")
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            confine._libc.prctl(confine._PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
            if confine._libc.prctl(confine._PR_SET_SECCOMP, confine._SECCOMP_MODE_FILTER,
                                   ctypes.byref(program), 0, 0) == 0:
                a, b = socket.socketpair()
                try:
                    socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                except PermissionError:
                    try:
                        socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                    except PermissionError:
                        code = 0
        finally:
            os._exit(code)
    assert os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0


def test_the_workspace_is_read_only_to_the_worker(worker, sandboxed_mode):
    """Can a call change what a later import reads: the student's module, a new module, a
    __pycache__ entry in the workspace? (Its working folder stays writable.)"""
    student = worker(sandboxed_mode)
    workspace = os.path.dirname(student.call("os.path.realpath", "probe.py"))
    assert student.call("os.getcwd") != workspace
    for path in ("probe.py", "kit_new_module.py", "kit.pth", "__pycache__/probe.cpython-311.pyc"):
        assert "Error" in student.call("probe.write", f"{workspace}/{path}"), path
    assert "Error" in student.call("probe.write", "probe.py")  # through the working folder's link
    assert student.call("probe.write", "kit-x.png") == "written"
    assert student.call("probe.read", "probe.py").startswith(b'"""Student-side probe')


def test_the_plain_mode_workspace_is_read_only_by_its_mode_bits(probe_worker):
    student = probe_worker("none", LIMITS)
    workspace = Path(student.call("os.path.realpath", "probe.py")).parent
    assert stat.S_IMODE(workspace.stat().st_mode) == 0o555
    assert stat.S_IMODE((workspace / "probe.py").stat().st_mode) == 0o444


def test_each_worker_starts_in_fresh_writable_folders(worker, mode):
    """What one worker wrote in its working folder, HOME or TMPDIR is gone for the next one."""
    student = worker(mode)
    env = student.call("probe.environ")
    paths = ["kit-left", f"{env['HOME']}/kit-left", f"{env['TMPDIR']}/kit-left-tmp"]
    for path in paths:
        assert student.call("probe.write", path) == "written", path
        assert student.call("probe.read", path) == b"x"
    with pytest.raises(Exception, match="exited"):
        student.call("probe.exit_now", 3)
    for path in paths:
        assert student.call("probe.read", path) == "FileNotFoundError: No such file or directory", path
    assert student.call("probe.read", "probe.py").startswith(b'"""Student-side probe')


def test_user_mode_leaves_nothing_in_shared_folders(worker):
    """In user mode (no private /tmp), is what a worker wrote to /tmp, /var/tmp, /dev/shm
    or /run/lock removed before the next worker starts?"""
    if not _works("user"):
        pytest.skip("user mode unavailable")
    student = worker("user")
    mark = os.urandom(6).hex()
    paths = [f"{folder}/kit-left-{mark}" for folder in confine.shared_folders()]
    assert "/run/lock" not in confine.shared_folders() or f"/run/lock/kit-left-{mark}" in paths
    for path in paths:
        assert student.call("probe.write", path) == "written", path
        assert os.path.exists(path)
    with pytest.raises(Exception, match="exited"):
        student.call("probe.exit_now", 3)
    assert [p for p in paths if os.path.exists(p)] == []
    for path in paths:
        assert "FileNotFoundError" in student.call("probe.read", path)


def test_shared_folders_are_every_reachable_world_writable_folder(tmp_path):
    base = Path(tempfile.mkdtemp(prefix="kit-test-shared-"))
    try:
        base.chmod(0o755)
        (base / "open").mkdir(mode=0o777)
        (base / "open").chmod(0o1777)
        (base / "closed").mkdir(mode=0o700)
        (base / "closed" / "open").mkdir()
        (base / "closed" / "open").chmod(0o777)
        found = confine.shared_folders.__wrapped__()
        assert str(base / "open") in found
        assert str(base / "closed" / "open") not in found  # no account other than ours can reach it
        assert "/tmp" in found
        left = base / "open" / "left-by-worker"
        left.mkdir()
        (left / "inner").write_text("x")
        os.chown(left, NOBODY_UID, NOBODY_UID)
        (base / "open" / "ours").write_text("keep")
        confine.remove_files_of(NOBODY_UID, folders=[str(base / "open")])
        assert sorted(os.listdir(base / "open")) == ["ours"]
    finally:
        shutil.rmtree(base)


def test_secret_paths_cover_the_repository_but_the_python_the_worker_runs(tinycalc):
    paths = runner.secret_paths(tinycalc, None)
    repo = runner.REPO
    for name in (".git", "autograder", "solutions", "private_tests", "tests", "pyproject.toml"):
        assert repo / name in paths, name
    for root in sandbox._python_roots():
        assert not any(Path(root).resolve().is_relative_to(p) for p in paths), root
