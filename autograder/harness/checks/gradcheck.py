"""Numerical gradient checks: central differences in float64, relative error
|a - n| / max(|a| + |n|, 1e-8) per entry (the course notes' max(|a|, |n|) up to a factor of
at most 2; the floor keeps entries where both are 0 from dividing by 0), sampled
coordinates for large tensors, seeded.

Check a student's backward against the numerical gradient of the *reference* forward (or
of a formula in the test), never only against the student's own forward: a forward and
a backward that are wrong together still agree with each other.
"""

import numpy as np

from autograder.harness.checks.compare import ComparisonFailed, as_plain_array


def numerical_gradient(f, x, dout=None, h=1e-6, samples=None, seed=0):
    """Gradient of sum(f(x) * dout) with respect to x by central differences.

    Inputs:
    - f: function of one float64 array returning an array (or a scalar)
    - x: the point, any shape; not modified
    - dout: upstream gradient shaped like f(x) (default: ones, i.e. gradient of the sum)
    - samples: if given, only that many coordinates (chosen with `seed`) are computed
    Returns:
    - (grad, index): grad shaped like x with NaN where not computed; index the flat
      coordinates computed
    """
    x = np.array(x, dtype=np.float64)
    grad = np.full(x.shape, np.nan)
    flat = x.reshape(-1)
    index = np.arange(flat.size)
    if samples is not None and samples < flat.size:
        index = np.sort(np.random.default_rng(seed).choice(flat.size, samples, replace=False))
    for i in index:
        old = flat[i]
        flat[i] = old + h
        plus = np.asarray(f(x.copy()), dtype=np.float64)
        flat[i] = old - h
        minus = np.asarray(f(x.copy()), dtype=np.float64)
        flat[i] = old
        weight = 1.0 if dout is None else np.asarray(dout, dtype=np.float64)
        grad.reshape(-1)[i] = np.sum((plus - minus) * weight) / (2 * h)
    return grad, index


def relative_error(analytic, numeric):
    """max over the compared entries of |a - n| / max(|a| + |n|, 1e-8) (0 when there are none)."""
    a = np.asarray(analytic, dtype=np.float64)
    n = np.asarray(numeric, dtype=np.float64)
    return float(np.max(np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n)))) if a.size else 0.0


def assert_gradient_close(analytic, numeric, index=None, name="dx", call="backward", tol=1e-6):
    """Fail with a message naming the gradient (`dw`, `dx`, ...) and its first bad entry.

    An entry passes when |a - n| / max(|a| + |n|, 1e-8) <= tol (a NaN or infinite entry fails).
    """
    numeric = np.asarray(numeric, dtype=np.float64)
    analytic = as_plain_array(analytic, f"{call}: {name}")
    if analytic.shape != numeric.shape:
        raise ComparisonFailed(f"{call}: {name} should have shape {numeric.shape}, got {analytic.shape}")
    index = np.arange(numeric.size) if index is None else np.asarray(index)
    a = analytic.astype(np.float64).reshape(-1)[index]
    n = numeric.reshape(-1)[index]
    with np.errstate(invalid="ignore"):  # inf - inf: NaN, which fails below
        err = np.abs(a - n) / np.maximum(1e-8, np.abs(a) + np.abs(n))
    bad = np.flatnonzero(~(err <= tol))
    if bad.size == 0:
        return
    measured = err[bad][np.isfinite(err[bad])]  # the failing entries with a finite error
    non_finite = np.flatnonzero(~np.isfinite(a))
    first = [int(i) for i in np.unravel_index(index[bad[0]], numeric.shape)]
    raise ComparisonFailed(
        f"{call}: {name} differs from the numerical gradient\n"
        f"  first mismatch at {first}: expected {n[bad[0]]:.6g}, got {a[bad[0]]:.6g}\n"
        f"  {bad.size} of {index.size} checked entries differ"
        + (f"; max relative error {float(np.max(measured)):.3g}" if measured.size else "")
        + f" (tolerance {tol:g})"
        + (f"\n  your gradient has {non_finite.size} NaN or infinite "
           f"{'entry' if non_finite.size == 1 else 'entries'} (first at "
           f"{[int(i) for i in np.unravel_index(index[non_finite[0]], numeric.shape)]})" if non_finite.size else "")
    )
