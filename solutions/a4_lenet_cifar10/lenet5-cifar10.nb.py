# %% [markdown]
# # ECE590-03 Homework 2, Lab 1: setting up the training pipeline (LeNet-5 on CIFAR-10)
#
# Complete Steps 1-5 below (the regions marked `Your code here`), train LeNet-5 and reach at
# least **63% validation accuracy**. The grader loads the best checkpoint this notebook saves
# (`saved_model/model.h5`, the dict `{'net': state_dict, 'epoch', 'lr'}`) into your `LeNet5`
# class and measures its validation accuracy itself: printed numbers are not graded.
#
# Use the course's loader `tools.dataset.CIFAR10` (not torchvision's): the course's data is a
# re-split, relabelled CIFAR-10 and only this loader reads it. Do not edit `tools/`.

# %%
# import necessary dependencies
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torchvision.transforms as transforms

# %% [markdown]
# ## LeNet-5 (Table 1 of the handout)
#
# Conv1 5x5, 6 filters, ReLU; MaxPool 2/2; Conv2 5x5, 16 filters, ReLU; MaxPool 2/2; flatten;
# FC1 120 ReLU; FC2 84 ReLU; FC3 10 (logits, no activation). No padding on either convolution.
# Name the layers `conv1`, `conv2`, `fc1`, `fc2`, `fc3`.

# %%
# define the LeNet-5 model
class LeNet5(nn.Module):
    def __init__(self):
        super().__init__()
        # {% if solution %}
        self.conv1 = nn.Conv2d(3, 6, kernel_size=5)
        self.conv2 = nn.Conv2d(6, 16, kernel_size=5)
        self.fc1 = nn.Linear(16 * 5 * 5, 120)
        self.fc2 = nn.Linear(120, 84)
        self.fc3 = nn.Linear(84, 10)
        # {% else %}
        #| raise NotImplementedError("LeNet5.__init__")
        # {% endif %}

    def forward(self, x):
        # {% if solution %}
        out = F.max_pool2d(F.relu(self.conv1(x)), 2, 2)
        out = F.max_pool2d(F.relu(self.conv2(out)), 2, 2)
        out = torch.flatten(out, 1)
        out = F.relu(self.fc1(out))
        out = F.relu(self.fc2(out))
        out = self.fc3(out)
        # {% else %}
        #| raise NotImplementedError("LeNet5.forward")
        # {% endif %}
        return out

# %% [markdown]
# ## Hyper-parameters (do NOT change DATA_ROOT and the loader import)

# %%
# Setting some hyperparameters
TRAIN_BATCH_SIZE = 128
VAL_BATCH_SIZE = 100
INITIAL_LR = 0.01
MOMENTUM = 0.9
REG = 1e-4
EPOCHS = 30
DECAY_EPOCHS = 10
DECAY = 0.5
DATA_ROOT = "./data"
CHECKPOINT_FOLDER = "./saved_model"
CKPT_PATH = "./saved_model/model.h5"
TRAIN_FROM_SCRATCH = True
# the 2019 template's names
DATAROOT = DATA_ROOT
CHECKPOINT_PATH = CHECKPOINT_FOLDER

# {% if solution %}
# %%
# The reference run (instructor/train_reference.py) may shorten the training: A4_EPOCHS=3.
if os.environ.get("A4_EPOCHS"):
    EPOCHS = int(os.environ["A4_EPOCHS"])
torch.manual_seed(0)
# {% endif %}

# %% [markdown]
# ## Step 1: data transforms
#
# Normalise every image to zero mean and unit variance per channel with the CIFAR-10
# statistics below (after `ToTensor`, which scales pixels to [0, 1]). Random crops and
# flips are allowed in `transform_train`.

# %%
CIFAR_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR_STD = (0.2023, 0.1994, 0.2010)
# {% if solution %}
transform_train = transforms.Compose([
    transforms.ToTensor(),
    transforms.Normalize(CIFAR_MEAN, CIFAR_STD),
])
transform_val = transforms.Compose([
    transforms.ToTensor(),
    transforms.Normalize(CIFAR_MEAN, CIFAR_STD),
])
# {% else %}
#| # Your code here: transform_train = transforms.Compose([...]); transform_val = ...
#| transform_train = None
#| transform_val = None
# {% endif %}

# %% [markdown]
# ## Step 2: the data I/O pipeline

# %%
# You cannot change this line.
from tools.dataset import CIFAR10  # noqa: E402

# %%
# {% if solution %}
train_set = CIFAR10(root=DATA_ROOT, mode='train', download=False, transform=transform_train)
train_loader = torch.utils.data.DataLoader(train_set, batch_size=TRAIN_BATCH_SIZE, shuffle=True, num_workers=0)
val_set = CIFAR10(root=DATA_ROOT, mode='val', download=False, transform=transform_val)
val_loader = torch.utils.data.DataLoader(val_set, batch_size=VAL_BATCH_SIZE, shuffle=False, num_workers=0)
# {% else %}
#| # Your code here: train_set, train_loader, val_set, val_loader
#| train_set = train_loader = val_set = val_loader = None
# {% endif %}

# %% [markdown]
# ## Step 3: instantiate the model and deploy it to the GPU (if there is one)

# %%
device = 'cuda' if torch.cuda.is_available() else 'cpu'
# {% if solution %}
net = LeNet5().to(device)
# {% else %}
#| net = None  # Your code here
# {% endif %}

# %% [markdown]
# ## Step 4: loss function and optimizer
#
# Cross-entropy loss; SGD with momentum `MOMENTUM` (0.9) and L2 regularisation `REG` through
# the optimizer's `weight_decay`.

# %%
# {% if solution %}
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=INITIAL_LR, momentum=MOMENTUM, weight_decay=REG)
# {% else %}
#| criterion = None  # Your code here
#| optimizer = None  # Your code here
# {% endif %}

# %% [markdown]
# ## Step 5: train, validate, keep the best checkpoint
#
# Each epoch: switch to training mode, loop over `train_loader` (forward, loss, backward,
# step), print the training loss and accuracy; then in evaluation mode without gradients
# loop over `val_loader` and print the validation loss and accuracy. Save the best model so
# far as `torch.save({'net': net.state_dict(), 'epoch': i, 'lr': current_learning_rate}, CKPT_PATH)`.
# Decay the learning rate by `DECAY` every `DECAY_EPOCHS` epochs.

# %%
def get_checkpoint(ckpt_path):
    """The saved dict {'net', 'epoch', 'lr'}, or None when there is none."""
    try:
        return torch.load(ckpt_path, map_location='cpu', weights_only=True)
    except FileNotFoundError:
        return None

# %%
os.makedirs(CHECKPOINT_FOLDER, exist_ok=True)
best_val_acc = 0
current_learning_rate = INITIAL_LR
start_epoch = 0
ckpt = None if TRAIN_FROM_SCRATCH else get_checkpoint(CKPT_PATH)
if ckpt is not None:
    net.load_state_dict(ckpt['net'])
    start_epoch, current_learning_rate = ckpt['epoch'] + 1, ckpt['lr']
    for param_group in optimizer.param_groups:
        param_group['lr'] = current_learning_rate

print("==> Training starts!")
print("=" * 50)
# {% if solution %}
with torch.no_grad():
    net.eval()
    images, labels = next(iter(val_loader))
    initial_loss = criterion(net(images.to(device)), labels.to(device)).item()
    print(f"Initial loss: {initial_loss:.4f} (ln 10 = {np.log(10):.4f})")
for i in range(start_epoch, EPOCHS):
    print(f"Epoch {i}:")
    net.train()
    total_examples, correct_examples, train_loss = 0, 0, 0.0
    for inputs, targets in train_loader:
        inputs, targets = inputs.to(device), targets.to(device)
        optimizer.zero_grad()
        outputs = net(inputs)
        loss = criterion(outputs, targets)
        loss.backward()
        optimizer.step()
        train_loss += loss.item() * len(targets)
        correct_examples += (outputs.argmax(1) == targets).sum().item()
        total_examples += len(targets)
    print(f"Training loss: {train_loss / total_examples:.4f}, "
          f"Training accuracy: {correct_examples / total_examples:.4f}")
    net.eval()
    total_examples, correct_examples, val_loss = 0, 0, 0.0
    with torch.no_grad():
        for inputs, targets in val_loader:
            inputs, targets = inputs.to(device), targets.to(device)
            outputs = net(inputs)
            val_loss += criterion(outputs, targets).item() * len(targets)
            correct_examples += (outputs.argmax(1) == targets).sum().item()
            total_examples += len(targets)
    val_acc = correct_examples / total_examples
    print(f"Validation loss: {val_loss / total_examples:.4f}, Validation accuracy: {val_acc:.4f}")
    if i % DECAY_EPOCHS == DECAY_EPOCHS - 1:
        current_learning_rate *= DECAY
        for param_group in optimizer.param_groups:
            param_group['lr'] = current_learning_rate
        print(f"Current learning rate has decayed to {current_learning_rate:f}")
    if val_acc > best_val_acc:
        best_val_acc = val_acc
        print("Saving ...")
        torch.save({'net': net.state_dict(), 'epoch': i, 'lr': current_learning_rate}, CKPT_PATH)
# {% else %}
#| # Your code here: the training and validation loop
# {% endif %}
print("=" * 50)
print(f"==> Optimization finished! Best validation accuracy: {best_val_acc:.4f}")

# %% [markdown]
# ## Questions (answer them in your report)
#
# (a) How could you check that your LeNet-5 behaves as expected? (g) What is the initial loss
# before any training step, and how is it related to the number of classes? (h, bonus) Try
# Kaiming-normal initialisation (`nn.init.kaiming_normal_`): what changes?
