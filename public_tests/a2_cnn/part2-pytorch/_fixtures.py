"""The inputs and expected values the public tests compare with, in fixtures/<module>.npz.

They were computed offline, from a NumPy float64 implementation written straight from
the handout's definition of the focal loss (expected gradients: numerical gradients of
that loss), so the tests never depend on the code under test.
"""

import functools
import os

from autograder.harness.checks.fixtures import load_npz_case

# load_fixture(module, case): one case of fixtures/<module>.npz beside this file.
load_fixture = functools.partial(load_npz_case, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
