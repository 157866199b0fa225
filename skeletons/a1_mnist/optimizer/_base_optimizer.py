"""The optimizer base class: holds the learning rate and applies L2 regularization."""


class _BaseOptimizer:
    """Base class of the optimizers.

    Attributes:
    - learning_rate: the step size
    - reg: the L2 regularization coefficient (lambda); the loss term is 0.5 * reg * sum(W ** 2)
    """

    def __init__(self, learning_rate=1e-4, reg=1e-3):
        self.learning_rate = learning_rate
        self.reg = reg

    def update(self, model):
        pass

    def apply_regularization(self, model):
        """Add the gradient of the L2 penalty to the model's gradients.

        Only weight matrices (names starting with 'W') are regularized, never biases.

        Inputs:
        - model: a model whose gradients were set by forward
        Sets:
        - model.gradients['W...'] += reg * model.weights['W...'], for every weight matrix
        """
        #############################################################################
        # TODO:                                                                     #
        #    1) Apply L2 penalty to model weights based on the regularization       #
        #       coefficient                                                         #
        #############################################################################
        raise NotImplementedError("_BaseOptimizer.apply_regularization")
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
