"""The inputs and expected values the public tests compare with, in fixtures/<module>.npz.

They were computed offline, from loop implementations written straight from the handout's
definitions (expected gradients: numerical gradients of those forwards), so the tests
never depend on the code under test.
"""

import functools
import os

from autograder.harness.checks.fixtures import load_npz_case

# load_fixture(module, case): one case of fixtures/<module>.npz beside this file.
load_fixture = functools.partial(load_npz_case, os.path.join(os.path.dirname(os.path.abspath(__file__)), "fixtures"))
