"""Benchmark the reference's naive convolution against torch, and the fast layers against
the naive ones, in one run (instructors only; not a test).

    OMP_NUM_THREADS=1 .venv/bin/python tools/bench_cs231n_layers.py

Shapes: layers.ipynb's comparison of the naive and fast layers, and one training step of
convnet.ipynb's ConvNet (50 images, 32 filters 7x7). float64, one thread for NumPy and
torch alike. Each figure is the best of several interleaved repeats: ratios measured in
the same run, since the machines are noisy. The goal (tracker issue 11): the reference's
conv_forward_naive + conv_backward_naive within 1.5x of torch.nn.functional.conv2d's
forward + backward.
"""

import sys
import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "solutions" / "a3_cs7643_hw1" / "1_cs231n"))

from cs231n.fast_layers import (  # noqa: E402
    conv_backward_fast,
    conv_forward_fast,
    max_pool_backward_fast,
    max_pool_forward_fast,
)
from cs231n.layers import (  # noqa: E402
    conv_backward_naive,
    conv_forward_naive,
    max_pool_backward_naive,
    max_pool_forward_naive,
)

REPEATS = 15
CONV_CASES = {  # name: (x shape, w shape, stride, pad)
    "layers.ipynb (100, 3, 31, 31), 25 filters 3x3, stride 2, pad 1": ((100, 3, 31, 31), (25, 3, 3, 3), 2, 1),
    "convnet.ipynb step (50, 3, 32, 32), 32 filters 7x7, stride 1, pad 3": ((50, 3, 32, 32), (32, 3, 7, 7), 1, 3),
}


def best_times(functions):
    """{name: best seconds} of each function, the functions called in turn REPEATS times."""
    best = dict.fromkeys(functions, float("inf"))
    for _ in range(REPEATS):
        for name, function in functions.items():
            start = time.perf_counter()
            function()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def conv_case(x_shape, w_shape, stride, pad):
    rng = np.random.default_rng(0)
    x, w, b = rng.standard_normal(x_shape), rng.standard_normal(w_shape), rng.standard_normal(w_shape[0])
    conv_param = {'stride': stride, 'pad': pad}
    out, naive_cache = conv_forward_naive(x, w, b, conv_param)
    _, fast_cache = conv_forward_fast(x, w, b, conv_param)
    dout = rng.standard_normal(out.shape)
    xt, wt, bt = (torch.tensor(a, requires_grad=True) for a in (x, w, b))
    dt = torch.tensor(dout)

    def torch_forward_backward():
        torch.autograd.grad(F.conv2d(xt, wt, bt, stride=stride, padding=pad), (xt, wt, bt), dt)

    def naive():
        conv_backward_naive(dout, conv_forward_naive(x, w, b, conv_param)[1])

    def fast():
        conv_backward_fast(dout, conv_forward_fast(x, w, b, conv_param)[1])

    with torch.no_grad():
        def torch_forward():
            F.conv2d(xt, wt, bt, stride=stride, padding=pad)

        times = best_times({
            "naive forward": lambda: conv_forward_naive(x, w, b, conv_param),
            "torch forward": torch_forward,
            "naive backward": lambda: conv_backward_naive(dout, naive_cache),
            "fast forward": lambda: conv_forward_fast(x, w, b, conv_param),
            "fast backward": lambda: conv_backward_fast(dout, fast_cache),
        })
    times.update(best_times({"naive forward+backward": naive, "torch forward+backward": torch_forward_backward,
                             "fast forward+backward": fast}))
    return times


def pool_times():
    rng = np.random.default_rng(1)
    x, dout = rng.standard_normal((100, 3, 32, 32)), rng.standard_normal((100, 3, 16, 16))
    pool_param = {'pool_height': 2, 'pool_width': 2, 'stride': 2}
    _, naive_cache = max_pool_forward_naive(x, pool_param)
    _, fast_cache = max_pool_forward_fast(x, pool_param)
    return best_times({
        "naive forward": lambda: max_pool_forward_naive(x, pool_param),
        "fast forward": lambda: max_pool_forward_fast(x, pool_param),
        "naive backward": lambda: max_pool_backward_naive(dout, naive_cache),
        "fast backward": lambda: max_pool_backward_fast(dout, fast_cache),
    })


def main():
    torch.set_num_threads(1)
    for name, case in CONV_CASES.items():
        t = conv_case(*case)
        print(f"conv, {name}:")
        print(f"  naive vs torch: forward {t['naive forward'] * 1e3:.1f} / {t['torch forward'] * 1e3:.1f} ms "
              f"= {t['naive forward'] / t['torch forward']:.2f}x; forward+backward "
              f"{t['naive forward+backward'] * 1e3:.1f} / {t['torch forward+backward'] * 1e3:.1f} ms "
              f"= {t['naive forward+backward'] / t['torch forward+backward']:.2f}x (goal <= 1.5x)")
        print(f"  fast layers' speed-up over naive: forward {t['naive forward'] / t['fast forward']:.2f}x, "
              f"backward {t['naive backward'] / t['fast backward']:.2f}x, "
              f"forward+backward {t['naive forward+backward'] / t['fast forward+backward']:.2f}x")
    t = pool_times()
    print("max pool 2x2 stride 2, (100, 3, 32, 32): fast layers' speed-up over naive: "
          f"forward {t['naive forward'] / t['fast forward']:.2f}x, backward {t['naive backward'] / t['fast backward']:.2f}x")


if __name__ == "__main__":
    main()
