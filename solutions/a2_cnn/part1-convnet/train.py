"""Train the ConvNet on the first 50 CIFAR-10 training images (provided).

Plots the training accuracy after each epoch to train.png; the final training accuracy
should be slightly under 0.9.
"""

import matplotlib

matplotlib.use('Agg')  # write the figure to a file; no display needed
import matplotlib.pyplot as plt  # noqa: E402  (after choosing the backend)
from data import get_CIFAR10_data  # noqa: E402
from modules import ConvNet  # noqa: E402
from optimizer import SGD  # noqa: E402
from trainer import ClassifierTrainer  # noqa: E402


def train():
    data = get_CIFAR10_data('data/cifar-10-batches-py')
    model_list = [dict(type='Conv2D', in_channels=3, out_channels=32, kernel_size=5, stride=1, padding=2),
                  dict(type='ReLU'),
                  dict(type='MaxPooling', kernel_size=2, stride=2),
                  dict(type='Linear', in_dim=8192, out_dim=10)]
    criterion = dict(type='SoftmaxCrossEntropy')
    model = ConvNet(model_list, criterion)
    optimizer = SGD(model, learning_rate=0.0001, reg=0.001, momentum=0.9)
    trainer = ClassifierTrainer()
    loss_history, train_acc_history = trainer.train(
        data['X_train'][:50], data['y_train'][:50], model, batch_size=10, num_epochs=10,
        verbose=True, optimizer=optimizer)

    plt.plot(train_acc_history)
    plt.legend(['train'], loc='upper left')
    plt.xlabel('Epoch')
    plt.ylabel('Accuracy')
    plt.savefig('train.png')


if __name__ == '__main__':
    train()
