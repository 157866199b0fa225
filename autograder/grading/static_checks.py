"""AST only: syntax, imports, signatures, file sizes. Student code is never executed.

Each student file in the workspace is compared with the skeleton's version of it.

The two larger jobs live beside this driver: import_rules.py (imports, code that reaches
modules by name) and signatures.py (removed, renamed or re-signatured definitions).

Sizes. A student file over limits.max_file_mb is a finding and is not parsed.

Missing. A student file absent from the workspace is a finding. After
intake.prepare_workspace none is absent: a file the submission lacks keeps the skeleton's
stub and is listed in Intake.missing, which is where the runner learns of it.

Finding.line is the line in the student's file, or None where there is none (a missing
file or definition without a likely rename).
"""

from pathlib import Path

from autograder.grading.findings import Finding, parse, parse_skeleton
from autograder.grading.import_rules import check_imports
from autograder.grading.signatures import check_definitions

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
