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
        raise NotImplementedError("Conv2D.forward")
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
        raise NotImplementedError("Conv2D.backward")
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
