"""Vanilla stochastic gradient descent."""

from ._base_optimizer import _BaseOptimizer


class SGD(_BaseOptimizer):
    """Plain SGD: theta <- theta - learning_rate * gradient, after L2 regularization."""

    def __init__(self, learning_rate=1e-4, reg=1e-3):
        super().__init__(learning_rate, reg)

    def update(self, model):
        """Update the model's weights and biases with their gradients.

        Inputs:
        - model: a model whose gradients were set by forward
        Sets:
        - model.weights[name] for every name in model.weights (weights and biases alike)
        """
        self.apply_regularization(model)
        #############################################################################
        # TODO:                                                                     #
        #    1) Update model weights based on the learning rate and gradients       #
        #############################################################################
        # {% if solution %}
        for name in model.weights:
            model.weights[name] = model.weights[name] - self.learning_rate * model.gradients[name]
        # {% else %}
        #| raise NotImplementedError("SGD.update")
        # {% endif %}
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
