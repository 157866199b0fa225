"""AST only: syntax, imports, signatures, file sizes. Student code is never executed.

Each student file in the workspace is compared with the skeleton's version of it.

Imports. A module counts as imported by `import m`, by `from m import n` (both m and m.n,
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

Signatures. Every function and class the skeleton defines at module level, or in a class
body (also under if/try/with), must exist in the same scope, with the same kind. For a
function, the skeleton's parameters keep their names and order; a positional one stays
positional, and one with a default keeps a default (its value may change). New parameters
are fine only at the end and with a default (also keyword-only ones). Dropping `*args` or
`**kwargs` is a finding, adding them is not. A class keeps its skeleton's base classes
(adding more is fine). Functions nested inside functions, decorators and default values
are not compared. Extra helpers anywhere are fine.

Sizes. A student file over limits.max_file_mb is a finding and is not parsed.

Missing. A student file absent from the workspace is a finding. After
intake.prepare_workspace none is absent: a file the submission lacks keeps the skeleton's
stub and is listed in Intake.missing, which is where the runner learns of it.

Finding.line is the line in the student's file, or None where there is none (a missing
file or definition without a likely rename).
"""

import ast
import difflib
import tokenize
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

KINDS = ("syntax", "import", "signature", "size", "missing")
DYNAMIC_IMPORT_MODULES = ("importlib", "builtins", "imp", "runpy", "pkgutil", "zipimport")
DYNAMIC_CALLS = ("__import__", "exec", "eval", "compile")
ESCAPE_NAMES = ("__import__", "__builtins__", "__globals__", "__subclasses__", "__loader__")
DYNAMIC_REASONS = {"__import__": "imports modules by name", "exec": "runs code from a string",
                   "eval": "runs code from a string", "compile": "turns a string into code",
                   "sys.modules": "reaches modules by name"}
SNIPPET_CHARS = 60
MB = 1024 * 1024


@dataclass(frozen=True)
class Finding:
    """One static problem in a student file; `message` is what the student reads."""

    file: str          # posix path relative to the workspace
    line: int | None
    kind: str          # one of KINDS
    message: str
    penalised: bool = False  # an import of manifest.import_forbid: the import penalty applies


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
        tree, source, problem = _parse(path, rel)
        if problem:
            findings.append(problem)
            continue
        skeleton, skeleton_source = _parse_skeleton(manifest.skeleton / rel)
        findings += _check_imports(rel, tree, source, skeleton, workspace, manifest)
        findings += _check_definitions(rel, tree, source, skeleton, skeleton_source)
    return findings


def _parse(path, rel):
    """(tree, source, None) or (None, None, a syntax Finding)."""
    try:
        with tokenize.open(path) as f:  # honours a coding cookie and a BOM
            source = f.read()
        return ast.parse(source, filename=rel), source, None
    except SyntaxError as e:
        text = f": `{e.text.strip()}`" if e.text and e.text.strip() else ""
        where = f"{rel} line {e.lineno}" if e.lineno else rel
        return None, None, Finding(rel, e.lineno, "syntax", f"{where}: syntax error ({e.msg}){text}")
    except UnicodeDecodeError as e:
        return None, None, Finding(rel, None, "syntax", f"{rel}: not UTF-8 text ({e.reason} at byte {e.start})")
    except ValueError as e:  # e.g. null bytes, which Python 3.11 reports this way
        return None, None, Finding(rel, None, "syntax", f"{rel}: syntax error ({e})")
    except (RecursionError, MemoryError):
        return None, None, Finding(rel, None, "syntax", f"{rel}: syntax error (too deeply nested to parse)")


def _parse_skeleton(path):
    """The skeleton's version of a file; an empty module if the skeleton has none."""
    if not path.is_file():
        return ast.Module([], []), ""
    tree, source, problem = _parse(path, path.name)
    if problem:
        raise ValueError(f"skeleton {path} does not parse: {problem.message}")
    return tree, source


# -- imports -----------------------------------------------------------------------------

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


def _check_imports(rel, tree, source, skeleton, workspace, manifest):
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
        skeleton, _ = _parse_skeleton(manifest.skeleton / rel)
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


# -- definitions -------------------------------------------------------------------------

_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


def _definitions(body, scope=()):
    """{qualified name: node} for functions and classes at module or class level.

    The last definition of a name wins, as when Python runs the file.
    """
    found = {}
    for node in body:
        if isinstance(node, (*_FUNCTIONS, ast.ClassDef)):
            found[".".join(scope + (node.name,))] = node
            if isinstance(node, ast.ClassDef):
                found.update(_definitions(node.body, scope + (node.name,)))
        elif isinstance(node, (ast.If, ast.Try, ast.With)):
            nested = [*node.body, *getattr(node, "orelse", []), *getattr(node, "finalbody", [])]
            for handler in getattr(node, "handlers", []):
                nested += handler.body
            found.update(_definitions(nested, scope))
    return found


def _check_definitions(rel, tree, source, skeleton, skeleton_source):
    theirs = _definitions(tree.body)
    ours = _definitions(skeleton.body)
    gone = [q for q, node in ours.items()
            if q not in theirs or isinstance(node, ast.ClassDef) != isinstance(theirs[q], ast.ClassDef)]
    findings = []
    for qual, node in ours.items():
        if any(qual.startswith(g + ".") for g in gone):
            continue  # its class is missing or no longer a class: one finding says so
        kind = "class" if isinstance(node, ast.ClassDef) else "method" if "." in qual else "function"
        shown = _describe(qual, node, skeleton_source)
        if qual not in theirs:
            findings.append(_missing_finding(rel, qual, node, kind, shown, ours, theirs))
            continue
        student = theirs[qual]
        line = f"{rel} line {student.lineno}"
        if qual in gone:
            other = "class" if isinstance(student, ast.ClassDef) else "function"
            findings.append(Finding(rel, student.lineno, "signature", f"{line}: {qual} must stay a {kind}, "
                                    f"not become a {other}: the skeleton defines {shown}"))
            continue
        if kind == "class":
            reasons = _base_changes(node, student, skeleton_source, source)
        else:
            reasons = _parameter_changes(node.args, student.args)
        if reasons:
            findings.append(Finding(rel, student.lineno, "signature", (
                f"{line}: {shown} changed to {_describe(student.name, student, source)}: "
                f"{'; '.join(reasons)}")))
    return findings


def _missing_finding(rel, qual, node, kind, shown, ours, theirs):
    scope, _, name = qual.rpartition(".")
    new = {q.rpartition(".")[2]: d for q, d in theirs.items()
           if q not in ours and q.rpartition(".")[0] == scope
           and isinstance(d, ast.ClassDef) == isinstance(node, ast.ClassDef)}
    guess = difflib.get_close_matches(name, list(new), n=1, cutoff=0.6)
    what = shown if kind == "class" else f"{kind} {shown}"
    if guess:
        line = new[guess[0]].lineno
        return Finding(rel, line, "signature", f"{rel} line {line}: {what} is missing; did you "
                       f"rename it to {guess[0]}? Keep the skeleton's names: the grader uses {qual}")
    return Finding(rel, None, "signature", f"{rel}: {what} is missing; keep every definition "
                   f"of the skeleton, with its name and signature")


def _describe(qual, node, source):
    """`Net.forward(self, X, y, mode='train')` or `class Net(_Base)`, as the source spells it."""
    if isinstance(node, ast.ClassDef):
        bases = ", ".join(_segment(source, b) for b in node.bases)
        return f"class {qual}({bases})" if bases else f"class {qual}"
    return f"{qual}({_parameters(node.args, source)})"


def _segment(source, node):
    return ast.get_source_segment(source, node) or "?"


def _parameters(args, source):
    def show(arg, default):
        return arg.arg if default is None else f"{arg.arg}={_segment(source, default)}"

    positional = [*args.posonlyargs, *args.args]
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    shown = [show(a, d) for a, d in zip(positional, defaults, strict=True)]
    if args.vararg:
        shown.append(f"*{args.vararg.arg}")
    elif args.kwonlyargs:
        shown.append("*")
    shown += [show(a, d) for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True)]
    if args.kwarg:
        shown.append(f"**{args.kwarg.arg}")
    return ", ".join(shown)


def _with_defaults(args):
    positional = [*args.posonlyargs, *args.args]
    names = {a.arg for a in positional[len(positional) - len(args.defaults):]}
    return names | {a.arg for a, d in zip(args.kwonlyargs, args.kw_defaults, strict=True) if d is not None}


def _parameter_changes(ours, theirs):
    """Why a student's parameters break calls written for the skeleton's; [] if they don't."""
    our_pos = [a.arg for a in (*ours.posonlyargs, *ours.args)]
    our_kw = [a.arg for a in ours.kwonlyargs]
    their_pos = [a.arg for a in (*theirs.posonlyargs, *theirs.args)]
    their_kw = [a.arg for a in theirs.kwonlyargs]
    our_all, their_all = {*our_pos, *our_kw}, {*their_pos, *their_kw}
    our_defaults, their_defaults = _with_defaults(ours), _with_defaults(theirs)
    renamed = {name: their_pos[i] for i, name in enumerate(our_pos)
               if name not in their_all and i < len(their_pos) and their_pos[i] not in our_all}
    reasons = []
    for name in our_pos + our_kw:
        if name in renamed:
            reasons.append(f"parameter '{name}' was renamed to '{renamed[name]}'")
        elif name not in their_all:
            reasons.append(f"parameter '{name}' was removed")
        elif name in our_pos and name in their_kw:
            reasons.append(f"parameter '{name}' became keyword-only")
        elif name in our_defaults and name not in their_defaults:
            reasons.append(f"parameter '{name}' lost its default value")
    kept = [n for n in their_pos if n in our_pos]
    if kept != [n for n in our_pos if n in kept]:
        reasons.append("parameters were reordered")
    last_kept = max((their_pos.index(n) for n in kept), default=-1)
    for i, name in enumerate(their_pos + their_kw):
        if name in our_all or name in renamed.values():
            continue
        if i < last_kept:
            following = next(n for n in their_pos[i:] if n in our_pos)
            reasons.append(f"parameter '{name}' was inserted before '{following}'")
        elif name not in their_defaults:
            reasons.append(f"parameter '{name}' was added without a default value")
    for star, our_star, their_star in (("*", ours.vararg, theirs.vararg), ("**", ours.kwarg, theirs.kwarg)):
        if our_star and not their_star:
            reasons.append(f"{star}{our_star.arg} was removed")
    return reasons


def _base_changes(ours, theirs, our_source, their_source):
    their_bases = {_segment(their_source, b) for b in theirs.bases}
    return [f"base class {base} was removed" for base in (_segment(our_source, b) for b in ours.bases)
            if base not in their_bases]
