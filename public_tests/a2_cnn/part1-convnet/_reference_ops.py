"""Slow but plainly correct NumPy versions of the layers, that the tests compare with.

Each loop walks the output one pixel at a time, straight from the definitions in the
handout, so that the expected values never depend on the code under test. Backward
passes are checked against numerical gradients of these forwards.
"""

import numpy as np


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
