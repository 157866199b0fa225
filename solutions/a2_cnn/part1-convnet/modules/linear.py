"""Fully-connected (affine) layer."""

import numpy as np


class Linear:
    """A linear layer with weight W and bias b. Output is computed by y = Wx + b.

    Attributes:
    - in_dim, out_dim: as given to __init__
    - weight: of shape (in_dim, out_dim); bias: of shape (out_dim,)
    - dx, dw, db: gradients set by backward, shaped like x, weight, bias
    - cache: what forward saves for backward
    """

    def __init__(self, in_dim, out_dim):
        self.in_dim = in_dim
        self.out_dim = out_dim

        self.cache = None

        self._init_weights()

    def _init_weights(self):
        np.random.seed(1024)
        self.weight = 1e-3 * np.random.randn(self.in_dim, self.out_dim)
        np.random.seed(1024)
        self.bias = np.zeros(self.out_dim)

        self.dx = None
        self.dw = None
        self.db = None

    def forward(self, x):
        """Forward pass of linear layer.

        Inputs:
        - x: input data, of shape (N, d1, d2, ..., dn) where the product of
          d1, d2, ..., dn is equal to self.in_dim
        Returns:
        - out: x flattened to (N, in_dim), times weight, plus bias: of shape (N, out_dim)
        """
        out = None
        #############################################################################
        # TODO: Implement the forward pass.                                         #
        #    HINT: You may want to flatten the input first                          #
        #############################################################################
        # {% if solution %}
        out = x.reshape(x.shape[0], -1) @ self.weight + self.bias
        # {% else %}
        #| raise NotImplementedError("Linear.forward")
        # {% endif %}
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
        self.cache = x
        return out

    def backward(self, dout):
        """Computes the backward pass of linear layer.

        Inputs:
        - dout: upstream gradients, of shape (N, out_dim)
        Sets:
        - self.dx: shaped like x (not flattened); self.dw: (in_dim, out_dim);
          self.db: (out_dim,)
        """
        x = self.cache
        #############################################################################
        # TODO: Implement the linear backward pass.                                 #
        #############################################################################
        # {% if solution %}
        self.dx = (dout @ self.weight.T).reshape(x.shape)
        self.dw = x.reshape(x.shape[0], -1).T @ dout
        self.db = dout.sum(axis=0)
        # {% else %}
        #| raise NotImplementedError("Linear.backward")
        # {% endif %}
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
