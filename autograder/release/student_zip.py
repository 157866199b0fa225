"""Build skeletons/ from solutions/ and the student zips in dist/.

A student zip holds, under one folder named for the assignment: the rendered skeleton,
the public tests as tests/, the local test harness (the shipped part of `autograder`),
and requirements.txt pinned from constraints.txt. The audit runs on the staged tree
before the zip is written.
"""

import shutil
import tempfile
from pathlib import Path

import nbformat

from autograder import manifest as manifests
from autograder.authoring.notebook import is_notebook_source, render_notebook
from autograder.authoring.render import has_markers, render
from autograder.authoring.tree import skeleton_name, source_files
from autograder.manifest import REPO
from autograder.release import audit
from autograder.release.archive import tree_entries, write_zip

DIST = REPO / "dist"
# What students get of the engine, to run their tests as the grader does: whole packages.
HARNESS_PACKAGES = ("autograder/worker", "autograder/harness")


def harness_files():
    """autograder/__init__.py and every .py file of the shipped packages (repo-relative)."""
    files = ["autograder/__init__.py"]
    for package in HARNESS_PACKAGES:
        files += sorted(p.relative_to(REPO).as_posix() for p in (REPO / package).rglob("*.py")
                        if "__pycache__" not in p.parts)
    return files


def render_skeleton(manifest, dest):
    """Write the student version of every source file under `dest` (a notebook's source as its .ipynb)."""
    dest = Path(dest)
    for rel in source_files(manifest):
        src = manifest.root / rel
        out = dest / skeleton_name(rel)
        out.parent.mkdir(parents=True, exist_ok=True)
        data = src.read_bytes()
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = None
        if is_notebook_source(rel):
            out.write_text(render_notebook(text, solution=False, filename=str(src)), encoding="utf-8")
        elif text is not None and has_markers(text):
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
    """Differences between skeletons/ (or `skeleton_root`) and a fresh render, and notebooks
    committed under solutions/ with outputs: [] when all is well."""
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
        for path in sorted(m.root.rglob("*.ipynb")):  # a committed notebook must carry no run
            leftovers = audit.run_leftovers(nbformat.read(path, as_version=4))
            if leftovers:
                problems.append(f"{path.relative_to(REPO)}: {'; '.join(leftovers)} (commit notebooks "
                                f"without outputs: jupyter nbconvert --clear-output --inplace {path.name})")
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
    for rel in harness_files():
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


def audit_assignments(names):
    """The audit `make test` runs: stage each student tree, check it, zip it, scan the zip.

    The reference solutions' own test run is left to `make test`'s pytest step.
    Returns the problems found ([] when clean).
    """
    problems = []
    for name in names:
        m = manifests.load(name)
        with tempfile.TemporaryDirectory() as tmp:
            tree = Path(tmp) / name
            stage_student_tree(m, tree)
            zip_path = write_zip(Path(tmp) / "student.zip", tree_entries(tree, name, skip=()))
            found = audit.check_student_tree(m, tree)
            try:
                audit.check_zip([name], zip_path)
            except audit.AuditError as e:
                found.append(str(e))
        problems += [f"{name}: {p}" for p in found]
    return problems
