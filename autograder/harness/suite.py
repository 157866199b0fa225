"""Load test files as unittest suites and run them locally, outcome per test.

`python -m autograder.harness.suite --student ROOT [--reference ROOT] --out FILE DIR...` writes a
JSON object {test id: [outcome (passed|failed|error|skipped), exception type name]}.
The release audit runs it in a fresh interpreter (student modules of different
assignments share names such as `models`, so each run gets its own process).
"""

import argparse
import importlib.util
import json
import sys
import unittest
from pathlib import Path


def load_suite(test_dirs):
    """Every test_*.py under the given folders, each imported under a unique module name."""
    suite = unittest.TestSuite()
    loader = unittest.TestLoader()
    for n, directory in enumerate(test_dirs):
        for path in sorted(Path(directory).glob("test_*.py")):
            name = f"kit_tests_{n}_{path.stem}"
            spec = importlib.util.spec_from_file_location(name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[name] = module
            spec.loader.exec_module(module)
            suite.addTests(loader.loadTestsFromModule(module))
    return suite


class OutcomeResult(unittest.TestResult):
    """Records, per test, its outcome and the type of the exception that ended it."""

    def __init__(self):
        super().__init__()
        self.outcomes = {}

    def addSuccess(self, test):
        self.outcomes.setdefault(test.id(), ("passed", None))

    def addFailure(self, test, err):
        self.outcomes[test.id()] = ("failed", err[0].__name__)

    def addError(self, test, err):
        self.outcomes[test.id()] = ("error", err[0].__name__)

    def addSkip(self, test, reason):
        self.outcomes[test.id()] = ("skipped", None)


def run_local(test_dirs, student_root, reference_root=None):
    """Run the tests against code imported from `student_root` -> {test id: (outcome, exc)}."""
    from autograder.harness import testing

    testing.use(
        student=testing.local_student(student_root),
        reference=testing.local_student(reference_root) if reference_root else None,
    )
    result = OutcomeResult()
    load_suite(test_dirs).run(result)
    return result.outcomes


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m autograder.harness.suite")
    parser.add_argument("--student", required=True)
    parser.add_argument("--reference")
    parser.add_argument("--out", required=True)
    parser.add_argument("dirs", nargs="+")
    args = parser.parse_args(argv)
    outcomes = run_local(args.dirs, args.student, args.reference)
    Path(args.out).write_text(json.dumps(outcomes, indent=1))


if __name__ == "__main__":
    main()
