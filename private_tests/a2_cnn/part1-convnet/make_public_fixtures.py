"""Regenerate public_tests/a2_cnn/part1-convnet/fixtures/*.npz (instructors only; not a test).

    .venv/bin/python private_tests/a2_cnn/part1-convnet/make_public_fixtures.py

The public tests compare a student's layers with the values stored here, so that the
student zip never holds an implementation of the forward passes (the students' own
work). Expected forwards come from the slow, plainly correct loop versions below, written
straight from the handout's definitions, independently of the reference solution;
expected gradients are numerical gradients of those forwards (central differences, the
coordinates sampled as the tests once did). Rerun after changing a case.
"""

from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[3]
OUT = REPO / "public_tests" / "a2_cnn" / "part1-convnet" / "fixtures"


def conv_forward(x, w, b, stride, padding):
    """Cross-correlation of x (N, C, H, W) with filters w (F, C, k, k), plus bias b (F,)."""
    _, _, H, W = x.shape
    F, _, k, _ = w.shape
    padded = np.zeros(x.shape[:2] + (H + 2 * padding, W + 2 * padding))
    padded[:, :, padding:padding + H, padding:padding + W] = x
    H_out = (H + 2 * padding - k) // stride + 1
    W_out = (W + 2 * padding - k) // stride + 1
    out = np.zeros((len(x), F, H_out, W_out))
    for r in range(H_out):
        for c in range(W_out):
            field = padded[:, :, r * stride:r * stride + k, c * stride:c * stride + k]
            for f in range(F):
                out[:, f, r, c] = np.sum(field * w[f], axis=(1, 2, 3)) + b[f]
    return out


def max_pool_forward(x, kernel_size, stride):
    """The maximum of every kernel_size x kernel_size window of x (N, C, H, W)."""
    _, _, H, W = x.shape
    H_out = (H - kernel_size) // stride + 1
    W_out = (W - kernel_size) // stride + 1
    out = np.zeros(x.shape[:2] + (H_out, W_out))
    for r in range(H_out):
        for c in range(W_out):
            window = x[:, :, r * stride:r * stride + kernel_size, c * stride:c * stride + kernel_size]
            out[:, :, r, c] = window.max(axis=(2, 3))
    return out


def relu_forward(x):
    return np.where(x > 0, x, 0.0)


def linear_forward(x, w, b):
    """x (N, d1, ..., dk) flattened to (N, in_dim), times w (in_dim, out_dim), plus b."""
    return x.reshape(len(x), -1) @ w + b


def softmax_cross_entropy(scores, y):
    """(probabilities (N, K), mean cross-entropy loss) of raw scores (N, K), labels y (N,)."""
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.mean(np.log(probs[np.arange(len(y)), y]))
    return probs, loss


def network_forward(x, y, layers):
    """Run x through `layers` (dicts as ConvNet takes them, with 'weight'/'bias' arrays
    for Conv2D and Linear), then softmax cross-entropy -> (probs, loss)."""
    out = x
    for layer in layers:
        kind = layer['type']
        if kind == 'Conv2D':
            out = conv_forward(out, layer['weight'], layer['bias'], layer['stride'], layer['padding'])
        elif kind == 'ReLU':
            out = relu_forward(out)
        elif kind == 'MaxPooling':
            out = max_pool_forward(out, layer['kernel_size'], layer['stride'])
        elif kind == 'Linear':
            out = linear_forward(out, layer['weight'], layer['bias'])
        else:
            raise ValueError(f"unknown layer type {kind!r}")
    return softmax_cross_entropy(out, y)


# The network of test_network.py: ConvNet([Conv2D(3, 4, 3, 1, 1), ReLU, MaxPooling(2, 2), Linear(64, 5)]).
ARCHITECTURE = [
    dict(type='Conv2D', in_channels=3, out_channels=4, kernel_size=3, stride=1, padding=1),
    dict(type='ReLU'),
    dict(type='MaxPooling', kernel_size=2, stride=2),
    dict(type='Linear', in_dim=64, out_dim=5),
]


def gradients(case, functions, dout=None, samples=None):
    """Add case[name] (the numerical gradient, NaN where not computed) and
    case[name + '_index'] (the flat coordinates computed) for each (name, f, at)."""
    from autograder.harness.checks.gradcheck import numerical_gradient

    for name, f, at in functions:
        case[name], case[name + "_index"] = numerical_gradient(f, at, dout, h=1e-5, samples=samples)


def away_from_zero(rng, shape):
    """Inputs of both signs, none so close to 0 that a numerical gradient would cross it."""
    return rng.uniform(0.1, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


def conv_cases():
    cases = {}
    for case, (x_shape, stride, padding) in {"forward": ((2, 3, 6, 6), 1, 0),
                                             "forward_stride_padding": ((2, 3, 7, 7), 2, 1)}.items():
        rng = np.random.default_rng(7)
        x = rng.standard_normal(x_shape)
        w = rng.standard_normal((4, 3, 3, 3))
        b = rng.standard_normal(4)
        cases[case] = dict(x=x, weight=w, bias=b, stride=stride, padding=padding,
                           out=conv_forward(x, w, b, stride, padding))
    rng = np.random.default_rng(11)
    x = rng.standard_normal((2, 3, 5, 5))
    w = rng.standard_normal((4, 3, 3, 3))
    b = rng.standard_normal(4)
    dout = rng.standard_normal((2, 4, 5, 5))
    case = dict(x=x, weight=w, bias=b, stride=1, padding=1, dout=dout)
    gradients(case, [("dx", lambda v: conv_forward(v, w, b, 1, 1), x),
                     ("dw", lambda v: conv_forward(x, v, b, 1, 1), w),
                     ("db", lambda v: conv_forward(x, w, v, 1, 1), b)], dout, samples=40)
    cases["backward"] = case
    return cases


def max_pool_cases():
    cases = {}
    for case, (x_shape, k, s) in {"forward": ((2, 3, 8, 8), 2, 2), "forward_kernel_3_stride_2": ((2, 3, 9, 9), 3, 2)}.items():
        x = np.random.default_rng(3).standard_normal(x_shape)
        cases[case] = dict(x=x, kernel_size=k, stride=s, out=max_pool_forward(x, k, s))
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 8, 8))
    dout = rng.standard_normal((2, 3, 4, 4))
    case = dict(x=x, kernel_size=2, stride=2, dout=dout)
    gradients(case, [("dx", lambda v: max_pool_forward(v, 2, 2), x)], dout)
    cases["backward"] = case
    return cases


def relu_cases():
    x = away_from_zero(np.random.default_rng(1), (3, 2, 4, 5))
    cases = {"forward": dict(x=x, out=relu_forward(x))}
    rng = np.random.default_rng(2)
    x = away_from_zero(rng, (3, 2, 4, 5))
    dout = rng.standard_normal(x.shape)
    case = dict(x=x, dout=dout)
    gradients(case, [("dx", relu_forward, x)], dout)
    cases["backward"] = case
    return cases


def linear_cases():
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 2, 3, 4))
    w = rng.standard_normal((24, 5))
    b = rng.standard_normal(5)
    cases = {"forward": dict(x=x, weight=w, bias=b, out=linear_forward(x, w, b))}
    rng = np.random.default_rng(6)
    x = rng.standard_normal((3, 2, 3, 4))
    w = rng.standard_normal((24, 5))
    b = rng.standard_normal(5)
    dout = rng.standard_normal((3, 5))
    case = dict(x=x, weight=w, bias=b, dout=dout)
    gradients(case, [("dx", lambda v: linear_forward(v, w, b), x),
                     ("dw", lambda v: linear_forward(x, v, b), w),
                     ("db", lambda v: linear_forward(x, w, v), b)], dout)
    cases["backward"] = case
    return cases


def network_layers(rng):
    """ARCHITECTURE with random weights, as dicts network_forward takes."""
    layers = [dict(spec) for spec in ARCHITECTURE]
    for layer in layers:
        if layer['type'] == 'Conv2D':
            shape = (layer['out_channels'], layer['in_channels'], layer['kernel_size'], layer['kernel_size'])
            layer['weight'] = 0.3 * rng.standard_normal(shape)
            layer['bias'] = 0.3 * rng.standard_normal(layer['out_channels'])
        elif layer['type'] == 'Linear':
            layer['weight'] = 0.1 * rng.standard_normal((layer['in_dim'], layer['out_dim']))
            layer['bias'] = 0.1 * rng.standard_normal(layer['out_dim'])
    return layers


def network_case(layers, x, y):
    """The inputs, and each module's weight and bias as '<index>_weight', '<index>_bias'."""
    case = dict(x=x, y=y)
    for index, layer in enumerate(layers):
        for key in ('weight', 'bias'):
            if key in layer:
                case[f"{index}_{key}"] = layer[key]
    return case


def network_cases():
    rng = np.random.default_rng(21)
    layers = network_layers(rng)
    x = rng.standard_normal((3, 3, 8, 8))
    y = np.array([0, 4, 2])
    forward = network_case(layers, x, y)
    forward["probs"], forward["loss"] = network_forward(x, y, layers)
    rng = np.random.default_rng(22)
    layers = network_layers(rng)
    x = rng.standard_normal((3, 3, 8, 8))
    y = np.array([1, 3, 3])
    backward = network_case(layers, x, y)

    def loss_with(index, key):
        def loss(value):
            changed = [dict(layer) for layer in layers]
            changed[index][key] = value
            return network_forward(x, y, changed)[1]
        return loss

    functions = [(f"{index}_d{key[0]}", loss_with(index, key), layer[key])
                 for index, layer in enumerate(layers) for key in ('weight', 'bias') if key in layer]
    functions.append(("0_dx", lambda v: network_forward(v, y, layers)[1], x))
    gradients(backward, functions, samples=30)
    return {"forward": forward, "backward": backward}


def main():
    import sys

    sys.path.insert(0, str(REPO))  # run as a script: the repository root is not on the path
    OUT.mkdir(exist_ok=True)
    for name, make in (("conv", conv_cases), ("max_pool", max_pool_cases), ("relu", relu_cases),
                       ("linear", linear_cases), ("network", network_cases)):
        arrays = {f"{case}__{key}": np.asarray(value) for case, values in make().items()
                  for key, value in values.items()}
        np.savez_compressed(OUT / f"{name}.npz", **arrays)


if __name__ == "__main__":
    main()
