"""Expected values computed offline, stored as .npz beside the public tests, so a shipped
test never holds an implementation of the students' own work (the release audit checks)."""

import os

import numpy as np


def load_npz_case(folder, module, case):
    """{key: value} of one case of <folder>/<module>.npz (0-d arrays as Python numbers).

    Keys are stored as '<case>__<key>'. A gradient `name` comes with `name + '_index'`, the
    flat coordinates it was computed at (NaN elsewhere)."""
    prefix = case + "__"
    with np.load(os.path.join(folder, module + ".npz")) as f:
        return {key[len(prefix):]: f[key].item() if f[key].ndim == 0 else f[key]
                for key in f.files if key.startswith(prefix)}


def fixture_loader(test_file):
    """load_fixture(module, case) for the fixtures/ folder beside `test_file`.

    A function, not a helper module beside the tests: two assignments' `_fixtures` modules
    would share one name in sys.modules, and the second would read the first one's folder."""
    folder = os.path.join(os.path.dirname(os.path.abspath(test_file)), "fixtures")
    return lambda module, case: load_npz_case(folder, module, case)
