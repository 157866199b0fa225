"""Gradescope autograder zips: dist/<assignment>-autograder.zip.

Gradescope unpacks the zip into /autograder/source, runs setup.sh once to build the image,
then run_autograder once per submission (as root, one container each). The zip holds:

    setup.sh          Ubuntu packages (bubblewrap, Python >= 3.11) and a venv from the pins
    run_autograder    locks the grader's folders, grades /autograder/submission, always
                      leaves a valid /autograder/results/results.json
    constraints.txt   the exact versions
    autograder/       the engine
    solutions/<a>/  skeletons/<a>/  public_tests/<a>/  private_tests/<a>/   this assignment only

Inside Docker, namespaces are usually refused, so the sandbox falls back to the separate
account: hence the venv lives outside /autograder (the worker account must run its
Python) and /autograder is made root-only before the worker starts. That also covers
submission_metadata.json, which holds earlier results, hidden tests included.
"""

import json
import zipfile
from pathlib import Path

from autograder import results

ENGINE = Path(__file__).resolve().parent
REPO = ENGINE.parent
VENV = "/opt/kit-venv"
ENGINE_PACKAGES = ("numpy", "gradescope-utils", "jsonschema")
TORCH_INDEX = "https://download.pytorch.org/whl/cpu"
SKIP = ("__pycache__", ".pytest_cache", ".hypothesis")

SETUP = """#!/usr/bin/env bash
# Gradescope runs this once, as root, on Ubuntu, when it builds the autograder image.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
SOURCE=/autograder/source
apt-get update -qq
apt-get install -y -qq bubblewrap python3 python3-venv python3-pip
PYTHON=python3
if ! python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  # The engine needs Python 3.11 (tomllib); Ubuntu 22.04 ships 3.10.
  apt-get install -y -qq python3.11 python3.11-venv
  PYTHON=python3.11
fi
$PYTHON -m venv {venv}
{venv}/bin/pip install -q --disable-pip-version-check -c "$SOURCE/constraints.txt" {index}{packages}
# The worker runs this Python under its own unprivileged account.
chmod -R a+rX {venv}
"""

RUN = """#!/usr/bin/env bash
# Gradescope runs this for every submission, as root. The paths can be moved for tests.
set -uo pipefail
AG="${{KIT_AUTOGRADER_ROOT:-/autograder}}"
PY="${{KIT_PYTHON:-{venv}/bin/python}}"
RESULTS="$AG/results/results.json"
mkdir -p "$AG/results"
# Before any student code runs: the grader's folders, the earlier results
# (submission_metadata.json) and the results folder become root-only.
chmod 0600 "$AG/submission_metadata.json" 2>/dev/null || true
chmod 0700 "$AG/source" "$AG/results" "$AG"
cd "$AG/source"
"$PY" -B -m autograder grade --assignment {name} --submission "$AG/submission" --out "$RESULTS"
if ! "$PY" -c 'import json, sys; json.load(open(sys.argv[1]))' "$RESULTS" 2>/dev/null; then
  cat > "$RESULTS" <<'JSON'
{fallback}
JSON
fi
"""


def build_autograder_zip(manifest, *, dist=None):
    """Write dist/<assignment, '/' -> '-'>-autograder.zip; return its path."""
    dist = Path(dist) if dist is not None else REPO / "dist"
    dist.mkdir(parents=True, exist_ok=True)
    path = dist / f"{manifest.name.replace('/', '-')}-autograder.zip"
    for rel in manifest.data:
        if not (Path(manifest.root) / rel).exists():
            raise FileNotFoundError(f"{Path(manifest.root) / rel}: data the graded code reads is missing "
                                    f"(run `make data` first)")
    packages = [*ENGINE_PACKAGES, *(p for p in manifest.requirements if p not in ENGINE_PACKAGES)]
    if manifest.needs_torch:
        packages += [p for p in ("torch", "torchvision") if p not in packages]
    fallback = json.dumps(results.engine_failure("run_autograder: the grader wrote no valid results.json"),
                          indent=2)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        _add_text(zf, "setup.sh", SETUP.format(
            venv=VENV, packages=" ".join(packages),
            index=f"--extra-index-url {TORCH_INDEX} " if manifest.needs_torch else ""), executable=True)
        _add_text(zf, "run_autograder", RUN.format(venv=VENV, name=manifest.name, fallback=fallback),
                  executable=True)
        zf.write(REPO / "constraints.txt", "constraints.txt")
        _add_tree(zf, ENGINE, "autograder", suffixes=(".py", ".json"))
        for top, source in (("solutions", manifest.root), ("skeletons", manifest.skeleton),
                            ("public_tests", manifest.public_tests), ("private_tests", manifest.private_tests)):
            if Path(source).is_dir():
                _add_tree(zf, Path(source), f"{top}/{manifest.name}")
    return path


def _add_text(zf, name, text, executable=False):
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.external_attr = (0o100755 if executable else 0o100644) << 16
    info.compress_type = zipfile.ZIP_DEFLATED
    zf.writestr(info, text)


def _add_tree(zf, root, prefix, suffixes=None):
    for path in sorted(root.rglob("*")):
        rel = path.relative_to(root)
        if any(part in SKIP for part in rel.parts) or not path.is_file() or path.is_symlink():
            continue
        if suffixes is None or path.suffix in suffixes:
            zf.write(path, f"{prefix}/{rel.as_posix()}")
