"""2D convolution layer (cross-correlation, as in every deep-learning framework)."""

import numpy as np


class Conv2D:
    """An implementation of the convolutional layer. We convolve the input with
    out_channels different filters and each filter spans all channels in the input.

    Attributes:
    - in_channels, out_channels, kernel_size, stride, padding: as given to __init__
    - weight: of shape (out_channels, in_channels, kernel_size, kernel_size)
    - bias: of shape (out_channels,)
    - dx, dw, db: gradients set by backward, shaped like x, weight, bias
    - cache: what forward saves for backward
    """

    def __init__(self, in_channels, out_channels, kernel_size=3, stride=1, padding=0):
        """Inputs:
        - in_channels: the number of channels of the input data
        - out_channels: the number of channels of the output (aka the number of filters
          applied in the layer)
        - kernel_size: the specified size of the kernel (both height and width)
        - stride: the stride of convolution
        - padding: the size of padding. Pad zeros to the input with padding size.
        """
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = kernel_size
        self.stride = stride
        self.padding = padding

        self.cache = None

        self._init_weights()

    def _init_weights(self):
        np.random.seed(1024)
        self.weight = 1e-3 * np.random.randn(self.out_channels, self.in_channels, self.kernel_size, self.kernel_size)
        self.bias = np.zeros(self.out_channels)

        self.dx = None
        self.dw = None
        self.db = None

    # {% if solution %}
    def _im2col(self, x):
        """Every receptive field of x as a column.

        Inputs:
        - x: of shape (N, C, H, W)
        Returns:
        - cols: of shape (C * k * k, N * H' * W'); rows in the order of
          weight.reshape(out_channels, -1), columns in the order of (image, output row,
          output column)
        - H', W': the output height and width
        """
        k, s, p = self.kernel_size, self.stride, self.padding
        x_padded = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
        # A view (no copy yet) of every receptive field: (N, C, H', W', k, k).
        fields = np.lib.stride_tricks.sliding_window_view(x_padded, (k, k), axis=(2, 3))[:, :, ::s, ::s]
        N, C, H_out, W_out = fields.shape[:4]
        cols = fields.transpose(1, 4, 5, 0, 2, 3).reshape(C * k * k, N * H_out * W_out)
        return cols, H_out, W_out

    # {% endif %}
    def forward(self, x):
        """The forward pass of convolution.

        Inputs:
        - x: input data of shape (N, C, H, W)
        Returns:
        - out: output data of shape (N, out_channels, H', W') where
          H' = (H + 2 * padding - kernel_size) // stride + 1, and likewise W'.
          Saves what backward needs in self.cache.
        """
        out = None
        #############################################################################
        # TODO: Implement the convolution forward pass.                             #
        # Hint: 1) You may use np.pad for padding.                                  #
        #       2) You may implement the convolution with loops                     #
        #############################################################################
        # {% if solution %}
        N = x.shape[0]
        cols, H_out, W_out = self._im2col(x)
        # The whole batch in one matrix product: every filter (a row) with every
        # receptive field (a column).
        out = self.weight.reshape(self.out_channels, -1) @ cols + self.bias[:, None]
        out = out.reshape(self.out_channels, N, H_out, W_out).transpose(1, 0, 2, 3)
        # {% else %}
        #| raise NotImplementedError("Conv2D.forward")
        # {% endif %}
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
        self.cache = x
        return out

    def backward(self, dout):
        """The backward pass of convolution.

        Inputs:
        - dout: upstream gradients, of shape (N, out_channels, H', W')
        Sets:
        - self.dx: of shape (N, C, H, W); self.dw: shaped like self.weight;
          self.db: of shape (out_channels,)
        """
        x = self.cache
        #############################################################################
        # TODO: Implement the convolution backward pass.                            #
        # Hint:                                                                     #
        #       1) You may implement the convolution with loops                     #
        #       2) don't forget padding when computing dx                           #
        #############################################################################
        # {% if solution %}
        N, C, H, W = x.shape
        F, k, s, p = self.out_channels, self.kernel_size, self.stride, self.padding
        H_out, W_out = dout.shape[2:]
        cols, _, _ = self._im2col(x)
        dout_flat = dout.transpose(1, 0, 2, 3).reshape(F, N * H_out * W_out)
        self.db = dout_flat.sum(axis=1)
        self.dw = (dout_flat @ cols.T).reshape(self.weight.shape)
        # col2im: kernel offset (i, j) of every receptive field reads one strided slice
        # of the padded input, so its gradient goes back to that slice; overlapping
        # fields add up. Padding only ever received zeros: its gradient is cut off.
        dcols = (self.weight.reshape(F, -1).T @ dout_flat).reshape(C, k, k, N, H_out, W_out)
        dx_padded = np.zeros((C, N, H + 2 * p, W + 2 * p))
        for i in range(k):
            for j in range(k):
                dx_padded[:, :, i:i + s * H_out:s, j:j + s * W_out:s] += dcols[:, i, j]
        self.dx = dx_padded[:, :, p:p + H, p:p + W].transpose(1, 0, 2, 3)
        # {% else %}
        #| raise NotImplementedError("Conv2D.backward")
        # {% endif %}
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
