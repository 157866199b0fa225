"""Vanilla CNN: one convolution, ReLU, max-pooling, then a fully connected classifier."""

import torch
import torch.nn as nn


class VanillaCNN(nn.Module):
    def __init__(self):
        """Conv 3->32 (7x7, stride 1, no padding), ReLU, max-pool 2x2 stride 2, FC to 10.

        A 32x32 image becomes 32 maps of 26x26 after the convolution, 13x13 after pooling,
        so the fully connected layer has 32 * 13 * 13 inputs.
        """
        super().__init__()
        #############################################################################
        # TODO: Initialize the Vanilla CNN                                          #
        #       Conv: 7x7 kernel, stride 1, 32 filters, no padding                  #
        #       ReLU                                                                #
        #       MaxPool: 2x2 kernel, stride 2                                       #
        #       FC: 10 output classes                                               #
        #############################################################################
        raise NotImplementedError("VanillaCNN.__init__")
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################

    def forward(self, x):
        """Inputs:
        - x: images of shape (N, 3, 32, 32)
        Returns:
        - outs: class scores of shape (N, 10)
        """
        outs = None
        #############################################################################
        # TODO: Implement forward pass of the network                               #
        #############################################################################
        raise NotImplementedError("VanillaCNN.forward")
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
        return outs
