"""Softmax cross-entropy loss (provided)."""

import numpy as np


class SoftmaxCrossEntropy:
    """Compute softmax cross-entropy loss given the raw scores from the network.

    Attributes:
    - dx: gradient set by backward, of shape (N, num_classes)
    - cache: (probs, y, N), saved by forward for backward
    """

    def __init__(self):
        self.dx = None
        self.cache = None

    def forward(self, x, y):
        """Compute Softmax Cross Entropy Loss.

        Inputs:
        - x: raw output of the network, of shape (N, num_classes)
        - y: labels of samples, of shape (N,)
        Returns:
        - probs: the softmax probabilities, of shape (N, num_classes)
        - loss: the mean cross-entropy loss of the batch
        """
        probs = np.exp(x - np.max(x, axis=1, keepdims=True))
        probs /= np.sum(probs, axis=1, keepdims=True)
        N = x.shape[0]
        loss = -np.sum(np.log(probs[np.arange(N), y])) / N
        self.cache = (probs, y, N)
        return probs, loss

    def backward(self):
        """Compute backward pass of the classifier.

        Sets:
        - self.dx: (probs - onehot(y)) / N, of shape (N, num_classes)
        """
        probs, y, N = self.cache
        dx = probs.copy()
        dx[np.arange(N), y] -= 1
        dx /= N
        self.dx = dx
