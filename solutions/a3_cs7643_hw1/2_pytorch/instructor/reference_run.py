#!/usr/bin/env python3
"""Make the reference submission's run outputs, as a student makes them, on the CIFAR-10 stand-in.

    python instructor/reference_run.py [--work DIR] [--models softmax twolayernn convnet mymodel]

In a copy of this folder (DIR, default build/a3-2_pytorch-reference-run under the repository)
with the stand-in in data/cifar-10-batches-py (tools/make_cifar_standin.py: 5,000 training
images, of which cifar10.py keeps the last 1,000 for val, and 1,000 test images) and the
challenge set of data/ (tools/prepare_data.py): runs each run_<model>.sh's command (its
train.py arguments, output to <model>.log), then the two notebooks for each model
(softmax-classifier for the plots, filter-viz for the filters), then
`test.py --model mymodel.pt` for predictions.csv. Copies the logs, plots and predictions.csv
back here and prints each model's test accuracy and the challenge accuracy (the number the
README and the [[predictions]] tier publish). extra.md is written by hand from them.

The stand-in's files have their own MD5 sums, so train.py runs with cifar10.CIFAR10's
integrity check switched off (in this script's processes only; the files students get are
unchanged).
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent.parent
REPO = HERE.parents[2]
MODELS = ["softmax", "twolayernn", "convnet", "mymodel"]
FILTERS = ["softmax", "twolayernn", "convnet"]  # the models filter-viz shows
SOURCES = ["train.py", "test.py", "cifar10.py", "challenge_data.py", "vis_utils.py", "models"]
TRAIN = ("import runpy, sys\nimport cifar10\ncifar10.CIFAR10._check_integrity = lambda self: True\n"
         "sys.argv = ['train.py'] + sys.argv[1:]\nrunpy.run_path('train.py', run_name='__main__')\n")


def run_script_args(model):
    """The train.py arguments of run_<model>.sh (the reference's, markers being comments)."""
    text = (HERE / f"run_{model}.sh").read_text()
    command = re.search(r"^python -u train\.py(.*?)\|\s*tee", text, re.S | re.M).group(1)
    return command.replace("\\\n", " ").split()


def prepare(work):
    sys.path.insert(0, str(REPO / "tools"))
    from make_cifar_standin import write_standin

    if work.exists():
        shutil.rmtree(work)
    work.mkdir(parents=True)
    for rel in SOURCES:
        (shutil.copytree if (HERE / rel).is_dir() else shutil.copy)(HERE / rel, work / rel)
    write_standin(str(work / "data"), per_batch=1000, test=1000)
    shutil.copy(HERE / "data" / "test_images.npy", work / "data" / "test_images.npy")


def execute_notebook(source, work, model):
    """Run a reference notebook in `work` with model_name set to `model`."""
    import jupytext
    import nbclient

    text = source.read_text().replace("model_name = 'softmax'", f"model_name = {model!r}")
    notebook = jupytext.reads(text, fmt="py:percent")
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3",
                            resources={"metadata": {"path": str(work)}}).execute()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, default=REPO / "build" / "a3-2_pytorch-reference-run")
    parser.add_argument("--models", nargs="+", default=MODELS, choices=MODELS)
    args = parser.parse_args()
    prepare(args.work)
    env = dict(os.environ, MPLBACKEND="Agg")
    for model in args.models:
        started = time.monotonic()
        with open(args.work / f"{model}.log", "w") as log:
            subprocess.run([sys.executable, "-u", "-c", TRAIN, *run_script_args(model)], cwd=args.work,
                           stdout=log, check=True, env=env)
        print(f"{model}: trained in {time.monotonic() - started:.0f} s;",
              (args.work / f"{model}.log").read_text().strip().splitlines()[-1])
        execute_notebook(HERE / "softmax-classifier.nb.py", args.work, model)
        if model in FILTERS:
            execute_notebook(HERE / "filter-viz.nb.py", args.work, model)
    outputs = [f"{m}.log" for m in args.models] + [f"{m}_{kind}.png" for m in args.models
                                                   for kind in ("lossvstrain", "valaccuracy")]
    outputs += [f"{m}_gridfilt.png" for m in args.models if m in ("twolayernn", "convnet")]  # the deliverables
    if "mymodel" in args.models:
        subprocess.run([sys.executable, "test.py", "--model", "mymodel.pt", "--test-dir", "data"],
                       cwd=args.work, check=True, env=env)
        outputs.append("predictions.csv")
        rows = np.loadtxt(args.work / "predictions.csv", delimiter=",", skiprows=1, dtype=np.int64)
        labels = np.load(HERE / "data" / "challenge_labels.npy")
        correct = int((rows[np.argsort(rows[:, 0]), 1] == labels).sum())
        print(f"challenge: {correct} of {len(labels)} correct, accuracy {correct / len(labels):.4f}")
    for rel in outputs:
        shutil.copy(args.work / rel, HERE / rel)


if __name__ == "__main__":
    main()
