"""Hidden test of part 1.3: the student's ConvNet and SGD learn, with train.py's recipe.

train.py's own run (3x32x32 images, 32 filters) takes minutes with the loops the kit's
hints allow, so this test keeps its recipe (50 images, batch size 10, 10 epochs, SGD
with learning rate 1e-4, reg 1e-3, momentum 0.9; conv 5x5 with padding 2, ReLU, max
pooling 2/2, linear) on 8x8 images with 8 filters: seconds even for loops.
"""

import numpy as np

from autograder.harness.checks.compare import ComparisonFailed
from autograder.harness.testing import StudentTestCase, number, visibility, weight

# train.py's network, on 8x8 images with 8 filters.
ARCHITECTURE = [
    dict(type='Conv2D', in_channels=3, out_channels=8, kernel_size=5, stride=1, padding=2),
    dict(type='ReLU'),
    dict(type='MaxPooling', kernel_size=2, stride=2),
    dict(type='Linear', in_dim=128, out_dim=10),
]
CRITERION = dict(type='SoftmaxCrossEntropy')


def fifty_images(seed):
    """50 images (3x8x8) of 10 classes, five each: a pattern per class plus as much noise,
    at CIFAR-10's pixel scale, mean image subtracted (as get_CIFAR10_data does)."""
    rng = np.random.default_rng(seed)
    patterns = rng.standard_normal((10, 3, 8, 8))
    y = rng.permutation(np.arange(50) % 10)
    X = 60 * patterns[y] + 60 * rng.standard_normal((50, 3, 8, 8))
    return X - X.mean(axis=0), y


def train(who, X, y):
    """train.py's run on (X, y) with `who`'s code -> (loss history, training accuracy history)."""
    model = who.call("modules.conv_classifier.ConvNet", ARCHITECTURE, CRITERION)
    optimizer = who.call("optimizer.sgd.SGD", model, learning_rate=0.0001, reg=0.001, momentum=0.9)
    trainer = who.call("trainer.ClassifierTrainer")
    return trainer.call("train", X, y, model, batch_size=10, num_epochs=10, optimizer=optimizer)


class TestTrainingHidden(StudentTestCase):
    """train.py's setting: 50 images, batch size 10, 10 epochs, SGD with momentum."""

    @weight(2)
    @number("1.3.6")
    @visibility("after_published")
    def test_overfits_fifty_images(self):
        """A ConvNet like train.py's, trained with your SGD as train.py does on 50 images, fits them as well as the reference does"""
        X, y = fifty_images(51)
        _, expected_accuracy = train(self.reference, X, y)
        losses, accuracy = train(self.student, X, y)
        final, expected = float(accuracy[-1]), float(expected_accuracy[-1])
        # 0.1 = five of the fifty images: room for harmless differences (which tied
        # maximum gets a pooling gradient), none for a network that does not learn.
        if not np.all(np.isfinite(np.asarray(losses, dtype=np.float64))) or final < expected - 0.1:
            raise ComparisonFailed(
                f"training ConvNet(Conv2D(3, 8, 5, 1, 2), ReLU, MaxPooling(2, 2), Linear(128, 10)) with "
                f"SGD(learning_rate=0.0001, reg=0.001, momentum=0.9), batch size 10, for 10 epochs on 50 "
                f"images (3x8x8): "
                f"final training accuracy {final:.2f}, expected at least {expected - 0.1:.2f} "
                f"(the reference solution reaches {expected:.2f}); the last losses were "
                f"{[round(float(v), 4) for v in losses[-3:]]}")
