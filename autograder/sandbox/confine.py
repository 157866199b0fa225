"""Linux mechanisms the sandbox confines a worker with, in one place.

- worker accounts: one unprivileged account per grading process, taken under a lock
  (processes of one account could signal and read each other), created if missing;
  kill_account ends every process of one, wherever it went; remove_files_of clears what
  it left in the shared temporary folders;
- the child's setup between fork and exec: pids cgroup, rlimits, network namespace,
  uid switch, parent-death signal, no-new-privileges, the seccomp socket filter;
- a seccomp program that refuses socket(2) and io_uring, for hosts (Docker) that allow
  no network namespace;
- a pids cgroup of the worker's own (as root): caps its processes and lists them all.

Why one module over 300 lines: each mechanism is short, and keeping every privileged
Linux call in one file keeps the part that needs review in one place.
"""

import ctypes
import errno
import fcntl
import functools
import os
import platform
import pwd
import resource
import shutil
import signal
import stat
import subprocess
import tempfile
import time
from pathlib import Path

ACCOUNT = "kit-worker"
MAX_ACCOUNTS = 64
_HELD = {}  # worker account name -> the descriptor of its lock, held by this process
_PR_SET_PDEATHSIG = 1
_PR_SET_NO_NEW_PRIVS = 38
_PR_SET_SECCOMP = 22
_SECCOMP_MODE_FILTER = 2
_CLONE_NEWNET = 0x40000000
# (audit arch, [socket, io_uring_setup]): io_uring can open sockets without socket(2).
_SYSCALLS = {"x86_64": (0xC000003E, [41, 425]), "aarch64": (0xC00000B7, [198, 425])}
_libc = ctypes.CDLL(None, use_errno=True)


# -- worker accounts ----------------------------------------------------------------------

def take_account(slot=None):
    """(uid, gid) of a worker account that no other grading process here is using, or None.

    Processes of one account can signal and read each other, so two graders must never
    share one: each takes an account under an exclusive lock held for its lifetime (slot
    None: the first free of kit-worker, kit-worker1, ...; a number: that account only).
    A missing account is created as a system user.
    """
    for n in range(MAX_ACCOUNTS) if slot is None else (slot,):
        name = ACCOUNT if n == 0 else f"{ACCOUNT}{n}"
        if name not in _HELD and not _lock(name):
            continue
        try:
            entry = pwd.getpwnam(name)
        except KeyError:
            if shutil.which("useradd") is None:
                return None
            subprocess.run(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent",
                            "--shell", "/usr/sbin/nologin", "--user-group", name],
                           capture_output=True, check=False)
            try:
                entry = pwd.getpwnam(name)
            except KeyError:
                return None
        return (entry.pw_uid, entry.pw_gid)
    return None


def _lock(name):
    """Take the account `name` for this process (False if another process holds it)."""
    folder = Path("/run/kit-worker") if os.access("/run", os.W_OK) else Path(tempfile.gettempdir())
    folder.mkdir(mode=0o700, exist_ok=True)
    fd = os.open(folder / f"{name}.lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False
    _HELD[name] = fd  # held (never closed) until this process ends
    return True


def processes_of(uid):
    """How many processes (threads included, as RLIMIT_NPROC counts) `uid` runs now."""
    count = 0
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    count += len(os.listdir(f"/proc/{entry.name}/task"))
            except OSError:
                pass
    return count


def kill_account(uid, gid):
    """SIGKILL every process of the worker account: those that left the process group too."""
    pid = os.fork()
    if pid == 0:
        try:
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
            os.kill(-1, signal.SIGKILL)  # every process this uid may signal, except this one
        finally:
            os._exit(0)
    os.waitpid(pid, 0)


# Never walked for world-writable folders: kernel views, and trees no account may write.
_NOT_SHARED = ("/proc", "/sys", "/usr")


@functools.cache
def shared_folders():
    """Every world-writable folder an unprivileged account can reach (/tmp, /var/tmp,
    /dev/shm, /run/lock, /dev/mqueue, and any other): where a user-mode worker, which has
    no private ones, can leave a file for the next. Folders below one that others may not
    pass (no o+x) are out of its reach and not listed."""
    found = []
    for top, dirs, _files in os.walk("/"):
        keep = []
        for name in dirs:
            path = os.path.join(top, name)
            if path in _NOT_SHARED:
                continue
            try:
                st = os.lstat(path)
            except OSError:
                continue
            if not stat.S_ISDIR(st.st_mode):
                continue
            if st.st_mode & 0o002:
                found.append(path)
            if st.st_mode & 0o001:
                keep.append(name)
        dirs[:] = keep
    return tuple(found)


def remove_files_of(uid, folders=None):
    """Delete what the account left in the shared folders (default: shared_folders(), the
    user mode has no private /tmp): the entries it owns in each, links never followed."""
    for folder in shared_folders() if folders is None else folders:
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            try:
                if entry.stat(follow_symlinks=False).st_uid != uid:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)  # fd-based: safe from link swaps
                else:
                    os.unlink(entry.path)
            except OSError:
                pass


# -- the child, between fork and exec ------------------------------------------------------


def child_setup(limits, *, account=(), cgroup=None, isolate_network=False):
    """The function to run in the worker's process between fork and exec.

    Everything is computed here, in the parent; the function itself only makes syscalls.
    isolate_network: a network namespace of its own where the host allows it, else the
    seccomp filter that refuses sockets (bwrap brings its own namespace: False there).
    """
    cpu = int(limits.submission_seconds) + 1
    memory = limits.memory_mb * 2**20
    fsize = limits.file_size_mb * 2**20
    # RLIMIT_NPROC counts every process of the uid: the grader's own uid runs others too.
    nproc = limits.processes if account else processes_of(os.getuid()) + limits.processes
    rlimits = [(resource.RLIMIT_CPU, (cpu, cpu + 5)), (resource.RLIMIT_AS, (memory, memory)),
               (resource.RLIMIT_NPROC, (nproc, nproc)), (resource.RLIMIT_FSIZE, (fsize, fsize)),
               (resource.RLIMIT_NOFILE, (limits.open_files, limits.open_files)),
               (resource.RLIMIT_CORE, (0, 0))]
    procs = cgroup.procs if cgroup else None
    netns = isolate_network and can_unshare_net()
    no_sockets = socket_filter() if isolate_network and not netns else None
    parent = os.getpid()

    def setup():
        if procs:
            fd = os.open(procs, os.O_WRONLY)
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
        for which, values in rlimits:
            resource.setrlimit(which, values)
        if netns and _libc.unshare(_CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNET) failed")
        if account:
            os.setgroups([])
            os.setgid(account[1])
            os.setuid(account[0])
        # After the uid change: changing credentials clears the parent-death signal.
        _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        _libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
        if no_sockets is not None and _libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER,
                                                  ctypes.byref(no_sockets), 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "seccomp filter refused")
        if os.getppid() != parent:  # the grader died before the line above
            os._exit(1)

    return setup


# -- the network ---------------------------------------------------------------------------

@functools.cache
def can_unshare_net():
    """Can a child of this process get a network namespace of its own (root, outside Docker)?"""
    if os.geteuid() != 0:
        return False
    pid = os.fork()
    if pid == 0:
        os._exit(0 if _libc.unshare(_CLONE_NEWNET) == 0 else 1)
    return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) == 0


def network_isolation():
    if can_unshare_net():
        return "no network: a network namespace of its own"
    if platform.machine() in _SYSCALLS:
        return "no network: creating sockets refused (seccomp)"
    return "WARNING: the network is open to it"


class _SockFilter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte), ("k", ctypes.c_uint)]


class _SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_SockFilter))]


def socket_filter():
    """A seccomp program: socket(2) and io_uring fail with EACCES (socketpair, pipes stay),
    as does every syscall of another ABI (x32, 32-bit). None on an unknown architecture."""
    if platform.machine() not in _SYSCALLS:
        return None
    arch, denied = _SYSCALLS[platform.machine()]
    deny_at = 5 + len(denied)  # index of the final "deny" instruction
    program = [(0x20, 0, 0, 4),                       # A = seccomp_data.arch
               (0x15, 0, deny_at - 2, arch),          # another ABI: deny
               (0x20, 0, 0, 0),                       # A = seccomp_data.nr
               (0x35, deny_at - 4, 0, 0x40000000)]    # x32 syscall numbers: deny
    program += [(0x15, deny_at - (5 + i), 0, nr) for i, nr in enumerate(denied)]
    program += [(0x06, 0, 0, 0x7FFF0000),             # allow
                (0x06, 0, 0, 0x00050000 | errno.EACCES)]  # deny: fail with EACCES
    filters = (_SockFilter * len(program))(*program)
    fprog = _SockFprog(len(program), filters)
    fprog.keep = filters  # the array must outlive the struct that points at it
    return fprog



# -- the pids cgroup -------------------------------------------------------------------------

class PidsCgroup:
    """A pids cgroup (v1 or v2) of its own for one worker: caps and lists its processes."""

    _serial = 0

    def __init__(self, path):
        self.path = path
        self.procs = str(path / "cgroup.procs")

    @classmethod
    def create(cls, max_pids):
        if os.geteuid() != 0:
            return None
        for base in (Path("/sys/fs/cgroup/pids"), Path("/sys/fs/cgroup")):
            if base == Path("/sys/fs/cgroup") and "pids" not in _read(base / "cgroup.subtree_control"):
                continue
            for stale in base.glob("kit-worker-*-*"):  # left by a grader that was killed
                owner = stale.name.split("-")[2]
                if owner.isdigit() and not os.path.exists(f"/proc/{owner}"):
                    _rmdir(stale)
            cls._serial += 1
            path = base / f"kit-worker-{os.getpid()}-{cls._serial}"
            try:
                path.mkdir()
            except OSError:
                continue
            try:
                (path / "pids.max").write_text(str(max_pids))
            except OSError:
                _rmdir(path)
                continue
            return cls(path)
        return None

    def pids(self):
        return [int(p) for p in _read(Path(self.procs)).split()]

    def kill(self):
        for _ in range(100):  # a process may fork while we kill: repeat until none is left
            pids = self.pids()
            if not pids:
                return
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
            time.sleep(0.01)

    def remove(self):
        self.kill()
        for _ in range(100):
            if _rmdir(self.path):
                return
            time.sleep(0.02)


def _read(path):
    try:
        return Path(path).read_text()
    except OSError:
        return ""


def _rmdir(path):
    try:
        os.rmdir(path)
        return True
    except FileNotFoundError:
        return True
    except OSError:
        return False
