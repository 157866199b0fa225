"""Stochastic gradient descent with momentum."""

from ._base_optimizer import _BaseOptimizer


class SGD(_BaseOptimizer):
    """SGD with momentum: v <- momentum * v - learning_rate * grad; param <- param + v.

    Attributes (besides _BaseOptimizer's):
    - momentum: the momentum coefficient
    """

    def __init__(self, model, learning_rate=1e-4, reg=1e-3, momentum=0.9):
        super().__init__(model, learning_rate, reg)
        self.momentum = momentum

    def update(self, model):
        """Update model weights based on gradients.

        Inputs:
        - model: the model to be updated, after backward
        Sets:
        - weight and bias of every module that has them; the velocities in
          self.grad_tracker[idx]['dw'] and ['db']
        """
        self.apply_regularization(model)

        for idx, m in enumerate(model.modules):
            if hasattr(m, 'weight'):
                #############################################################################
                # TODO:                                                                     #
                #    1) Momentum updates for weights                                        #
                #############################################################################
                # {% if solution %}
                v = self.momentum * self.grad_tracker[idx]['dw'] - self.learning_rate * m.dw
                self.grad_tracker[idx]['dw'] = v
                m.weight = m.weight + v
                # {% else %}
                #| raise NotImplementedError("SGD.update (weights)")
                # {% endif %}
                #############################################################################
                #                              END OF YOUR CODE                             #
                #############################################################################
            if hasattr(m, 'bias'):
                #############################################################################
                # TODO:                                                                     #
                #    1) Momentum updates for bias                                           #
                #############################################################################
                # {% if solution %}
                v = self.momentum * self.grad_tracker[idx]['db'] - self.learning_rate * m.db
                self.grad_tracker[idx]['db'] = v
                m.bias = m.bias + v
                # {% else %}
                #| raise NotImplementedError("SGD.update (biases)")
                # {% endif %}
                #############################################################################
                #                              END OF YOUR CODE                             #
                #############################################################################
