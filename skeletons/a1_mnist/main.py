"""Train a model on MNIST: python main.py --config configs/<name_of_config_file>.yaml

Trains for the configured number of epochs, evaluates on the validation split after each
epoch, keeps the best model, evaluates it on the test set and saves the learning curves.
"""

import argparse
import copy

import yaml
from models import SoftmaxRegression, TwoLayerNet
from optimizer import SGD
from utils import evaluate, generate_batched_data, load_mnist_test, load_mnist_trainval, plot_curves, train

parser = argparse.ArgumentParser(description='CS7643 Assignment-1 Part 1')
parser.add_argument('--config', default='./config.yaml')


def main():
    args = parser.parse_args()
    with open(args.config) as f:
        config = yaml.safe_load(f)

    for key in config:
        for k, v in config[key].items():
            setattr(args, k, v)
    run(args)


def run(args):
    """Train, validate and test the model that `args` (the config's keys) describes."""
    # Prepare data
    train_data, train_label, val_data, val_label = load_mnist_trainval()
    test_data, test_label = load_mnist_test()

    if args.type == 'SoftmaxRegression':
        model = SoftmaxRegression()
    elif args.type == 'TwoLayerNet':
        model = TwoLayerNet(hidden_size=args.hidden_size)
    else:
        raise ValueError(f"Unknown model type {args.type!r} in the config")

    optimizer = SGD(learning_rate=args.learning_rate, reg=args.reg)

    train_loss_history = []
    train_acc_history = []
    valid_loss_history = []
    valid_acc_history = []
    best_acc = 0.0
    best_model = None
    for epoch in range(args.epochs):
        batched_train_data, batched_train_label = generate_batched_data(
            train_data, train_label, batch_size=args.batch_size, shuffle=True)
        epoch_loss, epoch_acc = train(epoch, batched_train_data, batched_train_label,
                                      model, optimizer, args.debug)

        train_loss_history.append(epoch_loss)
        train_acc_history.append(epoch_acc)
        # evaluate on validation data
        batched_val_data, batched_val_label = generate_batched_data(
            val_data, val_label, batch_size=args.batch_size)
        valid_loss, valid_acc = evaluate(batched_val_data, batched_val_label, model, args.debug)
        if args.debug:
            print(f"* Validation Accuracy: {valid_acc:.4f}")

        valid_loss_history.append(valid_loss)
        valid_acc_history.append(valid_acc)

        if valid_acc > best_acc:
            best_acc = valid_acc
            best_model = copy.deepcopy(model)

    batched_test_data, batched_test_label = generate_batched_data(
        test_data, test_label, batch_size=args.batch_size)
    _, test_acc = evaluate(batched_test_data, batched_test_label, best_model, args.debug)  # test the best model
    print(f"Final Accuracy on Test Data: {test_acc:.4f}")

    plot_curves(train_loss_history, train_acc_history, valid_loss_history, valid_acc_history)


if __name__ == '__main__':
    main()
