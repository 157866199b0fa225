"""Train A5's reference checkpoints: run the reference notebook end to end.

    python tools/train_a5_reference.py [--epochs N] [--timeout SECONDS] [--executed PATH]

Reads solutions/a5_lenet_resnet_101/assignment2.nb.py with jupytext (its marker lines are
plain comments, so the committed file is the solution notebook) and executes it with
nbclient in the solution folder, as a student runs it in Jupyter: it trains LeNet5,
LeNet5Improved and ResNet18 on data/train and writes checkpoints/lenet5.pth,
checkpoints/lenet5_improved.pth, checkpoints/resnet18.pth (then stored as float16 to be
committed: `halve`) and figures/*.png there.
`--epochs N` sets A5_EPOCHS, which the notebook's solution-only cell reads: every model
then trains N epochs (1 for a quick check that the notebook runs). `--executed PATH`
keeps the executed notebook, outputs included. Prints the notebook's report lines and
the wall time. Needs the data (bash data/get_data.sh, or the stand-in:
tools/make_caltech_standin.py, then data/get_data.sh --archive ...).
"""

import argparse
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SOLUTION = REPO / "solutions" / "a5_lenet_resnet_101"
NOTEBOOK = SOLUTION / "assignment2.nb.py"
REPORT_PREFIXES = ("LeNet5:", "LeNet5Improved:", "ResNet18:")


def run(epochs=None, timeout=3600, executed=None):
    """Execute the reference notebook in its folder -> (report lines, seconds)."""
    import jupytext
    import nbclient
    import nbformat

    for split in ("train", "val"):
        if not (SOLUTION / "data" / split).is_dir():
            raise SystemExit(f"{SOLUTION / 'data' / split} is missing: run bash {SOLUTION / 'data' / 'get_data.sh'}")
    if epochs is not None:
        os.environ["A5_EPOCHS"] = str(epochs)  # the kernel inherits this process's environment
    notebook = jupytext.read(NOTEBOOK, fmt="py:percent")
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    started = time.monotonic()
    client = nbclient.NotebookClient(notebook, timeout=timeout, kernel_name="python3",
                                     resources={"metadata": {"path": str(SOLUTION)}})
    try:
        client.execute()
    finally:
        if executed is not None:
            nbformat.write(notebook, executed)
    seconds = time.monotonic() - started
    lines = [line for cell in notebook.cells if cell.cell_type == "code" for output in cell.get("outputs", [])
             if output.get("output_type") == "stream" for line in output.get("text", "").splitlines()
             if line.startswith(REPORT_PREFIXES)]
    return lines, seconds


def halve(path):
    """Store a checkpoint's floating-point tensors as float16, so that the reference ResNet-18
    (43 MB in float32) can be committed; load_state_dict casts them back to the model's
    float32, and the grader's scoring is unchanged to the image (README)."""
    import torch

    state = torch.load(path, map_location="cpu", weights_only=True)
    torch.save({k: v.half() if v.is_floating_point() else v for k, v in state.items()}, path)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, help="epochs of every model (A5_EPOCHS); default: the notebook's")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds one cell may run")
    parser.add_argument("--executed", type=Path, help="write the executed notebook (with outputs) here")
    args = parser.parse_args(argv)
    lines, seconds = run(args.epochs, args.timeout, args.executed)
    for line in lines:
        print(line)
    halve(SOLUTION / "checkpoints" / "resnet18.pth")
    for name in ("lenet5", "lenet5_improved", "resnet18"):
        path = SOLUTION / "checkpoints" / f"{name}.pth"
        print(f"{path.relative_to(REPO)}: {path.stat().st_size / 2**20:.1f} MB")
    print(f"ran {NOTEBOOK.relative_to(REPO)} in {seconds:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
