"""im2col and col2im in NumPy: the receptive fields of an image batch as the columns of
one matrix, and back. fast_layers uses the Cython versions (im2col_cython.pyx) when they
are built and the *_numpy functions below, which give the same results, when not.

Columns are ordered (output row, output column, image), the image varying fastest; rows
are ordered (channel, field row, field column).
"""

import numpy as np


def get_im2col_indices(x_shape, field_height, field_width, padding=1, stride=1):
    # First figure out what the size of the output should be
    N, C, H, W = x_shape
    assert (H + 2 * padding - field_height) % stride == 0
    assert (W + 2 * padding - field_width) % stride == 0
    out_height = (H + 2 * padding - field_height) // stride + 1
    out_width = (W + 2 * padding - field_width) // stride + 1

    i0 = np.repeat(np.arange(field_height), field_width)
    i0 = np.tile(i0, C)
    i1 = stride * np.repeat(np.arange(out_height), out_width)
    j0 = np.tile(np.arange(field_width), field_height * C)
    j1 = stride * np.tile(np.arange(out_width), out_height)
    i = i0.reshape(-1, 1) + i1.reshape(1, -1)
    j = j0.reshape(-1, 1) + j1.reshape(1, -1)

    k = np.repeat(np.arange(C), field_height * field_width).reshape(-1, 1)

    return (k, i, j)


def im2col_indices(x, field_height, field_width, padding=1, stride=1):
    """ An implementation of im2col based on some fancy indexing """
    # Zero-pad the input
    p = padding
    x_padded = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)), mode='constant')

    k, i, j = get_im2col_indices(x.shape, field_height, field_width, padding, stride)

    cols = x_padded[:, k, i, j]
    C = x.shape[1]
    cols = cols.transpose(1, 2, 0).reshape(field_height * field_width * C, -1)
    return cols


def col2im_indices(cols, x_shape, field_height=3, field_width=3, padding=1, stride=1):
    """ An implementation of col2im based on fancy indexing and np.add.at """
    N, C, H, W = x_shape
    H_padded, W_padded = H + 2 * padding, W + 2 * padding
    x_padded = np.zeros((N, C, H_padded, W_padded), dtype=cols.dtype)
    k, i, j = get_im2col_indices(x_shape, field_height, field_width, padding, stride)
    cols_reshaped = cols.reshape(C * field_height * field_width, -1, N)
    cols_reshaped = cols_reshaped.transpose(2, 0, 1)
    np.add.at(x_padded, (slice(None), k, i, j), cols_reshaped)
    if padding == 0:
        return x_padded
    return x_padded[:, :, padding:-padding, padding:-padding]


def im2col_numpy(x, field_height, field_width, padding, stride):
    """im2col_cython(x, field_height, field_width, padding, stride), in NumPy."""
    return im2col_indices(x, field_height, field_width, padding, stride)


def col2im_numpy(cols, N, C, H, W, field_height, field_width, padding, stride):
    """col2im_cython(cols, N, C, H, W, field_height, field_width, padding, stride), in NumPy."""
    return col2im_indices(cols, (N, C, H, W), field_height, field_width, padding, stride)


def col2im_6d_numpy(cols, N, C, H, W, HH, WW, pad, stride):
    """col2im_6d_cython: cols of shape (C, HH, WW, N, out_h, out_w) back to an image batch
    (N, C, H, W), adding up where receptive fields overlap."""
    out_h = (H + 2 * pad - HH) // stride + 1
    out_w = (W + 2 * pad - WW) // stride + 1
    x_padded = np.zeros((C, N, H + 2 * pad, W + 2 * pad), dtype=cols.dtype)
    for i in range(HH):
        for j in range(WW):
            x_padded[:, :, i:i + stride * out_h:stride, j:j + stride * out_w:stride] += cols[:, i, j]
    return x_padded[:, :, pad:pad + H, pad:pad + W].transpose(1, 0, 2, 3)
