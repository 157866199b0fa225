"""The inputs and expected values the public tests compare with, in fixtures/<module>.npz.

They were computed offline, from a NumPy float64 implementation written straight from
the handout's definition of the focal loss (expected gradients: numerical gradients of
that loss), so the tests never depend on the code under test.
"""

import os

import numpy as np

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures")


def load_fixture(module, case):
    """{key: value} of one case of fixtures/<module>.npz (0-d arrays as Python numbers).

    A gradient `name` comes with `name + '_index'`, the flat coordinates it was computed
    at (NaN elsewhere)."""
    prefix = case + "__"
    with np.load(os.path.join(FIXTURES, module + ".npz")) as f:
        return {key[len(prefix):]: f[key].item() if f[key].ndim == 0 else f[key]
                for key in f.files if key.startswith(prefix)}
