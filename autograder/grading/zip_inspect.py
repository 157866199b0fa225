"""Reading a submission's entries without trusting it: the zip forensics of intake.

`zip_entries` and `folder_entries` list a zip's or a folder's entries (name, type, size,
and a capped reader) after refusing, by name, every entry that is unsafe as such:
absolute paths, `..`, drive letters, control characters, names that are not UTF-8,
symlinks, devices, fifos, sockets, encrypted entries and unsupported compression.
Backslashes are read as folders first, as unzip and 7-Zip read them (old Windows tools
and PowerShell 5's Compress-Archive write them), so every check applies after the
conversion. `open_zip` reads the end-of-archive record before zipfile parses anything,
refusing a zip with more than `max_files` entries or a file list too long for that many.
Readers refuse more bytes than the header declared (a crafted or corrupt member).

Which entries are taken, and the size rules, are intake's (intake.py).
"""

import os
import re
import stat
import struct
import zipfile
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
JUNK_DIRS = frozenset({"__MACOSX", "__pycache__", ".ipynb_checkpoints", ".git", ".idea", ".vscode"})
JUNK_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
CD_BYTES_PER_ENTRY = 4096  # an honest entry's file-list record is a few hundred bytes
SUPPORTED_COMPRESSION = (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA)
FILE_TYPES = {stat.S_IFIFO: "a fifo", stat.S_IFCHR: "a device", stat.S_IFBLK: "a device",
              stat.S_IFSOCK: "a socket"}


class Fatal(Exception):
    """The submission as a whole is refused; the message says why."""


class Refused(Exception):
    """One entry is refused; the message names it."""


@dataclass(frozen=True)
class Entry:
    name: str                    # as the student wrote it, for messages
    parts: tuple                 # normalized path components
    is_dir: bool
    size: int                    # declared (zip header) or lstat size, in bytes
    packed: int | None           # compressed size in a zip; None in a folder
    read: Callable[[int], bytes]  # read(cap) -> the bytes, refusing more than cap

    @property
    def rel(self):
        return "/".join(self.parts)


def is_junk(parts):
    return (any(p in JUNK_DIRS for p in parts[:-1]) or parts[-1] in JUNK_DIRS
            or parts[-1] in JUNK_FILES or parts[-1].startswith("._"))


def _slashes(name):
    """Backslashes read as folder separators, as unzip and 7-Zip read them.

    Old Windows tools and PowerShell 5's Compress-Archive write `models\\net.py`; every
    check of _bad_name applies to the converted name (`..\\x` is `../x`, `C:\\x` is `C:/x`).
    """
    return name.replace("\\", "/")


def _bad_name(name):
    """Why a path (posix, after _slashes) is refused, or None."""
    if not name.isprintable():
        return "control character in the name"
    if name.startswith("/"):
        return "absolute path"
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


def size_text(n):
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
def open_zip(path, limits):
    shown = path.name
    with open(path, "rb") as fp:
        declared = _central_directory(fp)
        if declared is None:
            raise Fatal(f"{shown}: not a readable zip file (no end-of-archive record)")
        entries, cd_size = declared
        if entries > limits.max_files:
            raise Fatal(f"{shown}: {entries} entries; the limit is {limits.max_files} "
                         f"(zip only the files the assignment asks for)")
        if cd_size > limits.max_files * CD_BYTES_PER_ENTRY:
            raise Fatal(f"{shown}: its file list takes {size_text(cd_size)}, far more than "
                         f"{limits.max_files} entries need; nothing was taken")
        try:
            zf = zipfile.ZipFile(fp)
        except Exception as e:  # parsing hostile bytes: any failure means a corrupt zip
            raise Fatal(f"{shown}: not a readable zip file ({e})") from None
        with zf:
            if len(zf.infolist()) > limits.max_files:
                raise Fatal(f"{shown}: {len(zf.infolist())} entries; the limit is "
                             f"{limits.max_files} (zip only the files the assignment asks for)")
            yield zf


def zip_entries(zf, problems):
    entries = []
    for info in zf.infolist():
        name = _zip_name(info)
        shown = name if name is not None and name.isprintable() else ascii(info.orig_filename)
        name = None if name is None else _slashes(name)
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
            entries.append(Entry(shown, parts, is_dir, info.file_size, info.compress_size,
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
        raise Fatal(f"{shown}: could not be unpacked ({e}); the zip is corrupt or crafted, "
                     f"so nothing was taken") from None
    if len(data) > limit:
        raise Fatal(f"{shown}: unpacks to more than the {size_text(info.file_size)} its header "
                     f"declares; the zip is corrupt or crafted, so nothing was taken")
    return data


# -- folders -----------------------------------------------------------------------------

def folder_entries(root, limits, problems):
    """Walk without following links; refuse links, devices, fifos and odd names."""
    entries = []
    pending = [(root, (), ())]  # (folder on disk, its parts as read, its name as written)
    while pending:
        folder, base, written = pending.pop()
        with os.scandir(folder) as listing:
            for item in sorted(listing, key=lambda d: d.name):
                rel = "/".join(written + (item.name,))
                shown = rel if rel.isprintable() else ascii(rel)
                name = _slashes(item.name)  # a backslash in a name reads as a folder, as in a zip
                parts = base + tuple(p for p in name.split("/") if p not in ("", "."))
                if is_junk(parts):
                    continue
                st = item.stat(follow_symlinks=False)
                reason = _bad_folder_name(name) or _bad_type(st.st_mode)
                if reason:
                    problems.append(f"{shown}: refused: {reason}")
                    continue
                entries.append(Entry(shown, parts, stat.S_ISDIR(st.st_mode), st.st_size, None,
                                      lambda cap, path=Path(item.path), shown=shown: _read_file(path, shown, cap)))
                if len(entries) > limits.max_files:
                    raise Fatal(f"{root.name}: more than {limits.max_files} entries, the limit "
                                 f"(submit only the files the assignment asks for)")
                if stat.S_ISDIR(st.st_mode):
                    pending.append((Path(item.path), parts, written + (item.name,)))
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
        raise Refused(f"{shown}: refused: could not be read ({e.strerror})") from None
    with os.fdopen(fd, "rb") as f:
        if not stat.S_ISREG(os.fstat(f.fileno()).st_mode):
            raise Refused(f"{shown}: refused: not a regular file")
        data = f.read(cap + 1)
    if len(data) > cap:
        raise Refused(f"{shown}: refused: grew past its size limit while being read")
    return data
