"""Shared pieces of both models: softmax, cross-entropy, accuracy and the activations.

Every function here works on whole batches at once (vectorised NumPy, no Python loops):
rows are examples, columns are classes or units.
"""

# Do not use packages that are not in standard distribution of python
import numpy as np


class _baseNetwork:
    """Base class of SoftmaxRegression and TwoLayerNet.

    Attributes:
    - input_size: number of input features (28 * 28 for MNIST)
    - num_classes: number of classes (10 for MNIST)
    - weights: dict of parameter name -> ndarray, filled by _weight_init
    - gradients: dict of parameter name -> ndarray shaped like weights[name], set by forward
    """

    def __init__(self, input_size=28 * 28, num_classes=10):
        self.input_size = input_size
        self.num_classes = num_classes

        self.weights = dict()
        self.gradients = dict()

    def _weight_init(self):
        pass

    def forward(self):
        pass

    def softmax(self, scores):
        """Compute softmax probabilities from the raw scores of the model.

        Inputs:
        - scores: raw scores, of shape (N, num_classes)
        Returns:
        - prob: softmax probabilities, of shape (N, num_classes); each row sums to 1
        """
        prob = None
        #############################################################################
        # TODO:                                                                     #
        #    1) Calculate softmax scores of input images                            #
        #    Keep it numerically stable: exp of a large score overflows.            #
        #############################################################################
        raise NotImplementedError("_baseNetwork.softmax")
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################

        return prob

    def cross_entropy_loss(self, x_pred, y):
        """Compute the mean cross-entropy loss of a batch.

        Inputs:
        - x_pred: softmax probabilities from the model (not raw scores), of shape (N, num_classes)
        - y: integer labels of the batch, of shape (N,)
        Returns:
        - loss: the mean over the batch of -log(probability of the true class), a float
        """
        loss = None
        #############################################################################
        # TODO:                                                                     #
        #    1) Implement Cross-Entropy Loss                                        #
        #############################################################################
        raise NotImplementedError("_baseNetwork.cross_entropy_loss")
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
        return loss

    def compute_accuracy(self, x_pred, y):
        """Compute the accuracy of a batch.

        Inputs:
        - x_pred: probabilities (or scores) from the model, of shape (N, num_classes)
        - y: integer labels of the batch, of shape (N,)
        Returns:
        - acc: the fraction of rows whose highest entry is at the true label, in [0, 1]
        """
        acc = None
        #############################################################################
        # TODO:                                                                     #
        #    1) Implement the accuracy function                                     #
        #############################################################################
        raise NotImplementedError("_baseNetwork.compute_accuracy")
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
        return acc

    def sigmoid(self, X):
        """Compute the sigmoid activation of the input.

        Inputs:
        - X: the output of a layer, of shape (N, layer size)
        Returns:
        - out: 1 / (1 + exp(-X)), of shape (N, layer size)
        """
        out = None
        #############################################################################
        # TODO: Comput the sigmoid activation on the input                          #
        #############################################################################
        raise NotImplementedError("_baseNetwork.sigmoid")
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
        return out

    def sigmoid_dev(self, x):
        """Compute the derivative of the sigmoid function at x.

        Inputs:
        - x: the input of the sigmoid (not its output), of shape (N, layer size)
        Returns:
        - ds: sigmoid(x) * (1 - sigmoid(x)), of shape (N, layer size)
        """
        ds = None
        #############################################################################
        # TODO: Comput the gradient of the sigmoid function                         #
        #############################################################################
        raise NotImplementedError("_baseNetwork.sigmoid_dev")
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
        return ds

    def ReLU(self, X):
        """Compute the ReLU activation of the input.

        Inputs:
        - X: the output of a layer, of shape (N, layer size)
        Returns:
        - out: max(X, 0) elementwise, of shape (N, layer size)
        """
        out = None
        #############################################################################
        # TODO: Comput the ReLU activation on the input                             #
        #############################################################################
        raise NotImplementedError("_baseNetwork.ReLU")
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
        return out

    def ReLU_dev(self, X):
        """Compute the derivative of ReLU at X.

        Inputs:
        - X: the input of the ReLU, of shape (N, layer size)
        Returns:
        - out: 1 where X > 0, else 0 (the derivative at 0 is taken as 0), of shape (N, layer size)
        """
        out = None
        #############################################################################
        # TODO: Comput the gradient of ReLU activation                              #
        #############################################################################
        raise NotImplementedError("_baseNetwork.ReLU_dev")
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
        return out
