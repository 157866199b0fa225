"""The comparison and gradient checks write most of what students read: their messages,
and where their tolerances cut, tested directly."""

import numpy as np
import pytest

from autograder.harness.checks.compare import ComparisonFailed, as_plain_array, assert_close, assert_equal
from autograder.harness.checks.gradcheck import assert_gradient_close, numerical_gradient, relative_error


def failure(check, *args, **kwargs):
    with pytest.raises(ComparisonFailed) as info:
        check(*args, **kwargs)
    return str(info.value)


# -- assert_close

def test_equal_arrays_pass_and_a_scalar_may_come_back_as_one_element():
    assert_close(np.array([1.0, 2.0]), [1.0, 2.0], "f(x)")
    assert_close(np.array([3.0]), 3.0, "f(x)")
    assert_close(np.float64(3.0), np.array([3.0]), "f(x)")


def test_a_shape_mismatch_names_the_call_and_both_shapes():
    message = failure(assert_close, np.zeros((3, 2)), np.zeros((2, 3)), "Linear.forward(x)")
    assert message == "Linear.forward(x): expected shape (2, 3), got (3, 2)"


def test_a_dtype_mismatch_is_reported_only_when_asked():
    assert_close(np.array([1, 2], dtype=np.int64), np.array([1.0, 2.0]), "argmax")
    message = failure(assert_close, np.array([1, 2], dtype=np.int64), np.array([1.0, 2.0]), "argmax",
                      check_dtype=True)
    assert message == "argmax: expected dtype float64, got int64"


def test_non_numbers_are_refused_with_their_type():
    assert failure(assert_close, "0.5", 0.5, "loss") == "loss: expected a NumPy array of numbers, got str ('0.5')"
    assert "got list" in failure(assert_close, [1, "a"], [1, 2], "f(x)")
    with pytest.raises(ComparisonFailed, match="expected a NumPy array of numbers, got dict"):
        as_plain_array({"a": 1}, "f(x)")


def test_a_value_mismatch_names_the_first_entry_and_the_errors():
    message = failure(assert_close, np.array([[1.0, 2.0], [3.0, 4.5]]), np.array([[1.0, 2.0], [3.0, 4.0]]),
                      "softmax(x)")
    assert message.splitlines() == [
        "softmax(x): values differ (shape (2, 2))",
        "  first mismatch at index [1, 1]: expected 4, got 4.5",
        "  1 of 4 entries differ; max abs error 0.5, max relative error 0.125 (rtol 1e-06, atol 1e-08)",
    ]


def test_nan_results_say_how_many_and_where_the_first_is():
    # Before: "max abs error 0, max relative error 0", as if nothing were wrong.
    actual = np.array([[0.2, np.nan, 0.3], [np.nan, 0.5, 0.5]])
    message = failure(assert_close, actual, np.array([[0.2, 0.5, 0.3], [0.5, 0.5, 0.5]]), "softmax(x)")
    assert message.splitlines() == [
        "softmax(x): values differ (shape (2, 3))",
        "  first mismatch at index [0, 1]: expected 0.5, got nan",
        "  2 of 6 entries differ (rtol 1e-06, atol 1e-08)",
        "  your result has 2 NaN entries (first at index [0, 1])",
    ]
    assert "max abs error 0" not in message


def test_infinite_and_finite_mismatches_are_both_reported():
    actual = np.array([1.0, np.inf, 2.5, np.nan])
    message = failure(assert_close, actual, np.array([1.0, 1.0, 2.0, 1.0]), "exp(x)")
    assert ("3 of 4 entries differ; max abs error 0.5, max relative error 0.25 (among the finite entries)"
            in message)
    assert message.endswith("your result has 1 NaN entry (first at index [3]) and 1 infinite entry "
                            "(first at index [1])")


def test_matching_infinities_pass_and_a_nan_never_does():
    assert_close(np.array([np.inf, -1.0]), np.array([np.inf, -1.0]))
    assert "1 NaN entry" in failure(assert_close, np.array([np.nan]), np.array([np.nan]))
    message = failure(assert_close, np.float64(np.nan), 1.0, "loss")
    assert message.splitlines()[1:] == ["  first mismatch: expected 1, got nan",
                                        "  1 of 1 entries differ (rtol 1e-06, atol 1e-08)",
                                        "  your result has 1 NaN entry"]


@pytest.mark.parametrize("rtol, atol", [(0.0, 0.25), (0.125, 0.0), (1e-6, 1e-8)])
def test_the_tolerance_edge_is_inclusive(rtol, atol):
    expected = np.array([2.0])
    allowed = atol + rtol * 2.0  # |a - e| <= atol + rtol * |e| passes (numpy.isclose)
    if allowed >= 1e-3:  # exactly representable: the edge itself passes
        assert_close(expected + allowed, expected, rtol=rtol, atol=atol)
    assert_close(expected + allowed * 0.99, expected, rtol=rtol, atol=atol)
    message = failure(assert_close, expected + allowed * 1.02, expected, "f(x)", rtol=rtol, atol=atol)
    assert f"(rtol {rtol:g}, atol {atol:g})" in message


def test_assert_equal_is_exact_and_type_strict():
    assert_equal([1, 2], [1, 2])
    assert failure(assert_equal, (1, 2), [1, 2], "shape") == "shape: expected [1, 2], got (1, 2)"
    assert "values differ" in failure(assert_equal, np.array([1.0, 2.0 + 1e-12]), np.array([1.0, 2.0]))


# -- gradient checks

def test_numerical_gradient_of_a_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad, index = numerical_gradient(lambda v: v ** 2, x)
    np.testing.assert_allclose(grad, 2 * x, rtol=1e-6)
    assert list(index) == [0, 1, 2, 3]
    dout = np.array([[1.0, 0.0], [2.0, -1.0]])
    grad, _ = numerical_gradient(lambda v: v ** 2, x, dout=dout)
    np.testing.assert_allclose(grad, 2 * x * dout, rtol=1e-6, atol=1e-8)


def test_sampled_coordinates_are_seeded_and_the_rest_nan():
    x = np.arange(20.0)
    grad, index = numerical_gradient(lambda v: 3 * v, x, samples=5, seed=1)
    again, same = numerical_gradient(lambda v: 3 * v, x, samples=5, seed=1)
    assert len(index) == 5 and list(index) == list(same)
    np.testing.assert_allclose(grad[index], 3.0)
    assert np.isnan(np.delete(grad, index)).all()
    assert_gradient_close(np.full(20, 3.0), grad, index, name="dx")


def test_relative_error_is_the_sum_formula_of_the_docstring():
    # |a - n| / max(|a| + |n|, 1e-8): 1 / (3 + 2), not 1 / max(3, 2)
    assert relative_error([3.0], [2.0]) == pytest.approx(0.2)
    assert relative_error([0.0], [0.0]) == 0.0
    assert relative_error([1e-9], [0.0]) == pytest.approx(0.1)  # the 1e-8 floor
    assert relative_error([], []) == 0.0


def test_a_correct_gradient_passes_and_the_tolerance_edge_is_inclusive():
    assert_gradient_close(np.array([1.0, 2.0]), np.array([1.0, 2.0]), name="dw")
    # err = |a - n| / (|a| + |n|) = 0.5 / 4.5 ~ 0.111
    assert_gradient_close(np.array([2.5]), np.array([2.0]), name="dw", tol=0.5 / 4.5 + 1e-12)
    message = failure(assert_gradient_close, np.array([2.5]), np.array([2.0]), name="dw", tol=0.1)
    assert "max relative error 0.111 (tolerance 0.1)" in message


def test_a_wrong_gradient_names_the_gradient_the_call_and_the_first_entry():
    numeric = np.array([[1.0, 2.0], [3.0, 4.0]])
    analytic = np.array([[1.0, 2.0], [3.0, -4.0]])
    message = failure(assert_gradient_close, analytic, numeric, name="dw", call="Linear.backward")
    assert message.splitlines() == [
        "Linear.backward: dw differs from the numerical gradient",
        "  first mismatch at [1, 1]: expected 4, got -4",
        "  1 of 4 checked entries differ; max relative error 1 (tolerance 1e-06)",
    ]


def test_a_gradient_of_the_wrong_shape_or_type():
    assert (failure(assert_gradient_close, np.zeros(3), np.zeros((3, 1)), name="db", call="Linear.backward")
            == "Linear.backward: db should have shape (3, 1), got (3,)")
    assert failure(assert_gradient_close, None, np.zeros(3), name="db", call="Linear.backward") == (
        "Linear.backward: db: expected a NumPy array of numbers, got NoneType (None)")


def test_a_nan_gradient_fails_and_says_so():
    message = failure(assert_gradient_close, np.array([np.nan, np.inf, 1.0]), np.ones(3), name="dx",
                      call="ReLU.backward")
    assert message.splitlines() == [
        "ReLU.backward: dx differs from the numerical gradient",
        "  first mismatch at [0]: expected 1, got nan",
        "  2 of 3 checked entries differ (tolerance 1e-06)",
        "  your gradient has 2 NaN or infinite entries (first at [0])",
    ]


def test_only_the_sampled_entries_are_compared():
    numeric = np.array([1.0, np.nan, 3.0])
    assert_gradient_close(np.array([1.0, 99.0, 3.0]), numeric, index=[0, 2])
    assert "first mismatch at [2]" in failure(assert_gradient_close, np.array([1.0, 99.0, 0.0]), numeric,
                                              index=[0, 2])
