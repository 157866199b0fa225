"""Do the static checks catch what breaks grading, in words a student understands, and let
harmless variety through?"""

import shutil
from pathlib import Path

import pytest

from autograder import manifest
from autograder.grading.static_checks import Finding, check_submission
from autograder.manifest import Limits, Manifest
from autograder.release import student_zip as release

SKELETONS = Path(__file__).parent / "fixtures" / "static" / "skeletons"


class FixtureManifest(Manifest):
    """A Manifest whose skeleton is a fixture tree instead of REPO/skeletons/<name>."""

    @property
    def skeleton(self):
        return SKELETONS / self.name


TOY = FixtureManifest(
    name="toy", title="Toy", root=SKELETONS / "toy",
    student_files=("utils.py", "models/_base.py", "models/net.py"),
    submission=("*.py", "models/*.py"),
    import_allow=("math", "sys", "typing", "os.path"),
    import_forbid=("torch", "scipy", "sklearn"),
    limits=Limits(max_file_mb=0.01),
)
ALLOWED = "allowed additions: math, sys, typing, os.path"


def check(tmp_path, rel, old, new):
    """Copy the toy skeleton, replace `old` by `new` in `rel`, run the checks."""
    workspace = tmp_path / "ws"
    shutil.copytree(TOY.skeleton, workspace)
    path = workspace / rel
    text = path.read_text()
    assert old in text, f"fixture {rel} has no {old!r}"
    path.write_text(text.replace(old, new, 1))
    return check_submission(workspace, TOY)


def line_of(rel, text, tmp_path):
    """The 1-based line of `text` in the workspace copy of `rel`."""
    lines = (tmp_path / "ws" / rel).read_text().splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_untouched_skeleton_has_no_findings(tmp_path):
    """Does a submission identical to the skeleton pass every static check?"""
    assert check(tmp_path, "utils.py", "", "") == []


def test_reference_solution_passes_against_its_skeleton(tmp_path):
    """Does the A1 reference solution (real code, with its real imports) pass against its own skeleton?"""
    a1 = manifest.load("a1_mnist")
    release.render_skeleton(a1, tmp_path)

    class RenderedSkeleton(Manifest):
        skeleton = property(lambda self: tmp_path)

    rendered = RenderedSkeleton(**{f: getattr(a1, f) for f in a1.__dataclass_fields__})
    assert check_submission(a1.root, rendered) == []


# -- syntax and size ---------------------------------------------------------------------

def test_syntax_error_names_file_line_and_text(tmp_path):
    """Is a syntax error reported with the file, the line and the offending line's text?"""
    findings = check(tmp_path, "utils.py", "    if seed:", "    if seed")
    line = line_of("utils.py", "if seed", tmp_path)
    assert findings == [Finding("utils.py", line, "syntax", f"utils.py line {line}: syntax error (expected ':'): `if seed`")]


def test_null_bytes_are_a_syntax_finding(tmp_path):
    """Does a file with a NUL byte give a syntax finding instead of crashing the grader?"""
    findings = check(tmp_path, "utils.py", "import random", "import random\0")
    assert [(f.kind, f.line) for f in findings] == [("syntax", None)]
    assert findings[0].message.startswith("utils.py: syntax error (")


def test_oversized_file_is_a_size_finding_and_not_parsed(tmp_path):
    """Is a student file over max_file_mb reported (and not parsed, even if broken)?"""
    findings = check(tmp_path, "utils.py", "import random", "import random (\n" + "#" * 20000)
    size = (tmp_path / "ws" / "utils.py").stat().st_size
    assert findings == [Finding("utils.py", None, "size", f"utils.py is {size:,} bytes; the limit for one file is 0.01 MB")]


def test_missing_student_file(tmp_path):
    """Is a student file absent from the workspace a 'missing' finding?"""
    workspace = tmp_path / "ws"
    shutil.copytree(TOY.skeleton, workspace)
    (workspace / "models" / "net.py").unlink()
    assert check_submission(workspace, TOY) == [
        Finding("models/net.py", None, "missing", "models/net.py: missing from the submission")]


# -- imports -----------------------------------------------------------------------------

def test_new_import_outside_the_allow_list(tmp_path):
    """Is a new import that is neither allowed nor forbidden reported with the allowed additions?"""
    findings = check(tmp_path, "utils.py", "import random\n", "import random\nimport os\n")
    assert findings == [Finding("utils.py", 3, "import", f"utils.py line 3: `import os` is not allowed: the assignment forbids new imports ({ALLOWED})")]


@pytest.mark.parametrize("statement", [
    "import math", "import sys as system", "from typing import List, Optional",
    "from os import path", "import os.path", "from __future__ import annotations",
    "from numpy.linalg import norm",  # numpy is the skeleton's own package
    "import numpy"])
def test_harmless_imports_give_no_finding(tmp_path, statement):
    """Are allowed additions (also a dotted allowed module) and the skeleton's own packages accepted without a finding?"""
    assert check(tmp_path, "utils.py", "import random\n", f"import random\n{statement}\n") == []


def test_allowing_a_submodule_does_not_allow_its_package(tmp_path):
    """With "os.path" allowed, is `from os import system` still a finding?"""
    findings = check(tmp_path, "utils.py", "import random\n", "import random\nfrom os import path, system\n")
    assert [f.message for f in findings] == [
        f"utils.py line 3: `from os import path, system` is not allowed: the assignment forbids new imports ({ALLOWED})"]


REFUSED = "; the grader refuses it, so the tests of the code that uses it score 0"


@pytest.mark.parametrize("statement, banned, penalised", [
    ("import scipy", "scipy", True),
    ("import scipy.signal", "scipy", True),
    ("from scipy.linalg import solve", "scipy", True),
    ("from sklearn import svm", "sklearn", True),
    ("import torch.nn.functional as F", "torch", True),
    ("import importlib", "importlib", False),
    ("from importlib import import_module", "importlib", False),
    ("import builtins", "builtins", False),
])
def test_forbidden_imports_anywhere(tmp_path, statement, banned, penalised):
    """Is a forbidden module (or a submodule of one) reported even when imported inside a
    function, and penalised only when the manifest forbids it (the modules that import by
    name are notes: the run-time guard refuses what they would reach)?"""
    findings = check(tmp_path, "utils.py", "    if seed:\n", f"    {statement}\n    if seed:\n")
    line = line_of("utils.py", statement, tmp_path)
    message = f"utils.py line {line}: `{statement}` is not allowed: the assignment forbids {banned}"
    assert findings == [Finding("utils.py", line, "import", message + (REFUSED if penalised else ""), penalised)]


@pytest.mark.parametrize("code, what, reason", [
    ("sp = __import__('scipy')", "__import__", "imports modules by name"),
    ("exec('import scipy')", "exec", "runs code from a string"),
    ("f = eval('lambda x: x')", "eval", "runs code from a string"),
    ("code = compile('1', 'f', 'eval')", "compile", "turns a string into code"),
    ("getattr(__builtins__, '__import__')('scipy')", "__builtins__", "reaches Python's internals"),
    ("imp = vars(random)['__builtins__']", "__builtins__", "reaches Python's internals"),
    ("sp = sys.modules['scipy']", "sys.modules", "reaches modules by name"),
    ("sub = ().__class__.__base__.__subclasses__()", "__subclasses__", "reaches Python's internals"),
])
def test_dynamic_imports_and_code_from_strings(tmp_path, code, what, reason):
    """Are __import__, exec/eval/compile, __builtins__ tricks and sys.modules reported, one finding per line?"""
    findings = check(tmp_path, "utils.py", "    if seed:\n", f"    import sys\n    {code}\n    if seed:\n")
    line = line_of("utils.py", code, tmp_path)
    assert findings == [Finding("utils.py", line, "import", f"utils.py line {line}: `{code}` is not allowed: {what} {reason}, which the import rules can't check")]


def test_methods_named_like_builtins_are_fine(tmp_path):
    """Is `model.eval()` (an attribute, not the builtin) accepted?"""
    assert check(tmp_path, "utils.py", "    if seed:\n", "    data.eval()\n    if seed:\n") == []


@pytest.mark.parametrize("statement", [
    "from . import _base", "from ._base import _Base as Base", "import utils", "from utils import load_csv",
    "from models._base import _Base"])
def test_imports_of_the_assignments_own_modules_are_fine(tmp_path, statement):
    """Is importing another module of the assignment (relative or absolute) accepted?"""
    assert check(tmp_path, "models/net.py", "import numpy as np\n", f"import numpy as np\n{statement}\n") == []


@pytest.mark.parametrize("statement", ["from .helpers import fast_softmax", "from models.helpers import fast_softmax",
                                       "from .. import utils"])
def test_imports_of_modules_the_assignment_lacks(tmp_path, statement):
    """Is an import of a module that is not part of the assignment (a student's own helper) reported?"""
    findings = check(tmp_path, "models/net.py", "import numpy as np\n", f"import numpy as np\n{statement}\n")
    assert findings == [Finding("models/net.py", 3, "import", f"models/net.py line 3: `{statement}` is not allowed: it names no module of the assignment (only the assignment's own files are graded)")]


# -- definitions -------------------------------------------------------------------------

def test_removed_function(tmp_path):
    """Is a skeleton function that is gone reported with its skeleton signature?"""
    findings = check(tmp_path, "utils.py", "def load_csv(path):", "def _unused():")
    assert findings == [Finding("utils.py", None, "signature", "utils.py: function load_csv(path) is missing; keep every definition of the skeleton, with its name and signature")]


def test_renamed_method_is_named_with_a_guess(tmp_path):
    """Is a renamed method reported with the likely new name and its line?"""
    findings = check(tmp_path, "models/net.py", "def forward(", "def forward_pass(")
    line = line_of("models/net.py", "def forward_pass", tmp_path)
    assert findings == [Finding("models/net.py", line, "signature", (
        f"models/net.py line {line}: method Net.forward(self, X, y, mode='train') is missing; did you rename it to "
        f"forward_pass? Keep the skeleton's names: the grader uses Net.forward"))]


def test_removed_class_is_one_finding(tmp_path):
    """Is a removed class one finding, not one per method?"""
    findings = check(tmp_path, "models/_base.py", "class _Base:", "class Base:")
    line = line_of("models/_base.py", "class Base", tmp_path)
    assert findings == [Finding("models/_base.py", line, "signature", (
        f"models/_base.py line {line}: class _Base is missing; did you rename it to Base? "
        f"Keep the skeleton's names: the grader uses _Base"))]


def test_function_turned_into_class(tmp_path):
    """Is a function replaced by a class of the same name reported?"""
    findings = check(tmp_path, "utils.py", "def load_csv(path):", "class load_csv:\n    pass\n\n\ndef _old(path):")
    assert [f.message for f in findings] == [
        "utils.py line 7: load_csv must stay a function, not become a class: the skeleton defines load_csv(path)"]


def test_removed_base_class(tmp_path):
    """Is a class that drops a base class of the skeleton reported?"""
    findings = check(tmp_path, "models/net.py", "class Net(_Base):", "class Net:")
    assert [f.message for f in findings] == [
        "models/net.py line 7: class Net(_Base) changed to class Net: base class _Base was removed"]


def test_added_parameter_with_default_is_fine(tmp_path):
    """Is adding a parameter with a default at the end (also *args, **kwargs, keyword-only) accepted?"""
    assert check(tmp_path, "models/net.py", "def forward(self, X, y, mode='train'):",
                 "def forward(self, X, y, mode='train', verbose=False, *args, scale=1.0, **kwargs):") == []


def test_changed_default_value_is_fine(tmp_path):
    """Is a different default value accepted (only losing the default breaks calls)?"""
    assert check(tmp_path, "utils.py", "batch_size=32", "batch_size=64") == []


def test_extra_helpers_are_fine(tmp_path):
    """Are extra functions, methods and classes accepted?"""
    helpers = "    def _hidden(self, X):\n        return X\n\n    def forward(self, X, y, mode='train'):"
    assert check(tmp_path, "models/net.py", "    def forward(self, X, y, mode='train'):",
                 helpers + "\n        return self._hidden(X)\n\n\nclass Extra:\n    pass\n\n\ndef extra():\n    pass\n"
                 "\n\nclass _Unused(Net):\n    def forward(self, X, y, mode='train'):") == []


@pytest.mark.parametrize("new, reason", [
    ("def forward(self, X, y):", "parameter 'mode' was removed"),
    ("def forward(self, X, labels, mode='train'):", "parameter 'y' was renamed to 'labels'"),
    ("def forward(self, y, X, mode='train'):", "parameters were reordered"),
    ("def forward(self, X, y, mode):", "parameter 'mode' lost its default value"),
    ("def forward(self, X, y, *, mode='train'):", "parameter 'mode' became keyword-only"),
    ("def forward(self, X, y, mode='train', *, scale):", "parameter 'scale' was added without a default value"),
    ("def forward(self, X, extra, y, mode='train'):", "parameter 'extra' was inserted before 'y'"),
    ("def forward(self, X, mode='train'):", "parameter 'y' was removed"),
    ("def forward(self, X, y, mode='train', lr=None, debug=True):", None),
])
def test_changed_parameters(tmp_path, new, reason):
    """Is each way of changing the skeleton's parameters reported precisely, and a defaulted addition accepted?"""
    findings = check(tmp_path, "models/net.py", "def forward(self, X, y, mode='train'):", new)
    if reason is None:
        assert findings == []
        return
    line = line_of("models/net.py", "def forward", tmp_path)
    student = new.removeprefix("def ").removesuffix(":")
    assert findings == [Finding("models/net.py", line, "signature", (
        f"models/net.py line {line}: Net.forward(self, X, y, mode='train') changed to {student}: {reason}"))]


def test_several_changes_in_one_signature(tmp_path):
    """Are all the problems of one changed signature listed in one finding?"""
    findings = check(tmp_path, "utils.py", "def generate_batched_data(data, label, batch_size=32, shuffle=False, seed=None):",
                     "def generate_batched_data(data, labels, batch_size, shuffle=False):")
    assert [f.message for f in findings] == [
        "utils.py line 14: generate_batched_data(data, label, batch_size=32, shuffle=False, seed=None) changed to "
        "generate_batched_data(data, labels, batch_size, shuffle=False): parameter 'label' was renamed to 'labels'; "
        "parameter 'batch_size' lost its default value; parameter 'seed' was removed"]


def test_removed_star_args(tmp_path):
    """Is dropping the skeleton's **kwargs reported?"""
    workspace = tmp_path / "ws"
    shutil.copytree(TOY.skeleton, workspace)
    skeleton = tmp_path / "skeletons" / "toy"
    shutil.copytree(TOY.skeleton, skeleton)
    path = skeleton / "utils.py"
    path.write_text(path.read_text().replace("def load_csv(path):", "def load_csv(path, **options):"))

    class Moved(FixtureManifest):
        skeleton = property(lambda self: skeleton)

    moved = Moved(**{f: getattr(TOY, f) for f in TOY.__dataclass_fields__})
    assert [f.message for f in check_submission(workspace, moved)] == [
        "utils.py line 7: load_csv(path, **options) changed to load_csv(path): **options was removed"]
