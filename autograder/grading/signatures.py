"""Signatures. Every function and class the skeleton defines at module level, or in a class
body (also under if/try/with), must exist in the same scope, with the same kind. For a
function, the skeleton's parameters keep their names and order; a positional one stays
positional, and one with a default keeps a default (its value may change). New parameters
are fine only at the end and with a default (also keyword-only ones). Dropping `*args` or
`**kwargs` is a finding, adding them is not. A class keeps its skeleton's base classes
(adding more is fine). Functions nested inside functions, decorators and default values
are not compared. Extra helpers anywhere are fine.
"""

import ast
import difflib

from autograder.grading.findings import Finding

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


def check_definitions(rel, tree, source, skeleton, skeleton_source):
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
