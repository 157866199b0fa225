"""Train one of the CIFAR-10 models, log its progress, report its test accuracy, save it.

    python -u train.py --model softmax --epochs 1 --weight-decay 0.0 --momentum 0.0 \
        --batch-size 512 --lr 0.01 | tee softmax.log

(the run_*.sh scripts). The script part runs only under `python train.py`, so the grader
can import this file and call build_optimizer and train (README, "How it is graded").
"""

import argparse

# You can implement your own models here for better performance
import models.convnet
import models.mymodel
import models.softmax
import models.twolayernn
import torch
import torch.nn.functional as F
import torchvision.transforms as transforms
from cifar10 import CIFAR10

# Training settings
parser = argparse.ArgumentParser(description='CIFAR-10 Example')
# Hyperparameters
parser.add_argument('--lr', type=float, metavar='LR',
                    help='learning rate')
parser.add_argument('--momentum', type=float, metavar='M',
                    help='SGD momentum')
parser.add_argument('--weight-decay', type=float, default=0.0,
                    help='Weight decay hyperparameter')
parser.add_argument('--batch-size', type=int, metavar='N',
                    help='input batch size for training')
parser.add_argument('--epochs', type=int, metavar='N',
                    help='number of epochs to train')
parser.add_argument('--model',
                    choices=['softmax', 'convnet', 'twolayernn', 'mymodel'],
                    help='which model to train/evaluate')
parser.add_argument('--hidden-dim', type=int,
                    help='number of hidden features/activations')
parser.add_argument('--kernel-size', type=int,
                    help='size of convolution kernels/filters')
# Other configuration
parser.add_argument('--no-cuda', action='store_true', default=False,
                    help='disables CUDA training')
parser.add_argument('--seed', type=int, default=1, metavar='S',
                    help='random seed (default: 1)')
parser.add_argument('--test-batch-size', type=int, default=1000, metavar='N',
                    help='input batch size for testing (default: 1000)')
parser.add_argument('--log-interval', type=int, default=10, metavar='N',
                    help='number of batches between logging train status')
parser.add_argument('--cifar10-dir', default='data',
                    help='directory that contains cifar-10-batches-py/ '
                         '(downloaded automatically if necessary)')

# CIFAR10 meta data
n_classes = 10
im_size = (3, 32, 32)
# Subtract the mean color and divide by standard deviation. The mean image
# from part 1 of this homework was essentially a big gray blob, so
# subtracting the same color for all pixels doesn't make much difference.
# mean color of training images
cifar10_mean_color = [0.49131522, 0.48209435, 0.44646862]
# std dev of color across training images
cifar10_std_color = [0.01897398, 0.03039277, 0.03872553]
transform = transforms.Compose([
    transforms.ToTensor(),
    transforms.Normalize(cifar10_mean_color, cifar10_std_color),
])
# cross-entropy loss function
criterion = F.cross_entropy


def build_optimizer(model, args):
    '''
    Return the optimizer train() uses to update the parameters of model.

    Arguments:
        model (nn.Module): the model being trained
        args (argparse.Namespace): the parsed command line (args.lr,
            args.momentum, args.weight_decay, ...)
    '''
    optimizer = None
    #############################################################################
    # TODO: Initialize an optimizer from the torch.optim package using the
    # appropriate hyperparameters found in args. This only requires one line.
    #############################################################################
    raise NotImplementedError("build_optimizer")
    #############################################################################
    #                             END OF YOUR CODE                              #
    #############################################################################
    return optimizer


def train(epoch):
    '''
    Train the model for one epoch.
    '''
    # Some models use slightly different forward passes and train and test
    # time (e.g., any model with Dropout). This puts the model in train mode
    # (as opposed to eval mode) so it knows which one to use.
    model.train()
    # train loop
    for batch_idx, batch in enumerate(train_loader):
        # prepare data
        images, targets = batch[0], batch[1]
        if args.cuda:
            images, targets = images.cuda(), targets.cuda()
        #############################################################################
        # TODO: Update the parameters in model using the optimizer from above.
        # This only requires a couple lines of code. Name the batch's loss `loss`:
        # the logging below reads it.
        #############################################################################
        raise NotImplementedError("train: the update step")
        #############################################################################
        #                             END OF YOUR CODE                              #
        #############################################################################
        if batch_idx % args.log_interval == 0:
            val_loss, val_acc = evaluate('val', n_batches=4)
            model.train()  # evaluate() put the model in eval mode
            train_loss = loss.item()
            examples_this_epoch = batch_idx * len(images)
            epoch_progress = 100. * batch_idx / len(train_loader)
            print(f'Train Epoch: {epoch} [{examples_this_epoch}/{len(train_loader.dataset)} '
                  f'({epoch_progress:.0f}%)]\tTrain Loss: {train_loss:.6f}\t'
                  f'Val Loss: {val_loss:.6f}\tVal Acc: {val_acc}')


def evaluate(split, verbose=False, n_batches=None):
    '''
    Compute loss on val or test data.
    '''
    model.eval()
    loss = 0
    correct = 0
    n_examples = 0
    if split == 'val':
        loader = val_loader
    elif split == 'test':
        loader = test_loader
    with torch.no_grad():
        for batch_i, batch in enumerate(loader):
            data, target = batch
            if args.cuda:
                data, target = data.cuda(), target.cuda()
            output = model(data)
            loss += criterion(output, target, reduction='sum').item()
            # predict the argmax of the log-probabilities
            pred = output.max(1, keepdim=True)[1]
            correct += pred.eq(target.view_as(pred)).cpu().sum().item()
            n_examples += pred.size(0)
            if n_batches and (batch_i >= n_batches):
                break

    loss /= n_examples
    acc = 100. * correct / n_examples
    if verbose:
        print(f'\n{split} set: Average loss: {loss:.4f}, Accuracy: {correct}/{n_examples} ({acc:.0f}%)\n')
    return loss, acc


if __name__ == '__main__':
    args = parser.parse_args()
    args.cuda = not args.no_cuda and torch.cuda.is_available()

    torch.manual_seed(args.seed)
    if args.cuda:
        torch.cuda.manual_seed(args.seed)

    # Load CIFAR10 using torch data paradigm
    kwargs = {'num_workers': 1, 'pin_memory': True} if args.cuda else {}
    # Datasets
    train_dataset = CIFAR10(args.cifar10_dir, split='train', download=True,
                            transform=transform)
    val_dataset = CIFAR10(args.cifar10_dir, split='val', download=True,
                          transform=transform)
    test_dataset = CIFAR10(args.cifar10_dir, split='test', download=True,
                           transform=transform)
    # DataLoaders
    train_loader = torch.utils.data.DataLoader(train_dataset,
                                               batch_size=args.batch_size, shuffle=True, **kwargs)
    val_loader = torch.utils.data.DataLoader(val_dataset,
                                             batch_size=args.batch_size, shuffle=True, **kwargs)
    test_loader = torch.utils.data.DataLoader(test_dataset,
                                              batch_size=args.batch_size, shuffle=True, **kwargs)

    # Load the model
    if args.model == 'softmax':
        model = models.softmax.Softmax(im_size, n_classes)
    elif args.model == 'twolayernn':
        model = models.twolayernn.TwoLayerNN(im_size, args.hidden_dim, n_classes)
    elif args.model == 'convnet':
        model = models.convnet.CNN(im_size, args.hidden_dim, args.kernel_size,
                                   n_classes)
    elif args.model == 'mymodel':
        model = models.mymodel.MyModel(im_size, args.hidden_dim,
                                       args.kernel_size, n_classes)
    else:
        raise Exception(f'Unknown model {args.model}')
    if args.cuda:
        model.cuda()

    optimizer = build_optimizer(model, args)

    # train the model one epoch at a time
    for epoch in range(1, args.epochs + 1):
        train(epoch)
    evaluate('test', verbose=True)

    # Save the model (architecture and weights)
    torch.save(model, args.model + '.pt')
    # Later you can call torch.load(file, weights_only=False) to re-load the trained
    # model into python (your own file only: loading it runs the pickle it holds).
    # See https://pytorch.org/docs/stable/notes/serialization.html for more details
