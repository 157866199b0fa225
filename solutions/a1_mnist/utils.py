"""Data loading, batching, the training and evaluation loops, and the learning curves.

Paths are relative to the working directory: run everything from the assignment root,
as `python main.py ...` and the tests do.
"""

import random
import time

import matplotlib.pyplot as plt
import numpy as np


def load_csv(path):
    """Load the CSV form of MNIST without any external library.

    Inputs:
    - path: the path of the CSV file; each line is `label,p1,...,p784`, pixels 0..255
    Returns:
    - data: a list of lists, one per image, each holding its 28 * 28 pixels scaled to [0, 1]
    - labels: a list of the images' integer labels
    """
    data = []
    labels = []
    with open(path) as fp:
        images = fp.readlines()
        images = [img.rstrip() for img in images]

        for img in images:
            img_as_list = img.split(',')
            y = int(img_as_list[0])  # first entry as label
            x = img_as_list[1:]
            x = [int(px) / 255 for px in x]
            data.append(x)
            labels.append(y)
    return data, labels


def load_mnist_trainval():
    """Load the MNIST training set and split it into training and validation data.

    Returns:
    - train_data: a list of lists, the first 80% of the images (784 pixels each)
    - train_label: a list of the integer labels of train_data
    - val_data: a list of lists, the remaining 20% of the images
    - val_label: a list of the integer labels of val_data
    """
    # Load training data
    print("Loading training data...")
    data, label = load_csv('./data/mnist_train.csv')
    assert len(data) == len(label)
    print(f"Training data loaded with {len(data)} images")

    # split training/validation data
    train_data = None
    train_label = None
    val_data = None
    val_label = None
    #############################################################################
    # TODO:                                                                     #
    #    1) Split the entire training set to training data and validation       #
    #       data. Use 80% of your data for training and 20% of your data for    #
    #       validation. Note: Don't shuffle here.                               #
    #############################################################################
    # {% if solution %}
    n_train = int(len(data) * 0.8)
    train_data, train_label = data[:n_train], label[:n_train]
    val_data, val_label = data[n_train:], label[n_train:]
    # {% else %}
    #| raise NotImplementedError("load_mnist_trainval")
    # {% endif %}
    #############################################################################
    #                              END OF YOUR CODE                             #
    #############################################################################
    return train_data, train_label, val_data, val_label


def load_mnist_test():
    """Load the MNIST test set.

    Returns:
    - data: a list of lists, one per test image (784 pixels each, scaled to [0, 1])
    - label: a list of the integer labels of the test images
    """
    # Load testing data
    print("Loading testing data...")
    data, label = load_csv('./data/mnist_test.csv')
    assert len(data) == len(label)
    print(f"Testing data loaded with {len(data)} images")

    return data, label


def generate_batched_data(data, label, batch_size=32, shuffle=False, seed=None):
    """Turn raw data into batches.

    Inputs:
    - data: a list of lists, one per image: [[pix1, ..., pix784], ..., [pix1, ..., pix784]]
    - label: a list of the labels of data
    - batch_size: the number of images per batch; the last batch may be smaller
    - shuffle: whether to shuffle data and labels (together) first: True for training
    - seed: if given, seeds Python's random module first, for a reproducible order
    Returns:
    - batched_data: a list of NumPy arrays, each of shape (batch_size, 784)
    - batched_label: a list of NumPy arrays, each of shape (batch_size,)
    """
    batched_data = None
    batched_label = None

    if seed:
        random.seed(seed)
    #############################################################################
    # TODO:                                                                     #
    #    1) Shuffle data and label if shuffle=True                              #
    #    2) Generate batches of images and labels                               #
    #############################################################################
    # {% if solution %}
    order = list(range(len(data)))
    if shuffle:
        random.shuffle(order)
    images = np.array(data)[order]
    labels = np.array(label)[order]
    batched_data = [images[i:i + batch_size] for i in range(0, len(order), batch_size)]
    batched_label = [labels[i:i + batch_size] for i in range(0, len(order), batch_size)]
    # {% else %}
    #| raise NotImplementedError("generate_batched_data")
    # {% endif %}
    #############################################################################
    #                              END OF YOUR CODE                             #
    #############################################################################

    return batched_data, batched_label


def train(epoch, batched_train_data, batched_train_label, model, optimizer, debug=True):
    """Train the model for one epoch.

    Inputs:
    - epoch: the index of the current epoch
    - batched_train_data: a list of batches of images, each of shape (B, 784)
    - batched_train_label: a list of batches of labels, each of shape (B,)
    - model: the model to train
    - optimizer: the optimizer that updates the model's weights
    - debug: print progress
    Returns:
    - epoch_loss: the average loss of the batches
    - epoch_acc: the accuracy over all images of the epoch
    """
    epoch_loss = 0.0
    hit = 0
    total = 0
    for idx, (input, target) in enumerate(zip(batched_train_data, batched_train_label, strict=True)):
        start_time = time.time()
        loss, accuracy = model.forward(input, target, mode='train')
        optimizer.update(model)
        epoch_loss += loss
        hit += accuracy * input.shape[0]
        total += input.shape[0]
        forward_time = time.time() - start_time
        if idx % 10 == 0 and debug:
            print(('Epoch: [{0}][{1}/{2}]\t'
                   + 'Batch Time {batch_time:.3f} \t'
                   + 'Batch Loss {loss:.4f}\t'
                   + 'Train Accuracy ' + "{accuracy:.4f}" '\t').format(
                epoch, idx, len(batched_train_data), batch_time=forward_time,
                loss=loss, accuracy=accuracy))
    epoch_loss /= len(batched_train_data)
    epoch_acc = hit / total

    if debug:
        print(f'* Average Accuracy of Epoch {epoch} is: {epoch_acc:.4f}')
    return epoch_loss, epoch_acc


def evaluate(batched_test_data, batched_test_label, model, debug=True):
    """Evaluate the model on batched data, without computing gradients.

    Inputs:
    - batched_test_data: a list of batches of images, each of shape (B, 784)
    - batched_test_label: a list of batches of labels, each of shape (B,)
    - model: the model to evaluate
    - debug: print progress
    Returns:
    - epoch_loss: the average loss of the batches
    - epoch_acc: the accuracy over all images
    """
    epoch_loss = 0.0
    hit = 0
    total = 0
    for idx, (input, target) in enumerate(zip(batched_test_data, batched_test_label, strict=True)):
        loss, accuracy = model.forward(input, target, mode='valid')

        epoch_loss += loss
        hit += accuracy * input.shape[0]
        total += input.shape[0]
        if debug:
            print(('Evaluate: [{0}/{1}]\t'
                   + 'Batch Accuracy ' + "{accuracy:.4f}" '\t').format(
                idx, len(batched_test_data), accuracy=accuracy))
    epoch_loss /= len(batched_test_data)
    epoch_acc = hit / total
    if debug:
        print(f'* Average Accuracy is: {epoch_acc:.4f}')
    return epoch_loss, epoch_acc


def plot_curves(train_loss_history, train_acc_history, valid_loss_history, valid_acc_history):
    """Plot the learning curves and save them as two PNG files in the current directory.

    One figure shows the training and validation loss, the other the training and
    validation accuracy, both against the epoch.

    Inputs:
    - train_loss_history: average training loss of each epoch
    - train_acc_history: training accuracy of each epoch
    - valid_loss_history: validation loss of each epoch
    - valid_acc_history: validation accuracy of each epoch
    """
    #############################################################################
    # TODO:                                                                     #
    #    1) Plot learning curves of training and validation loss                #
    #    2) Plot learning curves of training and validation accuracy            #
    #    Save both figures as .png files in the current directory.              #
    #############################################################################
    # {% if solution %}
    epochs = range(1, len(train_loss_history) + 1)
    curves = [
        ('loss', train_loss_history, valid_loss_history),
        ('accuracy', train_acc_history, valid_acc_history),
    ]
    for name, train_history, valid_history in curves:
        fig, ax = plt.subplots()
        ax.plot(epochs, train_history, label='training ' + name)
        ax.plot(epochs, valid_history, label='validation ' + name)
        ax.set_xlabel('epoch')
        ax.set_ylabel(name)
        ax.set_title('Learning curve: ' + name)
        ax.legend()
        fig.savefig(name + '_curve.png')
        plt.close(fig)
    # {% else %}
    #| raise NotImplementedError("plot_curves")
    # {% endif %}
    #############################################################################
    #                              END OF YOUR CODE                             #
    #############################################################################
