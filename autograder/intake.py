"""Submission zip or folder -> grading workspace; inspects every entry itself.

The workspace starts as a copy of the assignment's skeleton (its `tests/` folder and data
files left out: the worker must see neither). Then only the files the manifest names are
taken from the submission: `student_files` and checkpoint paths. A student file the
submission lacks or that is refused keeps the skeleton's stub, so its tests fail with
NotImplementedError instead of breaking the imports of every other module; it is listed
in `Intake.missing`.

`zipfile` is trusted with nothing: it silently strips `../`, writes symlink entries as
plain files and believes sizes in headers. So:
- the end-of-archive record is read first, and a zip listing more than `max_files`
  entries (or a file list too long for that many) is refused before zipfile parses it;
- every entry's name and type is inspected: absolute paths, `..`, backslashes, drive
  letters, control characters, names that are not UTF-8, symlinks, devices, fifos,
  sockets, encrypted entries and unsupported compression are refused by name;
- sizes are checked from the headers (one file, the whole submission, compression
  ratio) and again while reading, with a cap, since headers can lie;
- files are written by this module (mode 0o644, nothing copied from the zip's
  attributes), only after every check has passed.
A folder is walked with lstat; links, devices and fifos are refused and never followed.

What counts: data files (`manifest.data`, which the runner links in read-only) and junk
(`__pycache__/`, `__MACOSX/`, `.DS_Store`, ...) are ignored, never read, and left out of
the size totals. Everything else in the submission counts toward the total size, but is
neither read nor taken unless the manifest names it. The entry count covers every entry of
a zip (its whole file list is parsed); in a folder, junk folders are not walked.

Refusing an entry costs only that entry. `Intake.fatal` means nothing was taken: the
submission is not a readable zip, has too many entries, is too big, holds something that
looks like a zip bomb, or a member's data contradicts its header (corrupt or crafted).
"""

import os
import re
import stat
import struct
import zipfile
from collections import Counter
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

MB = 1024 * 1024
JUNK_DIRS = frozenset({"__MACOSX", "__pycache__", ".ipynb_checkpoints", ".git", ".idea", ".vscode"})
JUNK_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
BOMB_RATIO = 100          # unpacked / packed; deflate of ordinary source stays far below
BOMB_MIN_BYTES = 1 * MB   # a small file of blanks may compress very well and is harmless
CD_BYTES_PER_ENTRY = 4096  # an honest entry's file-list record is a few hundred bytes
SUPPORTED_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
FILE_TYPES = {stat.S_IFIFO: "a fifo", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device",
              stat.S_IFSOCK: "a socket"}


@dataclass
class Intake:
    """What prepare_workspace took from a submission.

    files: taken from the submission (posix paths relative to the workspace): student
        files, then checkpoints; empty when fatal.
    missing: manifest.student_files not taken (absent or refused); they keep the skeleton's
        stub. Empty when fatal.
    problems: one student-facing message per refused entry, then the fatal reason if any.
    fatal: nothing usable was taken; problems[-1] says why.
    """

    files: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    fatal: bool = False


class _Fatal(Exception):
    """The submission as a whole is refused; the message says why."""


class _Refused(Exception):
    """One entry is refused; the message names it."""


@dataclass(frozen=True)
class _Entry:
    name: str                    # as the student wrote it, for messages
    parts: tuple                 # normalized path components
    is_dir: bool
    size: int                    # declared (zip header) or lstat size, in bytes
    packed: int | None           # compressed size in a zip; None in a folder
    read: Callable[[int], bytes]  # read(cap) -> the bytes, refusing more than cap

    @property
    def rel(self):
        return "/".join(self.parts)


def prepare_workspace(submission_path, manifest, workspace):
    """Build `workspace` from the skeleton and the submission's student files.

    Args:
        submission_path: a .zip file or a folder, as the student handed it in.
        manifest: the assignment's Manifest.
        workspace: an empty or absent folder; created if needed.
    Returns:
        an Intake. Student problems never raise; a non-empty workspace raises ValueError.
    """
    submission_path, workspace = Path(submission_path), Path(workspace)
    workspace.mkdir(parents=True, exist_ok=True)
    if any(workspace.iterdir()):
        raise ValueError(f"workspace {workspace} is not empty")
    _copy_skeleton(manifest, workspace)
    intake = Intake()
    try:
        taken = _take(submission_path, manifest, intake.problems)
    except _Fatal as e:
        intake.problems.append(str(e))
        intake.fatal = True
        return intake
    for rel, data in taken.items():
        _write(workspace / rel, data)
    intake.files = [rel for rel in _wanted(manifest) if rel in taken]
    intake.missing = [rel for rel in manifest.student_files if rel not in taken]
    return intake


def _copy_skeleton(manifest, workspace):
    skeleton = manifest.skeleton
    for top, dirs, files in os.walk(skeleton):
        base = Path(top).relative_to(skeleton).parts
        # The worker's view holds no tests; data files are linked in by the runner.
        dirs[:] = [d for d in dirs if not _is_ignored(base + (d,), manifest) and base + (d,) != ("tests",)]
        for name in files:
            parts = base + (name,)
            if not _is_ignored(parts, manifest):
                _write(workspace.joinpath(*parts), (Path(top) / name).read_bytes())


def _wanted(manifest):
    """Paths taken from a submission -> the largest size accepted, in MB."""
    caps = {rel: manifest.limits.max_file_mb for rel in manifest.student_files}
    caps.update({c.path: c.max_mb for c in manifest.checkpoints})
    return caps


def _take(submission_path, manifest, problems):
    """Inspect the submission; return {relpath: bytes} of the entries taken."""
    if submission_path.is_dir():
        return _select(_folder_entries(submission_path, manifest.limits, problems),
                       submission_path.name, manifest, problems)
    if not submission_path.is_file():
        raise _Fatal(f"{submission_path.name}: no such file or folder")
    with _open_zip(submission_path, manifest.limits) as zf:
        return _select(_zip_entries(zf, problems), submission_path.name, manifest, problems)


def _select(entries, shown, manifest, problems):
    """Common to zips and folders: unwrap, drop junk and data, check sizes, read."""
    limits = manifest.limits
    entries = _strip_wrapper([e for e in entries if not _is_junk(e.parts)], manifest)
    entries = [e for e in entries if not e.is_dir and not _is_ignored(e.parts, manifest)]
    counts = Counter(e.rel for e in entries)
    for rel, n in counts.items():
        if n > 1:
            problems.append(f"{rel}: refused: the submission holds it {n} times")
    entries = [e for e in entries if counts[e.rel] == 1]
    for e in entries:
        if e.packed is not None and e.size > BOMB_MIN_BYTES and e.size > BOMB_RATIO * e.packed:
            raise _Fatal(f"{e.name}: {_size(e.packed)} that unpack to {_size(e.size)} look like "
                         f"a zip bomb; nothing was taken")
    total = sum(e.size for e in entries)
    if total > limits.max_submission_mb * MB:
        raise _Fatal(f"{shown}: unpacks to {_size(total)} (data files and junk aside); "
                     f"the limit is {limits.max_submission_mb:g} MB")
    caps = _wanted(manifest)
    taken = {}
    for e in entries:
        if e.rel not in caps:
            continue
        try:
            if e.size > caps[e.rel] * MB:
                raise _Refused(f"{e.name}: refused: {_size(e.size)} unpacked; "
                               f"the limit for this file is {caps[e.rel]:g} MB")
            taken[e.rel] = e.read(int(caps[e.rel] * MB))
        except _Refused as refusal:
            problems.append(str(refusal))
    return taken


def _strip_wrapper(entries, manifest):
    """Drop one top folder that wraps everything (students zip the kit's parent folder)."""
    tops = {e.parts[0] for e in entries}
    if len(tops) != 1:
        return entries
    (top,) = tops
    known = {PurePosixPath(p).parts[0] for p in (*_wanted(manifest), *manifest.data)}
    known.update(os.listdir(manifest.skeleton))
    if top in known or any(len(e.parts) == 1 and not e.is_dir for e in entries):
        return entries
    return [replace(e, parts=e.parts[1:]) for e in entries if len(e.parts) > 1]


def _is_junk(parts):
    return (any(p in JUNK_DIRS for p in parts[:-1]) or parts[-1] in JUNK_DIRS
            or parts[-1] in JUNK_FILES or parts[-1].startswith("._"))


def _is_ignored(parts, manifest):
    """Junk, or a data file (or inside a data folder) the runner provides itself."""
    rel = "/".join(parts)
    return _is_junk(parts) or any(rel == d.rstrip("/") or rel.startswith(d.rstrip("/") + "/")
                                  for d in manifest.data)


def _bad_name(name):
    """Why a path (posix, as written in the submission) is refused, or None."""
    if not name.isprintable():
        return "control character in the name"
    if name.startswith("/"):
        return "absolute path"
    if "\\" in name:
        return "backslash in the path (zip paths use '/')"
    if re.match(r"[A-Za-z]:", name):
        return "drive letter in the path"
    if ".." in name.split("/"):
        return "'..' in the path would leave the submission folder"
    return None


def _bad_type(mode):
    kind = stat.S_IFMT(mode)
    if kind == stat.S_IFLNK:
        return "symbolic link (submit the file itself, not a link)"
    if kind in FILE_TYPES:
        return f"{FILE_TYPES[kind]}, not a regular file"
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        return "unknown file type, not a regular file"
    return None


def _size(n):
    if n < 1024:
        return f"{n} bytes"
    if n < MB:
        return f"{n / 1024:.1f} KB"
    return f"{n / MB:.1f} MB"


# -- zips --------------------------------------------------------------------------------

_EOCD = struct.Struct("<4s4H2LH")            # end of central directory record
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")


def _central_directory(fp):
    """(entries, file-list bytes) declared by the end records, read as zipfile reads them."""
    fp.seek(0, os.SEEK_END)
    size = fp.tell()
    start = max(0, size - (1 << 16) - _EOCD.size)  # the record may trail a 64 KiB comment
    fp.seek(start)
    tail = fp.read()
    at = len(tail) - _EOCD.size
    if at < 0:
        return None
    if not (tail[at:at + 4] == b"PK\x05\x06" and tail[-2:] == b"\0\0"):
        at = tail.rfind(b"PK\x05\x06")
        if at < 0 or len(tail) - at < _EOCD.size:
            return None
    *_, entries, cd_size, _, _ = _EOCD.unpack_from(tail, at)
    locator = at - _ZIP64_LOCATOR.size
    if locator >= 0 and tail[locator:locator + 4] == b"PK\x06\x07":
        fp.seek(start + locator - _ZIP64_EOCD.size)
        record = fp.read(_ZIP64_EOCD.size)
        if len(record) == _ZIP64_EOCD.size and record[:4] == b"PK\x06\x06":
            *_, entries, cd_size, _ = _ZIP64_EOCD.unpack(record)
    return entries, cd_size


@contextmanager
def _open_zip(path, limits):
    shown = path.name
    with open(path, "rb") as fp:
        declared = _central_directory(fp)
        if declared is None:
            raise _Fatal(f"{shown}: not a readable zip file (no end-of-archive record)")
        entries, cd_size = declared
        if entries > limits.max_files:
            raise _Fatal(f"{shown}: {entries} entries; the limit is {limits.max_files} "
                         f"(zip only the files the assignment asks for)")
        if cd_size > limits.max_files * CD_BYTES_PER_ENTRY:
            raise _Fatal(f"{shown}: its file list takes {_size(cd_size)}, far more than "
                         f"{limits.max_files} entries need; nothing was taken")
        try:
            zf = zipfile.ZipFile(fp)
        except Exception as e:  # parsing hostile bytes: any failure means a corrupt zip
            raise _Fatal(f"{shown}: not a readable zip file ({e})") from None
        with zf:
            if len(zf.infolist()) > limits.max_files:
                raise _Fatal(f"{shown}: {len(zf.infolist())} entries; the limit is "
                             f"{limits.max_files} (zip only the files the assignment asks for)")
            yield zf


def _zip_entries(zf, problems):
    entries = []
    for info in zf.infolist():
        name = _zip_name(info)
        shown = name if name is not None and name.isprintable() else ascii(info.orig_filename)
        reason = ("the name is not UTF-8 text" if name is None
                  else _bad_name(name) or _bad_type(info.external_attr >> 16))
        if reason is None and info.flag_bits & 0x1:
            reason = "encrypted"
        if reason is None and info.compress_type not in SUPPORTED_COMPRESSION:
            reason = f"compressed with an unsupported method ({info.compress_type}); use deflate"
        if reason:
            problems.append(f"{shown}: refused: {reason}")
            continue
        parts = tuple(p for p in name.split("/") if p not in ("", "."))
        if parts:
            is_dir = name.endswith("/") or stat.S_ISDIR(info.external_attr >> 16)
            entries.append(_Entry(shown, parts, is_dir, info.file_size, info.compress_size,
                                  lambda cap, info=info, shown=shown: _read_member(zf, info, shown, cap)))
    return entries


def _zip_name(info):
    """The entry's name as the student's tool meant it, or None if it is not UTF-8.

    Without the UTF-8 flag zipfile decodes names as cp437; many tools write UTF-8 anyway.
    """
    name = info.orig_filename
    if info.flag_bits & 0x800 or name.isascii():
        return name
    try:
        return name.encode("cp437").decode("utf-8")
    except UnicodeError:
        return None


def _read_member(zf, info, shown, cap):
    limit = min(cap, info.file_size)
    try:
        with zf.open(info) as f:
            data = f.read(limit + 1)
    except Exception as e:  # decompressing hostile bytes: zlib, bz2, lzma and zipfile errors
        raise _Fatal(f"{shown}: could not be unpacked ({e}); the zip is corrupt or crafted, "
                     f"so nothing was taken") from None
    if len(data) > limit:
        raise _Fatal(f"{shown}: unpacks to more than the {_size(info.file_size)} its header "
                     f"declares; the zip is corrupt or crafted, so nothing was taken")
    return data


# -- folders -----------------------------------------------------------------------------

def _folder_entries(root, limits, problems):
    """Walk without following links; refuse links, devices, fifos and odd names."""
    entries = []
    pending = [()]
    while pending:
        base = pending.pop()
        with os.scandir(root.joinpath(*base)) as listing:
            for item in sorted(listing, key=lambda d: d.name):
                parts = base + (item.name,)
                rel = "/".join(parts)
                shown = rel if rel.isprintable() else ascii(rel)
                if _is_junk(parts):
                    continue
                st = item.stat(follow_symlinks=False)
                reason = _bad_folder_name(item.name) or _bad_type(st.st_mode)
                if reason:
                    problems.append(f"{shown}: refused: {reason}")
                    continue
                entries.append(_Entry(shown, parts, stat.S_ISDIR(st.st_mode), st.st_size, None,
                                      lambda cap, path=Path(item.path), shown=shown: _read_file(path, shown, cap)))
                if len(entries) > limits.max_files:
                    raise _Fatal(f"{root.name}: more than {limits.max_files} entries, the limit "
                                 f"(submit only the files the assignment asks for)")
                if stat.S_ISDIR(st.st_mode):
                    pending.append(parts)
    return entries


def _bad_folder_name(name):
    try:
        name.encode("utf-8")
    except UnicodeError:  # os.scandir hands undecodable bytes back as lone surrogates
        return "the name is not UTF-8 text"
    return _bad_name(name)


def _read_file(path, shown, cap):
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as e:
        raise _Refused(f"{shown}: refused: could not be read ({e.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise _Refused(f"{shown}: refused: not a regular file")
        data = f.read(cap + 1)
    if len(data) > cap:
        raise _Refused(f"{shown}: refused: grew past its size limit while being read")
    return data


def _write(path, data):
    """A new plain file, mode 0o644, whatever stood there before (the skeleton's stub)."""
    path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "wb") as f:
        os.fchmod(f.fileno(), 0o644)  # the process umask may have narrowed the mode
        f.write(data)
