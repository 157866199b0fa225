"""Train and evaluate a CIFAR-10 classifier: python main.py --config configs/<file>.yaml

Every key of every section of the YAML file is set on `args` (sections only group keys).
The best model on the test split is saved to ./checkpoints/<model name in lower case>.pth
when `save_best` is set.
"""

import argparse
import copy
import time

import torch
import torch.nn as nn
import torchvision
import torchvision.transforms as transforms
import yaml
from data import IMBALANCECIFAR10
from losses import FocalLoss, reweight
from models import MyModel, TwoLayerNet, VanillaCNN, resnet32

parser = argparse.ArgumentParser(description='CS7643 Assignment-2 Part 2')
parser.add_argument('--config', default='./config.yaml')


class AverageMeter:
    """Computes and stores the average and current value"""

    def __init__(self):
        self.reset()

    def reset(self):
        self.val = 0
        self.avg = 0
        self.sum = 0
        self.count = 0

    def update(self, val, n=1):
        self.val = val
        self.sum += val * n
        self.count += n
        self.avg = self.sum / self.count


def train(epoch, data_loader, model, optimizer, criterion):
    """Train `model` for one epoch: one optimizer step per batch of `data_loader`.

    Inputs:
    - epoch: index of the epoch, for the progress lines
    - data_loader: yields (data, target) batches, data of shape (N, 3, 32, 32), target (N,)
    - model: an nn.Module mapping data to scores of shape (N, num_classes)
    - optimizer: a torch.optim optimizer over the model's parameters
    - criterion: the loss, criterion(scores, target) -> scalar tensor
    """
    iter_time = AverageMeter()
    losses = AverageMeter()
    acc = AverageMeter()

    for idx, (data, target) in enumerate(data_loader):
        start = time.time()

        if torch.cuda.is_available():
            data = data.cuda()
            target = target.cuda()

        #############################################################################
        # TODO: Complete the body of training loop                                  #
        #       1. forward data batch to the model                                  #
        #       2. Compute batch loss                                               #
        #       3. Compute gradients and update model parameters                    #
        #############################################################################
        out = None
        loss = None
        raise NotImplementedError("train")
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################

        batch_acc = accuracy(out, target)

        losses.update(loss, out.shape[0])
        acc.update(batch_acc, out.shape[0])

        iter_time.update(time.time() - start)
        if idx % 10 == 0:
            print(f'Epoch: [{epoch}][{idx}/{len(data_loader)}]\t'
                  f'Time {iter_time.val:.3f} ({iter_time.avg:.3f})\t'
                  f'Loss {losses.val:.4f} ({losses.avg:.4f})\t'
                  f'Prec @1 {acc.val:.4f} ({acc.avg:.4f})\t')


def validate(epoch, val_loader, model, criterion):
    """Evaluate `model` on every batch of `val_loader` without changing it.

    Inputs:
    - epoch: index of the epoch, for the progress lines
    - val_loader: yields (data, target) batches, data of shape (N, 3, 32, 32), target (N,)
    - model: an nn.Module mapping data to scores of shape (N, num_classes)
    - criterion: the loss, criterion(scores, target) -> scalar tensor
    Returns:
    - acc: accuracy over the whole loader, a 0-d tensor
    - cm: confusion matrix of shape (10, 10) (rows: true class), normalised per true
      class, so that its diagonal holds the per-class accuracies
    """
    iter_time = AverageMeter()
    losses = AverageMeter()
    acc = AverageMeter()

    num_class = 10
    cm = torch.zeros(num_class, num_class)
    # evaluation loop
    for idx, (data, target) in enumerate(val_loader):
        start = time.time()

        if torch.cuda.is_available():
            data = data.cuda()
            target = target.cuda()

        #############################################################################
        # TODO: Complete the body of training loop                                  #
        #       HINT: torch.no_grad()                                               #
        #############################################################################
        out = None
        loss = None
        raise NotImplementedError("validate")
        #############################################################################
        #                              END OF YOUR CODE                             #
        #############################################################################

        batch_acc = accuracy(out, target)

        # update confusion matrix
        _, preds = torch.max(out, 1)
        for t, p in zip(target.view(-1), preds.view(-1), strict=True):
            cm[t.long(), p.long()] += 1

        losses.update(loss, out.shape[0])
        acc.update(batch_acc, out.shape[0])

        iter_time.update(time.time() - start)
        if idx % 10 == 0:
            print(f'Epoch: [{epoch}][{idx}/{len(val_loader)}]\t'
                  f'Time {iter_time.val:.3f} ({iter_time.avg:.3f})\t')
    cm = cm / cm.sum(1)
    per_cls_acc = cm.diag().detach().numpy().tolist()
    for i, acc_i in enumerate(per_cls_acc):
        print(f"Accuracy of Class {i}: {acc_i:.4f}")

    print(f"* Prec @1: {acc.avg:.4f}")
    return acc.avg, cm


def accuracy(output, target):
    """Computes the precision@k for the specified values of k"""
    batch_size = target.shape[0]

    _, pred = torch.max(output, dim=-1)

    correct = pred.eq(target).sum() * 1.0

    acc = correct / batch_size

    return acc


def adjust_learning_rate(optimizer, epoch, args):
    epoch += 1
    if epoch <= args.warmup:
        lr = args.learning_rate * epoch / args.warmup
    elif epoch > args.steps[1]:
        lr = args.learning_rate * 0.01
    elif epoch > args.steps[0]:
        lr = args.learning_rate * 0.1
    else:
        lr = args.learning_rate
    for param_group in optimizer.param_groups:
        param_group['lr'] = lr


def main():
    global args
    args = parser.parse_args()
    with open(args.config) as f:
        config = yaml.safe_load(f)

    for key in config:
        for k, v in config[key].items():
            setattr(args, k, v)

    transform_train = transforms.Compose([
        transforms.RandomCrop(32, padding=4),
        transforms.RandomHorizontalFlip(),
        transforms.ToTensor(),
        transforms.Normalize((0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010)),
    ])
    transform_test = transforms.Compose([
        transforms.ToTensor(),
        transforms.Normalize((0.4914, 0.4822, 0.4465), (0.2023, 0.1994, 0.2010)),
    ])
    per_cls_weights = None
    if args.imbalance == "regular":
        train_dataset = torchvision.datasets.CIFAR10(root='./data', train=True, download=True,
                                                     transform=transform_train)
    else:
        train_dataset = IMBALANCECIFAR10(root='./data', train=True, download=True,
                                         transform=transform_train)
        cls_num_list = train_dataset.get_cls_num_list()
        if args.reweight:
            per_cls_weights = reweight(cls_num_list, beta=args.beta)
            if torch.cuda.is_available():
                per_cls_weights = per_cls_weights.cuda()

    train_loader = torch.utils.data.DataLoader(train_dataset, batch_size=args.batch_size,
                                               shuffle=True, num_workers=2)

    test_dataset = torchvision.datasets.CIFAR10(root='./data', train=False, download=True,
                                                transform=transform_test)
    test_loader = torch.utils.data.DataLoader(test_dataset, batch_size=100, shuffle=False,
                                              num_workers=2)

    if args.model == 'TwoLayerNet':
        model = TwoLayerNet(3072, 256, 10)
    elif args.model == 'VanillaCNN':
        model = VanillaCNN()
    elif args.model == 'MyModel':
        model = MyModel()
    elif args.model == 'ResNet-32':
        model = resnet32()
    print(model)
    if torch.cuda.is_available():
        model = model.cuda()

    if args.loss_type == "CE":
        criterion = nn.CrossEntropyLoss()
    else:
        # Fall 2021 configs have no `gamma` key; later terms set it under Train.
        criterion = FocalLoss(weight=per_cls_weights, gamma=getattr(args, 'gamma', 1))

    optimizer = torch.optim.SGD(model.parameters(), args.learning_rate,
                                momentum=args.momentum,
                                weight_decay=args.reg)
    best = 0.0
    best_cm = None
    best_model = None
    for epoch in range(args.epochs):
        adjust_learning_rate(optimizer, epoch, args)

        # train loop
        train(epoch, train_loader, model, optimizer, criterion)

        # validation loop
        acc, cm = validate(epoch, test_loader, model, criterion)

        if acc > best:
            best = acc
            best_cm = cm
            best_model = copy.deepcopy(model)

    print(f'Best Prec @1 Acccuracy: {best:.4f}')
    per_cls_acc = best_cm.diag().detach().numpy().tolist()
    for i, acc_i in enumerate(per_cls_acc):
        print(f"Accuracy of Class {i}: {acc_i:.4f}")

    if args.save_best:
        torch.save(best_model.state_dict(), './checkpoints/' + args.model.lower() + '.pth')


if __name__ == '__main__':
    main()
