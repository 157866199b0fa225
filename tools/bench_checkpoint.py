"""How much does grading a checkpoint through the student interface cost over bare torch?

    python tools/bench_checkpoint.py [--images 10000] [--batch 100] [--threads 1]

Scores N random 32x32 images with ResNet-32 (a2_cnn/part2-pytorch's models/resnet.py,
random weights) twice: a bare inference loop in this process, and the same batches sent
one call each through a `Student` (autograder.student.local_student: the worker's
dispatch and the codec round trip, in process). Prints both times and their ratio.
`bench(student, ...)` takes any Student, so a remote transport can be timed the same way.
"""

import argparse
import os
import sys
import time

import numpy as np
import torch

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOLUTION = os.path.join(REPO, "solutions", "a2_cnn", "part2-pytorch")


def images(n, seed=0):
    return np.random.default_rng(seed).standard_normal((n, 3, 32, 32)).astype(np.float32)


def bare(model, inputs, batch_size):
    """Predictions of a model in this process: eval mode, no_grad, batches in order."""
    model.eval()
    predictions = []
    with torch.no_grad():
        for start in range(0, len(inputs), batch_size):
            predictions.append(model(torch.from_numpy(inputs[start:start + batch_size])).argmax(1))
    return torch.cat(predictions).numpy()


def through_student(student, state_dict, inputs, batch_size):
    """The same predictions, each batch one call into the student's model."""
    model = student.call("models.resnet32")
    model.call("load_state_dict", state_dict)
    model.call("eval")
    student.call("torch.set_grad_enabled", False)
    try:
        predictions = [np.asarray(model.call("forward", inputs[start:start + batch_size])).argmax(1)
                       for start in range(0, len(inputs), batch_size)]
    finally:
        student.call("torch.set_grad_enabled", True)
    return np.concatenate(predictions)


def bench(student, n=10000, batch_size=100):
    """-> (bare seconds, student seconds); checks both give the same predictions."""
    sys.path.insert(0, SOLUTION)
    from models import resnet32

    torch.manual_seed(0)
    model = resnet32()
    state_dict = dict(model.state_dict())  # a plain dict of tensors crosses the codec
    inputs = images(n)
    start = time.perf_counter()
    expected = bare(model, inputs, batch_size)
    bare_seconds = time.perf_counter() - start
    start = time.perf_counter()
    got = through_student(student, state_dict, inputs, batch_size)
    student_seconds = time.perf_counter() - start
    if not np.array_equal(expected, got):
        raise SystemExit(f"predictions differ on {int(np.sum(expected != got))} of {n} images")
    return bare_seconds, student_seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--images", type=int, default=10000)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--threads", type=int, default=1, help="torch threads (the machine is shared)")
    args = parser.parse_args(argv)
    torch.set_num_threads(args.threads)
    sys.path.insert(0, REPO)
    from autograder.student import local_student

    bare_seconds, student_seconds = bench(local_student(SOLUTION), args.images, args.batch)
    print(f"ResNet-32, {args.images} images in batches of {args.batch}, {args.threads} thread(s)")
    print(f"  bare torch loop:         {bare_seconds:8.2f} s")
    print(f"  through local_student:   {student_seconds:8.2f} s")
    print(f"  ratio:                   {student_seconds / bare_seconds:8.3f}")


if __name__ == "__main__":
    main()
