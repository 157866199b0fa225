# %% [markdown]
# # ECE590-03 Homework 2, Lab 2: improving the training pipeline
#
# Start from your Lab 1 notebook (copy its Steps 1-5 here) and improve it, for at most 100
# epochs, to at least **70% validation accuracy**:
#
# - (a) data augmentation: random crop and random horizontal flip in `transform_train`;
# - (b) `LeNet5` with batch normalisation after every convolution and fully connected layer
#   except the last, and your own `Swish` activation (`x * sigmoid(x)`) instead of every ReLU;
# - (c) the learning-rate sweep (every value of `LR_VALUES`) and the L2 sweep (every value of
#   `REG_VALUES`), their best validation accuracies saved to `saved_model/sweeps.json` by the
#   cell below; bonus: an L1 penalty added to the loss (`l1_penalty`), not `weight_decay`.
#
# The grader loads `saved_model/model-dev.h5` (`{'net', 'epoch', 'lr'}`) into this notebook's
# `LeNet5` and measures the validation accuracy itself.

# %%
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.optim as optim
import torchvision.transforms as transforms

# You cannot change this line.
from tools.dataset import CIFAR10

# %%
TRAIN_BATCH_SIZE = 128
VAL_BATCH_SIZE = 100
INITIAL_LR = 0.05
MOMENTUM = 0.9
REG = 5e-4
EPOCHS = 30
DECAY_EPOCHS = 10
DECAY = 0.3
DATA_ROOT = "./data"
CHECKPOINT_FOLDER = "./saved_model"
CKPT_PATH = "./saved_model/model-dev.h5"
SWEEP_EPOCHS = 5
LR_VALUES = [1.0, 0.1, 0.05, 0.02, 0.01, 0.005, 0.002, 0.001]
REG_VALUES = [0.01, 0.001, 0.0001, 0.00001, 0.0]
CIFAR_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR_STD = (0.2023, 0.1994, 0.2010)

# {% if solution %}
# %%
# The reference run (instructor/train_reference.py) may shorten the training: A4_EPOCHS=3.
if os.environ.get("A4_EPOCHS"):
    EPOCHS = int(os.environ["A4_EPOCHS"])
if os.environ.get("A4_SWEEP_EPOCHS"):
    SWEEP_EPOCHS = int(os.environ["A4_SWEEP_EPOCHS"])
torch.manual_seed(0)
# {% endif %}

# %% [markdown]
# ## (a) Data augmentation

# %%
# {% if solution %}
transform_train = transforms.Compose([
    transforms.RandomCrop(32, padding=4),
    transforms.RandomHorizontalFlip(),
    transforms.ToTensor(),
    transforms.Normalize(CIFAR_MEAN, CIFAR_STD),
])
# {% else %}
#| transform_train = None  # Your code here
# {% endif %}
transform_val = transforms.Compose([
    transforms.ToTensor(),
    transforms.Normalize(CIFAR_MEAN, CIFAR_STD),
])

# %% [markdown]
# ## (b) Swish and the improved LeNet5

# %%
class Swish(nn.Module):
    """Swish (Ramachandran et al., 2017, beta = 1): x * sigmoid(x)."""

    def forward(self, x):
        # {% if solution %}
        return x * torch.sigmoid(x)
        # {% else %}
        #| raise NotImplementedError("Swish.forward")
        # {% endif %}


class LeNet5(nn.Module):
    """LeNet-5 of Lab 1 with batch normalisation after every layer but the last, and Swish."""

    def __init__(self):
        super().__init__()
        # {% if solution %}
        self.conv1 = nn.Conv2d(3, 6, kernel_size=5)
        self.bn1 = nn.BatchNorm2d(6)
        self.conv2 = nn.Conv2d(6, 16, kernel_size=5)
        self.bn2 = nn.BatchNorm2d(16)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.bn3 = nn.BatchNorm1d(120)
        self.fc2 = nn.Linear(120, 84)
        self.bn4 = nn.BatchNorm1d(84)
        self.fc3 = nn.Linear(84, 10)
        self.act = Swish()
        self.pool = nn.MaxPool2d(2, 2)
        # {% else %}
        #| raise NotImplementedError("LeNet5.__init__")
        # {% endif %}

    def forward(self, x):
        # {% if solution %}
        out = self.pool(self.act(self.bn1(self.conv1(x))))
        out = self.pool(self.act(self.bn2(self.conv2(out))))
        out = torch.flatten(out, 1)
        out = self.act(self.bn3(self.fc1(out)))
        out = self.act(self.bn4(self.fc2(out)))
        out = self.fc3(out)
        # {% else %}
        #| raise NotImplementedError("LeNet5.forward")
        # {% endif %}
        return out

# %% [markdown]
# ## (c, bonus) The L1 penalty: added to the loss, so `weight_decay` stays 0

# %%
def l1_penalty(net, strength):
    """strength * the sum of the absolute values of every weight of `net` (a tensor with gradient)."""
    # {% if solution %}
    return strength * sum(p.abs().sum() for name, p in net.named_parameters() if name.endswith('weight'))
    # {% else %}
    #| raise NotImplementedError("l1_penalty")
    # {% endif %}

# %% [markdown]
# ## The training pipeline of Lab 1, as a function the sweeps can call

# %%
def train(net, optimizer, train_loader, val_loader, epochs, device, l1=0.0, ckpt_path=None,
          decay_epochs=DECAY_EPOCHS, decay=DECAY):
    """Train `net` for `epochs`, return the best validation accuracy (saved to ckpt_path if given)."""
    criterion = nn.CrossEntropyLoss()
    best_val_acc, lr = 0.0, optimizer.param_groups[0]['lr']
    for i in range(epochs):
        net.train()
        for inputs, targets in train_loader:
            inputs, targets = inputs.to(device), targets.to(device)
            optimizer.zero_grad()
            loss = criterion(net(inputs), targets)
            if l1:
                loss = loss + l1_penalty(net, l1)
            loss.backward()
            optimizer.step()
        net.eval()
        correct, total = 0, 0
        with torch.no_grad():
            for inputs, targets in val_loader:
                outputs = net(inputs.to(device))
                correct += (outputs.argmax(1).cpu() == targets).sum().item()
                total += len(targets)
        val_acc = correct / total
        print(f"Epoch {i}: validation accuracy {val_acc:.4f}")
        if i % decay_epochs == decay_epochs - 1:
            lr *= decay
            for group in optimizer.param_groups:
                group['lr'] = lr
        if val_acc > best_val_acc:
            best_val_acc = val_acc
            if ckpt_path:
                torch.save({'net': net.state_dict(), 'epoch': i, 'lr': lr}, ckpt_path)
    return best_val_acc

# %%
device = 'cuda' if torch.cuda.is_available() else 'cpu'
os.makedirs(CHECKPOINT_FOLDER, exist_ok=True)
# {% if solution %}
train_set = CIFAR10(root=DATA_ROOT, mode='train', download=False, transform=transform_train)
train_loader = torch.utils.data.DataLoader(train_set, batch_size=TRAIN_BATCH_SIZE, shuffle=True, num_workers=0)
val_set = CIFAR10(root=DATA_ROOT, mode='val', download=False, transform=transform_val)
val_loader = torch.utils.data.DataLoader(val_set, batch_size=VAL_BATCH_SIZE, shuffle=False, num_workers=0)
# {% else %}
#| train_set = train_loader = val_set = val_loader = None  # Your code here (as in Lab 1)
# {% endif %}

# %% [markdown]
# The final model: at least 70% validation accuracy, checkpoint in `CKPT_PATH`.

# %%
# {% if solution %}
net = LeNet5().to(device)
optimizer = optim.SGD(net.parameters(), lr=INITIAL_LR, momentum=MOMENTUM, weight_decay=REG)
best_val_acc = train(net, optimizer, train_loader, val_loader, EPOCHS, device, ckpt_path=CKPT_PATH)
print(f"Best validation accuracy: {best_val_acc:.4f}")
# {% else %}
#| # Your code here
# {% endif %}

# %% [markdown]
# The sweeps: the best validation accuracy after `SWEEP_EPOCHS` epochs for every value.

# %%
sweeps = {"lr": {}, "l2": {}}
# {% if solution %}
for lr in LR_VALUES:
    torch.manual_seed(0)
    model = LeNet5().to(device)
    sweeps["lr"][str(lr)] = train(model, optim.SGD(model.parameters(), lr=lr, momentum=MOMENTUM, weight_decay=REG),
                                  train_loader, val_loader, SWEEP_EPOCHS, device)
for reg in REG_VALUES:
    torch.manual_seed(0)
    model = LeNet5().to(device)
    sweeps["l2"][str(reg)] = train(model, optim.SGD(model.parameters(), lr=INITIAL_LR, momentum=MOMENTUM,
                                                    weight_decay=reg),
                                   train_loader, val_loader, SWEEP_EPOCHS, device)
# {% else %}
#| # Your code here: fill sweeps["lr"][str(lr)] and sweeps["l2"][str(reg)] with validation accuracies
# {% endif %}
with open(os.path.join(CHECKPOINT_FOLDER, "sweeps.json"), "w") as f:
    json.dump(sweeps, f, indent=1)
print(json.dumps(sweeps, indent=1))

# %% [markdown]
# Bonus: L1 instead of L2 (`weight_decay=0`, the penalty in the loss); compare the weight
# histograms of the two models in your report.

# %%
# {% if solution %}
torch.manual_seed(0)
l1_net = LeNet5().to(device)
l1_acc = train(l1_net, optim.SGD(l1_net.parameters(), lr=INITIAL_LR, momentum=MOMENTUM, weight_decay=0.0),
               train_loader, val_loader, SWEEP_EPOCHS, device, l1=1e-5)
weights = np.concatenate([p.detach().cpu().numpy().ravel() for n, p in l1_net.named_parameters()
                          if n.endswith('weight')])
print(f"L1: validation accuracy {l1_acc:.4f}, {100 * np.mean(np.abs(weights) < 1e-3):.1f}% of weights below 1e-3")
# {% else %}
#| # Your code here (bonus)
# {% endif %}
