#!/usr/bin/env python3
"""Run the reference notebooks end to end on the kit's data: their checkpoints and predictions.

    python instructor/train_reference.py [lab1 lab2 lab3]

Each reference notebook source (<name>.nb.py, jupytext percent format, is plain Python) runs
as a script from the assignment folder, as a student's Jupyter would run its cells in order:
lenet5-cifar10 writes saved_model/model.h5, lenet5-cifar10-dev saved_model/model-dev.h5 and
saved_model/sweeps.json, resnet-cifar10 saved_model/resnet20.h5 and predictions.csv.
The epochs are shortened for the stand-in (see README.md): A4_EPOCHS, A4_SWEEP_EPOCHS and
A4_RESNET_EPOCHS. At most 2 threads (the development machine is shared).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RUNS = {
    "lab1": ("lenet5-cifar10.nb.py", {}),
    "lab2": ("lenet5-cifar10-dev.nb.py", {"A4_EPOCHS": "12", "A4_SWEEP_EPOCHS": "1"}),
    "lab3": ("resnet-cifar10.nb.py", {"A4_RESNET_EPOCHS": "12"}),
}


def main(argv):
    for name in argv or list(RUNS):
        source, env = RUNS[name]
        started = time.monotonic()
        subprocess.run([sys.executable, source], cwd=ROOT, check=True,
                       env={**os.environ, "OMP_NUM_THREADS": "2", "MPLBACKEND": "Agg", **env})
        print(f"{name}: {source} ran in {time.monotonic() - started:.0f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
