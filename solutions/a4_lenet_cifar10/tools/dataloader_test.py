"""The held-out test set of Lab 3: 10,000 images, no labels, in a fixed order.

    testset = TESTSET(root=DATA_ROOT, transform=transform_test)
    testloader = torch.utils.data.DataLoader(testset, batch_size=100, shuffle=False)

Predict a class for each image in this order (shuffle=False) and write predictions.csv
(see sample.csv: header Id,Category; Id is the image's index here, 0 to 9999). Do not edit
this file.
"""

from .dataset import CIFAR10


class TESTSET(CIFAR10):
    """The test images, each returned (transformed) without a label."""

    def __init__(self, root, transform=None, target_transform=None, download=False):
        super().__init__(root, transform=transform, target_transform=target_transform, download=download,
                         mode='test')


CIFAR10_TEST = TESTSET
