"""Grade the bundled sample submissions of each assignment and check their verdicts.

Samples, built fresh each run so they can never go stale:
- reference: the reference solution, packed by the assignment's own collect_submission.sh;
- skeleton:  the untouched student starter code, packed the same way;
- every folder in tools/demo_submissions/<assignment>/<sample>/: an expected.json holding
  `edits` ({source file: [[old text, new text], ...]}: a realistic bug made in the
  reference before it is rendered (a notebook's edits go to its .nb.py source), so the
  sample follows the reference as it changes) and `failing`, the tests that must fail
  (everything else must pass); any other file in the folder replaces the reference's
  (a predictions.csv written wrongly, which no text edit can make).

Usage: python tools/demo.py NAME... ; exit status 1 if a verdict is not the expected one.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from autograder import manifest as manifests  # noqa: E402
from autograder.authoring.notebook import is_notebook_source, render_notebook  # noqa: E402
from autograder.authoring.render import has_markers, render  # noqa: E402
from autograder.authoring.tree import skeleton_name, source_files  # noqa: E402
from autograder.release.student_zip import render_skeleton  # noqa: E402

OUT = REPO / "build" / "demo"


def render_reference(m, dest, edits=None):
    """The reference solution as a student would have it: markers removed, a notebook's source
    rendered to its .ipynb. `edits` ({source file: [[old, new], ...]}) are made first."""
    edits = edits or {}
    for rel in source_files(m):
        src, out = m.root / rel, Path(dest) / skeleton_name(rel)
        out.parent.mkdir(parents=True, exist_ok=True)
        text = src.read_text() if src.suffix in (".py", ".yaml", ".sh", ".md", ".txt") else None
        if rel in edits:
            text = edited(text, edits[rel], rel)
        if text is not None and is_notebook_source(rel):
            out.write_text(render_notebook(text, solution=True, filename=str(src)))
        elif text is not None and has_markers(text):
            out.write_text(render(text, solution=True))
        elif text is not None:
            out.write_text(text)
        else:
            shutil.copyfile(src, out)
    for rel in reference_outputs(m):  # made by the instructor's run of the reference
        out = Path(dest) / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        if rel in edits:
            out.write_text(edited((m.root / rel).read_text(), edits[rel], rel))
        else:
            shutil.copyfile(m.root / rel, out)
    unknown = set(edits) - set(source_files(m)) - set(reference_outputs(m))
    if unknown:
        raise SystemExit(f"edits of {sorted(unknown)}: neither a source file nor a run output of {m.name}")


def reference_outputs(m):
    """What the reference's own run made that its submission carries and the skeleton does not:
    checkpoints, predictions files, and student files such as logs and plots."""
    sources = {skeleton_name(rel) for rel in source_files(m)}
    wanted = [*m.student_files, *(c.path for c in m.checkpoints), *(p.path for p in m.predictions)]
    if m.form is not None:  # the reference's copy of what the form asks for (a report PDF)
        wanted += sorted(p.name for pattern in m.form.required for p in m.root.glob(pattern) if p.is_file())
    return [rel for rel in dict.fromkeys(wanted) if rel not in sources and (m.root / rel).is_file()]


def edited(text, edits, rel):
    for old, new in edits:
        if text.count(old) != 1:
            raise SystemExit(f"the edit {old[:40]!r} of {rel} no longer matches the reference once")
        text = text.replace(old, new)
    return text


def pack(tree, zip_dest):
    """Run the assignment's collect_submission.sh in `tree`; move its zip to `zip_dest`."""
    before = set(Path(tree).glob("*.zip"))
    # The kit's own tools first on PATH (a notebook's script exports it with jupyter nbconvert).
    env = dict(os.environ, PATH=os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")]))
    subprocess.run(["bash", "collect_submission.sh"], cwd=tree, check=True, capture_output=True, env=env)
    made = sorted(set(Path(tree).glob("*.zip")) - before)
    if len(made) != 1:
        raise SystemExit(f"collect_submission.sh in {tree} made {len(made)} zips")
    zip_dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(made[0], zip_dest)
    return zip_dest


def build_samples(m, tmp):
    """-> [(sample name, zip path, expectation)]"""
    samples = []
    ref = Path(tmp) / "reference"
    render_reference(m, ref)
    samples.append(("reference", pack(ref, OUT / m.name / "reference.zip"), {"failing": []}))
    skel = Path(tmp) / "skeleton"
    render_skeleton(m, skel)
    samples.append(("skeleton", pack(skel, OUT / m.name / "skeleton.zip"), {"score": 0}))
    for folder in sorted((REPO / "tools" / "demo_submissions" / m.name).glob("*/")):
        tree = Path(tmp) / folder.name
        expected = json.loads((folder / "expected.json").read_text())
        render_reference(m, tree, expected["edits"])
        for path in sorted(folder.rglob("*")):  # whole files of the sample (a predictions.csv): over the reference's
            if path.is_file() and path.name != "expected.json":
                (tree / path.relative_to(folder)).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, tree / path.relative_to(folder))
        samples.append((folder.name, pack(tree, OUT / m.name / f"{folder.name}.zip"), expected))
    return samples


def grade(m, zip_path):
    out = zip_path.with_suffix(".results.json")
    subprocess.run(
        [sys.executable, "-m", "autograder", "grade", "--assignment", m.name,
         "--submission", str(zip_path), "--out", str(out)],
        check=True, cwd=REPO,
    )
    return json.loads(out.read_text())


def untrained(m):
    """Reference checkpoints not made on this machine (A5's ResNet-18 takes CPU-hours to train):
    their tests fail for every sample, saying the file is missing, and that is expected."""
    return [c.path for c in m.checkpoints if not (m.root / c.path).is_file()]


def verdict_problems(results, expected, missing=()):
    """What differs from the expected verdict ([] when as expected)."""
    tests = results["tests"]
    if "score" in expected:
        return [] if results["score"] == expected["score"] else [f"score {results['score']}, expected {expected['score']}"]
    failing = {t["name"] for t in tests if t.get("score", 0) < t.get("max_score", 0)
               and not any(f"{path} is missing" in t.get("output", "") for path in missing)}
    wanted = set(expected["failing"])
    problems = [f"should fail but passed: {name}" for name in sorted(wanted - failing)]
    problems += [f"should pass but failed: {name}" for name in sorted(failing - wanted)]
    return problems


def main(names):
    bad = 0
    for name in names:
        m = manifests.load(name)
        if untrained(m):
            print(f"{name}: reference checkpoints not trained on this machine ({', '.join(untrained(m))}): "
                  f"their tests fail for every sample, as expected")
        with tempfile.TemporaryDirectory() as tmp:
            for sample, zip_path, expected in build_samples(m, tmp):
                results = grade(m, zip_path)
                total = sum(t.get("max_score", 0) for t in results["tests"])
                problems = verdict_problems(results, expected, untrained(m))
                bad += bool(problems)
                status = "as expected" if not problems else "UNEXPECTED: " + "; ".join(problems)
                print(f"{name:24} {sample:22} {results['score']:7.2f} / {total:<7.2f} {status}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
