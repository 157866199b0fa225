"""Your own network for CIFAR-10, built from scratch (no pretrained weights)."""

import torch
import torch.nn as nn


class MyModel(nn.Module):
    def __init__(self):
        """Three stages of 3x3 convolution, batch norm, ReLU and 2x2 max-pooling (32, 64
        and 128 channels; 32x32 -> 16x16 -> 8x8 -> 4x4), global average pooling, dropout
        and a linear classifier: about 95k parameters.
        """
        super().__init__()
        #############################################################################
        # TODO: Initialize the network weights                                      #
        #############################################################################
        raise NotImplementedError("MyModel.__init__")
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
        # TODO: Implement forward pass of your network                              #
        #############################################################################
        raise NotImplementedError("MyModel.forward")
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
        return outs
