"""Start the worker in the strongest isolation this host allows; limit it; kill all of it.

Modes, strongest first (`auto` takes the first whose trial run succeeds on this host):
- bwrap: bubblewrap namespaces: no network, a read-only system, a private /tmp, and only
  the workspace (at /workspace), the engine's worker-side files and the Python
  installation visible. Run as root, bwrap itself runs as the worker account when that
  account can use the Python installation, else as root with every capability dropped
  and a user namespace in which the worker is `nobody`.
- user: a plain process under a dedicated unprivileged account (root only); the caller
  makes the grader's own folders unreadable to it with `protect()`. It has no private
  /tmp: what the account leaves in the system's world-writable folders is removed after
  every worker (confine.remove_files_of), and before the first, after a killed grader.
- none: a plain subprocess of the grader, for development only: it can read whatever the
  grader can, and a warning says so.
Nothing a call writes may change what a later worker runs: the workspace (scaffold and
student files) is read-only to the worker (bwrap: a read-only bind; user: owned by the
grader; none: mode bits only, which neither root nor a worker that chmods them back
respects), and every worker starts in fresh writable folders of its own: the working
folder (whose entries are links to the workspace's, so `./data/...` reads and new files
land in scratch), HOME and TMPDIR. A worker restarted after a failure sees exactly what
the first one saw.
In every mode: `python -I -B`, an allow-listed environment (no secret in the environment
or argv: /proc would show it), its own session and process group, no-new-privileges,
death with the parent, rlimits on CPU seconds, address space, processes, file size and
open files, and, as root where a pids cgroup can be made, a cgroup that caps the number
of processes and lists every one of them for the kill.

Why one module over 300 lines: the three modes share their trial, staging and teardown;
split per mode, each would repeat them.
"""

import dataclasses
import functools
import os
import pwd
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from autograder.manifest import Limits
from autograder.sandbox import confine

MODES = ("bwrap", "user", "none")
# The worker side, copied whole into the sandbox: autograder/__init__.py and autograder/worker/.
WORKER_PACKAGE = Path(__file__).resolve().parent.parent / "worker"
BWRAP_WORKSPACE = "/workspace"
BWRAP_ENGINE = "/engine"
BWRAP_RUN = "/tmp/run"  # the worker's working folder inside bwrap (on its private /tmp)
# What the worker needs of /etc: the dynamic loader's cache (multiarch libraries),
# fontconfig (torch's and matplotlib's libraries print an error without it), time zone.
ETC_FILES = ("ld.so.cache", "ld.so.conf", "ld.so.conf.d", "fonts", "localtime", "alternatives",
             "passwd", "group", "nsswitch.conf")
NOBODY = 65534


class SandboxUnavailable(Exception):
    """The requested isolation mode cannot run on this host; the message says why."""


@dataclass(frozen=True)
class Mode:
    name: str             # bwrap | user | none
    detail: str           # one line for the terminal and results.json
    account: tuple = ()   # (uid, gid) the worker (or bwrap) runs as; () = the grader's own
    warning: str = ""


def choose(requested="auto", *, slot=None):
    """The mode to grade with: `requested`, or with `auto` the strongest that works here.

    `slot` picks the worker account (kit-worker<slot>) for graders that run several
    workers at once; by default this process takes a free one of its own.
    Raises SandboxUnavailable when a mode named explicitly cannot run here.
    """
    if requested not in ("auto", *MODES):
        raise SandboxUnavailable(f"unknown sandbox mode {requested!r}; choose auto, {', '.join(MODES)}")
    failed = []
    for name in MODES if requested == "auto" else (requested,):
        mode, reason = _trial(name, slot)
        if mode is not None:
            if mode.name == "none" and failed:  # `auto` fell back: say why, and how to fix it
                mode = dataclasses.replace(mode, warning=mode.warning + "".join(
                    f"\n  {n} was not possible: {why}; {_remedy(n, why)}" for n, why in failed))
            return mode
        failed.append((name, reason))
    raise SandboxUnavailable("; ".join(f"{n}: {why}; {_remedy(n, why)}" for n, why in failed))


def _remedy(name, reason):
    """The one thing that makes mode `name` work here, after its trial failed with `reason`."""
    sudo = "" if os.geteuid() == 0 else "sudo "
    if name == "bwrap":
        if "not installed" in reason:
            if shutil.which("apt-get"):
                return f"fix: {sudo}apt-get install bubblewrap"
            return "fix: install the bubblewrap package with this system's package manager"
        for knob, value in (("kernel/apparmor_restrict_unprivileged_userns", 0),
                            ("kernel/unprivileged_userns_clone", 1)):
            if os.path.exists(f"/proc/sys/{knob}"):
                return (f"if user namespaces are disabled, fix: {sudo}sysctl -w "
                        f"{knob.replace('/', '.')}={value}")
        return "bubblewrap needs unprivileged user namespaces, which this kernel refuses"
    if name == "user":
        if "needs root" in reason:
            return "fix: run the grader as root (sudo), or install bubblewrap for the bwrap mode"
        private = _private_python_folder()
        if private:
            return (f"Python must be readable by other accounts, and {private} is not: fix: chmod o+rx "
                    f"{private} (or grade with a Python installed outside private folders)")
        if "no worker account" in reason:
            return "fix: make sure useradd exists and the kit-worker accounts are not in use"
    return "see the error above"


def _private_python_folder(paths=None):
    """The first folder on the way to this Python (or to `paths`) that other accounts cannot
    enter, or None."""
    for root in paths or [os.path.realpath(sys.executable), *_python_roots()]:
        path = Path(root)
        for folder in [*reversed(path.parents), path]:
            try:
                mode = folder.stat().st_mode
            except OSError:
                continue
            if (mode & 0o005) != 0o005:  # others need r and x: enter folders, read and run files
                return str(folder)
    return None


@functools.cache
def _trial(name, slot):
    """(Mode, None) if a worker-like process starts in mode `name`, else (None, why)."""
    if name == "none":
        return Mode("none", "none (plain subprocess)", warning=(
            "WARNING: no sandbox: the worker runs as a plain subprocess and can read every file "
            "the grader can (tests, solutions, results). Use this for development only.")), None
    if os.geteuid() != 0 and name == "user":
        return None, "needs root (to switch to an unprivileged account)"
    if name == "bwrap" and shutil.which("bwrap") is None:
        return None, "bubblewrap is not installed"
    account = confine.take_account(slot) if os.geteuid() == 0 else None
    if name == "user" and account is None:
        return None, f"no worker account free ({confine.ACCOUNT}, {confine.ACCOUNT}1, ...: in use or not creatable)"
    # As root, bwrap runs as the worker account where that account can use this Python.
    candidates = [account, ()] if name == "bwrap" and account else [account or ()]
    why = ""
    for acct in candidates:
        ok, why = _try(Mode(name, "", acct))
        if ok:
            return Mode(name, _describe(name, acct), acct), None
    return None, f"trial run failed ({why})"


def _try(mode):
    """(True, "") if Python with NumPy starts in this mode's sandbox, else (False, why)."""
    with tempfile.TemporaryDirectory(prefix="kit-trial-") as scratch:
        box = Sandbox(mode, Path(scratch) / "workspace", Limits(submission_seconds=60, file_size_mb=16),
                      Path(scratch))
        try:
            box.prepare()
            box.fresh_folders()
            run = subprocess.run(box.argv(code="import numpy"), env=box.env(), cwd=box.cwd(),
                                 stdin=subprocess.DEVNULL, capture_output=True, timeout=120,
                                 preexec_fn=box.child_setup())
        except (OSError, subprocess.SubprocessError) as e:
            return False, str(e)
        finally:
            box.close()
    lines = run.stderr.decode(errors="replace").strip().splitlines()
    return run.returncode == 0, lines[-1] if lines else f"exit status {run.returncode}"


def _describe(name, account):
    user = f"{pwd.getpwuid(account[0]).pw_name} (uid {account[0]})" if account else None
    if name == "user":
        return f"user (separate unprivileged account {user}; {confine.network_isolation()})"
    if account:
        return f"bwrap (namespaces, no network; bwrap runs as {user})"
    if os.geteuid() == 0:
        return "bwrap (namespaces, no network; as root with every capability dropped)"
    return "bwrap (namespaces, no network)"


def limits_processes(mode):
    """Does a process limit bind the worker here? (RLIMIT_NPROC does not bind root.)"""
    if mode.account or os.geteuid() != 0:
        return True
    cgroup = confine.PidsCgroup.create(1)
    if cgroup is not None:
        cgroup.remove()
    return cgroup is not None


def protect(paths):
    """Make grader folders and files unreadable to other accounts (user mode): folders
    0700, files 0600 (execute bits kept for the owner), ours only."""
    for path in paths:
        path = Path(path)
        if path.exists() and not path.is_symlink() and path.stat().st_uid == os.geteuid():
            path.chmod(0o700 if path.is_dir() else 0o600 | (path.stat().st_mode & 0o100))


class Sandbox:
    """One submission's worker launcher: scratch folders, argv, environment, limits, kill.

    `data` lists (host file or folder, path in the workspace) pairs shown read-only to the worker.
    """

    def __init__(self, mode, workspace, limits, scratch, data=()):
        self.mode = mode
        self.workspace = Path(workspace)
        self.limits = limits
        self.scratch = Path(scratch)
        self.data = tuple((Path(src), rel) for src, rel in data)
        self.engine = self.scratch / "engine"
        self.home = self.scratch / "home"  # HOME and TMPDIR (user, none); wiped for each worker
        self.run = self.scratch / "run"    # the working folder (user, none); wiped for each worker
        self.cgroup = None

    # -- setup
    def prepare(self):
        """Copy the worker-side engine, stage data, set owners and modes; make the cgroup."""
        self.scratch.chmod(0o711)  # the worker account may pass through, not list
        package = self.engine / "autograder"
        package.mkdir(parents=True)
        shutil.copyfile(WORKER_PACKAGE.parent / "__init__.py", package / "__init__.py")
        shutil.copytree(WORKER_PACKAGE, package / "worker", ignore=shutil.ignore_patterns("__pycache__"))
        _chmod_tree(self.engine, 0o755, 0o644)
        self.workspace.mkdir(parents=True, exist_ok=True)
        if self.mode.name == "user":
            # A grader killed mid-grading left what its worker account wrote: gone before ours runs.
            confine.kill_account(*self.mode.account)
            confine.remove_files_of(self.mode.account[0])
        # Data comes from the grader's folders, which the worker account may not pass (0700):
        # a hard link (same inode, root's, 0444) or a copy is staged where it can read it.
        # The plain mode always copies: its worker could write through a link.
        staged = set()
        for src, rel in self.data:
            target = self.workspace / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            # A folder (an image data set) is staged file by file, and bound once in bwrap.
            files = [(p, p.relative_to(src)) for p in sorted(src.rglob("*")) if p.is_file()] if src.is_dir() \
                else [(src, Path())]
            for path, inner in files:
                if self.mode.name == "bwrap":
                    _stage(path, self.scratch / "data" / rel / inner, may_link=True)
                else:
                    _stage(path, target / inner, may_link=self.mode.name == "user")
                    staged.add(str(target / inner))
            if self.mode.name == "bwrap":  # the mount point; bwrap binds the staged copy over it read-only
                target.mkdir(exist_ok=True) if src.is_dir() else target.touch()
        # Read-only to the worker: the grader's own files (user, bwrap as the account: no
        # write bit for others), and mode bits without any write bit in the plain mode.
        # The staged data keep theirs (a hard link shares its mode with the grader's file).
        plain = self.mode.name == "none"
        _chmod_tree(self.workspace, 0o555 if plain else 0o755, 0o444 if plain else 0o644, skip=staged)
        self.cgroup = confine.PidsCgroup.create(self.limits.processes + 8)

    def fresh_folders(self):
        """The worker's writable folders, empty: its working folder (links to the workspace's
        entries) and HOME. Called before every worker starts (bwrap makes its own inside)."""
        if self.mode.name == "bwrap":
            return
        for folder in (self.run, self.home):
            _remove_tree(folder)
            folder.mkdir(mode=0o700)
            if self.mode.account:
                os.chown(folder, *self.mode.account)
        for entry in sorted(os.listdir(self.workspace)):
            (self.run / entry).symlink_to(self.workspace / entry)

    def close(self):
        """After the last worker: remove the cgroup and (user mode) what the account left in /tmp."""
        if self.cgroup is not None:
            self.cgroup.remove()
            self.cgroup = None
        if self.mode.name == "user":
            confine.kill_account(*self.mode.account)
            confine.remove_files_of(self.mode.account[0])
        if self.mode.name == "none" and self.workspace.is_dir():
            _chmod_tree(self.workspace, 0o755, 0o644)  # removable again by a grader that is not root

    # -- the worker's command line and environment
    def argv(self, code=None):
        """The command that starts the worker (or runs `code` in its place, for trials)."""
        inside = self.mode.name == "bwrap"
        engine = BWRAP_ENGINE if inside else str(self.engine)
        workspace = BWRAP_WORKSPACE if inside else str(self.workspace)
        code = code or (f"import sys; sys.path.insert(0, {engine!r}); "
                        f"from autograder.worker.serve import main; main()")
        python = [sys.executable, "-I", "-B", "-c", code, workspace]
        return self._bwrap() + ["--"] + python if inside else python

    def env(self):
        home = "/tmp" if self.mode.name == "bwrap" else str(self.home)
        return {
            "PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": home, "TMPDIR": home, "LANG": "C.UTF-8",
            "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
            "MPLBACKEND": "Agg",
        }

    def cwd(self):
        return str(self.scratch if self.mode.name == "bwrap" else self.run)

    def _bwrap(self):
        args = ["bwrap", "--unshare-all", "--unshare-user", "--disable-userns", "--uid", str(NOBODY),
                "--gid", str(NOBODY), "--cap-drop", "ALL", "--die-with-parent", "--new-session",
                "--hostname", "worker", "--ro-bind", "/usr", "/usr"]
        for top in ("bin", "sbin", "lib", "lib32", "lib64", "libx32"):
            path = Path("/") / top
            if path.is_symlink():
                args += ["--symlink", os.readlink(path), str(path)]
            elif path.is_dir():
                args += ["--ro-bind", str(path), str(path)]
        for name in ETC_FILES:
            if os.path.exists(f"/etc/{name}"):
                args += ["--ro-bind", f"/etc/{name}", f"/etc/{name}"]
        tmp_size = ["--size", str(2 * self.limits.file_size_mb * 2**20)] if _bwrap_has_size() else []
        args += ["--proc", "/proc", "--dev", "/dev", *tmp_size, "--tmpfs", "/tmp"]
        for path in _python_roots():  # after the private /tmp: a venv may live under /tmp (CI clones)
            args += ["--ro-bind", path, path]
        args += ["--ro-bind", str(self.workspace), BWRAP_WORKSPACE, "--ro-bind", str(self.engine), BWRAP_ENGINE]
        for _, rel in self.data:
            args += ["--ro-bind", str(self.scratch / "data" / rel), f"{BWRAP_WORKSPACE}/{rel}"]
        args += ["--dir", BWRAP_RUN]  # the working folder: on the private /tmp, new for each worker
        for entry in sorted(os.listdir(self.workspace)):
            args += ["--symlink", f"{BWRAP_WORKSPACE}/{entry}", f"{BWRAP_RUN}/{entry}"]
        return args + ["--remount-ro", "/", "--chdir", BWRAP_RUN]

    # -- running and stopping
    def spawn(self, stderr):
        """Start the worker: stdin/stdout are the protocol pipes, stderr goes to `stderr`."""
        self.fresh_folders()
        return subprocess.Popen(self.argv(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=stderr, env=self.env(), cwd=self.cwd(), close_fds=True,
                                start_new_session=True, preexec_fn=self.child_setup())

    def child_setup(self):
        """The function run in the child between fork and exec (see confine.child_setup)."""
        return confine.child_setup(self.limits, account=self.mode.account, cgroup=self.cgroup,
                                   isolate_network=self.mode.name == "user")

    def kill(self, proc):
        """Kill the worker and everything it started, wherever it went; reap it."""
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        if self.cgroup is not None:
            self.cgroup.kill()
        if self.mode.account:
            confine.kill_account(*self.mode.account)
        if self.mode.name == "user":  # what it left in /tmp, /dev/shm, ...: never seen by the next worker
            confine.remove_files_of(self.mode.account[0])
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def signal_of(self, returncode):
        """The signal that ended the worker, or None (bwrap reports a signal as 128 + n)."""
        if returncode is None:
            return None
        if returncode < 0:
            return -returncode
        if self.mode.name == "bwrap" and returncode > 128:
            return returncode - 128
        return None


def _python_roots():
    """The folders the worker's Python needs (installation, venv), outermost only."""
    executable_root = os.path.dirname(os.path.dirname(os.path.realpath(sys.executable)))
    roots = []
    for path in sorted({sys.base_prefix, sys.prefix, executable_root}):
        if path != "/usr" and not path.startswith("/usr/") and not any(
                path == r or path.startswith(r + "/") for r in roots):
            roots.append(path)
    return roots


@functools.cache
def _bwrap_has_size():
    try:
        return "--size" in subprocess.run(["bwrap", "--help"], capture_output=True, text=True).stdout
    except OSError:
        return False


def _stage(src, target, may_link):
    """Put a read-only, world-readable `src` at `target`: a hard link where safe, else a copy."""
    target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
    if may_link and os.stat(src).st_mode & 0o444 == 0o444 and os.stat(src).st_uid == os.geteuid():
        try:
            os.link(src, target)
            return
        except OSError:  # another filesystem, or links refused: copy instead
            pass
    shutil.copyfile(src, target)
    target.chmod(0o444)


def _chmod_tree(root, dir_mode, file_mode, skip=()):
    """Folders to `dir_mode`, files to `file_mode` (plus execute bits where the owner had
    one); `skip`: files left as they are. Links are never followed."""
    for top, dirs, files in os.walk(root):
        os.chmod(top, dir_mode)
        for name in files:
            path = os.path.join(top, name)
            st = os.lstat(path)
            if path in skip or not stat.S_ISREG(st.st_mode):
                continue
            os.chmod(path, file_mode | (0o111 & dir_mode if st.st_mode & 0o100 else 0))
        for name in dirs:  # a folder the worker made unreadable (the plain mode) is walked all the same
            path = os.path.join(top, name)
            if not os.path.islink(path):
                os.chmod(path, dir_mode)


def _remove_tree(path):
    """Remove what a worker left (it may have taken the write bit off its own folders)."""
    if not os.path.lexists(path):
        return
    if os.path.islink(path) or not os.path.isdir(path):
        os.unlink(path)
        return

    def retry(function, failed, _exc):
        os.chmod(os.path.dirname(failed), 0o700)
        if os.path.isdir(failed) and not os.path.islink(failed):
            os.chmod(failed, 0o700)
        function(failed)

    shutil.rmtree(path, onerror=retry)


