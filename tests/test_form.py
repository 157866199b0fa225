"""The submission's form (manifest [form], seed 002) and the score cap ([score] cap).

code.zip is unpacked where it lies, with the same checks as a submitted zip, and its files
are graded as if they were beside it; the form entry names what is missing or extra and takes
the penalty's share of the capped score off; the cap takes off what is above it.
"""

import dataclasses
import io
import zipfile

from autograder.grading.form import final_records, form_problems
from autograder.grading.intake import Intake
from autograder.grading.results import TestRecord as Record
from autograder.grading.results import build
from autograder.manifest import Form, Limits
from tests.test_intake import NET, TOY, UTILS, intake_of

FORM = Form(required=("code.zip", "predictions.csv", "*.pdf"), archive="code.zip",
            archive_members=("utils.py", "models/net.py"), penalty=0.2)
FORMED = dataclasses.replace(TOY, form=FORM, score_cap=100.0,
                             limits=Limits(max_files=20, max_file_mb=0.05, max_submission_mb=0.2))


def zipped(entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zf.writestr(name, data)
    return buffer.getvalue()


CODE = zipped([("utils.py", UTILS), ("models/net.py", NET)])


def test_the_files_of_code_zip_are_graded_as_if_beside_it(tmp_path):
    taken, workspace = intake_of(tmp_path, [("code.zip", CODE), ("predictions.csv", b"Id,Category\n"),
                                            ("report.pdf", b"%PDF-1.4")], FORMED)
    assert not taken.problems and not taken.missing
    assert (workspace / "models" / "net.py").read_bytes() == NET
    assert taken.listing == ["code.zip", "predictions.csv", "report.pdf"]
    assert taken.archives == {"code.zip": ["models/net.py", "utils.py"]}
    assert form_problems(FORM, taken.listing, taken.archives) == []


def test_a_wrapping_folder_and_a_pdf_beside_it_are_found(tmp_path):
    taken, workspace = intake_of(tmp_path, [("hw2/code.zip", CODE), ("hw2/predictions.csv", b"x"),
                                            ("hw2/report.pdf", b"%PDF")], FORMED)
    assert not taken.missing and (workspace / "utils.py").read_bytes() == UTILS
    assert form_problems(FORM, taken.listing, taken.archives) == []


def test_a_folder_wrapping_the_files_inside_code_zip_is_dropped(tmp_path):
    code = zipped([("code/utils.py", UTILS), ("code/models/net.py", NET), ("__MACOSX/code/._utils.py", b"")])
    taken, workspace = intake_of(tmp_path, [("code.zip", code), ("predictions.csv", b"x"), ("r.pdf", b"%PDF")],
                                 FORMED)
    assert not taken.missing and (workspace / "models" / "net.py").read_bytes() == NET
    assert taken.archives == {"code.zip": ["models/net.py", "utils.py"]}
    assert form_problems(FORM, taken.listing, taken.archives) == []


def test_a_folder_of_the_expected_members_is_not_mistaken_for_a_wrapper(tmp_path):
    taken, workspace = intake_of(tmp_path, [("code.zip", zipped([("models/net.py", NET)])), ("utils.py", UTILS)],
                                 FORMED)
    assert (workspace / "models" / "net.py").read_bytes() == NET
    assert form_problems(FORM, taken.listing, taken.archives)[-1] == "code.zip lacks utils.py"


def test_what_is_missing_or_extra_is_named(tmp_path):
    code = zipped([("utils.py", UTILS), ("models/net.py", NET), ("notes.txt", b"x"), ("old.py", b"")])
    taken, _ = intake_of(tmp_path, [("code.zip", code), ("utils.py", UTILS)], FORMED)
    assert form_problems(FORM, taken.listing, taken.archives) == [
        "missing: predictions.csv", "missing: *.pdf (a PDF report)",
        "code.zip holds files other than the 2 it must hold (utils.py, models/net.py): notes.txt, old.py"]
    (tmp_path / "loose").mkdir()
    taken, _ = intake_of(tmp_path / "loose", [("utils.py", UTILS), ("models/net.py", NET)], FORMED)
    assert form_problems(FORM, taken.listing, taken.archives)[0] == "missing: code.zip"


def test_code_zip_lacking_a_file_is_named_and_the_loose_copy_still_grades(tmp_path):
    taken, workspace = intake_of(tmp_path, [("code.zip", zipped([("utils.py", UTILS)])), ("models/net.py", NET),
                                            ("predictions.csv", b""), ("r.pdf", b"")], FORMED)
    assert not taken.missing and (workspace / "models" / "net.py").read_bytes() == NET
    assert form_problems(FORM, taken.listing, taken.archives) == ["code.zip lacks models/net.py"]


def test_a_broken_code_zip_is_refused_by_name_and_the_rest_is_taken(tmp_path):
    taken, _ = intake_of(tmp_path, [("code.zip", b"not a zip"), ("utils.py", UTILS)], FORMED)
    assert not taken.fatal and any(p.startswith("code.zip: refused: not a readable zip") for p in taken.problems)
    assert taken.missing == ["models/net.py"]


def test_code_zip_members_pass_the_same_checks_as_a_submission(tmp_path):
    code = zipped([("../evil.py", b"x"), ("utils.py", UTILS), ("models/net.py", NET)])
    taken, workspace = intake_of(tmp_path, [("code.zip", code)], FORMED)
    assert any("../evil.py: refused" in p for p in taken.problems)
    assert not (tmp_path / "evil.py").exists() and (workspace / "utils.py").read_bytes() == UTILS


def records(*scores):
    return [Record(name=f"t{i}", weight=s, score=s) for i, s in enumerate(scores)]


def intake(listing, archives):
    taken = Intake()
    taken.listing, taken.archives = listing, archives
    return taken


GOOD = intake(["code.zip", "predictions.csv", "r.pdf"], {"code.zip": ["models/net.py", "utils.py"]})


def test_the_form_followed_costs_nothing():
    added = final_records(FORMED, GOOD, records(40.0, 30.0))
    assert [r.score for r in added] == [0.0] and not added[0].failed
    assert build(records(40.0, 30.0) + added, execution_time=0)["score"] == 70.0


def test_the_form_not_followed_costs_a_fifth_of_the_score_and_says_why():
    taken = intake(["code.zip", "r.pdf"], {"code.zip": ["models/net.py", "utils.py"]})
    added = final_records(FORMED, taken, records(40.0, 30.0))
    assert added[0].failed and added[0].score == -14.0 and added[0].visibility == "visible"
    assert added[0].message == "-14 points (20% of 70): missing: predictions.csv"
    assert build(records(40.0, 30.0) + added, execution_time=0)["score"] == 56.0


def test_the_score_is_capped_before_the_penalty():
    taken = intake(["code.zip"], {"code.zip": ["models/net.py", "utils.py"]})
    base = records(60.0, 50.0)
    added = final_records(FORMED, taken, base)
    assert [r.score for r in added] == [-10.0, -20.0]
    assert added[0].name == "Score cap: at most 100 points"
    assert build(base + added, execution_time=0)["score"] == 80.0
    assert build(base + final_records(FORMED, GOOD, base), execution_time=0)["score"] == 100.0


def test_an_assignment_without_form_or_cap_gets_no_entries():
    assert final_records(TOY, GOOD, records(500.0)) == []
