"""Two-layer fully connected network: flatten, linear, sigmoid, linear."""

import torch
import torch.nn as nn


class TwoLayerNet(nn.Module):
    def __init__(self, input_dim, hidden_size, num_classes):
        """Build the two layers.

        Inputs:
        - input_dim: input feature dimension (3 * 32 * 32 for CIFAR-10 images)
        - hidden_size: hidden dimension
        - num_classes: total number of classes
        """
        super().__init__()
        #############################################################################
        # TODO: Initialize the TwoLayerNet, use sigmoid activation between layers   #
        #############################################################################
        # {% if solution %}
        self.fc1 = nn.Linear(input_dim, hidden_size)
        self.sigmoid = nn.Sigmoid()
        self.fc2 = nn.Linear(hidden_size, num_classes)
        # {% else %}
        #| raise NotImplementedError("TwoLayerNet.__init__")
        # {% endif %}
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################

    def forward(self, x):
        """Inputs:
        - x: images of shape (N, 3, 32, 32) (any shape (N, ...) with input_dim entries per example)
        Returns:
        - out: class scores of shape (N, num_classes)
        """
        out = None
        #############################################################################
        # TODO: Implement forward pass of the network                               #
        #############################################################################
        # {% if solution %}
        out = self.fc2(self.sigmoid(self.fc1(torch.flatten(x, 1))))
        # {% else %}
        #| raise NotImplementedError("TwoLayerNet.forward")
        # {% endif %}
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
        return out
