"""Worker side: the manifest's forbidden modules stay out of student code at run time.

The static check sees import statements; this sees what the code does, however it spells
it: `import scipy`, `__import__("sc" + "ipy")`, `getattr(builtins, "__imp" + "ort__")`,
`importlib.import_module(name)`, `sys.modules[name]`. It is set up (`install`) from the
parent's rules before any student module is imported, and applies only to imports made
by the student's files themselves (the frames of the import machinery, of importlib,
runpy and pkgutil, and of code run from a string are looked through); NumPy, torch and
the kit's provided code import what they like, so the reference runs unchanged.

What student code gets for a forbidden module is a stand-in: importing it succeeds (a file
that only imports scipy loses nothing), and the first real use of it (a call, an operator,
iteration...) raises ForbiddenImportError naming the student's file and line and what it
used. So only the calls that run such code fail, which fails exactly the tests of that
code. `import torchvision.models` or `from torchvision import models`, with torchvision
allowed, gives torchvision with a stand-in for models. The routes that import by name
from C (pickle, say) meet a meta-path finder that refuses a forbidden module the allowed
stack has not loaded. `sys.modules`, through the `sys` a student file imports, hands out
no forbidden module.

Limits: a forbidden module the allowed stack loaded itself (torchvision loads
torchvision.models) stays reachable as an attribute of an allowed one; the static check
reports the import statements that do so. And this is a grading rule, not a security
boundary: code that rewrites the import system can undo it; the sandbox contains such code.
"""

import builtins
import importlib
import os
import sys
import types
from collections.abc import MutableMapping

from autograder.worker.notebook import notebook_file

_LOOK_THROUGH = ("importlib", "runpy.py", "pkgutil.py", "zipimport.py")
_state = {"root": None, "files": {}, "installed": False}
_real = {}


class ForbiddenImportError(ImportError):
    """Student code used a module the assignment forbids; the message says where."""


def install(root, files):
    """Guard the student files `files` ({posix path under `root`: [forbidden dotted names]})."""
    _state["root"] = os.path.abspath(root)
    _state["files"] = {rel: tuple(names) for rel, names in files.items() if names}
    if _state["installed"]:
        return
    _real["import"] = builtins.__import__
    _real["import_module"] = importlib.import_module
    builtins.__import__ = _guarded_import
    importlib.import_module = _guarded_import_module
    sys.meta_path.insert(0, _Finder())
    _state["installed"] = True


def _within(name, package):
    return name == package or name.startswith(package + ".")


def _student_frame(depth=2):
    """(rel, line, forbidden names) of the student file that is importing, or None."""
    root = _state["root"]
    if root is None:
        return None
    frame = sys._getframe(depth)
    while frame is not None:
        filename = frame.f_code.co_filename
        # The import machinery, and code made from a string (exec, eval: "<string>").
        if filename == __file__ or filename.startswith("<") or any(part in filename for part in _LOOK_THROUGH):
            frame = frame.f_back
            continue
        if not filename.startswith(root + os.sep):
            return None
        rel = notebook_file(filename[len(root) + 1:]).replace(os.sep, "/")
        rules = _state["files"].get(rel)
        return (rel, frame.f_lineno, rules) if rules else None
    return None


def _forbidden(name, rules):
    return next((f for f in rules if _within(name, f)), None)


def _guarded_import(name, globals=None, locals=None, fromlist=(), level=0):
    origin = _student_frame() if level == 0 else None
    if origin is None:
        return _real["import"](name, globals, locals, fromlist, level)
    rel, line, rules = origin
    hit = _forbidden(name, rules)
    if fromlist:  # `from name import a, b`: the statement gets `name` itself
        if hit is not None:
            return _Standin(name, hit, rel, line)
        module = _real["import"](name, globals, locals, fromlist, level)
        if any(_forbidden(f"{name}.{a}", rules) for a in fromlist if a != "*"):
            return _PackageView(module, name, rules, rel, line)
        return _SysView(rules) if module is sys else module
    top = name.partition(".")[0]  # `import name`: the statement binds the top package
    top_hit = _forbidden(top, rules)
    if top_hit is not None:
        return _Standin(top, top_hit, rel, line)
    if hit is not None:  # a forbidden part of an allowed package: not imported here
        return _PackageView(_real["import"](top, globals, locals, (), 0), top, rules, rel, line)
    module = _real["import"](name, globals, locals, fromlist, level)
    return _SysView(rules) if module is sys else module


def _guarded_import_module(name, package=None):
    origin = _student_frame() if not name.startswith(".") else None
    if origin is None:
        return _real["import_module"](name, package)
    rel, line, rules = origin
    hit = _forbidden(name, rules)
    if hit is not None:
        return _Standin(name, hit, rel, line)
    module = _real["import_module"](name, package)
    return _SysView(rules) if module is sys else module


class _Finder:
    """Refuses a forbidden module to student code that reaches the import system another way."""

    @staticmethod
    def find_spec(fullname, path=None, target=None):
        origin = _student_frame()
        if origin is not None and _forbidden(fullname, origin[2]) is not None:
            rel, line, _ = origin
            raise ForbiddenImportError(f"{rel} line {line}: the assignment forbids {_forbidden(fullname, origin[2])}, "
                                       f"so {fullname} cannot be imported")
        return None


class _PackageView(types.ModuleType):
    """An allowed package whose forbidden submodules are stand-ins."""

    def __init__(self, module, name, rules, rel, line):
        super().__init__(module.__name__)
        object.__setattr__(self, "_kit", (module, name, rules, rel, line))

    def __getattr__(self, attr):
        module, name, rules, rel, line = object.__getattribute__(self, "_kit")
        full = f"{name}.{attr}"
        hit = _forbidden(full, rules)
        if hit is not None:
            return _Standin(full, hit, rel, line)
        value = getattr(module, attr)
        if isinstance(value, types.ModuleType) and any(_within(f, full) for f in rules):
            return _PackageView(value, full, rules, rel, line)
        return value

    def __setattr__(self, attr, value):
        setattr(object.__getattribute__(self, "_kit")[0], attr, value)

    def __dir__(self):
        return dir(object.__getattribute__(self, "_kit")[0])


class _SysView(types.ModuleType):
    """`sys` for a student file: the real one, with a sys.modules that hides forbidden modules."""

    def __init__(self, rules):
        super().__init__("sys")
        object.__setattr__(self, "_kit", _Modules(rules))

    def __getattr__(self, attr):
        if attr == "modules":
            return object.__getattribute__(self, "_kit")
        return getattr(sys, attr)

    def __setattr__(self, attr, value):
        setattr(sys, attr, value)

    def __dir__(self):
        return dir(sys)


class _Modules(MutableMapping):
    def __init__(self, rules):
        self._rules = rules

    def __getitem__(self, name):
        if isinstance(name, str) and _forbidden(name, self._rules) is not None:
            raise KeyError(name)
        return sys.modules[name]

    def __setitem__(self, name, value):
        sys.modules[name] = value

    def __delitem__(self, name):
        del sys.modules[name]

    def __iter__(self):
        return iter([n for n in list(sys.modules) if _forbidden(n, self._rules) is None])

    def __len__(self):
        return len(list(iter(self)))


def _refuse(self, *args, **kwargs):
    name, hit, rel, line = object.__getattribute__(self, "_kit")
    caller = sys._getframe(1)
    root = _state["root"] or ""
    where = f"{rel} line {line}"
    if caller.f_code.co_filename.startswith(root + os.sep):
        used = caller.f_code.co_filename[len(root) + 1:].replace(os.sep, "/")  # "x.ipynb, cell 7" too
        where = f"{used} line {caller.f_lineno}"
    raise ForbiddenImportError(f"{where} uses {name}, which the assignment forbids ({hit}, imported in {rel} "
                               f"line {line}); the grader does not run it")


class _Standin:
    """What student code holds in place of a forbidden module: every use raises."""

    __slots__ = ("_kit",)

    def __init__(self, name, hit, rel, line):
        object.__setattr__(self, "_kit", (name, hit, rel, line))

    def __getattr__(self, attr):
        if attr.startswith("__") and attr.endswith("__"):
            raise AttributeError(attr)
        name, hit, rel, line = object.__getattribute__(self, "_kit")
        return _Standin(f"{name}.{attr}", hit, rel, line)

    def __repr__(self):
        return f"<forbidden {object.__getattribute__(self, '_kit')[0]}>"

    __call__ = __getitem__ = __setitem__ = __iter__ = __len__ = __bool__ = __setattr__ = _refuse
    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = __matmul__ = __rmatmul__ = _refuse
    __truediv__ = __rtruediv__ = __pow__ = __neg__ = __lt__ = __gt__ = __le__ = __ge__ = _refuse
    __float__ = __int__ = __index__ = __array__ = __mro_entries__ = _refuse
