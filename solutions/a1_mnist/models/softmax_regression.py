"""Softmax regression: one fully-connected layer without bias, ReLU, then softmax."""

# Do not use packages that are not in standard distribution of python
import numpy as np

from ._base_network import _baseNetwork


class SoftmaxRegression(_baseNetwork):
    """A single-layer softmax regression: linear layer (no bias) => ReLU => softmax.

    Attributes:
    - weights['W1']: of shape (input_size, num_classes)
    - gradients['W1']: of shape (input_size, num_classes), set by forward in 'train' mode
    """

    def __init__(self, input_size=28 * 28, num_classes=10):
        """Inputs:
        - input_size: the input dimension
        - num_classes: the number of classes in total
        """
        super().__init__(input_size, num_classes)
        self._weight_init()

    def _weight_init(self):
        """Initialize the weights of the single-layer network; there is no bias term.

        Sets self.weights['W1'] (small Gaussian values, seeded) and zero
        self.gradients['W1'], both of shape (input_size, num_classes).
        """
        np.random.seed(1024)
        self.weights['W1'] = 0.001 * np.random.randn(self.input_size, self.num_classes)
        self.gradients['W1'] = np.zeros((self.input_size, self.num_classes))

    def forward(self, X, y, mode='train'):
        """Compute the loss and accuracy of a batch and, in 'train' mode, the gradient.

        Inputs:
        - X: a batch of images, of shape (N, input_size)
        - y: labels of the images, of shape (N,)
        - mode: 'train' to also compute gradients; any other value only evaluates
        Returns:
        - loss: the mean cross-entropy loss of the batch (no regularization term)
        - accuracy: the accuracy of the batch
        Sets (in 'train' mode only):
        - self.gradients['W1']: gradient of the loss, of shape (input_size, num_classes)
        """
        loss = None
        gradient = None
        accuracy = None
        #############################################################################
        # TODO:                                                                     #
        #    1) Implement the forward process and compute the Cross-Entropy loss    #
        #    2) Compute the gradient of the loss with respect to the weights        #
        # Hint:                                                                     #
        #   Store your intermediate outputs before ReLU for backwards               #
        #############################################################################
        # {% if solution %}
        z = X @ self.weights['W1']
        prob = self.softmax(self.ReLU(z))
        loss = self.cross_entropy_loss(prob, y)
        accuracy = self.compute_accuracy(prob, y)
        # {% else %}
        #| raise NotImplementedError("SoftmaxRegression.forward (forward pass)")
        # {% endif %}
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################

        if mode != 'train':
            return loss, accuracy

        #############################################################################
        # TODO:                                                                     #
        #    1) Implement the backward process:                                     #
        #        1) Compute gradients of each weight by chain rule                  #
        #        2) Store the gradients in self.gradients                           #
        #############################################################################
        # {% if solution %}
        n = X.shape[0]
        # d(mean CE)/d(softmax input) = (prob - one_hot(y)) / N
        dscores = prob.copy()
        dscores[np.arange(n), y] -= 1
        dscores /= n
        dz = dscores * self.ReLU_dev(z)
        gradient = X.T @ dz
        self.gradients['W1'] = gradient
        # {% else %}
        #| raise NotImplementedError("SoftmaxRegression.forward (backward pass)")
        # {% endif %}
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################
        return loss, accuracy
