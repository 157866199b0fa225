"""The challenge's unlabelled test images (Q8.8): <root>/test_images.npy, uint8 (N, 32, 32, 3).

test.py predicts a class for each of them, in file order, into predictions.csv; the
labels stay with the course staff.
"""

import os

import numpy as np
import torch.utils.data as data
from PIL import Image
from torchvision.datasets.utils import download_url


class ChallengeData(data.Dataset):
    """The challenge images, each returned (transformed) without a label.

    Args:
        root (string): Directory holding ``test_images.npy``.
        transform (callable, optional): A function/transform that takes in a PIL image
            and returns a transformed version.
        download (bool, optional): If true and the file is missing, downloads it from
            ``url`` into root.
    """
    # Where the course staff publish the set (the course used its cs7643-fall2019 bucket);
    # an instructor of this kit uploads the kit's data/test_images.npy and sets both (README).
    url = 'https://s3.amazonaws.com/cs7643-fall2019/test_images.npy'
    md5 = None
    filename = 'test_images.npy'

    def __init__(self, root, transform=None, download=False):
        self.root = os.path.expanduser(root)
        self.transform = transform
        path = os.path.join(self.root, self.filename)
        if download and not os.path.isfile(path):
            download_url(self.url, self.root, self.filename, self.md5)
        if not os.path.isfile(path):
            raise RuntimeError(f'{path} not found. You can use download=True to download it')
        self.test_data = np.load(path)

    def __getitem__(self, index):
        """
        Args:
            index (int): Index

        Returns:
            image: the transformed image (no label).
        """
        img = Image.fromarray(self.test_data[index])
        if self.transform is not None:
            img = self.transform(img)
        return img

    def __len__(self):
        return len(self.test_data)
