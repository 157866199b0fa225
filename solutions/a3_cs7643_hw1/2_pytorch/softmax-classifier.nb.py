# %% [markdown]
# # Softmax Classifier using PyTorch (Q8.5)
#
# This notebook walks you through training a softmax classifier on CIFAR-10 with PyTorch.
# Data loading and scaffolding for a train loop are provided in `train.py`; you write
#
# - `models/softmax.py`: the `Softmax` module, one linear layer from the flattened image
#   (`3 * 32 * 32` values) to `n_classes` raw scores (`train.py`'s criterion,
#   `F.cross_entropy`, applies the softmax itself);
# - in `train.py`, `build_optimizer(model, args)`: the one line making an optimizer from
#   `torch.optim` with `args.lr`, `args.momentum` and `args.weight_decay`; and, in
#   `train(epoch)`, the update step (zero the gradients, forward, the loss named `loss`,
#   backward, step).
#
# ## Train the model
#
# In a terminal, from this folder:
#
#     sh run_softmax.sh
#
# It downloads CIFAR-10 into `data/` the first time, trains, prints progress lines
# (`Train Epoch: ... Train Loss: ... Val Loss: ... Val Acc: ...`) and, at the bottom, the
# test accuracy, all saved in `softmax.log`, and saves the trained model as `softmax.pt`.
# Tune the hyperparameters in `run_softmax.sh`.
#
# ## Plot the learning curves
#
# The cells below read `<model_name>.log` and save `<model_name>_lossvstrain.png` (train and
# val loss against iterations) and `<model_name>_valaccuracy.png` (val accuracy against
# iterations). Set `model_name` to `twolayernn`, `convnet` and `mymodel` for the other
# models (Q8.6-Q8.8).

# %%
import re

import matplotlib.pyplot as plt

# %matplotlib inline

# %%
model_name = 'softmax'

# %%
def parse_log(path):
    """The train losses, val losses and val accuracies of a train.py log, one per logged iteration."""
    train_loss, val_loss, val_acc = [], [], []
    with open(path) as f:
        for line in f:
            match = re.search(r'Train Loss: (\S+)\tVal Loss: (\S+)\tVal Acc: (\S+)', line)
            if match:
                train_loss.append(float(match.group(1)))
                val_loss.append(float(match.group(2)))
                val_acc.append(float(match.group(3)))
    return train_loss, val_loss, val_acc


# %%
train_loss, val_loss, val_acc = parse_log(model_name + '.log')

plt.figure()
plt.plot(train_loss, label='train')
plt.plot(val_loss, label='val')
plt.xlabel('iteration (logged every --log-interval batches)')
plt.ylabel('loss')
plt.title(model_name + ': loss')
plt.legend()
plt.savefig(model_name + '_lossvstrain.png', bbox_inches='tight')
plt.show()

plt.figure()
plt.plot(val_acc)
plt.xlabel('iteration (logged every --log-interval batches)')
plt.ylabel('val accuracy (%)')
plt.title(model_name + ': validation accuracy')
plt.savefig(model_name + '_valaccuracy.png', bbox_inches='tight')
plt.show()
