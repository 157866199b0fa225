"""What does scoring a checkpoint through the sandboxed worker cost over bare torch?

    python tools/bench_checkpoint.py [--images 10000] [--mode auto|bwrap|user|none]

Evaluates N 32x32 images with ResNet-32 (a2_cnn/part2-pytorch's provided models/resnet.py,
random weights saved as a state_dict) twice in the same run: a bare torch inference loop
in this process (normalise, batches of 100, inference_mode), and the grader's path: a
sandboxed worker started as for a submission, loading the checkpoint with
weights_only=True and predicting the same images (`Student.predict`). Prints both times,
their ratio (goal: at most 1.2) and the worker's start time. Both use one thread.
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
MEAN, STD = (0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010)


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
    parser.add_argument("--mode", default="auto")
    args = parser.parse_args()
    torch.set_num_threads(1)
    sys.path.insert(0, str(PART2))
    from models import resnet32

    torch.manual_seed(0)
    model = resnet32()
    images = np.random.default_rng(0).integers(0, 256, (args.images, 3, 32, 32), dtype=np.uint8)
    limits = manifest.Limits(call_seconds=600, submission_seconds=900, memory_mb=8192)
    with tempfile.TemporaryDirectory(prefix="kit-bench-") as scratch:
        workspace = Path(scratch) / "workspace"
        shutil.copytree(PART2 / "models", workspace / "models")
        (workspace / "checkpoints").mkdir()
        torch.save(model.state_dict(), workspace / "checkpoints" / "resnet-32.pth")
        np.save(workspace / "images.npy", images)
        box = sandbox.Sandbox(sandbox.choose(args.mode), workspace, limits, Path(scratch))
        box.prepare()
        transport = remote.RemoteTransport(box, limits)
        student = Student(transport)
        student.seed(0)  # starts the worker, so its start is not in the timing

        started = time.perf_counter()
        expected = bare(model, images)
        bare_seconds = time.perf_counter() - started

        started = time.perf_counter()
        got = student.predict("models.resnet.resnet32", "checkpoints/resnet-32.pth", "images.npy",
                              max_mb=100, mean=MEAN, std=STD)
        worker_seconds = time.perf_counter() - started
        transport.close()
        box.close()
    agree = float(np.mean(got == expected))
    print(f"ResNet-32 on {args.images} images, 1 thread, sandbox {box.mode.name}:")
    print(f"  bare torch loop:        {bare_seconds:8.2f} s")
    print(f"  through the worker:     {worker_seconds:8.2f} s   (load weights_only, predict, send back)")
    print(f"  ratio worker / bare:    {worker_seconds / bare_seconds:8.2f}   (goal <= 1.2)")
    print(f"  worker start:           {transport.start_seconds[0] * 1000:8.0f} ms")
    print(f"  predictions that agree: {agree:8.4f}")
    return 0 if agree == 1.0 else 1


if __name__ == "__main__":
    sys.exit(main())
