"""Submission zip or folder -> grading workspace; inspects every entry itself.

The workspace starts as a copy of the assignment's skeleton (its `tests/` folder and data
files left out: the worker must see neither). Then only the files the manifest names are
taken from the submission: `student_files` and checkpoint paths (and, for a notebook whose
export is graded, the .pdf/.html files beside it, whatever their names). A student file the
submission lacks or that is refused keeps the skeleton's stub, so its tests fail with
NotImplementedError instead of breaking the imports of every other module; it is listed
in `Intake.missing`.

Every entry is listed and read through zip_inspect.py, which trusts `zipfile` with
nothing: unsafe names and types are refused by name there, the end-of-archive record is
checked before zipfile parses the file list, and reads are capped at the declared size.
Sizes are checked here from the headers (one file, the whole submission, compression
ratio) before anything is read. Files are written by this module (mode 0o644, nothing
copied from the zip's attributes), only after every check has passed.

Where the assignment is: the root folder holding the most files the manifest expects
(student files and checkpoints, by their paths), wherever it sits in the zip and whatever
lies beside it; in a flat upload of single files, an expected file is placed by its base
name when no other expected file shares it (see _locate). Identical duplicate entries are
one file; copies that differ are refused by name.

What counts: data files (`manifest.data`, which the runner links in read-only) and junk
(`__pycache__/`, `__MACOSX/`, `.DS_Store`, ...) are ignored, never read, and left out of
the size totals. Everything else in the submission counts toward the total size, but is
neither read nor taken unless the manifest names it. The entry count covers every entry of
a zip (its whole file list is parsed); in a folder, junk folders are not walked.

Refusing an entry costs only that entry: a file over its own cap is refused, and past the
whole submission's cap the largest files are refused first until the rest fits.
`Intake.fatal` means nothing was taken: the submission is not a readable zip, has too
many entries, holds something that looks like a zip bomb, holds two different complete
copies of the assignment, or a member's data contradicts its header (corrupt or crafted).
"""

import contextlib
import dataclasses
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from autograder.grading.zip_inspect import (
    MB,
    Fatal,
    Refused,
    folder_entries,
    is_junk,
    open_zip,
    size_text,
    zip_entries,
)

BOMB_RATIO = 100          # unpacked / packed; deflate of ordinary source stays far below
BOMB_MIN_BYTES = 1 * MB   # a small file of blanks may compress very well and is harmless
EXPORT_SUFFIXES = (".pdf", ".html", ".htm")  # a notebook's exported copy


@dataclass
class Intake:
    """What prepare_workspace took from a submission.

    files: taken from the submission (posix paths relative to the workspace): student
        files, then checkpoints; empty when fatal.
    missing: manifest.student_files not taken (absent or refused); they keep the skeleton's
        stub. Empty when fatal.
    problems: one student-facing message per refused entry, then the fatal reason if any.
    fatal: nothing usable was taken; problems[-1] says why.
    refused: {path: why} for the files the manifest names that the submission held but
        that were refused (too large, different copies); they are also in `missing` (a
        student file) or simply absent (a checkpoint), so the tests needing them fail.
    """

    files: list = field(default_factory=list)
    missing: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    fatal: bool = False
    refused: dict = field(default_factory=dict)
    exports: list = field(default_factory=list)  # .pdf/.html files beside a notebook (its export)
    # For the manifest's [form]: the files at the submission's root (relative to it; not those
    # of the unpacked archive), and {archive path: [its files]} for each `form.archive` found.
    listing: list = field(default_factory=list, compare=False)
    archives: dict = field(default_factory=dict, compare=False)


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
        taken = _take(submission_path, manifest, intake.problems, intake.refused, intake)
    except Fatal as e:
        intake.problems.append(str(e))
        intake.fatal = True
        intake.refused = {}
        return intake
    for rel, data in taken.items():
        _write(workspace / rel, data)
    intake.files = [rel for rel in _wanted(manifest) if rel in taken]
    intake.exports = sorted(rel for rel in taken if rel not in _wanted(manifest))
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
    caps.update({c.path: c.max_mb for c in (*manifest.checkpoints, *manifest.predictions)})
    return caps


def _take(submission_path, manifest, problems, refused, intake=None):
    """Inspect the submission; return {relpath: bytes} of the entries taken."""
    intake = intake if intake is not None else Intake()
    with contextlib.ExitStack() as stack:
        if submission_path.is_dir():
            entries = folder_entries(submission_path, manifest.limits, problems)
        elif not submission_path.is_file():
            raise Fatal(f"{submission_path.name}: no such file or folder")
        else:
            entries = zip_entries(stack.enter_context(open_zip(submission_path, manifest.limits)), problems)
        inner = _archive_entries(entries, manifest, stack, problems, intake)
        return _select(entries + inner, submission_path.name, manifest, problems, refused, intake, inner)


def _archive_entries(entries, manifest, stack, problems, intake):
    """The files of each `form.archive` (code.zip) in the submission, as entries beside it.

    The archive is inspected exactly as a submitted zip is (zip_inspect), one level deep: a zip
    inside it is a file like any other. Its file list is kept for the form check."""
    name = manifest.form.archive if manifest.form else ""
    inner = []
    for e in entries:
        if not name or e.is_dir or is_junk(e.parts) or e.parts[-1] != name:
            continue
        cap = manifest.limits.max_file_mb
        if e.size > cap * MB:
            problems.append(f"{e.name}: refused: {size_text(e.size)} unpacked; the limit for this file is {cap:g} MB")
            continue
        try:
            data = e.read(int(cap * MB))
        except Refused as refusal:
            problems.append(str(refusal))
            continue
        path = Path(stack.enter_context(tempfile.TemporaryDirectory())) / name
        path.write_bytes(data)
        try:
            zf = stack.enter_context(open_zip(path, manifest.limits))
        except Fatal as fatal:
            problems.append(f"{e.name}: refused: {str(fatal).removeprefix(name + ': ')}")
            continue
        members = _unwrapped([m for m in zip_entries(zf, problems) if not m.is_dir], manifest.form.archive_members)
        intake.archives[e.rel] = sorted(m.rel for m in members if not is_junk(m.parts))
        inner += [dataclasses.replace(m, name=f"{e.name}/{m.name}", parts=e.parts[:-1] + m.parts) for m in members]
    return inner


def _unwrapped(members, expected):
    """An archive's files with the one folder that wraps them all dropped (`zip -r code.zip code/`,
    or Finder's Compress on a folder): the files inside are what the student meant to hand in.
    A folder the expected members themselves start with (models/ of models/net.py) is kept."""
    files = [m for m in members if not is_junk(m.parts)]
    tops = {m.parts[0] for m in files}
    if len(tops) != 1 or any(len(m.parts) < 2 for m in files):
        return members
    top = tops.pop()
    if any(rel.split("/", 1)[0] == top for rel in expected):
        return members
    return [dataclasses.replace(m, parts=m.parts[1:]) if m.parts[0] == top else m for m in members]


def _select(entries, shown, manifest, problems, refused, intake=None, inner=()):
    """Common to zips and folders: find the root, drop junk and data, check sizes, read."""
    limits = manifest.limits
    caps = _wanted(manifest)
    files = [e for e in entries if not e.is_dir and not is_junk(e.parts)]
    reader = _Reader()
    root, placed = _locate(files, caps, reader, shown, problems)
    if intake is not None:
        unpacked = {id(e) for e in inner}
        intake.listing = sorted("/".join(e.parts[len(root):]) for e in files
                                if e.parts[:len(root)] == root and id(e) not in unpacked)
    if any(n.export_points for n in manifest.notebooks):  # its export, whatever the student named it
        for e in files:
            if e.parts[:-1] == root and e.parts[-1].lower().endswith(EXPORT_SUFFIXES) and e.parts[-1] not in caps:
                placed.setdefault(e.parts[-1], []).append(e)
                caps[e.parts[-1]] = limits.max_file_mb
    # Data files (the runner provides its own) are neither read nor counted.
    files = [e for e in files if not (len(e.parts) > len(root) and e.parts[:len(root)] == root
                                      and _is_ignored(e.parts[len(root):], manifest))]
    for e in files:
        if e.packed is not None and e.size > BOMB_MIN_BYTES and e.size > BOMB_RATIO * e.packed:
            raise Fatal(f"{e.name}: {size_text(e.packed)} that unpack to {size_text(e.size)} look like "
                         f"a zip bomb; nothing was taken")
    chosen = {}
    for rel, copies in placed.items():
        e = _one_copy(copies, caps[rel], reader, problems)
        if e is None:
            refused[rel] = "the submission holds different copies of it"
        elif e.size > caps[rel] * MB:
            problems.append(f"{e.name}: refused: {size_text(e.size)} unpacked; the limit for this file is {caps[rel]:g} MB")
            refused[rel] = f"{size_text(e.size)}, over the {caps[rel]:g} MB limit for this file"
        else:
            chosen[rel] = e
    # The whole submission's cap: refuse the largest files first until the rest fits.
    # Identical duplicates count once; files refused above are not counted.
    taken_ids = {id(e): rel for rel, e in chosen.items()}
    over_cap = {id(e) for rel, copies in placed.items() if rel not in chosen for e in copies}
    sizes = {}
    for e in files:
        if id(e) not in over_cap and (e.parts not in sizes or id(e) in taken_ids):
            sizes[e.parts] = e
    full = total = sum(e.size for e in sizes.values())
    for e in sorted(sizes.values(), key=lambda e: -e.size):
        if total <= limits.max_submission_mb * MB:
            break
        problems.append(f"{e.name}: refused: {size_text(e.size)}; {shown} unpacks to {size_text(full)} (data files "
                        f"and junk aside), over the {limits.max_submission_mb:g} MB limit for the whole "
                        f"submission, and the largest files are refused first")
        total -= e.size
        if id(e) in taken_ids:
            rel = taken_ids[id(e)]
            del chosen[rel]
            refused[rel] = f"{size_text(e.size)}; the whole submission may unpack to at most {limits.max_submission_mb:g} MB"
    taken = {}
    for rel, e in chosen.items():
        try:
            taken[rel] = reader.read(e, caps[rel])
        except Refused as refusal:
            problems.append(str(refusal))
            refused[rel] = str(refusal).split(": refused: ", 1)[-1]
    return taken


class _Reader:
    """Reads an entry once (comparing copies, then taking it); the copies compared with it
    are read and dropped, so many copies of a large file never sit in memory together."""

    def __init__(self):
        self.data = {}

    def read(self, e, cap_mb, keep=True):
        if id(e) in self.data:
            return self.data[id(e)]
        data = e.read(int(cap_mb * MB))
        if keep:
            self.data[id(e)] = data
        return data

    def same(self, a, b, cap_mb):
        """Does `b` hold the same bytes as `a` (kept)? Over the cap, compared by size alone."""
        if a.size != b.size:
            return False
        if a.size > cap_mb * MB:
            return True
        try:
            return self.read(a, cap_mb) == self.read(b, cap_mb, keep=False)
        except Refused:
            return False


def _one_copy(copies, cap_mb, reader, problems):
    """One of several entries for the same file: identical copies are one; different ones are refused."""
    first = copies[0]
    if all(reader.same(first, other, cap_mb) for other in copies[1:]):
        return first
    problems.append(f"{first.name}: refused: the submission holds {len(copies)} copies of it with different "
                    f"contents (which one was meant is unknowable); submit one")
    return None


def _locate(files, caps, reader, shown, problems):
    """Find the assignment's root folder by the files the manifest expects, wherever it is.

    Each expected file (student file or checkpoint) is matched by its path relative to a
    candidate root, or, in a flat upload of single files (Gradescope's drag-and-drop), by
    its base name directly in that root when no other expected file has that base name.
    The root matching the most expected files wins (full paths before base names, then the
    shallower root). Two roots matching equally well with different contents are fatal.
    Returns (root parts, {expected rel: [entries holding it]}).
    """
    expected = {rel: PurePosixPath(rel).parts for rel in caps}
    by_base = {}
    for rel, parts in expected.items():
        by_base.setdefault(parts[-1], []).append(rel)
    candidates = {}  # root -> {rel: ([full matches], [flat matches])}
    for e in files:
        for rel, parts in expected.items():
            if e.parts[-len(parts):] == parts and len(e.parts) >= len(parts):
                candidates.setdefault(e.parts[:-len(parts)], {}).setdefault(rel, ([], []))[0].append(e)
        homes = by_base.get(e.parts[-1], ())
        if len(homes) == 1 and len(expected[homes[0]]) > 1:
            candidates.setdefault(e.parts[:-1], {}).setdefault(homes[0], ([], []))[1].append(e)

    def placement(root):
        return {rel: full or flat for rel, (full, flat) in candidates.get(root, {}).items()}

    def score(root):
        matches = candidates[root]
        return len(matches), sum(1 for full, _ in matches.values() if full)

    ranked = sorted(candidates, key=lambda r: (*(-n for n in score(r)), len(r), r))
    root = ranked[0] if ranked else ()
    placed = placement(root)
    for other in ranked[1:]:
        if score(other) != score(root):
            break
        theirs = placement(other)
        if theirs.keys() != placed.keys() or not all(
                reader.same(placed[rel][0], theirs[rel][0], caps[rel]) for rel in placed):
            raise Fatal(f"{shown}: holds two different copies of the assignment, in {_where(root)} and "
                         f"{_where(other)}; which one to grade is unknowable, so nothing was taken "
                         f"(submit one copy only)")
    for e in files:
        homes = by_base.get(e.parts[-1], ())
        if e.parts[:-1] == root and len(homes) > 1 and any(rel not in placed for rel in homes):
            problems.append(f"{e.name}: could not be placed: the assignment has {len(homes)} files named "
                            f"{e.parts[-1]} ({', '.join(homes)}); submit it inside its folder")
    return root, placed


def _where(root):
    return f"{'/'.join(root)}/" if root else "the top level"


def _is_ignored(parts, manifest):
    """Junk, or a data file (or inside a data folder) the runner provides itself."""
    rel = "/".join(parts)
    return is_junk(parts) or any(rel == d.rstrip("/") or rel.startswith(d.rstrip("/") + "/")
                                  for d in manifest.data)


def _write(path, data):
    """A new plain file, mode 0o644, whatever stood there before (the skeleton's stub)."""
    path.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "wb") as f:
        os.fchmod(f.fileno(), 0o644)  # the process umask may have narrowed the mode
        f.write(data)
