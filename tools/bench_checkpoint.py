"""What does scoring a checkpoint through the sandboxed worker cost over bare torch?

    python tools/bench_checkpoint.py [--model resnet32|resnet18|resnet20] [--images 10000] [--mode auto|bwrap|user|none]

Evaluates N images with ResNet-32 on 32x32 (a2_cnn/part2-pytorch's provided
models/resnet.py), ResNet-18 on 64x64 (the class of a5_lenet_resnet_101's reference
notebook, imported from the notebook in both places) or ResNet-20 on 32x32 (the class of
a4_lenet_cifar10's resnet-cifar10 notebook, saved in the course's form {'net': state_dict,
'epoch', 'lr'} and loaded with state_key='net'), random weights, twice in the same run: a bare torch inference loop in this process
(normalise, batches of 100, inference_mode), and the grader's path: a sandboxed worker
started as for a submission, loading the checkpoint with weights_only=True and
predicting the same images (`Student.predict`). The worker imports the model's module
before the clock starts, as this process did. Prints both times, their ratio (goal: at
most 1.2) and the worker's start time. Both use one thread.
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import torch  # noqa: E402

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from autograder import manifest  # noqa: E402
from autograder.harness.student import Student  # noqa: E402
from autograder.sandbox import modes as sandbox  # noqa: E402
from autograder.sandbox import remote  # noqa: E402

PART2 = REPO / "solutions" / "a2_cnn" / "part2-pytorch"
A5 = REPO / "solutions" / "a5_lenet_resnet_101"
A4 = REPO / "solutions" / "a4_lenet_cifar10"
MEAN, STD = (0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010)


def resnet32(workspace):
    """(model, its class as the worker names it, image size): A2's provided ResNet-32."""
    shutil.copytree(PART2 / "models", workspace / "models")
    sys.path.insert(0, str(PART2))
    from models import resnet32

    return resnet32(), "models.resnet.resnet32", 32


def resnet18(workspace):
    """The same for the reference notebook's ResNet18 (its .ipynb in the worker's workspace)."""
    from autograder.authoring.notebook import render_notebook
    from autograder.worker import notebook

    (workspace / "assignment2.ipynb").write_text(
        render_notebook((A5 / "assignment2.nb.py").read_text(), solution=True))
    shutil.copyfile(A5 / "a2_helpers.py", workspace / "a2_helpers.py")
    notebook.install()
    sys.path.insert(0, str(A5))
    from assignment2 import ResNet18

    return ResNet18(num_classes=101), "assignment2.ResNet18", 64


def resnet20(workspace):
    """The same for a4's ResNet20 (resnet-cifar10.ipynb and the course's tools/ in the workspace)."""
    from autograder.authoring.notebook import render_notebook
    from autograder.worker import notebook

    (workspace / "resnet-cifar10.ipynb").write_text(
        render_notebook((A4 / "resnet-cifar10.nb.py").read_text(), solution=True))
    shutil.copytree(A4 / "tools", workspace / "tools", ignore=shutil.ignore_patterns("__pycache__"))
    notebook.install()
    sys.path.insert(0, str(A4))
    module = __import__("resnet-cifar10")
    return module.ResNet20(), "resnet-cifar10.ResNet20", 32


def bare(model, images, batch_size=100):
    """The loop an instructor would write: normalise, predict in batches, argmax."""
    mean = np.asarray(MEAN, dtype=np.float32).reshape(1, 3, 1, 1)
    std = np.asarray(STD, dtype=np.float32).reshape(1, 3, 1, 1)
    model.eval()
    out = []
    with torch.inference_mode():
        for start in range(0, len(images), batch_size):
            batch = (images[start:start + batch_size].astype(np.float32) / 255.0 - mean) / std
            out.append(model(torch.from_numpy(batch)).argmax(dim=1).numpy())
    return np.concatenate(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--images", type=int, default=10000)
    parser.add_argument("--model", choices=("resnet32", "resnet18", "resnet20"), default="resnet32")
    parser.add_argument("--mode", default="auto")
    args = parser.parse_args()
    torch.set_num_threads(1)
    limits = manifest.Limits(call_seconds=600, submission_seconds=900, memory_mb=8192)
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as scratch:
        workspace = Path(scratch) / "workspace"
        workspace.mkdir()
        torch.manual_seed(0)
        model, target, size = {"resnet32": resnet32, "resnet18": resnet18, "resnet20": resnet20}[args.model](workspace)
        images = np.random.default_rng(0).integers(0, 256, (args.images, 3, size, size), dtype=np.uint8)
        (workspace / "checkpoints").mkdir()
        state_key = "net" if args.model == "resnet20" else ""
        saved = {"net": model.state_dict(), "epoch": 0, "lr": 0.1} if state_key else model.state_dict()
        torch.save(saved, workspace / "checkpoints" / "model.pth")
        np.save(workspace / "images.npy", images)
        box = sandbox.Sandbox(sandbox.choose(args.mode), workspace, limits, Path(scratch))
        box.prepare()
        transport = remote.RemoteTransport(box, limits)
        student = Student(transport)
        student.module(target.rpartition(".")[0])  # starts the worker and imports the model's module

        started = time.perf_counter()
        expected = bare(model, images)
        bare_seconds = time.perf_counter() - started

        started = time.perf_counter()
        got = student.predict(target, "checkpoints/model.pth", "images.npy", max_mb=100, mean=MEAN, std=STD,
                              state_key=state_key)
        worker_seconds = time.perf_counter() - started
        transport.close()
        box.close()
    agree = float(np.mean(got == expected))
    print(f"{args.model} on {args.images} images of {size}x{size}, 1 thread, sandbox {box.mode.name}:")
    print(f"  bare torch loop:        {bare_seconds:8.2f} s")
    print(f"  through the worker:     {worker_seconds:8.2f} s   (load weights_only, predict, send back)")
    print(f"  ratio worker / bare:    {worker_seconds / bare_seconds:8.2f}   (goal <= 1.2)")
    print(f"  worker start:           {transport.start_seconds[0] * 1000:8.0f} ms")
    print(f"  predictions that agree: {agree:8.4f}")
    return 0 if agree == 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
