"""Hidden tests of Q8.4: the two-layer ConvNet (provided) on your layers, on another shape,
and trained by ClassifierTrainer (its provided SGD update) until it fits a few images."""

import os
import sys

import numpy as np

from autograder.harness.checks.compare import ComparisonFailed, assert_close
from autograder.harness.testing import StudentTestCase, number, visibility, weight

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _hidden_checks import CONVNET, PARAMETERS, check_model_gradients, parameters, train  # noqa: E402


class TestTwoLayerConvNetHidden(StudentTestCase):
    """two_layer_convnet against the reference; training it with ClassifierTrainer."""

    @weight(0.5)
    @number("8.4.3")
    @visibility("after_published")
    def test_non_square_images(self):
        """two_layer_convnet on 2-channel 6x10 images with 5 filters 5x5 and non-zero biases: scores, loss, gradients"""
        rng = np.random.default_rng(843)
        X, y = rng.standard_normal((3, 2, 6, 10)), np.array([1, 0, 3])
        model = {'W1': 0.3 * rng.standard_normal((5, 2, 5, 5)), 'b1': 0.3 * rng.standard_normal(5),
                 'W2': 0.1 * rng.standard_normal((5 * 3 * 5, 4)), 'b2': 0.1 * rng.standard_normal(4)}
        call = "two_layer_convnet(X, model, y, reg=0.1) with X (3, 2, 6, 10), 5 filters 5x5, 4 classes"
        assert_close(self.student.call(CONVNET, X, model), self.reference.call(CONVNET, X, model),
                     call="two_layer_convnet(X, model) with X (3, 2, 6, 10), 5 filters 5x5: the scores")
        loss, grads = self.student.call(CONVNET, X, model, y, 0.1)
        assert_close(loss, self.reference.call(CONVNET, X, model, y, 0.1)[0], call=f"{call}: the loss")
        check_model_gradients(grads, self, CONVNET, X, model, y, 0.1, PARAMETERS, call, samples=25)

    @weight(0.5)
    @number("8.4.4")
    @visibility("after_published")
    def test_overfit_small_data(self):
        """ClassifierTrainer fits 20 images with two_layer_convnet on your layers (training accuracy 100%)"""
        rng = np.random.default_rng(844)
        X, y = rng.standard_normal((20, 3, 8, 8)), rng.integers(10, size=20)
        model = self.student.call("cs231n.classifiers.convnet.init_two_layer_convnet", weight_scale=0.05,
                                  input_shape=(3, 8, 8), num_filters=8, filter_size=3)
        trained, _ = train(self.student, model, X, y, loss_function=CONVNET, reg=0.0, learning_rate=0.3,
                           learning_rate_decay=1, update='sgd', sample_batches=False, num_epochs=60)
        scores = self.student.call(CONVNET, X, parameters(trained, "the trained model"))
        predicted = np.argmax(np.asarray(scores), axis=1)
        if np.mean(predicted == y) < 1:
            raise ComparisonFailed(f"ClassifierTrainer().train(X, y, X, y, model, two_layer_convnet, "
                                   f"learning_rate=0.3, update='sgd', sample_batches=False, num_epochs=60) on 20 "
                                   f"random 3x8x8 images, 8 filters 3x3: {int(np.sum(predicted == y))} of 20 "
                                   f"predicted right afterwards, expected all (the reference fits them all)")
