"""assignment.toml is validated key by key when it is loaded: a typo, a wrong type or a
value not allowed fails at once with one line naming the file, the key and what is
allowed (never a TypeError, nor a ValueError in the middle of grading)."""

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from autograder import manifest
from autograder.errors import KitError

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "repo" / "solutions" / "tinycalc"


@pytest.fixture
def repo(tmp_path, monkeypatch):
    """A repository holding a copy of the tinycalc solution; write(text) replaces its manifest."""
    shutil.copytree(FIXTURE, tmp_path / "solutions" / "tinycalc")
    monkeypatch.setattr(manifest, "REPO", tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def manifest_with(repo, text, *, replace=None):
    path = repo / "solutions" / "tinycalc" / "assignment.toml"
    original = path.read_text()
    if replace:
        assert replace[0] in original
        original = original.replace(*replace)
    path.write_text(original + "\n" + text)
    return path


def with_penalty(repo, value):
    path = repo / "solutions" / "tinycalc" / "assignment.toml"
    text, count = re.subn(r'(?m)^penalty = ".*"$', f"penalty = {value}", path.read_text())
    assert count == 1
    path.write_text(text)


def error_of(repo):
    with pytest.raises(manifest.ManifestError) as info:
        manifest.load("tinycalc")
    message = str(info.value)
    assert "\n" not in message
    return message


def test_the_defaults_are_the_first_allowed_values(repo):
    m = manifest.load("tinycalc")
    with_penalty(repo, '"warn"')
    manifest_with(repo, "", replace=('policy = "zero"\n', ""))
    m = manifest.load("tinycalc")
    assert (m.print_policy, m.print_warnings, m.import_error_policy) == ("zero", "note", "zero")
    assert m.print_policy == manifest.PRINT_POLICIES[0]
    assert manifest.Manifest("x", "x", repo, (), ()).import_penalty == manifest.IMPORT_PENALTIES[0]
    assert m.limits.call_seconds == 4


def test_every_real_assignment_validates(monkeypatch):
    monkeypatch.setattr(manifest, "REPO", Path(__file__).resolve().parent.parent)
    names = manifest.all_names()
    assert names
    for name in names:
        assert manifest.load(name).name == name


def test_an_unknown_limits_key_names_the_file_the_key_and_the_allowed_ones(repo):
    manifest_with(repo, "", replace=("call_seconds = 4", "call_second = 4"))
    allowed = ", ".join(f.name for f in dataclasses.fields(manifest.Limits))
    assert allowed.startswith("call_seconds, submission_seconds, memory_mb")
    assert error_of(repo) == (
        "solutions/tinycalc/assignment.toml: unknown key limits.call_second (did you mean 'call_seconds'?); "
        f"[limits] allows: {allowed}")


def test_an_unknown_section_is_named(repo):
    manifest_with(repo, "[limit]\nmemory_mb = 5\n")
    message = error_of(repo)
    assert message.startswith("solutions/tinycalc/assignment.toml: unknown key limit (did you mean 'limits'?); "
                              "the top level allows: title, ")


@pytest.mark.parametrize("edit, message", [
    (("memory_mb = 1024", 'memory_mb = "1G"'), "limits.memory_mb must be a positive integer, got '1G'"),
    (("memory_mb = 1024", "memory_mb = 0"), "limits.memory_mb must be a positive integer, got 0"),
    (("call_seconds = 4", "call_seconds = -1.5"), "limits.call_seconds must be a positive number, got -1.5"),
    (("call_seconds = 4", "call_seconds = true"), "limits.call_seconds must be a positive number, got True"),
    (('forbid = ["scipy"]', 'forbid = "scipy"'), "imports.forbid must be a list of strings, got 'scipy'"),
    (('policy = "zero"', 'policy = "fail-tests"'),
     'prints.policy must be one of "zero", "fail-test", "warn", got \'fail-tests\''),
    (('student = ["calc.py"]', ""), "missing key files.student"),
    (('title = "Tiny calculator (engine test fixture)"', "title = 3"), "title must be a string, got 3"),
])
def test_wrong_types_and_values_are_one_line(repo, edit, message):
    manifest_with(repo, "", replace=edit)
    found = error_of(repo)
    assert found.startswith("solutions/tinycalc/assignment.toml: ")
    assert message in found


@pytest.mark.parametrize("value", ["zero", "deduct:two", "deduct:-1", "deduct:", 3])
def test_an_import_penalty_not_allowed_lists_the_allowed_ones(repo, value):
    # The ValueError this once raised mid-grading told every student to contact staff.
    with_penalty(repo, f'"{value}"' if isinstance(value, str) else value)
    allowed = ", ".join(f'"{v}"' for v in manifest.IMPORT_PENALTIES)
    assert error_of(repo) == (f"solutions/tinycalc/assignment.toml: imports.penalty must be one of {allowed}, "
                              f"got {value!r}")


def test_every_allowed_import_penalty_loads(repo):
    values = [v.replace("<points>", "2") for v in manifest.IMPORT_PENALTIES]
    values += [v.replace("<points>", "0.5") for v in manifest.IMPORT_PENALTIES if "<" in v]
    for value in values:
        with_penalty(repo, f'"{value}"')
        assert manifest.load("tinycalc").import_penalty == value


def test_the_keys_other_features_read_validate(repo):
    manifest_with(repo, '[import_errors]\npolicy = "fail-tests"\n',
                  replace=('policy = "zero"', 'policy = "warn"\nwarnings = "count"'))
    m = manifest.load("tinycalc")
    assert (m.print_policy, m.print_warnings, m.import_error_policy) == ("warn", "count", "fail-tests")
    manifest_with(repo, "", replace=('policy = "fail-tests"', 'policy = "skip"'))
    assert 'import_errors.policy must be one of "zero", "fail-tests", got \'skip\'' in error_of(repo)


def test_checkpoint_tables_are_validated_too(repo):
    manifest_with(repo, '[evaluation]\ninputs = "data/x.npy"\nlabels = "data/y.npy"\n\n'
                        '[[checkpoints]]\nname = "M"\npath = "m.pth"\nmodel = "m.M"\ntiers = [[0.5, 1]]\n'
                        'leaderbord = "x"\n')
    assert error_of(repo).endswith("unknown key checkpoints[0].leaderbord (did you mean 'leaderboard'?); "
                                   "[[checkpoints]] allows: name, path, model, tiers, linear, max_mb, leaderboard, kwargs, state_key, max_epoch")
    manifest_with(repo, "", replace=('leaderbord = "x"', ""))
    manifest_with(repo, "", replace=("tiers = [[0.5, 1]]", "tiers = [[50, 1]]"))
    assert "checkpoints[0].tiers must be a list of [accuracy, points] pairs" in error_of(repo)
    manifest_with(repo, "", replace=("tiers = [[50, 1]]", "linear = [0.8, 0.7, 5]"))
    assert "checkpoints[0].linear must be [from accuracy, to accuracy, points]" in error_of(repo)
    manifest_with(repo, "", replace=("linear = [0.8, 0.7, 5]", "linear = [0.7, 0.8, 5]\ntiers = [[0.5, 1]]"))
    assert error_of(repo).endswith("'M' needs exactly one of tiers and linear")


def test_notebook_and_predictions_tables_are_validated(repo):
    manifest_with(repo, '[[notebooks]]\npath = "hw.ipynb"\nmodule = "hw"\nmode = "all"\n')
    assert "notebooks[0].mode must be one of \"definitions\", \"execute\"" in error_of(repo)
    manifest_with(repo, "", replace=('mode = "all"', ""))
    assert "notebooks path 'hw.ipynb' must be an .ipynb listed in files.student" in error_of(repo)
    manifest_with(repo, '[[predictions]]\nname = "c"\npath = "p.csv"\nlabels = "y.npy"\nclasses = 10\n'
                        'tiers = [[0.1, 5]]\npublic_fraction = 2\n', replace=('[[notebooks]]\npath = "hw.ipynb"\n'
                                                                                  'module = "hw"\n', ""))
    assert "predictions[0].public_fraction must be a number above 0, at most 1" in error_of(repo)


def test_invalid_toml_is_one_line(repo):
    manifest_with(repo, "[limits\n")
    assert error_of(repo).startswith("solutions/tinycalc/assignment.toml: not valid TOML: ")


def test_instructor_errors_share_one_base_class():
    from autograder.authoring.render import MarkerError

    assert issubclass(manifest.ManifestError, KitError)
    assert issubclass(MarkerError, KitError)
