"""AST only: syntax, imports, signatures, file sizes. Student code is never executed.

Each student file in the workspace is compared with the skeleton's version of it.

The two larger jobs live beside this driver: import_rules.py (imports, code that reaches
modules by name) and signatures.py (removed, renamed or re-signatured definitions).

Sizes. A student file over limits.max_file_mb is a finding and is not parsed.

Missing. A student file absent from the workspace is a finding. After
intake.prepare_workspace none is absent: a file the submission lacks keeps the skeleton's
stub and is listed in Intake.missing, which is where the runner learns of it.

Finding.line is the line in the student's file, or None where there is none (a missing
file or definition without a likely rename). For a notebook, the line within its cell,
and the message names the cell.
"""

import ast
import re
from pathlib import Path

from autograder.grading.findings import Finding, parse, parse_skeleton
from autograder.grading.import_rules import check_imports
from autograder.grading.signatures import check_definitions
from autograder.worker import notebook

MB = 1024 * 1024


def check_submission(workspace, manifest):
    """Check every manifest.student_files in `workspace` against the skeleton's version.

    Returns:
        a list of Finding, file by file in manifest order.
    """
    workspace = Path(workspace)
    findings = []
    for rel in manifest.student_files:
        path = workspace / rel
        if not path.is_file():
            findings.append(Finding(rel, None, "missing", f"{rel}: missing from the submission"))
            continue
        size = path.stat().st_size
        if size > manifest.limits.max_file_mb * MB:
            findings.append(Finding(rel, None, "size", f"{rel} is {size:,} bytes; the limit "
                                    f"for one file is {manifest.limits.max_file_mb:g} MB"))
            continue
        if manifest.notebook(rel) is not None:
            findings += check_notebook(path, rel, workspace, manifest)
            continue
        if not rel.endswith(".py"):
            continue
        tree, source, problem = parse(path, rel)
        if problem:
            findings.append(problem)
            continue
        skeleton, skeleton_source = parse_skeleton(manifest.skeleton / rel)
        findings += check_imports(rel, tree, source, skeleton, workspace, manifest)
        findings += check_definitions(rel, tree, source, skeleton, skeleton_source)
    return findings


def check_notebook(path, rel, workspace, manifest):
    """The same checks on a notebook's code cells, joined as one module; a line is named by
    its cell ("assignment2.ipynb cell 7 line 3"), and a cell that does not parse is left out."""
    try:
        source, where, broken = notebook.module_source(path)
    except Exception as e:  # not JSON, not a notebook: nbformat says why
        return [Finding(rel, None, "syntax", f"{rel} does not open as a Jupyter notebook "
                        f"({type(e).__name__}: {str(e)[:300]})")]
    findings = [Finding(rel, line, "syntax", f"{rel} cell {cell} line {line}: {message}; nothing this cell "
                        f"defines can be graded", cell=cell) for cell, line, message in broken]
    skeleton_source = notebook.module_source(manifest.skeleton / rel)[0]
    tree, skeleton = ast.parse(source, filename=rel), ast.parse(skeleton_source)
    found = check_imports(rel, tree, source, skeleton, workspace, manifest)
    found += check_definitions(rel, tree, source, skeleton, skeleton_source)

    def in_cell(match):
        cell, line = where(int(match.group(1)))
        return f"{rel} cell {cell} line {line}"

    pattern = re.compile(re.escape(rel) + r" line (\d+)")
    return findings + [Finding(f.file, f.line and where(f.line)[1], f.kind, pattern.sub(in_cell, f.message),
                               f.penalised, cell=f.line and where(f.line)[0]) for f in found]
