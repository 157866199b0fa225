"""pytest on public_tests/<a> or private_tests/<a> tests the reference solution of <a>.

`make test` sets KIT_STUDENT_ROOT and KIT_REFERENCE_ROOT itself; this only fills them in
when an instructor runs pytest on one assignment's tests by hand.
"""

import os
from pathlib import Path

REPO = Path(__file__).resolve().parent


def pytest_configure(config):
    names = set()
    for arg in config.args:
        parts = Path(os.path.abspath(arg.split("::")[0])).relative_to(REPO).parts if arg else ()
        if len(parts) >= 2 and parts[0] in ("public_tests", "private_tests"):
            for depth in range(len(parts), 1, -1):
                if (REPO / "solutions" / Path(*parts[1:depth]) / "assignment.toml").exists():
                    names.add(Path(*parts[1:depth]).as_posix())
                    break
    if len(names) == 1:
        root = str(REPO / "solutions" / names.pop())
        os.environ.setdefault("KIT_STUDENT_ROOT", root)
        os.environ.setdefault("KIT_REFERENCE_ROOT", root)
