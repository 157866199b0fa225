"""The CIFAR-10 splits softmax.ipynb uses, preprocessed for the linear classifier.

load_cifar10_train_val() -> X_train, y_train, X_val, y_val, X_test, y_test: the first
49,000 training images, the next 1,000 as validation, the first 1,000 test images; each
image flattened, the training set's mean image subtracted, a constant 1 appended (the
bias trick), and transposed, so that every X_* is (3073, N): one example per column.
"""

import numpy as np
from cs231n.data_utils import load_CIFAR10


def load_cifar10_train_val(num_training=49000, num_validation=1000, num_test=1000):
    # Load the raw CIFAR-10 data
    cifar10_dir = 'cs231n/datasets/cifar-10-batches-py'
    X_train, y_train, X_test, y_test = load_CIFAR10(cifar10_dir)

    # subsample the data
    mask = range(num_training, num_training + num_validation)
    X_val = X_train[mask]
    y_val = y_train[mask]
    mask = range(num_training)
    X_train = X_train[mask]
    y_train = y_train[mask]
    mask = range(num_test)
    X_test = X_test[mask]
    y_test = y_test[mask]

    # Preprocessing: reshape the image data into rows
    X_train = np.reshape(X_train, (X_train.shape[0], -1))
    X_val = np.reshape(X_val, (X_val.shape[0], -1))
    X_test = np.reshape(X_test, (X_test.shape[0], -1))

    # Normalize the data: subtract the mean image
    mean_image = np.mean(X_train, axis=0)
    X_train -= mean_image
    X_val -= mean_image
    X_test -= mean_image

    # add bias dimension and transform into columns
    X_train = np.hstack([X_train, np.ones((X_train.shape[0], 1))]).T
    X_val = np.hstack([X_val, np.ones((X_val.shape[0], 1))]).T
    X_test = np.hstack([X_test, np.ones((X_test.shape[0], 1))]).T

    print('Train, validation and testing sets have been created as X_i and y_i where i=train,val,test')
    return X_train, y_train, X_val, y_val, X_test, y_test
