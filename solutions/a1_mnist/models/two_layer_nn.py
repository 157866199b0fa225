"""Two-layer perceptron: fully-connected, sigmoid, fully-connected, softmax."""

# Do not use packages that are not in standard distribution of python
import numpy as np

np.random.seed(1024)
from ._base_network import _baseNetwork  # noqa: E402  (the kit seeds NumPy before this import)


class TwoLayerNet(_baseNetwork):
    """A two-layer MLP: FC (W1, b1) => sigmoid => FC (W2, b2) => softmax.

    Attributes:
    - hidden_size: number of hidden units H
    - weights: 'W1' (input_size, H), 'b1' (H,), 'W2' (H, num_classes), 'b2' (num_classes,)
    - gradients: the same keys and shapes, set by forward in 'train' mode
    """

    def __init__(self, input_size=28 * 28, num_classes=10, hidden_size=128):
        """Inputs:
        - input_size: the input dimension
        - num_classes: the number of classes in total
        - hidden_size: the number of hidden units
        """
        super().__init__(input_size, num_classes)

        self.hidden_size = hidden_size
        self._weight_init()

    def _weight_init(self):
        """Initialize the weights: zero biases, small seeded Gaussian matrices.

        Sets self.weights['W1'], ['b1'], ['W2'], ['b2'] and zero gradients of the
        same shapes in self.gradients.
        """
        self.weights['b1'] = np.zeros(self.hidden_size)
        self.weights['b2'] = np.zeros(self.num_classes)
        np.random.seed(1024)
        self.weights['W1'] = 0.001 * np.random.randn(self.input_size, self.hidden_size)
        np.random.seed(1024)
        self.weights['W2'] = 0.001 * np.random.randn(self.hidden_size, self.num_classes)

        # initialize gradients to zeros
        self.gradients['W1'] = np.zeros((self.input_size, self.hidden_size))
        self.gradients['b1'] = np.zeros(self.hidden_size)
        self.gradients['W2'] = np.zeros((self.hidden_size, self.num_classes))
        self.gradients['b2'] = np.zeros(self.num_classes)

    def forward(self, X, y, mode='train'):
        """Compute the loss and accuracy of a batch and, in 'train' mode, the gradients.

        Inputs:
        - X: a batch of images, of shape (N, input_size)
        - y: labels of the images, of shape (N,)
        - mode: 'train' to also compute gradients; any other value only evaluates
        Returns:
        - loss: the mean cross-entropy loss of the batch (no regularization term)
        - accuracy: the accuracy of the batch
        Sets (in 'train' mode only):
        - self.gradients['W1'], ['b1'], ['W2'], ['b2']: gradients of the loss, each
          shaped like the weight of the same name
        """
        loss = None
        accuracy = None
        #############################################################################
        # TODO:                                                                     #
        #    1) Implement the forward process:                                      #
        #        1) Call sigmoid function between the two layers for non-linearity  #
        #        2) The output of the second layer should be passed to softmax      #
        #        function before computing the cross entropy loss                   #
        #    2) Compute Cross-Entropy Loss and batch accuracy based on network      #
        #       outputs                                                             #
        #############################################################################
        # {% if solution %}
        z1 = X @ self.weights['W1'] + self.weights['b1']
        a1 = self.sigmoid(z1)
        scores = a1 @ self.weights['W2'] + self.weights['b2']
        prob = self.softmax(scores)
        loss = self.cross_entropy_loss(prob, y)
        accuracy = self.compute_accuracy(prob, y)
        # {% else %}
        #| raise NotImplementedError("TwoLayerNet.forward (forward pass)")
        # {% endif %}
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################

        if mode != 'train':
            return loss, accuracy

        #############################################################################
        # TODO:                                                                     #
        #    1) Perform backward pass based on the loss computed above              #
        #    2) Store the gradients in self.gradients, with the same keys as        #
        #       self.weights                                                        #
        #############################################################################
        # {% if solution %}
        n = X.shape[0]
        # d(mean CE)/d(scores) = (prob - one_hot(y)) / N
        dscores = prob.copy()
        dscores[np.arange(n), y] -= 1
        dscores /= n
        self.gradients['W2'] = a1.T @ dscores
        self.gradients['b2'] = np.sum(dscores, axis=0)
        dz1 = (dscores @ self.weights['W2'].T) * self.sigmoid_dev(z1)
        self.gradients['W1'] = X.T @ dz1
        self.gradients['b1'] = np.sum(dz1, axis=0)
        # {% else %}
        #| raise NotImplementedError("TwoLayerNet.forward (backward pass)")
        # {% endif %}
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################

        return loss, accuracy
