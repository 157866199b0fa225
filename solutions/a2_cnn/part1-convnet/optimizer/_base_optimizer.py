"""The optimizer base class: learning rate, L2 regularization, per-module momentum state."""


class _BaseOptimizer:
    """Base class of the optimizers.

    Attributes:
    - learning_rate: the step size
    - reg: the L2 regularization coefficient; the loss term is 0.5 * reg * sum(weight ** 2)
    - grad_tracker: {module index: {'dw': ..., 'db': ...}}, state kept between updates
      (SGD keeps its momentum velocities there); starts at 0 for every module
    """

    def __init__(self, model, learning_rate=1e-4, reg=1e-3):
        self.learning_rate = learning_rate
        self.reg = reg

        self.grad_tracker = {idx: dict(dw=0, db=0) for idx, m in enumerate(model.modules)}

    def update(self, model):
        pass

    def apply_regularization(self, model):
        """Apply L2 penalty to the model: add its gradient to the weights' gradients.

        Only weights are regularized, never biases.

        Inputs:
        - model: the model, after backward
        Sets:
        - m.dw += reg * m.weight for every module m of model.modules with a weight
        """
        #############################################################################
        # TODO:                                                                     #
        #    1) Apply L2 penalty to model weights based on the regularization       #
        #       coefficient                                                         #
        #############################################################################
        # {% if solution %}
        for m in model.modules:
            if hasattr(m, 'weight'):
                m.dw = m.dw + self.reg * m.weight
        # {% else %}
        #| raise NotImplementedError("_BaseOptimizer.apply_regularization")
        # {% endif %}
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
