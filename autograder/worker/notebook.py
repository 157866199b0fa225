"""Notebooks as modules: `import assignment2` loads the code cells of assignment2.ipynb.

Tests call notebook code as they call module code (`student.call("assignment2.LeNet5")`).
A notebook is found beside modules on sys.path as `<name>.ipynb` (what students have) or
`<name>.nb.py` (a jupytext percent-format reference), when no `<name>.py` or package is
there. Each code cell goes through IPython's own input transformer, so `%matplotlib
inline`, `!pip install x` and cell magics become ordinary calls on a `get_ipython()` stub
whose methods do nothing.

Two modes, per notebook (`configure`; the manifest's `[[notebooks]] mode`):
- "definitions" (the default): only imports, function and class definitions and constant
  assignments run (literals, names, and calls of the constructors in ALLOWED_CALLS such
  as `torch.device(...)` or `transforms.Compose([...])`). What trains, downloads, plots or
  loops at top level does not, so an hour of training costs nothing, and a notebook is
  graded on the code it defines rather than on what its last run printed. Each statement
  runs on its own: one that raises, or a cell that does not parse, costs only the names
  it would have defined.
- "execute": every cell runs in order, like "Restart and run all", each within
  `cell_seconds`; a cell that raises or runs past its time is recorded and the next runs.
Cells tagged `skip` or `skip-execution` (nbclient's tag) never run.

What did not run or failed is kept in the module's `__notebook__` report, and `explain`
turns a NameError or AttributeError for such a name into a message naming the cell and
the statement.
"""

import ast
import fnmatch
import importlib.abc
import importlib.util
import linecache
import os
import signal
import sys
import time

SUFFIXES = (".ipynb", ".nb.py")
CELL_MARK = ", cell "  # code of cell 7 of x.ipynb runs as file "x.ipynb, cell 7"
SKIP_TAGS = frozenset({"skip", "skip-execution"})
# Cell magics whose body is Python run as usual (%%time, %%capture): the body is the cell.
PYTHON_CELL_MAGICS = frozenset({"time", "timeit", "capture", "prun"})
# Calls a definitions-only load makes at top level: cheap, no I/O, no training.
ALLOWED_CALLS = (
    "torch.device", "torch.cuda.is_available", "torch.backends.mps.is_available", "torch.nn.*",
    "torch.tensor", "torch.float*", "torchvision.transforms.*", "numpy.array", "numpy.asarray",
    "os.path.*", "os.environ.get", "os.getenv", "pathlib.Path", "math.*", "collections.*",
    "dict", "list", "tuple", "set", "frozenset", "range", "len", "str", "int", "float", "bool",
    "sorted", "zip", "enumerate", "min", "max", "sum", "abs", "round",
)
DEFAULTS = {"mode": "definitions", "cell_seconds": 60.0, "allow_calls": ()}
_settings = {}  # module name -> its settings (DEFAULTS where not configured)


def configure(notebooks):
    """How the notebooks named are loaded: {module: {mode, cell_seconds, allow_calls}} (the grader
    sends this from the manifest; locally every notebook loads with DEFAULTS)."""
    for module, given in notebooks.items():
        settings = dict(DEFAULTS, **given)
        if settings["mode"] not in ("definitions", "execute"):
            raise ValueError(f"unknown notebook mode {settings['mode']!r}")
        _settings[module] = dict(settings, cell_seconds=float(settings["cell_seconds"]),
                                 allow_calls=tuple(settings["allow_calls"]))


def install():
    """Let `import name` find name.ipynb / name.nb.py (once per process; after the usual finders)."""
    if not any(isinstance(f, NotebookFinder) for f in sys.meta_path):
        sys.meta_path.append(NotebookFinder())


def notebook_file(filename):
    """'x.ipynb, cell 7' -> 'x.ipynb': the file a code object of a notebook cell belongs to."""
    return filename.split(CELL_MARK, 1)[0]


# -- reading


def read_cells(path):
    """[(cell number from 1, cell type, source, tags)] of every cell of the notebook at `path`."""
    if str(path).endswith(".nb.py"):
        import jupytext  # the reference's percent format; students' files are .ipynb

        notebook = jupytext.read(path, fmt="py:percent")
    else:
        import nbformat

        notebook = nbformat.read(path, as_version=4)
    return [(number, cell.get("cell_type", "code"), _text(cell.get("source", "")),
             frozenset(cell.get("metadata", {}).get("tags", []) or []))
            for number, cell in enumerate(notebook.cells, 1)]


def _text(source):
    return "".join(source) if isinstance(source, list) else str(source)


def python_source(source):
    """A cell's text as Python: IPython's transformer turns magics and `!` lines into calls;
    a cell magic with a Python body (%%time) gives that body, any other (%%bash) nothing, and
    a line magic timing a statement (`%time x = f()`) that statement. Line N of the result is
    line N of the cell."""
    from IPython.core.inputtransformer2 import TransformerManager

    code = TransformerManager().transform_cell(source)
    # The transformer drops leading blank lines: put them back, so line numbers are the cell's.
    code = "\n" * next((i for i, line in enumerate(source.splitlines()) if line.strip()), 0) + code
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return code
    if len(tree.body) == 1 and _is_ipython_call(tree.body[0], "run_cell_magic"):
        name, _line, body = (getattr(a, "value", None) for a in tree.body[0].value.args[:3])
        inner = python_source(body) if name in PYTHON_CELL_MAGICS and isinstance(body, str) else ""
        return "\n" * tree.body[0].lineno + inner if inner else ""  # the body starts below the magic
    lines = code.splitlines(keepends=True)
    for node in ast.walk(tree):
        if _is_ipython_call(node, "run_line_magic") and node.lineno == node.end_lineno:
            name, body = (getattr(a, "value", None) for a in node.value.args[:2])
            if name in PYTHON_CELL_MAGICS and isinstance(body, str) and body.strip() and _parses(body):
                line = lines[node.lineno - 1]
                lines[node.lineno - 1] = line[:len(line) - len(line.lstrip())] + body.strip() + "\n"
    return "".join(lines)


def _parses(code):
    try:
        ast.parse(code)
    except SyntaxError:
        return False
    return "\n" not in code.strip()


def _is_ipython_call(node, method=None):
    """`get_ipython().<method>(...)` as a statement (what the transformer makes of a magic)."""
    call = node.value if isinstance(node, ast.Expr) else None
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute)
            and isinstance(call.func.value, ast.Call) and getattr(call.func.value.func, "id", "") == "get_ipython"
            and (method is None or call.func.attr == method))


def code_cells(path):
    """[(cell number, python source, tags)] of the code cells, magics transformed."""
    return [(number, python_source(source), tags) for number, kind, source, tags in read_cells(path)
            if kind == "code"]


def module_source(path):
    """The notebook's code as one module, for the static checks -> (source, where, problems).

    `where(line)` maps a line of `source` to (cell, line in the cell); `problems` lists
    (cell, line, message) for the cells that do not parse (they are left out of `source`).
    """
    parts, starts, problems, offset = [], [], [], 0
    for number, code, _tags in code_cells(path):
        try:
            ast.parse(code)
        except SyntaxError as e:
            problems.append((number, e.lineno, f"syntax error ({e.msg})" + (f": `{e.text.strip()}`" if e.text and
                                                                             e.text.strip() else "")))
            continue
        code = code if code.endswith("\n") else code + "\n"
        starts.append((offset + 1, number))
        parts.append(code)
        offset += code.count("\n")

    def where(line):
        start, number = max((s for s in starts if s[0] <= line), default=(1, 0))
        return number, line - start + 1

    return "".join(parts), where, problems


# -- which statements run


def _aliases(tree, aliases):
    """Record `import torchvision.transforms as T` as T -> torchvision.transforms."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                aliases[a.asname or a.name.partition(".")[0]] = a.name if a.asname else a.name.partition(".")[0]
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            for a in node.names:
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"


def _dotted(node, aliases):
    if isinstance(node, ast.Name):
        return aliases.get(node.id, node.id)
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value, aliases)
        return base and f"{base}.{node.attr}"
    return None


class _Static:
    """Is an expression cheap and free of effects: literals, names, allowed calls."""

    SIMPLE = (ast.Constant, ast.Name, ast.Lambda, ast.Load, ast.Starred)

    def __init__(self, aliases, allowed):
        self.aliases, self.allowed = aliases, allowed

    def __call__(self, node):
        if node is None or isinstance(node, self.SIMPLE):
            return True
        if isinstance(node, ast.Call):
            name = _dotted(node.func, self.aliases)
            if not name or not any(fnmatch.fnmatchcase(name, p) for p in self.allowed):
                return False
            return all(map(self, node.args)) and all(self(k.value) for k in node.keywords)
        if isinstance(node, (ast.Attribute, ast.Tuple, ast.List, ast.Set, ast.Dict, ast.UnaryOp, ast.BinOp,
                             ast.BoolOp, ast.Compare, ast.IfExp, ast.Subscript, ast.Slice, ast.JoinedStr,
                             ast.FormattedValue, ast.keyword)):
            return all(self(child) for child in ast.iter_child_nodes(node)
                       if not isinstance(child, (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop,
                                                 ast.boolop)))
        return False


def _runs(node, static):
    """Whether a definitions-only load runs this top-level statement."""
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                         ast.Pass)):
        return all(static(d) or _decorator_call(d, static) for d in getattr(node, "decorator_list", ()))
    if isinstance(node, ast.Assign):
        return static(node.value) and all(isinstance(t, (ast.Name, ast.Tuple, ast.List)) for t in node.targets)
    if isinstance(node, ast.AnnAssign):
        return isinstance(node.target, ast.Name) and static(node.value)
    if isinstance(node, ast.If):
        if "__name__" in ast.unparse(node.test):
            return False  # if __name__ == "__main__": the script part
        return static(node.test) and all(_runs(n, static) for n in node.body + node.orelse)
    if isinstance(node, ast.Try):
        inner = node.body + node.orelse + node.finalbody + [n for h in node.handlers for n in h.body]
        return all(_runs(n, static) for n in inner)
    return False


def _decorator_call(node, static):
    """`@torch.no_grad()`, `@functools.lru_cache(maxsize=None)`: a decorator made by a call with
    constant arguments (applying any decorator calls it, so calling its maker is no worse)."""
    return (isinstance(node, ast.Call) and static(node.func) and all(map(static, node.args))
            and all(static(k.value) for k in node.keywords))


def defined_names(node):
    """Names a top-level statement binds (not inside the functions and classes it defines)."""
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [node.name]
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return [(a.asname or a.name.partition(".")[0]) for a in node.names if a.name != "*"]
    names, todo = [], [node]
    while todo:
        current = todo.pop()
        for child in ast.iter_child_nodes(current):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.append(child.name)
            elif isinstance(child, (ast.Import, ast.ImportFrom)):
                names += defined_names(child)
            elif isinstance(child, ast.Name) and isinstance(child.ctx, ast.Store):
                names.append(child.id)
            elif not isinstance(child, ast.Lambda):
                todo.append(child)
    return list(dict.fromkeys(names))


# -- loading


class NotebookFinder(importlib.abc.MetaPathFinder):
    """Finds name.ipynb / name.nb.py on sys.path (or a package's path) where no module of that name is."""

    def find_spec(self, fullname, path=None, target=None):
        name = fullname.rpartition(".")[2]
        for entry in path if path is not None else sys.path:
            base = os.path.join(os.path.abspath(entry or os.getcwd()), name)
            if os.path.exists(base + ".py") or os.path.isdir(base):
                return None
            for suffix in SUFFIXES:
                if os.path.isfile(base + suffix):
                    return importlib.util.spec_from_file_location(fullname, base + suffix, loader=NotebookLoader())
        return None


class NotebookLoader(importlib.abc.Loader):
    def create_module(self, spec):
        return None

    def exec_module(self, module):
        path = module.__spec__.origin
        settings = _settings.get(module.__name__, DEFAULTS)
        report = {"path": path, "mode": settings["mode"], "cells": 0, "ran": 0,
                  "skipped": [], "errors": [], "names": {}}
        module.__file__ = path
        module.__notebook__ = report
        module.__dict__.update(get_ipython=_get_ipython, display=_display)
        aliases = {}
        for number, code, tags in code_cells(path):
            report["cells"] += 1
            filename = f"{path}{CELL_MARK}{number}"
            lines = code.splitlines(keepends=True)
            linecache.cache[filename] = (len(code), None, lines, filename)
            if tags & SKIP_TAGS:
                _skip(report, number, 1, f"the cell is tagged {sorted(tags & SKIP_TAGS)[0]!r} (remove the tag "
                      f"if the tests need what it defines)", code, None)
                continue
            try:
                tree = ast.parse(code, filename=filename)
            except SyntaxError as e:
                report["errors"].append({"cell": number, "line": e.lineno, "type": "SyntaxError",
                                         "message": f"{e.msg}" + (f": `{e.text.strip()}`" if e.text and
                                                                  e.text.strip() else ""), "names": []})
                continue
            _aliases(tree, aliases)
            if settings["mode"] == "execute":
                _run_cell(module, report, number, tree, filename, settings["cell_seconds"])
            else:
                _define(module, report, number, tree, filename, _Static(aliases, ALLOWED_CALLS + settings["allow_calls"]))


def _define(module, report, number, tree, filename, static):
    ran = False
    for node in tree.body:
        if isinstance(node, ast.Expr) and (isinstance(node.value, ast.Constant) or _is_ipython_call(node)):
            continue  # a docstring or a magic: nothing to run
        if not _runs(node, static):
            _skip(report, number, node.lineno, "the grader runs a notebook's imports, definitions and "
                  "constant assignments only", ast.unparse(node), node)
            continue
        ran = True
        try:
            exec(compile(ast.Module([node], []), filename, "exec"), module.__dict__)
        except BaseException as e:  # noqa: B036  (SystemExit in a class body is the student's too)
            if isinstance(e, KeyboardInterrupt):
                raise
            _failed(report, number, node.lineno, e, defined_names(node))
    report["ran"] += ran


def _run_cell(module, report, number, tree, filename, limit):
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _out_of_time)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        exec(compile(tree, filename, "exec"), module.__dict__)
        report["ran"] += 1
    except BaseException as e:  # noqa: B036
        if isinstance(e, KeyboardInterrupt):
            raise
        names = [n for node in tree.body for n in defined_names(node) if n not in module.__dict__]
        line = _line_in(e, filename)  # where it was stopped, for a timeout
        if isinstance(e, CellTimeout):
            e = CellTimeout(f"the cell ran past its {limit:g} s (it was stopped after "
                            f"{time.monotonic() - started:.0f} s)")
        _failed(report, number, line, e, names)
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


class CellTimeout(BaseException):
    """A cell ran past its time in execute mode (a BaseException: `except Exception` can't keep it)."""


def _out_of_time(signum, frame):
    raise CellTimeout()


def _line_in(exc, filename):
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename == filename:
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


def _skip(report, number, line, why, code, node):
    code = code.strip()
    entry = {"cell": number, "line": line, "code": code.splitlines()[0][:120] if code else "", "why": why}
    report["skipped"].append(entry)
    for name in defined_names(node) if node is not None else _names_in(code):
        report["names"][name] = entry


def _names_in(code):
    try:
        return [n for node in ast.parse(code).body for n in defined_names(node)]
    except SyntaxError:
        return []


def _failed(report, number, line, exc, names):
    try:
        message = str(exc)[:500]
    except Exception:
        message = "<message could not be read>"
    entry = {"cell": number, "line": line, "type": type(exc).__name__, "message": message, "names": names}
    report["errors"].append(entry)
    for name in names:
        report["names"][name] = entry


def explain(exc):
    """Why a NameError/AttributeError names something a notebook did not define, or None.

    Only the notebook the error is about is asked: the module whose attribute is missing,
    the one whose code looked the global up, or the one imported from (`self.model` missing
    on an object is no notebook's business, even if a cell's `model = Net()` was skipped).
    """
    name = getattr(exc, "name", None)
    if not isinstance(exc, (NameError, AttributeError, ImportError)) or not isinstance(name, str):
        return None
    report = _report_about(exc)
    if not isinstance(report, dict):
        return None
    shown = os.path.basename(report["path"])
    entry = None if isinstance(exc, ImportError) else report["names"].get(name)
    if entry is not None and "why" in entry:
        return (f"{name} is defined in {shown} cell {entry['cell']} line {entry['line']} by `{entry['code']}`, "
                f"which did not run: {entry['why']}; what the tests use must be a function, a class "
                f"or a constant.")
    if entry is not None:
        return (f"{name} was not defined: {shown} cell {entry['cell']} line {entry['line']} raised "
                f"{entry['type']}: {entry['message']}")
    broken = [e for e in report["errors"] if e["type"] == "SyntaxError"]
    if broken:
        cells = ", ".join(f"cell {e['cell']} (line {e['line']}: {e['message']})" for e in broken)
        return f"{shown} has cells that do not parse, so nothing they define was loaded: {cells}"
    return None


def _report_about(exc):
    """The `__notebook__` report of the module `exc` is about, or None."""
    if isinstance(exc, ImportError):
        module = sys.modules.get(exc.name)
    elif isinstance(exc, AttributeError):
        module = getattr(exc, "obj", None)
    else:  # NameError: the globals of the frame that looked the name up
        tb = exc.__traceback__
        while tb is not None and tb.tb_next is not None:
            tb = tb.tb_next
        return tb.tb_frame.f_globals.get("__notebook__") if tb is not None else None
    return vars(module).get("__notebook__") if type(module).__name__ == "module" else None


def report_of(module_name):
    """The `__notebook__` report of an imported notebook module (plain data), importing it if needed."""
    module = importlib.import_module(module_name)
    report = getattr(module, "__notebook__", None)
    if report is None:
        raise ImportError(f"{module_name} is not a notebook")
    return {k: v for k, v in report.items() if k != "names"}


class _IPythonStub:
    """What `get_ipython()` returns when graded: magics and shell escapes do nothing."""

    def __getattr__(self, name):
        return lambda *args, **kwargs: None


def _get_ipython():
    return _IPythonStub()


def _display(*objects, **kwargs):
    """Jupyter's display(): nothing to show when graded."""
