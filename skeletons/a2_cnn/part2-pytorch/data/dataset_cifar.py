"""CIFAR-10 datasets (provided): a long-tailed CIFAR-10 and a plain reader of the batches.

IMBALANCECIFAR10 keeps, for class i of C, img_max * imb_factor ** (i / (C - 1)) training
images ('exp' profile), following Cao et al., "Learning Imbalanced Datasets with
Label-Distribution-Aware Margin Loss" (NeurIPS 2019).
"""

import os
import pickle

import numpy as np
import torchvision
from PIL import Image
from torch.utils.data import Dataset


class IMBALANCECIFAR10(torchvision.datasets.CIFAR10):
    cls_num = 10

    def __init__(self, root, imb_type='exp', imb_factor=0.01, rand_number=0, train=True,
                 transform=None, target_transform=None, download=False):
        super().__init__(root, train, transform, target_transform, download)
        np.random.seed(rand_number)
        img_num_list = self.get_img_num_per_cls(self.cls_num, imb_type, imb_factor)
        self.gen_imbalanced_data(img_num_list)

    def get_img_num_per_cls(self, cls_num, imb_type, imb_factor):
        img_max = len(self.data) / cls_num
        img_num_per_cls = []
        if imb_type == 'exp':
            for cls_idx in range(cls_num):
                num = img_max * (imb_factor ** (cls_idx / (cls_num - 1.0)))
                img_num_per_cls.append(int(num))
        elif imb_type == 'step':
            for _ in range(cls_num // 2):
                img_num_per_cls.append(int(img_max))
            for _ in range(cls_num // 2):
                img_num_per_cls.append(int(img_max * imb_factor))
        else:
            img_num_per_cls.extend([int(img_max)] * cls_num)
        return img_num_per_cls

    def gen_imbalanced_data(self, img_num_per_cls):
        new_data = []
        new_targets = []
        targets_np = np.array(self.targets, dtype=np.int64)
        classes = np.unique(targets_np)
        self.num_per_cls_dict = dict()
        for the_class, the_img_num in zip(classes, img_num_per_cls, strict=False):
            self.num_per_cls_dict[the_class] = the_img_num
            idx = np.where(targets_np == the_class)[0]
            np.random.shuffle(idx)
            selec_idx = idx[:the_img_num]
            new_data.append(self.data[selec_idx, ...])
            new_targets.extend([the_class, ] * the_img_num)
        new_data = np.vstack(new_data)
        self.data = new_data
        self.targets = new_targets

    def get_cls_num_list(self):
        cls_num_list = []
        for i in range(self.cls_num):
            cls_num_list.append(self.num_per_cls_dict[i])
        return cls_num_list


def load_cifar_batch(filename):
    """One pickled batch -> (images uint8 (N, 32, 32, 3), labels int64 (N,))."""
    with open(filename, 'rb') as f:
        datadict = pickle.load(f, encoding='latin1')
    images = datadict['data'].reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1)
    return images, np.array(datadict['labels'], dtype=np.int64)


class Cifar(Dataset):
    """The CIFAR-10 batches in `path` as a Dataset of (image, label) pairs.

    Inputs:
    - path: folder holding data_batch_1..5 and test_batch
    - transform: applied to each PIL image (e.g. ToTensor and Normalize)
    - train: the five training batches if True, else the test batch
    - samples: keep only this many images (None: all)
    - balance: with `samples`, keep samples // 10 images of every class
    """

    def __init__(self, path='data/cifar-10-batches-py/', transform=None, train=True,
                 samples=None, balance=True):
        names = [f'data_batch_{i}' for i in range(1, 6)] if train else ['test_batch']
        batches = [load_cifar_batch(os.path.join(path, name)) for name in names]
        self.data = np.concatenate([images for images, _ in batches])
        self.targets = np.concatenate([labels for _, labels in batches])
        self.transform = transform
        if samples is not None:
            if balance:
                per_class = samples // 10
                keep = np.concatenate([np.flatnonzero(self.targets == c)[:per_class]
                                       for c in range(10)])
                keep.sort()
            else:
                keep = np.arange(min(samples, len(self.targets)))
            self.data = self.data[keep]
            self.targets = self.targets[keep]

    def __len__(self):
        return len(self.targets)

    def __getitem__(self, index):
        img = Image.fromarray(self.data[index])
        if self.transform is not None:
            img = self.transform(img)
        return img, int(self.targets[index])
