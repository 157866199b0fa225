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
        raise NotImplementedError("MaxPooling.forward")
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
        raise NotImplementedError("MaxPooling.backward")
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
