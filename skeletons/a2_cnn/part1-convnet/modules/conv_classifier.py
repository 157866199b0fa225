"""A ConvNet built from a list of module descriptions, with a softmax cross-entropy loss."""

from .convolution import Conv2D
from .linear import Linear
from .max_pool import MaxPooling
from .relu import ReLU
from .softmax_ce import SoftmaxCrossEntropy


class ConvNet:
    """A sequence of modules followed by a criterion.

    Attributes:
    - modules: the list of modules (Conv2D, ReLU, MaxPooling, Linear), in forward order
    - criterion: the loss module (SoftmaxCrossEntropy)
    """

    def __init__(self, modules, criterion):
        """Inputs:
        - modules: a list of dicts, each with a 'type' key ('Conv2D', 'ReLU',
          'MaxPooling' or 'Linear') and that module's constructor arguments
        - criterion: a dict {'type': 'SoftmaxCrossEntropy'}
        Raises:
        - ValueError: for any other criterion
        """
        self.modules = []
        for m in modules:
            if m['type'] == 'Conv2D':
                self.modules.append(
                    Conv2D(m['in_channels'],
                           m['out_channels'],
                           m['kernel_size'],
                           m['stride'],
                           m['padding'])
                )
            elif m['type'] == 'ReLU':
                self.modules.append(
                    ReLU()
                )
            elif m['type'] == 'MaxPooling':
                self.modules.append(
                    MaxPooling(m['kernel_size'],
                               m['stride'])
                )
            elif m['type'] == 'Linear':
                self.modules.append(
                    Linear(m['in_dim'],
                           m['out_dim'])
                )
        if criterion['type'] == 'SoftmaxCrossEntropy':
            self.criterion = SoftmaxCrossEntropy()
        else:
            raise ValueError("Wrong Criterion Passed")

    def forward(self, x, y):
        """The forward pass of the model.

        Inputs:
        - x: input data, of shape (N, C, H, W)
        - y: input labels, of shape (N,)
        Returns:
        - probs: the probabilities of all classes, of shape (N, num_classes)
        - loss: the cross-entropy loss
        """
        probs = None
        loss = None
        #############################################################################
        # TODO:                                                                     #
        #    1) Implement forward pass of the model                                 #
        #############################################################################
        raise NotImplementedError("ConvNet.forward")
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
        return probs, loss

    def backward(self):
        """The backward pass of the model, after forward.

        Sets:
        - dx (and dw, db where the module has weights) of every module
        """
        #############################################################################
        # TODO:                                                                     #
        #    1) Implement backward pass of the model                                #
        #############################################################################
        raise NotImplementedError("ConvNet.backward")
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
