"""assignment.toml -> a frozen Manifest; errors name the file and the key.

An assignment is a folder under solutions/ holding an assignment.toml; its name is the
folder's path relative to solutions/ ("a1_mnist", "a2_cnn/part1-convnet"). Its public
and private tests live at the same relative path under public_tests/ and private_tests/.

Why over 300 lines: the schema every key is validated against sits beside the fields it
fills, so a new key is one edit.
"""

import difflib
import math
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from autograder.errors import KitError

REPO = Path(__file__).resolve().parent.parent

# The values each policy key allows, in one place: the first is the default. An entry
# "name:<number>" accepts "name:" followed by a number >= 0 (e.g. "deduct:2").
PRINT_POLICIES = ("zero", "fail-test", "warn")        # [prints] policy
PRINT_WARNINGS = ("note", "count")                    # [prints] warnings
IMPORT_PENALTIES = ("fail-use", "deduct:<points>", "warn")  # [imports] penalty
IMPORT_ERROR_POLICIES = ("zero", "fail-tests")        # [import_errors] policy


class ManifestError(KitError):
    """An instructor's assignment.toml is wrong; the message names the file and the key."""


@dataclass(frozen=True)
class Limits:
    call_seconds: float = 60.0        # one call into student code
    submission_seconds: float = 900.0  # the whole grading run of one submission
    memory_mb: int = 4096             # address space of the worker
    processes: int = 64               # RLIMIT_NPROC (counts threads too)
    open_files: int = 256
    file_size_mb: int = 200           # the largest file the worker may write
    max_files: int = 200              # entries in a submission
    max_file_mb: float = 5.0          # one student source file
    max_submission_mb: float = 100.0  # the whole unpacked submission


NOTEBOOK_MODES = ("definitions", "execute")           # [[notebooks]] mode


@dataclass(frozen=True)
class Notebook:
    """A notebook students edit, imported by the tests as a module (worker/notebook.py)."""

    path: str                  # the student's file, e.g. "assignment2.ipynb" (its source: assignment2.nb.py)
    module: str                # the name tests import it by, e.g. "assignment2"
    mode: str = NOTEBOOK_MODES[0]   # definitions only, or every cell in order
    cell_seconds: float = 60.0      # execute mode: one cell's time
    allow_calls: tuple = ()         # definitions mode: more calls a constant assignment may make
    export_points: float = 0.0      # points off when no .pdf/.html export of it is submitted

    @property
    def source(self):
        """The reference's file under solutions/: a jupytext percent-format notebook."""
        return self.path.removesuffix(".ipynb") + ".nb.py"


@dataclass(frozen=True)
class Checkpoint:
    """A trained model the submission must carry, scored on hidden test images."""

    name: str           # test name shown to students, e.g. "MyModel checkpoint"
    path: str           # in the submission, e.g. "checkpoints/mymodel.pth"
    model: str          # class that loads it, e.g. "models.my_model.MyModel"
    tiers: tuple        # ((accuracy, points), ...) ascending; the highest tier reached counts
    max_mb: float = 100.0
    linear: tuple = ()  # (from accuracy, to accuracy, points): 0 points at the first, rising linearly
    leaderboard: str = ""
    kwargs: tuple = ()  # constructor arguments, as (name, value) pairs
    state_key: str = ""  # the checkpoint is a dict holding the state_dict under this key ('net')
    max_epoch: int = 0   # with state_key: the dict's 'epoch' may be at most this (0: not checked)


@dataclass(frozen=True)
class Predictions:
    """A predictions file the submission must carry, scored on hidden labels (grading/predictions.py)."""

    name: str           # how tests name it, e.g. "challenge"
    path: str           # in the submission, e.g. "predictions.csv"
    labels: str         # relative to the assignment root; read by the grader alone
    classes: int        # labels run from 0 to classes - 1
    tiers: tuple = ()   # as for a checkpoint: tiers, or a linear scale
    linear: tuple = ()
    max_mb: float = 5.0
    public_fraction: float = 0.1  # the images of the public leaderboard
    daily_limit: int = 0          # scored submissions a day (0: no limit)
    leaderboard: str = ""
    header: tuple = ("image_id", "label")  # the file's header row (matched ignoring case)


@dataclass(frozen=True)
class Form:
    """The form a submission must follow, and the share of the score its absence costs (seed 002:
    "20 percent of the grade will be deducted if the submission doesn't follow the above guidance").

    `archive` (e.g. "code.zip") is unpacked where it lies, as if its files were beside it (a
    notebook in it is graded), and must hold exactly `archive_members`; `required` are globs
    of files the submission's root must hold (the archive itself, "predictions.csv", "*.pdf").
    """

    required: tuple = ()
    archive: str = ""
    archive_members: tuple = ()
    penalty: float = 0.0          # fraction of the (capped) score taken off when the form is not followed


@dataclass(frozen=True)
class Evaluation:
    """The hidden test set checkpoints are scored on.

    `inputs` (images only, uint8 .npy) is linked into the worker's workspace; `labels`
    is read by the grader alone and never reaches the worker.
    """

    inputs: str          # relative to the assignment root, e.g. "data/hidden_test_images.npy"
    labels: str          # relative to the assignment root, e.g. "data/hidden_test_labels.npy"
    mean: tuple = (0.0,)
    std: tuple = (1.0,)


@dataclass(frozen=True)
class Manifest:
    name: str
    title: str
    root: Path                      # solutions/<name>
    student_files: tuple            # files students edit, graded, taken from the submission
    submission: tuple               # globs collect_submission.sh zips
    needs_torch: bool = False
    requirements: tuple = ()        # what the student README and requirements.txt list
    data: tuple = ()                # data files the tests read (generated, never zipped)
    instructor_only: tuple = ()     # globs under root never rendered into skeletons or zips
    import_allow: tuple = ()        # harmless modules a student may add
    import_forbid: tuple = ()       # modules that would do the student's work
    import_penalty: str = IMPORT_PENALTIES[0]   # one of IMPORT_PENALTIES
    print_policy: str = PRINT_POLICIES[0]
    print_warnings: str = PRINT_WARNINGS[0]
    import_error_policy: str = IMPORT_ERROR_POLICIES[0]
    limits: Limits = field(default_factory=Limits)
    checkpoints: tuple = ()
    evaluation: Evaluation | None = None
    test_helpers: tuple = ()        # [release] helpers a shipped test file may define
    notebooks: tuple = ()           # Notebook, for each student file that is a notebook
    predictions: tuple = ()         # Predictions files scored on hidden labels
    form: Form | None = None        # [form]: the submission's required form and its penalty
    score_cap: float = 0.0          # [score] cap: the final score's maximum (0: none)

    def notebook(self, rel):
        """The Notebook entry of student file `rel`, or None for a module."""
        return next((n for n in self.notebooks if n.path == rel), None)

    @property
    def public_tests(self):
        return REPO / "public_tests" / self.name

    @property
    def private_tests(self):
        return REPO / "private_tests" / self.name

    @property
    def skeleton(self):
        return REPO / "skeletons" / self.name

    @property
    def hidden_labels(self):
        """Files under root only the grader reads (never rendered, zipped or shown to the worker)."""
        return ((self.evaluation.labels,) if self.evaluation else ()) + tuple(p.labels for p in self.predictions)


class _Kind:
    """A leaf of the schema: what the value must be, and a test of it."""

    def __init__(self, description, test):
        self.description, self.test = description, test


class _OneOf:
    """A string from a list of allowed values ("name:<number>" stands for name:2, ...)."""

    def __init__(self, values):
        self.values = values

    def test(self, value):
        if type(value) is not str:
            return False
        for allowed in self.values:
            prefix, bracket, _ = allowed.partition("<")
            if value == allowed and not bracket:
                return True
            if bracket and value.startswith(prefix):
                try:
                    number = float(value[len(prefix):])
                except ValueError:
                    continue
                if math.isfinite(number) and number >= 0:
                    return True
        return False

    @property
    def description(self):
        return "one of " + ", ".join(f'"{v}"' for v in self.values)


class _Required:
    def __init__(self, spec):
        self.spec = spec


def _number(value):
    return type(value) in (int, float) and math.isfinite(value)


TEXT = _Kind("a string", lambda v: type(v) is str)
TEXTS = _Kind("a list of strings", lambda v: type(v) is list and all(type(x) is str for x in v))
BOOL = _Kind("true or false", lambda v: type(v) is bool)
NUMBERS = _Kind("a list of numbers", lambda v: type(v) is list and all(_number(x) for x in v))
POSITIVE = _Kind("a positive number", lambda v: _number(v) and v > 0)
POSITIVE_INT = _Kind("a positive integer", lambda v: type(v) is int and v > 0)
FRACTION = _Kind("a number above 0, at most 1", lambda v: _number(v) and 0 < v <= 1)
NON_NEGATIVE = _Kind("a number >= 0", lambda v: _number(v) and v >= 0)
LINEAR = _Kind("[from accuracy, to accuracy, points] (0 <= from < to <= 1, points > 0)",
               lambda v: type(v) is list and len(v) == 3 and all(_number(x) for x in v)
               and 0 <= v[0] < v[1] <= 1 and v[2] > 0)
ANY_TABLE = _Kind("a table", lambda v: type(v) is dict)
TIERS = _Kind("a list of [accuracy, points] pairs (accuracy from 0 to 1, points >= 0)",
              lambda v: type(v) is list and all(type(t) is list and len(t) == 2 and all(_number(x) for x in t)
                                                and 0 <= t[0] <= 1 and t[1] >= 0 for t in v))

# Every key assignment.toml may hold. A key not listed here is a typo, and fails the load.
SCHEMA = {
    "title": _Required(TEXT),
    "needs_torch": BOOL,
    "requirements": TEXTS,
    "files": _Required({
        "student": _Required(TEXTS),
        "submission": _Required(TEXTS),
        "data": TEXTS,
        "instructor_only": TEXTS,
    }),
    "imports": {"allow": TEXTS, "forbid": TEXTS, "penalty": _OneOf(IMPORT_PENALTIES)},
    "import_errors": {"policy": _OneOf(IMPORT_ERROR_POLICIES)},
    "prints": {"policy": _OneOf(PRINT_POLICIES), "warnings": _OneOf(PRINT_WARNINGS)},
    "limits": {f.name: POSITIVE_INT if f.type is int else POSITIVE for f in fields(Limits)},
    "evaluation": {
        "inputs": _Required(TEXT),
        "labels": _Required(TEXT),
        "mean": NUMBERS,
        "std": NUMBERS,
    },
    "checkpoints": [{
        "name": _Required(TEXT),
        "path": _Required(TEXT),
        "model": _Required(TEXT),
        "tiers": TIERS,
        "linear": LINEAR,
        "max_mb": POSITIVE,
        "leaderboard": TEXT,
        "kwargs": ANY_TABLE,
        "state_key": TEXT,
        "max_epoch": POSITIVE_INT,
    }],
    "predictions": [{
        "name": _Required(TEXT),
        "path": _Required(TEXT),
        "labels": _Required(TEXT),
        "classes": _Required(POSITIVE_INT),
        "tiers": TIERS,
        "linear": LINEAR,
        "max_mb": POSITIVE,
        "public_fraction": FRACTION,
        "daily_limit": POSITIVE_INT,
        "leaderboard": TEXT,
        "header": _Kind("two column names", lambda v: type(v) is list and len(v) == 2
                        and all(type(x) is str and x.strip() for x in v)),
    }],
    "notebooks": [{
        "path": _Required(TEXT),
        "module": _Required(TEXT),
        "mode": _OneOf(NOTEBOOK_MODES),
        "cell_seconds": POSITIVE,
        "allow_calls": TEXTS,
        "export_points": NON_NEGATIVE,
    }],
    "form": {
        "required": TEXTS,
        "archive": TEXT,
        "archive_members": TEXTS,
        "penalty": FRACTION,
    },
    "score": {"cap": POSITIVE},
    # Functions a shipped test file may define besides test cases (fixture loaders, comparisons).
    "release": {"test_helpers": TEXTS},
}


def _shown(path):
    """The manifest's path as an instructor typed it: relative to the working folder if inside."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def validate(data, path="assignment.toml"):
    """Check every key of a parsed assignment.toml against SCHEMA; raise ManifestError on the first
    unknown key, missing key, wrong type or value not allowed (one line: file, key, what is allowed)."""
    _validate(data, SCHEMA, "", _shown(path))


def _validate(value, spec, key, shown, section=None):
    if isinstance(spec, _Required):
        spec = spec.spec
    if isinstance(spec, dict):
        section = section or (f"[{key}]" if key else "the top level")
        if type(value) is not dict:
            raise ManifestError(f"{shown}: {key} must be a table ({section} with keys {', '.join(spec)}), "
                                f"got {value!r}")
        for k in value:
            if k not in spec:
                guess = difflib.get_close_matches(k, list(spec), n=1)
                hint = f" (did you mean {guess[0]!r}?)" if guess else ""
                raise ManifestError(f"{shown}: unknown key {key + '.' if key else ''}{k}{hint}; "
                                    f"{section} allows: {', '.join(spec)}")
        for k, sub in spec.items():
            where = f"{key}.{k}" if key else k
            if k in value:
                _validate(value[k], sub, where, shown)
            elif isinstance(sub, _Required):
                raise ManifestError(f"{shown}: missing key {where}")
    elif isinstance(spec, list):
        if type(value) is not list:
            raise ManifestError(f"{shown}: {key} must be a list of tables ([[{key}]]), got {value!r}")
        for i, item in enumerate(value):
            _validate(item, spec[0], f"{key}[{i}]", shown, section=f"[[{key}]]")
    elif not spec.test(value):
        raise ManifestError(f"{shown}: {key} must be {spec.description}, got {value!r}")


def load(name_or_path):
    """Load solutions/<name>/assignment.toml (or a path to such a file), validated against SCHEMA."""
    path = Path(name_or_path)
    if path.name != "assignment.toml":
        path = REPO / "solutions" / name_or_path / "assignment.toml"
    if not path.is_file():
        raise ManifestError(f"unknown assignment {name_or_path!r}: no {_shown(path)}")
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise ManifestError(f"{_shown(path)}: not valid TOML: {e}") from None
    validate(data, path)
    shown = _shown(path)
    root = path.parent
    try:
        name = root.relative_to(REPO / "solutions").as_posix()
    except ValueError:
        raise ManifestError(f"{shown}: an assignment must live under {REPO / 'solutions'}") from None

    files = data["files"]
    imports = data.get("imports", {})
    prints = data.get("prints", {})
    checkpoints = tuple(
        Checkpoint(
            name=c["name"],
            path=c["path"],
            model=c["model"],
            tiers=tuple(tuple(t) for t in c.get("tiers", [])),
            max_mb=float(c.get("max_mb", 100.0)),
            linear=tuple(c.get("linear", [])),
            leaderboard=c.get("leaderboard", ""),
            kwargs=tuple(sorted(c.get("kwargs", {}).items())),
            state_key=c.get("state_key", ""),
            max_epoch=c.get("max_epoch", 0),
        )
        for c in data.get("checkpoints", [])
    )
    for c in data.get("checkpoints", []) + data.get("predictions", []):
        if ("tiers" in c) == ("linear" in c):
            raise ManifestError(f"{shown}: {c['name']!r} needs exactly one of tiers and linear")
    predictions = tuple(
        Predictions(name=p["name"], path=p["path"], labels=p["labels"], classes=p["classes"],
                    tiers=tuple(tuple(t) for t in p.get("tiers", [])), linear=tuple(p.get("linear", [])),
                    max_mb=float(p.get("max_mb", 5.0)), public_fraction=float(p.get("public_fraction", 0.1)),
                    daily_limit=p.get("daily_limit", 0), leaderboard=p.get("leaderboard", ""),
                    header=tuple(h.strip() for h in p.get("header", ["image_id", "label"])))
        for p in data.get("predictions", [])
    )
    for p in predictions:
        if p.labels in files.get("data", []):
            raise ManifestError(f"{shown}: predictions {p.name!r}: its labels must not be in files.data: "
                                f"the worker would see them")
    notebooks = tuple(
        Notebook(path=n["path"], module=n["module"], mode=n.get("mode", NOTEBOOK_MODES[0]),
                 cell_seconds=float(n.get("cell_seconds", 60.0)), allow_calls=tuple(n.get("allow_calls", [])),
                 export_points=float(n.get("export_points", 0.0)))
        for n in data.get("notebooks", [])
    )
    for n in notebooks:
        if not n.path.endswith(".ipynb") or n.path not in files["student"]:
            raise ManifestError(f"{shown}: notebooks path {n.path!r} must be an .ipynb listed in files.student")
    evaluation = None
    if "evaluation" in data:
        table = data["evaluation"]
        evaluation = Evaluation(
            inputs=table["inputs"],
            labels=table["labels"],
            mean=tuple(table.get("mean", [0.0])),
            std=tuple(table.get("std", [1.0])),
        )
        if evaluation.labels in files.get("data", []):
            raise ManifestError(f"{shown}: evaluation.labels must not be in files.data: the worker would see them")
    elif checkpoints:
        raise ManifestError(f"{shown}: checkpoints need an [evaluation] table (the hidden test inputs and labels)")
    manifest = Manifest(
        name=name,
        title=data["title"],
        root=root,
        student_files=tuple(files["student"]),
        submission=tuple(files["submission"]),
        needs_torch=data.get("needs_torch", False),
        requirements=tuple(data.get("requirements", [])),
        data=tuple(files.get("data", [])),
        instructor_only=tuple(files.get("instructor_only", [])),
        import_allow=tuple(imports.get("allow", [])),
        import_forbid=tuple(imports.get("forbid", [])),
        import_penalty=imports.get("penalty", IMPORT_PENALTIES[0]),
        print_policy=prints.get("policy", PRINT_POLICIES[0]),
        print_warnings=prints.get("warnings", PRINT_WARNINGS[0]),
        import_error_policy=data.get("import_errors", {}).get("policy", IMPORT_ERROR_POLICIES[0]),
        limits=Limits(**data.get("limits", {})),
        checkpoints=checkpoints,
        evaluation=evaluation,
        test_helpers=tuple(data.get("release", {}).get("test_helpers", [])),
        notebooks=notebooks,
        predictions=predictions,
        form=Form(required=tuple(data["form"].get("required", [])), archive=data["form"].get("archive", ""),
                  archive_members=tuple(data["form"].get("archive_members", [])),
                  penalty=float(data["form"].get("penalty", 0.0))) if "form" in data else None,
        score_cap=float(data.get("score", {}).get("cap", 0.0)),
    )
    for f in manifest.student_files:
        notebook = manifest.notebook(f)
        if notebook is not None and not (root / notebook.source).is_file():
            raise ManifestError(f"{shown}: the notebook {f!r} needs its source {notebook.source!r} (jupytext "
                                f"percent format) in {_shown(root)}")
        if notebook is None and not (root / f).is_file():
            raise ManifestError(f"{shown}: files.student lists {f!r}, which is not in {_shown(root)}")
    return manifest


def all_names():
    """Every assignment under solutions/, sorted."""
    base = REPO / "solutions"
    return sorted(p.parent.relative_to(base).as_posix() for p in base.rglob("assignment.toml"))
