"""CIFAR-10 in three splits (train, val, test), adapted from torchvision's CIFAR10.

val is the last `val_samples` images of the 50,000 training images and train the rest;
test is the 10,000 images of test_batch. Images are returned as PIL images, so the
usual torchvision transforms apply.
"""

import os
import pickle
import tarfile

import numpy as np
import torch.utils.data as data
from PIL import Image
from torchvision.datasets.utils import check_integrity, download_url


class CIFAR10(data.Dataset):
    """`CIFAR10 <https://www.cs.toronto.edu/~kriz/cifar.html>`_ Dataset.

    Args:
        root (string): Root directory of dataset where directory
            ``cifar-10-batches-py`` exists.
        split (string): 'train', 'val' or 'test'.
        transform (callable, optional): A function/transform that takes in a PIL image
            and returns a transformed version. E.g, ``transforms.RandomCrop``
        target_transform (callable, optional): A function/transform that takes in the
            target and transforms it.
        download (bool, optional): If true, downloads the dataset from the internet and
            puts it in root directory. If dataset is already downloaded, it is not
            downloaded again.
        val_samples (int): how many of the training images (the last ones) form 'val'.
    """
    base_folder = 'cifar-10-batches-py'
    url = "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    filename = "cifar-10-python.tar.gz"
    tgz_md5 = 'c58f30108f718f92721af3b95e74349a'
    train_list = [
        ['data_batch_1', 'c99cafc152244af753f735de768cd75f'],
        ['data_batch_2', 'd4bba439e000b95fd0a9bffe97cbabec'],
        ['data_batch_3', '54ebc095f3ab1f0389bbae665268c751'],
        ['data_batch_4', '634d18415352ddfa80567beed471001a'],
        ['data_batch_5', '482c414d41f54cd18b22e5b47cb7c3cb'],
    ]
    test_list = [
        ['test_batch', '40351d587109b95175f43aff81a1287e'],
    ]

    def __init__(self, root, split='train', transform=None, target_transform=None,
                 download=False, val_samples=1000):
        if split not in ('train', 'val', 'test'):
            raise ValueError(f"split must be 'train', 'val' or 'test', not {split!r}")
        self.root = os.path.expanduser(root)
        self.transform = transform
        self.target_transform = target_transform
        self.split = split
        self.val_samples = val_samples

        if download:
            self.download()

        if not self._check_integrity():
            raise RuntimeError('Dataset not found or corrupted.' +
                               ' You can use download=True to download it')

        if self.split in ['train', 'val']:
            data_, labels = self._load(self.train_list)
            if self.split == 'train':
                self.train_data = data_[:-val_samples]
                self.train_labels = labels[:-val_samples]
            else:
                self.val_data = data_[-val_samples:]
                self.val_labels = labels[-val_samples:]
        else:
            self.test_data, self.test_labels = self._load(self.test_list)

    def _load(self, files):
        """The images (N, 32, 32, 3) uint8 (HWC) and labels (list of ints) of the batch files."""
        images, labels = [], []
        for name, _md5 in files:
            with open(os.path.join(self.root, self.base_folder, name), 'rb') as fo:
                entry = pickle.load(fo, encoding='latin1')
            images.append(entry['data'])
            labels += entry['labels'] if 'labels' in entry else entry['fine_labels']
        images = np.concatenate(images).reshape((-1, 3, 32, 32))
        return images.transpose((0, 2, 3, 1)), labels  # convert to HWC

    def __getitem__(self, index):
        """
        Args:
            index (int): Index

        Returns:
            tuple: (image, target) where target is index of the target class.
        """
        if self.split == 'train':
            img, target = self.train_data[index], self.train_labels[index]
        elif self.split == 'val':
            img, target = self.val_data[index], self.val_labels[index]
        else:
            img, target = self.test_data[index], self.test_labels[index]

        # doing this so that it is consistent with all other datasets
        # to return a PIL Image
        img = Image.fromarray(img)

        if self.transform is not None:
            img = self.transform(img)

        if self.target_transform is not None:
            target = self.target_transform(target)

        return img, target

    def __len__(self):
        if self.split == 'train':
            return len(self.train_data)
        elif self.split == 'val':
            return len(self.val_data)
        else:
            return len(self.test_data)

    def _check_integrity(self):
        for name, md5 in self.train_list + self.test_list:
            if not check_integrity(os.path.join(self.root, self.base_folder, name), md5):
                return False
        return True

    def download(self):
        if self._check_integrity():
            print('Files already downloaded and verified')
            return
        download_url(self.url, self.root, self.filename, self.tgz_md5)
        with tarfile.open(os.path.join(self.root, self.filename), "r:gz") as tar:
            tar.extractall(path=self.root, filter='data')
