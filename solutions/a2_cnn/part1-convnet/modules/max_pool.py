"""2D max pooling (no padding); overlapping windows allowed."""

import numpy as np


class MaxPooling:
    """Max Pooling of input.

    Attributes:
    - kernel_size: height and width of the pooling window
    - stride: the step between two windows
    - dx: gradient set by backward, shaped like x
    - cache: what forward saves for backward
    """

    def __init__(self, kernel_size, stride):
        self.kernel_size = kernel_size
        self.stride = stride
        self.cache = None
        self.dx = None

    # {% if solution %}
    def _row_and_window_max(self, x, H_out, W_out):
        """The maximum of every window, in two steps: within each row of the window, then
        over its rows (2 * kernel_size strided slices instead of kernel_size ** 2).

        Inputs:
        - x: of shape (N, C, H, W)
        - H_out, W_out: the number of windows down and across
        Returns:
        - row_max: row_max[n, c, h, w] is the maximum of x[n, c, h, w * stride + j] over
          j < kernel_size, of shape (N, C, H, W_out)
        - out: the maximum of every window, of shape (N, C, H_out, W_out)
        """
        k, s = self.kernel_size, self.stride
        # Each step starts from its first and last slices (one and the same if k == 1):
        # np.maximum then writes a new array, never a view of x.
        row_max = np.maximum(x[:, :, :, 0:s * W_out:s], x[:, :, :, k - 1:k - 1 + s * W_out:s])
        for j in range(1, k - 1):
            np.maximum(row_max, x[:, :, :, j:j + s * W_out:s], out=row_max)
        out = np.maximum(row_max[:, :, 0:s * H_out:s], row_max[:, :, k - 1:k - 1 + s * H_out:s])
        for i in range(1, k - 1):
            np.maximum(out, row_max[:, :, i:i + s * H_out:s], out=out)
        return row_max, out

    # {% endif %}
    def forward(self, x):
        """Forward pass of max pooling.

        Inputs:
        - x: input, of shape (N, C, H, W)
        Returns:
        - out: the maximum of every window, of shape (N, C, H_out, W_out) where
          H_out = (H - kernel_size) // stride + 1, and likewise W_out
        """
        out = None
        #############################################################################
        # TODO: Implement the max pooling forward pass.                             #
        # Hint:                                                                     #
        #       1) You may implement the process with loops                         #
        #############################################################################
        # {% if solution %}
        H, W = x.shape[2:]
        H_out = (H - self.kernel_size) // self.stride + 1
        W_out = (W - self.kernel_size) // self.stride + 1
        _, out = self._row_and_window_max(x, H_out, W_out)
        # {% else %}
        #| raise NotImplementedError("MaxPooling.forward")
        # {% endif %}
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
        self.cache = (x, H_out, W_out)
        return out

    def backward(self, dout):
        """Backward pass of max pooling.

        Inputs:
        - dout: upstream derivatives, of shape (N, C, H_out, W_out)
        Sets:
        - self.dx: of shape (N, C, H, W); each window's gradient goes to its maximum
        """
        x, H_out, W_out = self.cache
        #############################################################################
        # TODO: Implement the max pooling backward pass.                            #
        # Hint:                                                                     #
        #       1) You may implement the process with loops                         #
        #       2) You may find np.unravel_index useful                             #
        #############################################################################
        # {% if solution %}
        k, s = self.kernel_size, self.stride
        row_max, out = self._row_and_window_max(x, H_out, W_out)
        # Back through forward's two steps, rows first. At each step a window passes its
        # gradient to the first of its maxima only, as torch does (ties are common: a
        # window of zeros after a ReLU), which makes it the first maximum in row-major
        # order. Overlapping windows (stride < kernel_size) add up at shared pixels.
        d_row_max = np.zeros(row_max.shape)
        routed = np.zeros(out.shape, dtype=bool)
        for i in range(k):
            is_max = (row_max[:, :, i:i + s * H_out:s] == out) & ~routed
            routed |= is_max
            d_row_max[:, :, i:i + s * H_out:s] += dout * is_max
        dx = np.zeros(x.shape)
        routed = np.zeros(row_max.shape, dtype=bool)
        for j in range(k):
            is_max = (x[:, :, :, j:j + s * W_out:s] == row_max) & ~routed
            routed |= is_max
            dx[:, :, :, j:j + s * W_out:s] += d_row_max * is_max
        self.dx = dx
        # {% else %}
        #| raise NotImplementedError("MaxPooling.backward")
        # {% endif %}
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
