"""Time the part-1 reference Conv2D and MaxPooling against torch.nn.functional on CPU.

    .venv/bin/python tools/bench_layers.py [--repeats 21]

For each case: the same float64 inputs go through the reference layer
(solutions/a2_cnn/part1-convnet/modules) and through torch (conv2d / max_pool2d with
autograd); the outputs and the gradients must agree (assert_allclose) before anything is
timed. Then forward+backward is timed, the two alternating, and the median of the
repeats is reported with the ratio reference / torch.

Goals, at train.py's shapes and at a larger one: Conv2D <= 1.5x torch, MaxPooling <= 2x
torch (the overlapping-window case is shown for information). The exit status is 1 only
if the reference disagrees with torch; a timing over its goal is reported, not failed,
as timings on a shared machine are noisy. Both sides run on one thread:
OMP_NUM_THREADS, OPENBLAS_NUM_THREADS and MKL_NUM_THREADS are set to 1 below, before
NumPy and torch are imported (their BLAS and OpenMP pools read them only at load), and
torch.set_num_threads(1) pins torch's intra-op pool. Times are CPU times of this process
(time.process_time), which other jobs on a shared machine skew less than wall-clock time.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

REFERENCE = Path(__file__).resolve().parent.parent / "solutions" / "a2_cnn" / "part1-convnet"
sys.path.insert(0, str(REFERENCE))
from modules import Conv2D, MaxPooling  # noqa: E402

# (layer, label, input shape, layer arguments, goal ratio or None): train.py's shapes,
# then larger ones.
CASES = [
    ("Conv2D", "train.py conv", (10, 3, 32, 32),
     dict(in_channels=3, out_channels=32, kernel_size=5, stride=1, padding=2), 1.5),
    ("Conv2D", "larger conv", (64, 16, 32, 32),
     dict(in_channels=16, out_channels=32, kernel_size=3, stride=1, padding=1), 1.5),
    ("MaxPooling", "train.py pool", (10, 32, 32, 32), dict(kernel_size=2, stride=2), 2.0),
    ("MaxPooling", "larger pool", (64, 32, 32, 32), dict(kernel_size=2, stride=2), 2.0),
    ("MaxPooling", "overlapping pool", (64, 32, 32, 32), dict(kernel_size=3, stride=2), None),
]


def conv_case(shape, args, rng):
    """-> (reference step, torch step, check) for one Conv2D configuration."""
    layer = Conv2D(**args)
    layer.weight = rng.standard_normal(layer.weight.shape)
    layer.bias = rng.standard_normal(layer.bias.shape)
    x = rng.standard_normal(shape)
    dout = rng.standard_normal(layer.forward(x).shape)
    xt = torch.tensor(x, requires_grad=True)
    wt = torch.tensor(layer.weight, requires_grad=True)
    bt = torch.tensor(layer.bias, requires_grad=True)
    dout_t = torch.tensor(dout)

    def reference_step():
        out = layer.forward(x)
        layer.backward(dout)
        return out

    def torch_step():
        xt.grad = wt.grad = bt.grad = None
        out = F.conv2d(xt, wt, bt, stride=args["stride"], padding=args["padding"])
        out.backward(dout_t)
        return out

    def check():
        out, expected = reference_step(), torch_step()
        np.testing.assert_allclose(out, expected.detach().numpy(), rtol=1e-10, atol=1e-10, err_msg="Conv2D out")
        for name, mine, theirs in (("dx", layer.dx, xt), ("dw", layer.dw, wt), ("db", layer.db, bt)):
            np.testing.assert_allclose(mine, theirs.grad.numpy(), rtol=1e-10, atol=1e-9, err_msg=f"Conv2D {name}")

    return reference_step, torch_step, check


def pool_case(shape, args, rng):
    """-> (reference step, torch step, check) for one MaxPooling configuration; inputs
    after a ReLU, so that tied maxima (all-zero windows) are common, as in train.py."""
    layer = MaxPooling(**args)
    x = np.maximum(rng.standard_normal(shape), 0)
    dout = rng.standard_normal(layer.forward(x).shape)
    xt = torch.tensor(x, requires_grad=True)
    dout_t = torch.tensor(dout)

    def reference_step():
        out = layer.forward(x)
        layer.backward(dout)
        return out

    def torch_step():
        xt.grad = None
        out = F.max_pool2d(xt, args["kernel_size"], args["stride"])
        out.backward(dout_t)
        return out

    def check():
        out, expected = reference_step(), torch_step()
        np.testing.assert_array_equal(out, expected.detach().numpy(), err_msg="MaxPooling out")
        np.testing.assert_allclose(layer.dx, xt.grad.numpy(), rtol=1e-12, atol=1e-12, err_msg="MaxPooling dx")

    return reference_step, torch_step, check


def median_times(steps, repeats):
    """Median seconds of each step, the steps run in turn so that load drift hits all."""
    times = [[] for _ in steps]
    for step in steps:
        step()  # warm-up
    for _ in range(repeats):
        for step, record in zip(steps, times, strict=True):
            start = time.process_time()
            step()
            record.append(time.process_time() - start)
    return [float(np.median(t)) for t in times]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=21, help="timed runs per case (median reported)")
    args = parser.parse_args(argv)
    torch.set_num_threads(1)
    rng = np.random.default_rng(0)
    print(f"numpy {np.__version__}, torch {torch.__version__}, float64, 1 thread, "
          f"median of {args.repeats}, forward + backward")
    print(f"{'case':18s} {'input':18s} {'reference':>10s} {'torch':>10s} {'ratio':>6s}  goal")
    over = []
    for kind, label, shape, layer_args, goal in CASES:
        make = conv_case if kind == "Conv2D" else pool_case
        reference_step, torch_step, check = make(shape, layer_args, rng)
        check()
        mine, theirs = median_times([reference_step, torch_step], args.repeats)
        ratio = mine / theirs
        if goal is None:
            verdict = "(no goal)"
        elif ratio <= goal:
            verdict = f"<= {goal} ok"
        else:
            verdict = f"<= {goal} OVER"
            over.append(label)
        print(f"{label:18s} {str(shape):18s} {mine * 1e3:8.2f}ms {theirs * 1e3:8.2f}ms {ratio:6.2f}  {verdict}")
    print("all goals met" if not over else f"over goal: {', '.join(over)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
