"""assert_close and friends: failures say what was called, with which shapes, and where
the first mismatch is.

Comparisons run on arrays rebuilt by the codec (plain ndarrays), never on objects from
student code, so a lying __eq__ cannot pass a check.
"""

import numpy as np


class ComparisonFailed(AssertionError):
    """A student's value differs from the expected one; the message is the feedback."""


def as_plain_array(value, what):
    """Accept only plain numeric data (ndarray, number, nested lists); else fail clearly."""
    if type(value) is np.ndarray:
        return value
    if hasattr(value, "detach") and hasattr(value, "numpy"):  # a torch tensor from the codec
        return value.detach().cpu().numpy()
    if isinstance(value, (bool, int, float, np.generic)) and not isinstance(value, str):
        return np.asarray(value)
    if type(value) in (list, tuple):
        try:
            arr = np.asarray(value)
        except ValueError:
            arr = None
        if arr is not None and arr.dtype.kind in "biufc":
            return arr
    raise ComparisonFailed(f"{what}: expected a NumPy array of numbers, got {_type_name(value)}")


def assert_close(actual, expected, call="the result", rtol=1e-6, atol=1e-8, check_dtype=False):
    """Compare shape first, then values; the message names the call and the first mismatch."""
    expected = np.asarray(expected)
    actual = as_plain_array(actual, call)
    if actual.shape != expected.shape:
        # A scalar may come back as a 1-element array and vice versa: harmless variety.
        if actual.size == expected.size == 1:
            actual = actual.reshape(expected.shape)
        else:
            raise ComparisonFailed(
                f"{call}: expected shape {expected.shape}, got {actual.shape}"
            )
    if check_dtype and actual.dtype != expected.dtype:
        raise ComparisonFailed(f"{call}: expected dtype {expected.dtype}, got {actual.dtype}")
    if actual.dtype.kind not in "biufc":
        raise ComparisonFailed(f"{call}: expected numbers, got dtype {actual.dtype}")
    a = actual.astype(np.result_type(actual.dtype, np.float64))
    e = expected.astype(np.result_type(expected.dtype, np.float64))
    ok = np.isclose(a, e, rtol=rtol, atol=atol, equal_nan=False)
    if ok.all():
        return
    bad = np.argwhere(~ok)
    first = tuple(int(i) for i in bad[0])
    finite = np.isfinite(a) & np.isfinite(e)
    abs_err = np.abs(a - e)
    rel_err = abs_err / np.maximum(np.abs(e), 1e-300)
    where = f" at index {list(first)}" if first else ""
    measured = ~ok & finite
    non_finite = _non_finite(a, ~ok, expected.shape)
    errors = ""
    if measured.any():
        errors = (f"; max abs error {_fmt(abs_err[measured].max())}, max relative error "
                  f"{_fmt(rel_err[measured].max())}" + (" (among the finite entries)" if non_finite else ""))
    raise ComparisonFailed(
        f"{call}: values differ (shape {expected.shape})\n"
        f"  first mismatch{where}: expected {_fmt(e[first])}, got {_fmt(a[first])}\n"
        f"  {len(bad)} of {e.size} entries differ{errors} (rtol {rtol:g}, atol {atol:g})"
        + (f"\n  your result has {non_finite}" if non_finite else "")
    )


def _non_finite(a, differ, shape):
    """'2 NaN entries (first at index [0, 2]) and 1 infinite entry (...)' among the entries that
    differ: what the max errors cannot show."""
    parts = []
    for what, mask in (("NaN", np.isnan(a) & differ), ("infinite", np.isinf(a) & differ)):
        count = int(mask.sum())
        if count:
            where = f" (first at index {[int(i) for i in np.argwhere(mask)[0]]})" if shape else ""
            parts.append(f"{count} {what} {'entry' if count == 1 else 'entries'}{where}")
    return " and ".join(parts)


def assert_equal(actual, expected, call="the result"):
    """Exact comparison for plain values (ints, strings, lists of them)."""
    if type(actual) is np.ndarray or type(expected) is np.ndarray:
        return assert_close(actual, expected, call, rtol=0, atol=0)
    if type(actual) is not type(expected) or actual != expected:
        raise ComparisonFailed(f"{call}: expected {_short(expected)}, got {_short(actual)}")


def _fmt(x):
    return f"{complex(x):.6g}".strip("()").replace("+0j", "") if np.iscomplexobj(x) else f"{float(x):.6g}"


def _short(value):
    text = repr(value)
    return text if len(text) < 120 else text[:117] + "..."


def _type_name(value):
    name = getattr(value, "type_name", None) or type(value).__name__
    return f"{name} ({_short(value)})" if not hasattr(value, "type_name") else f"an object of type {name}"
