"""Does the worker side stay small: only the standard library, NumPy and the protocol?"""

import json
import subprocess
import sys
from pathlib import Path

from autograder.sandbox import modes as sandbox

ENGINE = Path(__file__).resolve().parent.parent


def imported_by_worker(engine_path, statement="import autograder.worker.serve"):
    code = (f"import sys; sys.path.insert(0, {str(engine_path)!r}); {statement}; "
            f"import json; print(json.dumps(sorted(sys.modules)))")
    return json.loads(subprocess.run([sys.executable, "-I", "-B", "-c", code], capture_output=True,
                                     text=True, check=True).stdout)


def test_the_worker_imports_nothing_but_stdlib_numpy_and_the_protocol(tmp_path):
    """Read sys.modules of a fresh interpreter that imported the worker, as the sandbox runs it:
    from the files the sandbox copies, and from the whole package."""
    box = sandbox.Sandbox(sandbox.choose("none"), tmp_path / "workspace", sandbox.Limits(), tmp_path)
    box.prepare()
    box.close()
    startup = {m.split(".")[0] for m in imported_by_worker(box.engine, "pass")}  # site's .pth hooks
    for engine in (box.engine, ENGINE):
        modules = imported_by_worker(engine)
        tops = {m.split(".")[0] for m in modules}
        assert not tops - set(sys.stdlib_module_names) - startup - {"numpy", "autograder"}
        assert {m for m in modules if m.startswith("autograder")} == {
            "autograder", "autograder.worker", "autograder.worker.capture", "autograder.worker.import_guard",
            "autograder.worker.notebook", "autograder.worker.protocol",
            "autograder.worker.serve"}  # (notebook.py imports IPython, nbformat, jupytext only for a notebook)
    copied = sorted(p.relative_to(box.engine).as_posix() for p in box.engine.rglob("*.py"))
    assert copied == ["autograder/__init__.py"] + sorted(
        f"autograder/worker/{p.name}" for p in sandbox.WORKER_PACKAGE.glob("*.py"))
