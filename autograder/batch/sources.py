"""A class export -> the submissions in it, one per student (or group).

    find(path, staging) -> [Submission]

`path` is one of:
- a folder of zips and/or folders, one per student: the zip's or folder's name is the id;
- a Gradescope "Export Submissions" zip or its unpacked folder: `submission_metadata.yml` at
  the top (or in its one top folder) maps each `submission_<id>` folder to its submitters
  (name, email, SID), read with a safe YAML loader (Ruby tags such as BigDecimal become text);
- a Canvas bulk download (`<name>[_LATE]_<user id>_<submission id>_<file>`) or a Moodle one
  (`<Full Name>_<id>_assignsubmission_file_<file>`, files or folders): the file name
  carries the student, and one student's several files become one submission.
What must be repacked (a member of an export zip, a student's several files) is written
under `staging` as that student's own zip, entry for entry (names, types and bytes as
they were, so intake judges them exactly as in the original); nothing is extracted.
"""

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

import yaml

from autograder.errors import KitError

METADATA = "submission_metadata.yml"
JUNK = {".DS_Store", "__MACOSX", "Thumbs.db", "desktop.ini"}
CANVAS = re.compile(r"^(?P<name>[a-z0-9]+?)(?:_LATE)?_(?P<user>\d+)_(?P<sub>\d+)_(?P<file>.+)$")
MOODLE = re.compile(r"^(?P<name>.+?)_(?P<user>\d+)_assignsubmission_(?:file|onlinetext)_(?P<file>.*)$")
MAX_COPY = 2 * 1024**3  # bytes copied out of an export zip per student: intake refuses far less


@dataclass(frozen=True)
class Submission:
    id: str            # the row's key and the results file's name (results/<id>.json)
    path: Path         # a zip or a folder, as `grade --submission` takes it
    name: str = ""     # submitters, "; "-joined for a group
    email: str = ""
    sid: str = ""


def find(path, staging):
    """The submissions in `path` (sorted by id); zips repacked under `staging` as needed."""
    path = Path(path)
    if not path.exists():
        raise KitError(f"{path}: no such file or folder")
    if path.is_file():
        if not zipfile.is_zipfile(path):
            raise KitError(f"{path}: not a zip file or a folder")
        return _unique(_gradescope_zip(path, Path(staging)))
    top = _gradescope_top(path)
    if top is not None:
        return _unique(_gradescope_folder(top))
    entries = [p for p in sorted(path.iterdir()) if not _junk(p.name)]
    if entries and all(MOODLE.match(p.name) for p in entries):
        return _unique(_by_file_name(entries, MOODLE, Path(staging)))
    if entries and all(p.is_file() and CANVAS.match(p.name) for p in entries):
        return _unique(_by_file_name(entries, CANVAS, Path(staging)))
    return _unique([Submission(_id(p.name.removesuffix(".zip")), p) for p in entries
                    if p.is_dir() or p.suffix == ".zip"])


def safe_id(text):
    """A file-name-safe id: letters, digits and . _ @ - kept, anything else as _."""
    text = re.sub(r"[^A-Za-z0-9._@-]", "_", text).strip(".") or "_"
    return text[:120]


_id = safe_id


def _junk(name):
    return name in JUNK or name.startswith(".")


def _unique(subs):
    seen, out = set(), []
    for s in sorted(subs, key=lambda s: s.id):
        n, sid = 1, s.id
        while sid in seen:
            n += 1
            sid = f"{s.id}-{n}"
        seen.add(sid)
        out.append(s if sid == s.id else Submission(sid, s.path, s.name, s.email, s.sid))
    return out


# -- Gradescope ------------------------------------------------------------------------------

class _Loader(yaml.SafeLoader):
    """safe_load, plus any tag (`!ruby/object:BigDecimal 18:0.1e2`) read as its plain value."""


def _any_tag(loader, suffix, node):
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)


_Loader.add_multi_constructor("!", _any_tag)


def read_metadata(text):
    """submission_metadata.yml -> {"submission_<id>": (names, emails, sids)}."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 (a SafeLoader subclass)
    except yaml.YAMLError as e:
        raise KitError(f"{METADATA} does not parse: {e}") from None
    if not isinstance(data, dict):
        raise KitError(f"{METADATA}: expected a mapping of submission folders")
    people = {}
    for folder, entry in data.items():
        entry = _plain_keys(entry) if isinstance(entry, dict) else {}
        submitters = [_plain_keys(s) for s in entry.get("submitters") or [] if isinstance(s, dict)]
        people[str(folder)] = tuple("; ".join(str(s.get(k) or "") for s in submitters if s.get(k))
                                    for k in ("name", "email", "sid"))
    return people


def _plain_keys(d):
    return {str(k).lstrip(":"): v for k, v in d.items()}


def _gradescope_top(folder):
    if (folder / METADATA).is_file():
        return folder
    inner = [p for p in folder.iterdir() if p.is_dir() and not _junk(p.name)]
    if len(inner) == 1 and (inner[0] / METADATA).is_file():
        return inner[0]
    return None


def _gradescope_folder(top):
    people = read_metadata((top / METADATA).read_text(encoding="utf-8"))
    subs = []
    for folder in sorted(p for p in top.iterdir() if p.is_dir() and p.name.startswith("submission_")):
        name, email, sid = people.get(folder.name, ("", "", ""))
        subs.append(Submission(_id(folder.name), folder, name, email, sid))
    return subs


def _gradescope_zip(path, staging):
    with zipfile.ZipFile(path) as zf:
        names = [i.filename for i in zf.infolist()]
        meta = [n for n in names if PurePosixPath(n).name == METADATA and len(PurePosixPath(n).parts) <= 2]
        if not meta:
            raise KitError(f"{path}: a zip of submissions must be a Gradescope export ({METADATA} at its top)")
        prefix = meta[0][: -len(METADATA)]
        people = read_metadata(zf.read(meta[0]).decode("utf-8"))
        members = {}
        for info in zf.infolist():
            rest = info.filename[len(prefix):] if info.filename.startswith(prefix) else None
            folder, _, inner = (rest or "").partition("/")
            if folder.startswith("submission_") and inner:
                members.setdefault(folder, []).append((inner, info))
        subs = []
        for folder, entries in sorted(members.items()):
            target = staging / f"{_id(folder)}.zip"
            _repack(zf, entries, target)
            name, email, sid = people.get(folder, ("", "", ""))
            subs.append(Submission(_id(folder), target, name, email, sid))
    return subs


def _repack(zf, entries, target):
    """Write (name, ZipInfo) members of `zf` as a zip of their own: names, modes and bytes kept."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_suffix(".part")
    copied = 0
    with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as out:
        for name, info in entries:
            new = zipfile.ZipInfo(name, date_time=info.date_time)
            new.external_attr = info.external_attr
            new.create_system = info.create_system
            new.compress_type = zipfile.ZIP_DEFLATED
            if info.is_dir():
                out.writestr(new, b"")
                continue
            with zf.open(info) as src, out.open(new, "w", force_zip64=True) as dst:
                while chunk := src.read(1 << 20):
                    copied += len(chunk)
                    if copied > MAX_COPY:
                        break
                    dst.write(chunk)
    tmp.replace(target)


# -- Canvas and Moodle -------------------------------------------------------------------------

def _by_file_name(entries, pattern, staging):
    """Entries named by an LMS -> one submission per student (several files: staged as one zip)."""
    students = {}
    for p in entries:
        m = pattern.match(p.name)
        students.setdefault((m["name"], m["user"]), []).append((m["file"], p))
    subs = []
    for (name, user), files in sorted(students.items()):
        sid = _id(f"{name}_{user}")
        if len(files) == 1 and (files[0][1].is_dir() or files[0][1].suffix == ".zip"):
            path = files[0][1]
        else:
            path = staging / f"{sid}.zip"
            path.parent.mkdir(parents=True, exist_ok=True)
            with zipfile.ZipFile(path.with_suffix(".part"), "w", zipfile.ZIP_DEFLATED) as out:
                for file, p in files:
                    if p.is_file():
                        out.write(p, file or p.name)
            path.with_suffix(".part").replace(path)
        subs.append(Submission(sid, path, name.replace("_", " ").strip(), "", user))
    return subs
