"""Rectified linear unit."""

import numpy as np


class ReLU:
    """An implementation of rectified linear units (ReLU).

    Attributes:
    - dx: gradient set by backward, shaped like x
    - cache: what forward saves for backward
    """

    def __init__(self):
        self.cache = None
        self.dx = None

    def forward(self, x):
        """The forward pass of ReLU. Save necessary variables for backward.

        Inputs:
        - x: input data, of any shape
        Returns:
        - out: max(x, 0) elementwise, shaped like x
        """
        out = None
        #############################################################################
        # TODO: Implement the ReLU forward pass.                                    #
        #############################################################################
        raise NotImplementedError("ReLU.forward")
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
        self.cache = x
        return out

    def backward(self, dout):
        """The backward pass of ReLU.

        Inputs:
        - dout: the upstream gradients, shaped like x
        Sets:
        - self.dx: shaped like x
        """
        dx, x = None, self.cache
        #############################################################################
        # TODO: Implement the ReLU backward pass.                                   #
        #############################################################################
        raise NotImplementedError("ReLU.backward")
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
        self.dx = dx
