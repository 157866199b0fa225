"""Layers as pairs of functions: forward(inputs) -> (out, cache), backward(dout, cache) -> gradients.

The cache holds what the backward pass needs; each backward returns the gradient of the
loss with respect to each input of its forward, shaped like that input. Images are
(N, C, H, W): N examples of C channels, H rows and W columns.
"""

import numpy as np


def affine_forward(x, w, b):
    """
    Computes the forward pass for an affine (fully-connected) layer.

    The input x has shape (N, d_1, ..., d_k) where x[i] is the ith input.
    We multiply this against a weight matrix of shape (D, M) where
    D = \\prod_i d_i

    Inputs:
    x - Input data, of shape (N, d_1, ..., d_k)
    w - Weights, of shape (D, M)
    b - Biases, of shape (M,)

    Returns a tuple of:
    - out: output, of shape (N, M)
    - cache: (x, w, b)
    """
    out = None
    #############################################################################
    # TODO: Implement the affine forward pass. Store the result in out. You     #
    # will need to reshape the input into rows.                                 #
    #############################################################################
    # {% if solution %}
    out = x.reshape(x.shape[0], -1).dot(w) + b
    # {% else %}
    #| raise NotImplementedError("affine_forward")
    # {% endif %}
    #############################################################################
    #                             END OF YOUR CODE                              #
    #############################################################################
    cache = (x, w, b)
    return out, cache


def affine_backward(dout, cache):
    """
    Computes the backward pass for an affine layer.

    Inputs:
    - dout: Upstream derivative, of shape (N, M)
    - cache: Tuple of:
      - x: Input data, of shape (N, d_1, ... d_k)
      - w: Weights, of shape (D, M)

    Returns a tuple of:
    - dx: Gradient with respect to x, of shape (N, d1, ..., d_k)
    - dw: Gradient with respect to w, of shape (D, M)
    - db: Gradient with respect to b, of shape (M,)
    """
    x, w, b = cache
    dx, dw, db = None, None, None
    #############################################################################
    # TODO: Implement the affine backward pass.                                 #
    #############################################################################
    # {% if solution %}
    dx = dout.dot(w.T).reshape(x.shape)
    dw = x.reshape(x.shape[0], -1).T.dot(dout)
    db = np.sum(dout, axis=0)
    # {% else %}
    #| raise NotImplementedError("affine_backward")
    # {% endif %}
    #############################################################################
    #                             END OF YOUR CODE                              #
    #############################################################################
    return dx, dw, db


def relu_forward(x):
    """
    Computes the forward pass for a layer of rectified linear units (ReLUs).

    Input:
    - x: Inputs, of any shape

    Returns a tuple of:
    - out: Output, of the same shape as x
    - cache: x
    """
    out = None
    #############################################################################
    # TODO: Implement the ReLU forward pass.                                    #
    #############################################################################
    # {% if solution %}
    out = np.maximum(0, x)
    # {% else %}
    #| raise NotImplementedError("relu_forward")
    # {% endif %}
    #############################################################################
    #                             END OF YOUR CODE                              #
    #############################################################################
    cache = x
    return out, cache


def relu_backward(dout, cache):
    """
    Computes the backward pass for a layer of rectified linear units (ReLUs).

    Input:
    - dout: Upstream derivatives, of any shape
    - cache: Input x, of same shape as dout

    Returns:
    - dx: Gradient with respect to x
    """
    dx, x = None, cache
    #############################################################################
    # TODO: Implement the ReLU backward pass.                                   #
    #############################################################################
    # {% if solution %}
    dx = dout * (x > 0)
    # {% else %}
    #| raise NotImplementedError("relu_backward")
    # {% endif %}
    #############################################################################
    #                             END OF YOUR CODE                              #
    #############################################################################
    return dx


# {% if solution %}
def _receptive_fields(x_padded, field_height, field_width, stride):
    """Every field_height x field_width window of x_padded (N, C, Hp, Wp) that a stride
    reaches, as a view (no copy): of shape (N, C, H', W', field_height, field_width)."""
    windows = np.lib.stride_tricks.sliding_window_view(x_padded, (field_height, field_width), axis=(2, 3))
    return windows[:, :, ::stride, ::stride]


def _im2col(x_padded, HH, WW, stride, H_out, W_out):
    """Every receptive field of x_padded (N, C, Hp, Wp) as a column: of shape
    (C * HH * WW, N * H_out * W_out), its rows in the order of w.reshape(F, -1), its
    columns in the order of (image, output row, output column)."""
    N, C = x_padded.shape[:2]
    cols = np.empty((C, HH, WW, N, H_out, W_out), dtype=x_padded.dtype)
    for i in range(HH):
        for j in range(WW):
            # Offset (i, j) of every receptive field is one strided slice of the input
            # (HH * WW copies of whole slices: much faster than gathering each field).
            cols[:, i, j] = x_padded[:, :, i:i + stride * H_out:stride, j:j + stride * W_out:stride].transpose(1, 0, 2, 3)
    return cols.reshape(C * HH * WW, -1)


# {% endif %}
def conv_forward_naive(x, w, b, conv_param):
    """
    A naive implementation of the forward pass for a convolutional layer.

    The input consists of N data points, each with C channels, height H and width
    W. We convolve each input with F different filters, where each filter spans
    all C channels and has height HH and width WW.

    Input:
    - x: Input data of shape (N, C, H, W)
    - w: Filter weights of shape (F, C, HH, WW)
    - b: Biases, of shape (F,)
    - conv_param: A dictionary with the following keys:
      - 'stride': The number of pixels between adjacent receptive fields in the
        horizontal and vertical directions.
      - 'pad': The number of pixels that will be used to zero-pad the input.

    Returns a tuple of:
    - out: Output data, of shape (N, F, H', W') where H' and W' are given by
      H' = 1 + (H + 2 * pad - HH) / stride
      W' = 1 + (W + 2 * pad - WW) / stride
    - cache: (x, w, b, conv_param)
    """
    out = None
    #############################################################################
    # TODO: Implement the convolutional forward pass.                           #
    # Hint: you can use the function np.pad for padding.                        #
    #############################################################################
    # {% if solution %}
    N, _, H, W = x.shape
    F, _, HH, WW = w.shape
    stride, pad = conv_param['stride'], conv_param['pad']
    H_out = 1 + (H + 2 * pad - HH) // stride
    W_out = 1 + (W + 2 * pad - WW) // stride
    x_padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode='constant')
    cols = _im2col(x_padded, HH, WW, stride, H_out, W_out)
    # Every filter (a row) with every receptive field (a column), in one product.
    out = w.reshape(F, -1).dot(cols) + b[:, None]
    out = out.reshape(F, N, H_out, W_out).transpose(1, 0, 2, 3)
    # {% else %}
    #| raise NotImplementedError("conv_forward_naive")
    # {% endif %}
    #############################################################################
    #                             END OF YOUR CODE                              #
    #############################################################################
    cache = (x, w, b, conv_param)
    return out, cache


def conv_backward_naive(dout, cache):
    """
    A naive implementation of the backward pass for a convolutional layer.

    Inputs:
    - dout: Upstream derivatives, of shape (N, F, H', W')
    - cache: A tuple of (x, w, b, conv_param) as in conv_forward_naive

    Returns a tuple of:
    - dx: Gradient with respect to x
    - dw: Gradient with respect to w
    - db: Gradient with respect to b
    """
    dx, dw, db = None, None, None
    #############################################################################
    # TODO: Implement the convolutional backward pass.                          #
    #############################################################################
    # {% if solution %}
    x, w, b, conv_param = cache
    N, C, H, W = x.shape
    F, _, HH, WW = w.shape
    _, _, H_out, W_out = dout.shape
    stride, pad = conv_param['stride'], conv_param['pad']
    x_padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)), mode='constant')
    dout_flat = dout.transpose(1, 0, 2, 3).reshape(F, -1)
    db = np.sum(dout_flat, axis=1)
    dw = dout_flat.dot(_im2col(x_padded, HH, WW, stride, H_out, W_out).T).reshape(w.shape)
    # col2im: offset (i, j) of every receptive field read one strided slice of the padded
    # input, so its gradient goes back to that slice; overlapping fields add up. The
    # padding only ever held zeros: its gradient is cut off at the end.
    dcols = w.reshape(F, -1).T.dot(dout_flat).reshape(C, HH, WW, N, H_out, W_out)
    dx_padded = np.zeros((C, N) + x_padded.shape[2:])
    for i in range(HH):
        for j in range(WW):
            dx_padded[:, :, i:i + stride * H_out:stride, j:j + stride * W_out:stride] += dcols[:, i, j]
    dx = dx_padded[:, :, pad:pad + H, pad:pad + W].transpose(1, 0, 2, 3)
    # {% else %}
    #| raise NotImplementedError("conv_backward_naive")
    # {% endif %}
    #############################################################################
    #                             END OF YOUR CODE                              #
    #############################################################################
    return dx, dw, db


def max_pool_forward_naive(x, pool_param):
    """
    A naive implementation of the forward pass for a max pooling layer.

    Inputs:
    - x: Input data, of shape (N, C, H, W)
    - pool_param: dictionary with the following keys:
      - 'pool_height': The height of each pooling region
      - 'pool_width': The width of each pooling region
      - 'stride': The distance between adjacent pooling regions

    Returns a tuple of:
    - out: Output data, of shape (N, C, H', W') where
      H' = 1 + (H - pool_height) / stride and W' = 1 + (W - pool_width) / stride
    - cache: (x, pool_param)
    """
    out = None
    #############################################################################
    # TODO: Implement the max pooling forward pass                              #
    #############################################################################
    # {% if solution %}
    fields = _receptive_fields(x, pool_param['pool_height'], pool_param['pool_width'], pool_param['stride'])
    out = fields.max(axis=(4, 5))
    # {% else %}
    #| raise NotImplementedError("max_pool_forward_naive")
    # {% endif %}
    #############################################################################
    #                             END OF YOUR CODE                              #
    #############################################################################
    cache = (x, pool_param)
    return out, cache


def max_pool_backward_naive(dout, cache):
    """
    A naive implementation of the backward pass for a max pooling layer.

    Inputs:
    - dout: Upstream derivatives, of shape (N, C, H', W')
    - cache: A tuple of (x, pool_param) as in the forward pass.

    Returns:
    - dx: Gradient with respect to x
    """
    dx = None
    #############################################################################
    # TODO: Implement the max pooling backward pass                             #
    #############################################################################
    # {% if solution %}
    x, pool_param = cache
    pool_height, pool_width, stride = pool_param['pool_height'], pool_param['pool_width'], pool_param['stride']
    N, C, H_out, W_out = dout.shape
    fields = _receptive_fields(x, pool_height, pool_width, stride)
    # Each window sends its gradient to its (first) maximum; where windows overlap
    # (stride < pool size) a pixel collects the gradient of every window it is the maximum of.
    first = fields.reshape(N, C, H_out, W_out, pool_height * pool_width).argmax(axis=4)
    di, dj = np.divmod(first, pool_width)
    rows = stride * np.arange(H_out)[:, None] + di
    cols = stride * np.arange(W_out)[None, :] + dj
    n, c = np.ix_(np.arange(N), np.arange(C))
    dx = np.zeros_like(x, dtype=np.result_type(x, dout))
    np.add.at(dx, (n[:, :, None, None], c[:, :, None, None], rows, cols), dout)
    # {% else %}
    #| raise NotImplementedError("max_pool_backward_naive")
    # {% endif %}
    #############################################################################
    #                             END OF YOUR CODE                              #
    #############################################################################
    return dx


def svm_loss(x, y):
    """
    Computes the loss and gradient using for multiclass SVM classification.

    Inputs:
    - x: Input data, of shape (N, C) where x[i, j] is the score for the jth class
      for the ith input.
    - y: Vector of labels, of shape (N,) where y[i] is the label for x[i] and
      0 <= y[i] < C

    Returns a tuple of:
    - loss: Scalar giving the loss
    - dx: Gradient of the loss with respect to x
    """
    N = x.shape[0]
    correct_class_scores = x[np.arange(N), y]
    margins = np.maximum(0, x - correct_class_scores[:, np.newaxis] + 1.0)
    margins[np.arange(N), y] = 0
    loss = np.sum(margins) / N
    num_pos = np.sum(margins > 0, axis=1)
    dx = np.zeros_like(x)
    dx[margins > 0] = 1
    dx[np.arange(N), y] -= num_pos
    dx /= N
    return loss, dx


def softmax_loss(x, y):
    """
    Computes the loss and gradient for softmax classification.

    Inputs:
    - x: Input data, of shape (N, C) where x[i, j] is the score for the jth class
      for the ith input.
    - y: Vector of labels, of shape (N,) where y[i] is the label for x[i] and
      0 <= y[i] < C

    Returns a tuple of:
    - loss: Scalar giving the loss
    - dx: Gradient of the loss with respect to x
    """
    probs = np.exp(x - np.max(x, axis=1, keepdims=True))
    probs /= np.sum(probs, axis=1, keepdims=True)
    N = x.shape[0]
    loss = -np.sum(np.log(probs[np.arange(N), y])) / N
    dx = probs.copy()
    dx[np.arange(N), y] -= 1
    dx /= N
    return loss, dx
