"""Build skeletons/ from solutions/ and the student zips in dist/.

A student zip holds, under one folder named for the assignment: the rendered skeleton,
the public tests as tests/, the local test harness (the shipped part of `autograder`),
and requirements.txt pinned from constraints.txt. The audit runs on the staged tree
before the zip is written.
"""

import fnmatch
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path

from autograder import audit
from autograder import manifest as manifests
from autograder.manifest import REPO
from autograder.render import has_markers, render

DIST = REPO / "dist"
# Never part of a skeleton: instructor files, generated data, trained weights, caches.
ALWAYS_EXCLUDED = (
    "assignment.toml", "*/__pycache__/*", "__pycache__/*", "*.pyc", ".pytest_cache/*",
    "*.pth", "*.pt", "*.png", "data/*.csv", "data/cifar-10-batches-py/*", "*.zip",
)
# The harness shipped to students: enough to run the public tests locally, no more.
HARNESS_FILES = (
    "autograder/__init__.py", "autograder/protocol.py", "autograder/worker.py",
    "autograder/import_guard.py",
    "autograder/student.py", "autograder/testing.py", "autograder/checks/__init__.py",
    "autograder/checks/compare.py", "autograder/checks/gradcheck.py",
)


ZIP_DATE = (2020, 1, 1, 0, 0, 0)  # every entry's timestamp: the same tree gives the same zip


def write_zip(zip_path, entries):
    """The one zip writer (student zips, the audit's scan copy, Gradescope zips).

    `entries`: (name in the zip, source, mode) in the order to write; source a Path (read
    in chunks) or str/bytes; mode the permission bits, None for the file's own (0o644 for
    str/bytes). Timestamps are fixed and entries deflated, so zips are reproducible.
    """
    with zipfile.ZipFile(zip_path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, source, mode in entries:
            if mode is None:
                mode = stat.S_IMODE(source.stat().st_mode) if isinstance(source, Path) else 0o644
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            if isinstance(source, Path):
                with open(source, "rb") as src, zf.open(info, "w", force_zip64=True) as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            else:
                zf.writestr(info, source.encode() if isinstance(source, str) else source)
    return Path(zip_path)


def tree_entries(root, prefix, skip=("__pycache__",), suffixes=None):
    """write_zip entries for the regular files under `root` (sorted), named prefix/relative
    path; parts in `skip`, symlinks, and (if given) suffixes not in `suffixes` are left out."""
    root = Path(root)
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part in skip for part in rel.parts) or path.is_symlink() or not path.is_file():
            continue
        if suffixes is None or path.suffix in suffixes:
            yield f"{prefix}/{rel.as_posix()}" if prefix else rel.as_posix(), path, None


def source_files(manifest):
    """Relative paths of the files under solutions/<name> that become the skeleton."""
    hidden = (manifest.evaluation.labels,) if manifest.evaluation else ()
    excluded = ALWAYS_EXCLUDED + manifest.instructor_only + manifest.data + hidden
    files = []
    for path in sorted(manifest.root.rglob("*")):
        rel = path.relative_to(manifest.root).as_posix()
        if path.is_file() and not any(fnmatch.fnmatch(rel, pattern) for pattern in excluded):
            files.append(rel)
    return files


def render_skeleton(manifest, dest):
    """Write the student version of every source file under `dest`."""
    dest = Path(dest)
    for rel in source_files(manifest):
        src = manifest.root / rel
        out = dest / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        data = src.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if text is not None and has_markers(text):
            out.write_bytes(render(text, solution=False, filename=str(src)).encode("utf-8"))
        else:
            out.write_bytes(data)
        shutil.copymode(src, out)


def write_skeletons(names):
    """Regenerate skeletons/<name> for each assignment."""
    for name in names:
        m = manifests.load(name)
        if m.skeleton.exists():
            shutil.rmtree(m.skeleton)
        render_skeleton(m, m.skeleton)


def stale_skeletons(names, skeleton_root=None):
    """Differences between skeletons/ (or `skeleton_root`) and a fresh render: [] when up to date."""
    problems = []
    for name in names:
        m = manifests.load(name)
        committed_root = Path(skeleton_root) if skeleton_root else m.skeleton
        with tempfile.TemporaryDirectory() as tmp:
            render_skeleton(m, tmp)
            fresh = {p.relative_to(tmp).as_posix(): p.read_bytes() for p in Path(tmp).rglob("*") if p.is_file()}
        committed = {}
        if committed_root.exists():
            committed = {
                p.relative_to(committed_root).as_posix(): p.read_bytes()
                for p in committed_root.rglob("*") if p.is_file() and "__pycache__" not in p.parts
            }
        for rel in sorted(fresh.keys() | committed.keys()):
            if rel not in committed:
                problems.append(f"skeletons/{name}/{rel} is missing")
            elif rel not in fresh:
                problems.append(f"skeletons/{name}/{rel} has no source in solutions/{name}")
            elif fresh[rel] != committed[rel]:
                problems.append(f"skeletons/{name}/{rel} is stale")
    return problems


def pinned_versions():
    """{package as constraints.txt names it: version} of every pin in constraints.txt."""
    pins = {}
    for line in (REPO / "constraints.txt").read_text().splitlines():
        if "==" in line and not line.startswith("#"):
            package, version = line.split("==", 1)
            pins[package.strip()] = version.split(";")[0].strip()
    return pins


def requirements_text(manifest):
    """requirements.txt for students: the manifest's packages at the pinned versions."""
    pins = {package.lower(): version for package, version in pinned_versions().items()}
    lines = []
    for package in manifest.requirements:
        version = pins.get(package.lower())
        lines.append(f"{package}=={version}" if version else package)
    return "\n".join(lines) + "\n"


def stage_student_tree(manifest, dest):
    """Lay out what a student unpacks for one assignment under `dest`."""
    dest = Path(dest)
    render_skeleton(manifest, dest)
    tests = dest / "tests"
    for path in sorted(manifest.public_tests.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            out = tests / path.relative_to(manifest.public_tests)
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, out)
    for rel in HARNESS_FILES:
        out = dest / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(REPO / rel, out)
    (dest / "requirements.txt").write_text(requirements_text(manifest))


def build_release(group, *, check=True):
    """Write dist/<group>.zip for every assignment under solutions/<group>; audit first."""
    names = [n for n in manifests.all_names() if n == group or n.startswith(group + "/")]
    if not names:
        raise manifests.ManifestError(f"unknown assignment {group!r}")
    DIST.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        staging = Path(tmp) / group
        for name in names:
            m = manifests.load(name)
            part = staging / Path(name).relative_to(group) if name != group else staging
            stage_student_tree(m, part)
            if check:
                audit.check_release(m, part)
        zip_path = DIST / f"{group}.zip"
        tmp_zip = zip_path.with_suffix(".zip.tmp")
        write_zip(tmp_zip, tree_entries(staging.parent, "", skip=()))
        if check:
            audit.check_zip(names, tmp_zip)
        tmp_zip.replace(zip_path)
    return zip_path
