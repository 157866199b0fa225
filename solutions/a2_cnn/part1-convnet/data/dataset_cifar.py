"""Load CIFAR-10 from the python pickles in data/cifar-10-batches-py (provided).

Run data/get_data.sh once to download and extract them.
"""

import os
import pickle

import numpy as np


def load_CIFAR_batch(filename):
    """Load one batch of CIFAR-10.

    Returns:
    - X: the images, float64 of shape (num_images, 32, 32, 3)
    - Y: the labels, of shape (num_images,)
    """
    with open(filename, 'rb') as f:
        datadict = pickle.load(f, encoding='latin1')
        X = datadict['data']
        Y = datadict['labels']
        X = X.reshape(-1, 3, 32, 32).transpose(0, 2, 3, 1).astype("float")
        Y = np.array(Y)
        return X, Y


def load_CIFAR10(ROOT):
    """Load all of CIFAR-10 from the folder ROOT (cifar-10-batches-py).

    Returns:
    - Xtr, Ytr: the five training batches together, (num_train, 32, 32, 3) and (num_train,)
    - Xte, Yte: the test batch, (num_test, 32, 32, 3) and (num_test,)
    """
    xs = []
    ys = []
    for b in range(1, 6):
        f = os.path.join(ROOT, f'data_batch_{b}')
        X, Y = load_CIFAR_batch(f)
        xs.append(X)
        ys.append(Y)
    Xtr = np.concatenate(xs)
    Ytr = np.concatenate(ys)
    del X, Y
    Xte, Yte = load_CIFAR_batch(os.path.join(ROOT, 'test_batch'))
    return Xtr, Ytr, Xte, Yte


def get_CIFAR10_data(root, num_training=49000, num_validation=1000, num_test=1000):
    """Load CIFAR-10 and prepare it for the ConvNet: split, subtract the mean image,
    put channels first.

    Inputs:
    - root: the folder holding the CIFAR-10 python batches (data/cifar-10-batches-py)
    - num_training, num_validation: the first num_training training images form the
      training split, the next num_validation the validation split
    - num_test: the number of test images kept
    A smaller data set on disk (the kit's CIFAR-10 stand-in) gives smaller splits: the
    validation split keeps its size, the training split gets the rest.
    Returns a dict of:
    - 'X_train', 'X_val', 'X_test': float64 images of shape (num, 3, 32, 32)
    - 'y_train', 'y_val', 'y_test': integer labels of shape (num,)
    """
    X_train, y_train, X_test, y_test = load_CIFAR10(root)
    num_training = min(num_training, len(X_train) - num_validation)

    # Subsample the data
    mask = list(range(num_training, num_training + num_validation))
    X_val = X_train[mask]
    y_val = y_train[mask]
    mask = list(range(num_training))
    X_train = X_train[mask]
    y_train = y_train[mask]
    mask = list(range(num_test))
    X_test = X_test[mask]
    y_test = y_test[mask]

    # Normalize the data: subtract the mean image
    mean_image = np.mean(X_train, axis=0)
    X_train -= mean_image
    X_val -= mean_image
    X_test -= mean_image

    # Transpose so that channels come first
    X_train = X_train.transpose(0, 3, 1, 2).copy()
    X_val = X_val.transpose(0, 3, 1, 2).copy()
    X_test = X_test.transpose(0, 3, 1, 2).copy()

    return {
        'X_train': X_train, 'y_train': y_train,
        'X_val': X_val, 'y_val': y_val,
        'X_test': X_test, 'y_test': y_test,
    }
