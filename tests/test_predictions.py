"""predictions.csv, scored against hidden labels: strict parsing, harmless differences
accepted, the daily limit on scored submissions, the fixed public board."""

import os
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autograder.grading.predictions import (  # noqa: E402
    NOT_SCORED,
    PredictionsError,
    carried_result,
    parse_predictions,
    public_indices,
)
from autograder.worker.serve import read_file  # noqa: E402

GOOD = b"image_id,label\n0,3\n1,0\n2,9\n"


def test_a_plain_file_gives_the_labels_by_image_id():
    assert parse_predictions(GOOD, 3, 10).tolist() == [3, 0, 9]


@pytest.mark.parametrize("data", [
    b"\xef\xbb\xbf" + GOOD,                                   # a UTF-8 BOM (Excel, Notepad)
    GOOD.replace(b"\n", b"\r\n"),                              # CRLF line ends (Windows)
    b"image_id , label\n 0 , 3 \n1,0\n\n2,9\n\n",              # spaces and blank lines
    b"Image_ID,Label\n2,9\n0,3\n1,0\n",                        # rows in any order, header in any case
    b"image_id,label\n0,3.0\n1,0.000000000000000000e+00\n2,9\n",  # integral floats (np.savetxt)
])
def test_harmless_differences_are_accepted(data):
    assert parse_predictions(data, 3, 10).tolist() == [3, 0, 9]


@pytest.mark.parametrize("data, message", [
    (b"id,prediction\n0,3\n1,0\n2,9\n", "line 1: the header must be image_id,label"),
    (b"image_id,label\n0,3\n2,9\n", "1 of the 3 image ids have no row: 1"),
    (b"image_id,label\n0,3\n0,4\n1,0\n2,9\n", "line 3: image_id 0 appears a second time"),
    (b"image_id,label\n0,3\n1,10\n2,9\n", "line 3: label '10' is not a class from 0 to 9"),
    (b"image_id,label\n0,3\n1,-1\n2,9\n", "line 3: label '-1' is not a class from 0 to 9"),
    (b"image_id,label\n0,3\n1,cat\n2,9\n", "line 3: label 'cat' is not a class"),
    (b"image_id,label\n0,3\n1,2.5\n2,9\n", "line 3: label '2.5' is not a class"),
    (b"image_id,label\n0,3\n7,1\n1,0\n2,9\n", "line 3: image_id '7' is not an id from 0 to 2"),
    (b"image_id,label\n0,3,1\n1,0\n2,9\n", "line 2: expected 2 values (image_id,label), found 3"),
    (b"", "is empty"),
    (b"\xff\xfei\x00d\x00", "is not UTF-8 text"),
])
def test_each_problem_gets_a_message_naming_the_row(data, message):
    with pytest.raises(PredictionsError, match=None) as caught:
        parse_predictions(data, 3, 10)
    assert message in str(caught.value)


@pytest.mark.parametrize("data, message", [
    (b"image_id,label\n0,3\n1,0\n2,9\n", "line 1: the header must be Id,Category, found 'image_id,label'"),
    (b"Id,Category\n0,3\n0,4\n1,0\n2,9\n", "line 3: Id 0 appears a second time"),
    (b"Id,Category\n0,3\n1,10\n2,9\n", "line 3: Category '10' is not a class from 0 to 9"),
    (b"Id,Category\n0,3,1\n1,0\n2,9\n", "line 2: expected 2 values (Id,Category), found 3"),
])
def test_a_course_header_names_its_own_columns(data, message):
    """Seed 002's sample.csv has the header Id,Category: the messages use the course's names."""
    with pytest.raises(PredictionsError) as caught:
        parse_predictions(data, 3, 10, header=("Id", "Category"))
    assert message in str(caught.value)
    assert parse_predictions(b"id,category\n0,3\n1,0\n2,9\n", 3, 10, header=("Id", "Category")).tolist() == [3, 0, 9]


def test_many_problems_are_summarised_not_listed_whole():
    data = b"image_id,label\n" + b"".join(b"%d,99\n" % i for i in range(100))
    with pytest.raises(PredictionsError) as caught:
        parse_predictions(data, 100, 10)
    assert "(and 95 more problems)" in str(caught.value)
    assert len(str(caught.value)) < 600


def test_a_huge_file_is_refused_before_it_is_read(tmp_path):
    """A 500 MB predictions file costs a message, not the grader's memory."""
    huge = tmp_path / "predictions.csv"
    with open(huge, "wb") as f:
        f.truncate(500 * 2**20)  # sparse: no disk used
    with pytest.raises(ValueError, match=r"predictions.csv is 500.0 MB; the limit is 5 MB"):
        read_file(str(huge), 5)
    os.remove(huge)


def metadata(today_scores, created="2026-12-02T10:00:00+00:00", yesterday=0):
    previous = [{"submission_time": f"2026-12-02T0{i}:00:00+00:00",
                 "results": {"tests": [{"name": "challenge", "score": score, "output": ""}],
                             "leaderboard": [{"name": "accuracy", "value": 0.5 + i / 100}]}}
                for i, score in enumerate(today_scores)]
    previous += [{"submission_time": "2026-12-01T09:00:00+00:00",
                  "results": {"tests": [{"name": "challenge", "score": 10.0}]}}] * yesterday
    return {"created_at": created, "previous_submissions": previous}


def test_the_first_three_submissions_of_a_day_are_scored():
    assert carried_result(metadata([5.0, 10.0], yesterday=5), "challenge", "accuracy", 3) is None


def test_past_the_daily_limit_the_latest_scored_result_is_carried():
    assert carried_result(metadata([5.0, 10.0, 5.0]), "challenge", "accuracy", 3) == (5.0, 0.52)


def test_a_carried_result_does_not_count_as_scored():
    meta = metadata([5.0, 10.0])
    meta["previous_submissions"].append({"submission_time": "2026-12-02T05:00:00+00:00", "results": {
        "tests": [{"name": "challenge", "score": 10.0, "output": f"{NOT_SCORED} carried"}]}})
    assert carried_result(meta, "challenge", "accuracy", 3) is None


def test_without_metadata_or_limit_everything_is_scored():
    assert carried_result(None, "challenge", "accuracy", 3) is None
    assert carried_result(metadata([1.0] * 5), "challenge", "accuracy", 0) is None


def test_the_public_board_is_a_fixed_tenth_of_the_images():
    first, again = public_indices(10000, 0.1), public_indices(10000, 0.1)
    assert len(first) == 1000 and np.array_equal(first, again) and len(set(first.tolist())) == 1000
