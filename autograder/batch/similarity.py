"""similarity.html: pairs of submissions whose own code is unusually similar, side by side.

The detector is copydetect (winnowing over token fingerprints, as in MOSS). Each
submission's student files are taken as the grader takes them (intake: the same root
finding and refusals), a notebook as its code cells joined; the skeleton's version of
each file is copydetect's boilerplate, so the code everyone was given never counts.
Only files of the same name are compared (models/softmax_regression.py with its
counterparts), never two files of one submission. The report lists every file pair above
THRESHOLD of either side's fingerprints, most similar first, with copydetect's highlighted
shared passages (red in the first submission, green in the second); it is self-contained.
"""

import html
import json
import shutil
import tempfile
from pathlib import Path

from autograder.grading import intake

THRESHOLD = 0.5   # the share of one side's fingerprints found in the other's
NOISE_TOKENS = 25  # copydetect's defaults: matches shorter than this are noise ...
GUARANTEE_TOKENS = 30  # ... and one at least this long is always found


def student_code(workspace, manifest):
    """{flat file name: source text} of the student files in a workspace (or the skeleton)."""
    code = {}
    for rel in manifest.student_files:
        path = Path(workspace) / rel
        if not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if rel.endswith(".ipynb"):
            text = _notebook_code(text)
        elif not rel.endswith(".py"):
            continue
        code[rel.replace("/", "__").removesuffix(".ipynb").removesuffix(".py") + ".py"] = text
    return code


def _notebook_code(text):
    try:
        cells = json.loads(text).get("cells", [])
    except (ValueError, AttributeError):
        return ""
    sources = []
    for cell in cells:
        if isinstance(cell, dict) and cell.get("cell_type") == "code":
            source = cell.get("source", "")
            sources.append("".join(source) if isinstance(source, list) else str(source))
    return "\n\n".join(sources)


def write_report(out, manifest, submissions):
    """Compare every submission's own code -> the path of similarity.html."""
    from copydetect import CopyDetector

    out = Path(out)
    with tempfile.TemporaryDirectory(prefix="kit-similarity-") as scratch:
        scratch = Path(scratch)
        code_root = scratch / "code"
        boiler = scratch / "skeleton"
        _write(boiler, student_code(manifest.skeleton, manifest))
        for sub in submissions:
            workspace = scratch / "ws" / sub.id
            try:
                intake.prepare_workspace(sub.path, manifest, workspace)
            except Exception:  # a submission intake cannot read has no code to compare
                continue
            files = student_code(workspace, manifest)
            skeleton = student_code(manifest.skeleton, manifest)
            _write(code_root / sub.id, {k: v for k, v in files.items() if v != skeleton.get(k)})
            shutil.rmtree(workspace, ignore_errors=True)
        pairs = []
        if sum(1 for _ in code_root.glob("*/*.py")) >= 2:
            detector = CopyDetector(test_dirs=[str(code_root)], ref_dirs=[str(code_root)],
                                    boilerplate_dirs=[str(boiler)], extensions=["py"], same_name_only=True,
                                    ignore_leaf=True, autoopen=False, silent=True, display_t=THRESHOLD,
                                    noise_t=NOISE_TOKENS, guarantee_t=GUARANTEE_TOKENS,
                                    out_file=str(scratch / "unused.html"))
            detector.run()
            pairs = _pairs(detector, code_root)
        count = sum(1 for p in code_root.iterdir()) if code_root.is_dir() else 0
    path = out / "similarity.html"
    path.write_text(_page(manifest, pairs, count), encoding="utf-8")
    return path


def _write(folder, files):
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def _pairs(detector, root):
    """[(sim a, sim b, student a, student b, file, highlighted a, highlighted b, tokens)], each pair once."""
    seen, pairs = set(), []
    for sim_a, sim_b, file_a, file_b, code_a, code_b, tokens in detector.get_copied_code_list():
        a, b = Path(file_a).relative_to(root).parts[0], Path(file_b).relative_to(root).parts[0]
        name = Path(file_a).name
        if a > b:
            sim_a, sim_b, a, b, code_a, code_b = sim_b, sim_a, b, a, code_b, code_a
        if (a, b, name) in seen:
            continue
        seen.add((a, b, name))
        pairs.append((float(sim_a), float(sim_b), a, b, name.removesuffix(".py").replace("__", "/"),
                      code_a, code_b, int(tokens)))
    pairs.sort(key=lambda p: (-max(p[0], p[1]), p[2], p[3], p[4]))
    return pairs


def _page(manifest, pairs, count):
    e = html.escape
    blocks = []
    for sim_a, sim_b, a, b, name, code_a, code_b, tokens in pairs:
        blocks.append(f"""<section><h2>{e(a)} and {e(b)}: {e(name)}</h2>
<p>{sim_a:.0%} of {e(a)}'s fingerprints are in {e(b)}'s, {sim_b:.0%} the other way; {tokens} tokens shared.</p>
<div class="pair"><div><h3>{e(a)}</h3><pre>{code_a}</pre></div><div><h3>{e(b)}</h3><pre>{code_b}</pre></div></div>
</section>""")  # copydetect escaped the code and added only the highlight spans
    body = "\n".join(blocks) or "<p>No pair of submissions is above the threshold.</p>"
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(manifest.title)}: similar submissions</title>
<style>body{{font-family:sans-serif;margin:2em}}.pair{{display:grid;grid-template-columns:1fr 1fr;gap:1em}}
pre{{background:#f7f7f7;padding:.5em;overflow:auto;font-size:12px;max-height:40em}}
.highlight-red{{background:#f8c4c4}}.highlight-green{{background:#c4f0c4}}section{{border-top:1px solid #ccc}}</style>
</head><body><h1>{e(manifest.title)}: similar submissions</h1>
<p>{count} submissions with code of their own compared by copydetect (winnowing, as in MOSS), file by file,
the skeleton's code ignored; {len(pairs)} file pairs share more than {THRESHOLD:.0%} of one side's
fingerprints. Similar is not copied: read the passages before acting.</p>
{body}
</body></html>
"""
