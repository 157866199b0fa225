"""After the tests ran: the manifest's print policy and import penalty, applied to records.

Print policy (manifest.print_policy), for lines student code printed that no pattern of
allowed_output.txt matches:
- zero: the whole programming score is 0; each test whose calls printed says so, quoting
  the first such line (except in hidden tests, whose inputs a printed line could reveal);
- fail-test: the tests whose calls printed fail and score 0;
- warn: scores stand; those tests carry a warning.

Import penalty (manifest.import_penalty), for static-check findings of kind "import":
- zero-file: every test that used the file scores 0;
- deduct:<points>: that many points off, once per file, as an entry of its own;
- warn: the finding's own entry says it; no points are taken.
A test used a file when one of its calls named a module whose import runs that file: the
module itself, its parent packages, and the student modules those import, transitively
(read from their import statements). This needs nothing from test authors and follows
inheritance across files (TwoLayerNet's softmax lives in _base_network.py).
"""

import ast
from pathlib import Path, PurePosixPath

from autograder.results import TestRecord

QUOTE_CHARS = 200


def apply_prints(records, violations, policy):
    """`violations`: {record index: [(call, line), ...]}. Returns a note for the whole run."""
    if not violations:
        return ""
    first = records[min(violations)]
    first_test = "a hidden test" if first.is_hidden else f"the test {first.name!r}"
    for i, found in violations.items():
        record = records[i]
        call, line = found[0]
        quoted = ("(a hidden test: the line is not shown)" if record.is_hidden
                  else f"{line[:QUOTE_CHARS]!r}" + (f" and {len(found) - 1} more line(s)" if len(found) > 1 else ""))
        what = f"Your code printed output the assignment does not ask for, during {call}: {quoted}."
        if policy == "warn":
            record.notes.append(f"Warning: {what} Remove the print.")
        else:
            record.zeroed = True
            record.notes.append(f"{what} " + ("Printing scores 0 on the whole programming part."
                                              if policy == "zero" else "This test scores 0."))
    if policy != "zero":
        return ""
    for i, record in enumerate(records):
        if i not in violations and not record.zeroed and (record.weight or record.score):
            record.zeroed = True
            record.notes.append(f"Scored 0: your code printed output the assignment does not ask for "
                                f"(first in {first_test}); printing scores 0 on the whole "
                                f"programming part.")
    return (f"**Your code printed output the assignment does not ask for, so the programming part "
            f"scores 0** (first in {first_test}). Remove every print from your code.")


def apply_imports(records, findings, used_files, policy):
    """Zero or deduct for import findings. `used_files`: {record index: set of files}.

    Returns the extra records (deductions) to list.
    """
    bad = {}
    for f in findings:
        if f.kind == "import":
            bad.setdefault(f.file, f)
    if not bad or policy == "warn":
        return []
    if policy == "zero-file":
        for i, files in used_files.items():
            hit = sorted(files & bad.keys())
            if hit and not records[i].zeroed:
                records[i].zeroed = True
                records[i].notes.append(f"Scored 0: this test runs {', '.join(hit)}, which breaks the "
                                        f"import rules ({bad[hit[0]].message}).")
        return []
    points = float(policy.partition(":")[2])
    return [TestRecord(name=f"Import rules: {file}", weight=0.0, score=-points,
                       message=f"-{points:g} points: {finding.message}", failed=True, visibility="visible")
            for file, finding in bad.items()]


def files_used(workspace, modules):
    """The student files (posix, relative to `workspace`) that importing `modules` runs."""
    workspace = Path(workspace)
    pending = [tuple(m.split(".")) for m in modules if m]
    seen, files = set(), set()
    while pending:
        parts = pending.pop()
        if parts in seen or not parts:
            continue
        seen.add(parts)
        pending += [parts[:n] for n in range(1, len(parts))]  # parent packages run first
        rel = _module_file(workspace, parts)
        if rel is None:
            continue
        files.add(rel)
        pending += _local_imports(workspace, rel)
    return files


def _module_file(workspace, parts):
    for rel in ("/".join(parts) + ".py", "/".join(parts) + "/__init__.py"):
        if (workspace / rel).is_file():
            return rel
    return None


def _local_imports(workspace, rel):
    """Dotted names (as parts) a student file imports, relative ones resolved."""
    try:
        tree = ast.parse((workspace / rel).read_bytes(), filename=rel)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    package = PurePosixPath(rel).parent.parts  # the same for pkg/mod.py and pkg/__init__.py
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [tuple(a.name.split(".")) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[:len(package) - (node.level - 1)] if node.level - 1 <= len(package) else ()
            else:
                base = ()
            module = base + tuple(node.module.split(".")) if node.module else base
            found.append(module)
            found += [module + (a.name,) for a in node.names if a.name != "*"]
    return found
