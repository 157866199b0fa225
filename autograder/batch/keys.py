"""Content hashes that decide what a resumed batch grades again.

A result is kept when its key is unchanged: the hash of the submission's bytes, of the kit
that grades it (the manifest, public and private tests, the reference solution, the
skeleton, the engine's own code; data files by name and size) and of the options that
change a result (sandbox mode, test selection). Times and paths never enter a key.
"""

import hashlib
import os
from pathlib import Path

ENGINE = Path(__file__).resolve().parent.parent
SKIP_DIRS = {"__pycache__", ".ipynb_checkpoints", ".git", ".pytest_cache", ".hypothesis"}
# The batch's own reports never change a result: editing them regrades nothing.
NOT_RESULTS = {"batch/reports.py", "batch/similarity.py", "batch/progress.py", "batch/sources.py"}


def tree_hash(path, h=None, *, by_size=()):
    """Hash a file or a folder: relative names, link targets and bytes, in sorted order.
    Paths in `by_size` (files or folders) count by name and size only (large data)."""
    h = h or hashlib.sha256()
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        h.update(b"<absent>")
        return h
    if path.is_file() and not path.is_symlink():
        _file(h, path, by_size)
        return h
    for root, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS)
        for name in sorted(files) + [d for d in dirs if os.path.islink(os.path.join(root, d))]:
            full = Path(root) / name
            h.update(full.relative_to(path).as_posix().encode("utf-8", "surrogateescape") + b"\0")
            if full.is_symlink():
                h.update(b"link:" + os.readlink(full).encode("utf-8", "surrogateescape"))
            elif full.is_file():
                _file(h, full, by_size)
            h.update(b"\0")
    return h


def _file(h, path, by_size):
    if any(path == p or p in path.parents for p in by_size):
        h.update(f"size:{path.stat().st_size}".encode())
        return
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)


def submission_hash(path):
    return tree_hash(path).hexdigest()


def kit_hash(manifest):
    """The hash of everything besides the submission that a result depends on (once per process)."""
    if manifest.name not in _KITS:
        _KITS[manifest.name] = _kit_hash(manifest)
    return _KITS[manifest.name]


_KITS = {}


def _kit_hash(manifest):
    root = Path(manifest.root)
    data = tuple(root / rel for rel in manifest.data)
    h = hashlib.sha256(manifest.name.encode() + b"\0")
    for part in (root, manifest.public_tests, manifest.private_tests, manifest.skeleton):
        tree_hash(part, h, by_size=data)
        h.update(b"\1")
    for path in sorted(ENGINE.rglob("*.py")) + sorted(ENGINE.rglob("*.json")):
        if "__pycache__" not in path.parts and path.relative_to(ENGINE).as_posix() not in NOT_RESULTS:
            h.update(path.relative_to(ENGINE).as_posix().encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def result_key(submission_digest, kit_digest, *, sandbox, only):
    text = "\0".join([submission_digest, kit_digest, sandbox, ",".join(only or ())])
    return hashlib.sha256(text.encode()).hexdigest()
