"""Imports. A module counts as imported by `import m`, by `from m import n` (both m and m.n,
since n may be a submodule), anywhere in the file. A new import is:
- fine if the skeleton's file imports the same top-level package (`import numpy as np`
  in the skeleton covers `from numpy.linalg import norm`): nothing new can be reached;
- fine if it names a module of the assignment itself, relative (`from .layers import
  Linear`) or absolute (`from models import TwoLayerNet`): kit code can't do the work
  for the student. One that names no module of the assignment is a finding, since only
  the manifest's files are taken from a submission (a student's own helpers.py is not);
- fine, with no finding at all, if it is in manifest.import_allow (or inside an allowed
  package: allowing "torch.nn.functional" allows `from torch.nn import functional`);
- a finding otherwise. manifest.import_forbid entries, and the modules that import by
  name (importlib, builtins, runpy, ...), are findings even where the skeleton imports
  their parent package (forbidding "torchvision.models" holds although the skeleton
  imports torchvision), unless the skeleton imports that very module. Forbidding wins
  over allowing, and import_allow cannot allow the modules that import by name.
Code that reaches modules by name is a finding too, unless the skeleton's file does the
same: `__import__(...)`, `exec`/`eval`/`compile(...)`, `sys.modules`, `__builtins__` and
the dunder names of sandbox escapes (also as strings, for getattr(__builtins__, ...)).
Only the findings of manifest.import_forbid modules are `penalised` (those modules could
do the student's work); every other import finding is a note that costs nothing, since a
forbidden module is also refused at run time (autograder.import_guard, set up from
forbidden_by_file) however the code reaches it.
"""

import ast
from pathlib import PurePosixPath

from autograder.grading.findings import Finding, parse_skeleton

DYNAMIC_IMPORT_MODULES = ("importlib", "builtins", "imp", "runpy", "pkgutil", "zipimport")
DYNAMIC_CALLS = ("__import__", "exec", "eval", "compile")
ESCAPE_NAMES = ("__import__", "__builtins__", "__globals__", "__subclasses__", "__loader__")
DYNAMIC_REASONS = {"__import__": "imports modules by name", "exec": "runs code from a string",
                   "eval": "runs code from a string", "compile": "turns a string into code",
                   "sys.modules": "reaches modules by name"}
SNIPPET_CHARS = 60


def import_statements(tree, rel):
    """(node, statement text, [dotted names it reaches], resolved local path parts or None).

    The one resolution of import statements the engine has: `import m` reaches m; `from m
    import a` reaches m and m.a; a relative import reaches no outside name and resolves
    against `rel`'s package (its path parts, () for the top, None past the top).
    """
    package = PurePosixPath(rel).parent.parts
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node, ast.unparse(ast.Import([alias])), [alias.name], None
        elif isinstance(node, ast.ImportFrom) and node.level:
            up = node.level - 1
            base = package[:len(package) - up] if up <= len(package) else None
            target = base + tuple(node.module.split(".")) if base and node.module else base
            yield node, ast.unparse(node), [], target or ()
        elif isinstance(node, ast.ImportFrom):
            names = [node.module] + [f"{node.module}.{a.name}" for a in node.names if a.name != "*"]
            yield node, ast.unparse(node), names, None


def _within(name, package):
    return name == package or name.startswith(package + ".")


def _is_local(parts, workspace):
    """Does the dotted path (as parts) name a module or package of the assignment?"""
    if not parts:
        return False
    path = workspace.joinpath(*parts)
    return path.is_dir() or path.with_name(parts[-1] + ".py").is_file()


def check_imports(rel, tree, source, skeleton, workspace, manifest):
    skeleton_names = [n for _, _, names, _ in import_statements(skeleton, rel) for n in names]
    skeleton_tops = {n.split(".")[0] for n in skeleton_names} | {"__future__"}
    forbid = (*manifest.import_forbid, *DYNAMIC_IMPORT_MODULES)
    allowed = ", ".join(manifest.import_allow) or "none"
    findings = []
    for node, text, names, local in import_statements(tree, rel):
        where = f"{rel} line {node.lineno}: `{text}` is not allowed"
        if local is None and _is_local(names[0].split(".")[:1], workspace):
            local = tuple(names[0].split("."))
        if local is not None:
            if not _is_local(local, workspace):
                findings.append(Finding(rel, node.lineno, "import", f"{where}: it names no module of "
                                        f"the assignment (only the assignment's own files are graded)"))
            continue
        banned = [f for f in forbid for n in names
                  if _within(n, f) and not any(_within(s, f) for s in skeleton_names)]
        if banned and banned[0] in manifest.import_forbid:
            findings.append(Finding(rel, node.lineno, "import", f"{where}: the assignment forbids {banned[0]}; "
                                    f"the grader refuses it, so the tests of the code that uses it score 0",
                                    penalised=True))
        elif banned:
            findings.append(Finding(rel, node.lineno, "import", f"{where}: the assignment forbids {banned[0]}"))
        elif names[0].split(".")[0] not in skeleton_tops and not _is_allowed(names, manifest.import_allow):
            findings.append(Finding(rel, node.lineno, "import", f"{where}: the assignment forbids new "
                                    f"imports (allowed additions: {allowed})"))
    findings += _check_dynamic(rel, tree, source, skeleton)
    return sorted(findings, key=lambda f: f.line)  # ast.walk goes breadth first


def forbidden_by_file(manifest):
    """{student file: [manifest.import_forbid entries it may not reach]}, for the run-time
    guard: the forbidden modules its skeleton's file does not import itself."""
    rules = {}
    for rel in manifest.student_files:
        if not rel.endswith(".py"):
            continue
        skeleton, _ = parse_skeleton(manifest.skeleton / rel)
        ours = [n for _, _, names, _ in import_statements(skeleton, rel) for n in names]
        rules[rel] = [f for f in manifest.import_forbid if not any(_within(n, f) for n in ours)]
    return rules


def _is_allowed(names, allow):
    """`import m` or `from m import a, b` (names: m, m.a, m.b) stays inside allowed packages."""
    module, members = names[0], names[1:]
    if any(_within(module, a) for a in allow):
        return True
    return bool(members) and all(any(_within(m, a) for a in allow) for m in members)


def _dynamic_uses(tree):
    """(node, what) for every way the tree reaches modules or builtins by name."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in DYNAMIC_CALLS:
            yield node, node.func.id
        elif isinstance(node, ast.Name) and node.id in ESCAPE_NAMES:
            yield node, node.id
        elif isinstance(node, ast.Attribute) and node.attr in ESCAPE_NAMES:
            yield node, node.attr
        elif isinstance(node, ast.Constant) and node.value in ESCAPE_NAMES:
            yield node, node.value
        elif (isinstance(node, ast.Attribute) and node.attr == "modules"
              and isinstance(node.value, ast.Name) and node.value.id == "sys"):
            yield node, "sys.modules"


def _check_dynamic(rel, tree, source, skeleton):
    """One finding per line that reaches modules or code by name (the skeleton's own aside)."""
    known = {what for _, what in _dynamic_uses(skeleton)}
    lines = source.splitlines()
    findings, seen = [], set()
    for node, what in _dynamic_uses(tree):
        if what in known or node.lineno in seen:
            continue
        seen.add(node.lineno)
        text = lines[node.lineno - 1].strip()
        if len(text) > SNIPPET_CHARS:
            text = text[:SNIPPET_CHARS - 3] + "..."
        reason = DYNAMIC_REASONS.get(what, "reaches Python's internals")
        findings.append(Finding(rel, node.lineno, "import", (
            f"{rel} line {node.lineno}: `{text}` is not allowed: {what} {reason}, "
            f"which the import rules can't check")))
    return findings
