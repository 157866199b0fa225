"""assignment.toml -> a frozen Manifest; errors name the file and the key.

An assignment is a folder under solutions/ holding an assignment.toml; its name is the
folder's path relative to solutions/ ("a1_mnist", "a2_cnn/part1-convnet"). Its public
and private tests live at the same relative path under public_tests/ and private_tests/.
"""

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PRINT_POLICIES = ("zero", "fail-test", "warn")


class ManifestError(Exception):
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


@dataclass(frozen=True)
class Checkpoint:
    """A trained model the submission must carry, scored on hidden test images."""

    name: str           # test name shown to students, e.g. "MyModel checkpoint"
    path: str           # in the submission, e.g. "checkpoints/mymodel.pth"
    model: str          # class that loads it, e.g. "models.my_model.MyModel"
    tiers: tuple        # ((accuracy, points), ...) ascending; the highest tier reached counts
    max_mb: float = 100.0
    leaderboard: str = ""
    kwargs: tuple = ()  # constructor arguments, as (name, value) pairs


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
    import_penalty: str = "zero-file"   # zero-file | deduct:<points> | warn
    print_policy: str = "zero"
    limits: Limits = field(default_factory=Limits)
    checkpoints: tuple = ()
    evaluation: Evaluation | None = None

    @property
    def public_tests(self):
        return REPO / "public_tests" / self.name

    @property
    def private_tests(self):
        return REPO / "private_tests" / self.name

    @property
    def skeleton(self):
        return REPO / "skeletons" / self.name


def load(name_or_path):
    """Load solutions/<name>/assignment.toml (or a path to such a file)."""
    path = Path(name_or_path)
    if path.name != "assignment.toml":
        path = REPO / "solutions" / name_or_path / "assignment.toml"
    if not path.is_file():
        raise ManifestError(f"unknown assignment {name_or_path!r}: no {path}")
    try:
        data = tomllib.loads(path.read_text())
    except tomllib.TOMLDecodeError as e:
        raise ManifestError(f"{path}: {e}") from None
    root = path.parent
    name = root.relative_to(REPO / "solutions").as_posix()

    def take(table, key, kind, default=None, where=""):
        if key not in table:
            if default is None:
                raise ManifestError(f"{path}: missing key {where}{key}")
            return default
        value = table[key]
        if not isinstance(value, kind):
            raise ManifestError(f"{path}: {where}{key} must be {kind.__name__}, got {value!r}")
        return value

    files = take(data, "files", dict)
    imports = take(data, "imports", dict, {})
    prints = take(data, "prints", dict, {})
    limits = Limits(**take(data, "limits", dict, {}))
    policy = take(prints, "policy", str, "zero", "prints.")
    if policy not in PRINT_POLICIES:
        raise ManifestError(f"{path}: prints.policy must be one of {PRINT_POLICIES}, got {policy!r}")
    checkpoints = tuple(
        Checkpoint(
            name=take(c, "name", str, where="checkpoints."),
            path=take(c, "path", str, where="checkpoints."),
            model=take(c, "model", str, where="checkpoints."),
            tiers=tuple(tuple(t) for t in take(c, "tiers", list, where="checkpoints.")),
            max_mb=float(c.get("max_mb", 100.0)),
            leaderboard=c.get("leaderboard", ""),
            kwargs=tuple(sorted(c.get("kwargs", {}).items())),
        )
        for c in take(data, "checkpoints", list, [])
    )
    evaluation = None
    if "evaluation" in data:
        table = take(data, "evaluation", dict)
        evaluation = Evaluation(
            inputs=take(table, "inputs", str, where="evaluation."),
            labels=take(table, "labels", str, where="evaluation."),
            mean=tuple(take(table, "mean", list, [0.0], "evaluation.")),
            std=tuple(take(table, "std", list, [1.0], "evaluation.")),
        )
        if evaluation.labels in data.get("files", {}).get("data", []):
            raise ManifestError(f"{path}: evaluation.labels must not be in files.data: the worker would see them")
    elif checkpoints:
        raise ManifestError(f"{path}: checkpoints need an [evaluation] table (the hidden test inputs and labels)")
    manifest = Manifest(
        name=name,
        title=take(data, "title", str),
        root=root,
        student_files=tuple(take(files, "student", list, where="files.")),
        submission=tuple(take(files, "submission", list, where="files.")),
        needs_torch=take(data, "needs_torch", bool, False),
        requirements=tuple(take(data, "requirements", list, [])),
        data=tuple(take(files, "data", list, [], "files.")),
        instructor_only=tuple(take(files, "instructor_only", list, [], "files.")),
        import_allow=tuple(take(imports, "allow", list, [], "imports.")),
        import_forbid=tuple(take(imports, "forbid", list, [], "imports.")),
        import_penalty=take(imports, "penalty", str, "zero-file", "imports."),
        print_policy=policy,
        limits=limits,
        checkpoints=checkpoints,
        evaluation=evaluation,
    )
    for f in manifest.student_files:
        if not (root / f).is_file():
            raise ManifestError(f"{path}: files.student lists {f!r}, which is not in {root}")
    return manifest


def all_names():
    """Every assignment under solutions/, sorted."""
    base = REPO / "solutions"
    return sorted(p.parent.relative_to(base).as_posix() for p in base.rglob("assignment.toml"))
