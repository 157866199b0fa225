# %% [markdown]
# # ECE590-03 Homework 2, Lab 3: ResNet-20 on CIFAR-10
#
# Start from your Lab 2 notebook. Implement ResNet-20 yourself (He et al. 2016, section 4.2;
# do not copy code, do not use pretrained models): a 3x3 convolution with 16 filters, then
# three stages of three basic blocks with 16, 32 and 64 filters (the first block of stages
# 2 and 3 has stride 2, and its shortcut projects to the new shape), global average pooling
# and a fully connected layer to the 10 classes: 20 weighted layers, about 0.27M parameters.
#
# Tune it to more than **90%** accuracy (at most 200 epochs), then predict the held-out test
# set of `tools/dataloader_test.py`, in its order, into `predictions.csv` (the format of
# `sample.csv`: header `Id,Category`, one row per test image). The 12 points of (b) come from
# `predictions.csv`, scored against the test labels only the course staff hold.

# %%
import os

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim
import torchvision.transforms as transforms

# You cannot change these lines.
from tools.dataloader_test import TESTSET
from tools.dataset import CIFAR10

# %%
TRAIN_BATCH_SIZE = 128
VAL_BATCH_SIZE = 100
INITIAL_LR = 0.1
MOMENTUM = 0.9
REG = 1e-4
EPOCHS = 200
DATA_ROOT = "./data"
CHECKPOINT_FOLDER = "./saved_model"
CKPT_PATH = "./saved_model/resnet20.h5"
PREDICTIONS_PATH = "./predictions.csv"
CIFAR_MEAN = (0.4914, 0.4822, 0.4465)
CIFAR_STD = (0.2023, 0.1994, 0.2010)

# {% if solution %}
# %%
# The reference run (instructor/train_reference.py) trains for A4_RESNET_EPOCHS epochs.
if os.environ.get("A4_RESNET_EPOCHS"):
    EPOCHS = int(os.environ["A4_RESNET_EPOCHS"])
torch.manual_seed(0)
# {% endif %}

# %%
transform_train = transforms.Compose([
    transforms.RandomCrop(32, padding=4),
    transforms.RandomHorizontalFlip(),
    transforms.ToTensor(),
    transforms.Normalize(CIFAR_MEAN, CIFAR_STD),
])
transform_val = transforms.Compose([
    transforms.ToTensor(),
    transforms.Normalize(CIFAR_MEAN, CIFAR_STD),
])

# %% [markdown]
# ## (a) ResNet-20

# %%
class BasicBlock(nn.Module):
    """Two 3x3 convolutions with batch normalisation, and the shortcut added before the last ReLU."""

    def __init__(self, in_planes, planes, stride=1):
        super().__init__()
        # {% if solution %}
        self.conv1 = nn.Conv2d(in_planes, planes, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = nn.Sequential()
        if stride != 1 or in_planes != planes:
            self.shortcut = nn.Sequential(
                nn.Conv2d(in_planes, planes, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(planes),
            )
        # {% else %}
        #| raise NotImplementedError("BasicBlock.__init__")
        # {% endif %}

    def forward(self, x):
        # {% if solution %}
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        out = F.relu(out + self.shortcut(x))
        # {% else %}
        #| raise NotImplementedError("BasicBlock.forward")
        # {% endif %}
        return out


class ResNet20(nn.Module):
    """ResNet-20 for 32x32 CIFAR-10 images: logits (N, 10)."""

    def __init__(self, num_classes=10):
        super().__init__()
        # {% if solution %}
        self.conv1 = nn.Conv2d(3, 16, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(16)
        self.layer1 = nn.Sequential(*[BasicBlock(16, 16, 1) for _ in range(3)])
        self.layer2 = nn.Sequential(BasicBlock(16, 32, 2), BasicBlock(32, 32), BasicBlock(32, 32))
        self.layer3 = nn.Sequential(BasicBlock(32, 64, 2), BasicBlock(64, 64), BasicBlock(64, 64))
        self.fc = nn.Linear(64, num_classes)
        # {% else %}
        #| raise NotImplementedError("ResNet20.__init__")
        # {% endif %}

    def forward(self, x):
        # {% if solution %}
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.layer3(self.layer2(self.layer1(out)))
        out = F.adaptive_avg_pool2d(out, 1).flatten(1)
        out = self.fc(out)
        # {% else %}
        #| raise NotImplementedError("ResNet20.forward")
        # {% endif %}
        return out

# %% [markdown]
# ## Writing the predictions
#
# `write_predictions(net, loader, path, device)`: run `net` over the test `loader` (built with
# `shuffle=False`, so item i of the loader is test image i) and write `path` as `sample.csv`
# shows it: the header `Id,Category`, then one row `<image index>,<predicted class>` per image.

# %%
def write_predictions(net, loader, path, device='cpu'):
    """Predict every image of `loader` in order and write them to `path` (Id,Category)."""
    # {% if solution %}
    net.eval()
    predicted = []
    with torch.no_grad():
        for inputs in loader:
            predicted.append(net(inputs.to(device)).argmax(1).cpu())
    predicted = torch.cat(predicted).tolist()
    with open(path, 'w') as f:
        f.write('Id,Category\n')
        for index, label in enumerate(predicted):
            f.write(f'{index},{label}\n')
    # {% else %}
    #| raise NotImplementedError("write_predictions")
    # {% endif %}

# %% [markdown]
# ## (b) Training ResNet-20, then predictions.csv

# %%
device = 'cuda' if torch.cuda.is_available() else 'cpu'
os.makedirs(CHECKPOINT_FOLDER, exist_ok=True)
# {% if solution %}
train_set = CIFAR10(root=DATA_ROOT, mode='train', download=False, transform=transform_train)
train_loader = torch.utils.data.DataLoader(train_set, batch_size=TRAIN_BATCH_SIZE, shuffle=True, num_workers=0)
val_set = CIFAR10(root=DATA_ROOT, mode='val', download=False, transform=transform_val)
val_loader = torch.utils.data.DataLoader(val_set, batch_size=VAL_BATCH_SIZE, shuffle=False, num_workers=0)
net = ResNet20().to(device)
criterion = nn.CrossEntropyLoss()
optimizer = optim.SGD(net.parameters(), lr=INITIAL_LR, momentum=MOMENTUM, weight_decay=REG, nesterov=True)
scheduler = optim.lr_scheduler.OneCycleLR(optimizer, max_lr=INITIAL_LR, epochs=EPOCHS,
                                          steps_per_epoch=len(train_loader))
best_val_acc = 0.0
for i in range(EPOCHS):
    net.train()
    for inputs, targets in train_loader:
        inputs, targets = inputs.to(device), targets.to(device)
        optimizer.zero_grad()
        loss = criterion(net(inputs), targets)
        loss.backward()
        optimizer.step()
        scheduler.step()
    net.eval()
    correct = 0
    with torch.no_grad():
        for inputs, targets in val_loader:
            correct += (net(inputs.to(device)).argmax(1).cpu() == targets).sum().item()
    val_acc = correct / len(val_set)
    print(f"Epoch {i}: training loss {loss.item():.4f}, validation accuracy {val_acc:.4f}")
    if val_acc >= best_val_acc:
        best_val_acc = val_acc
        torch.save({'net': net.state_dict(), 'epoch': i, 'lr': scheduler.get_last_lr()[0]}, CKPT_PATH)
print(f"Best validation accuracy: {best_val_acc:.4f}")
net.load_state_dict(torch.load(CKPT_PATH, map_location=device, weights_only=True)['net'])
# {% else %}
#| # Your code here: train ResNet20 (as in Lab 2), keep the best checkpoint in CKPT_PATH
# {% endif %}

# %%
test_set = TESTSET(root=DATA_ROOT, transform=transform_val)
test_loader = torch.utils.data.DataLoader(test_set, batch_size=VAL_BATCH_SIZE, shuffle=False, num_workers=0)
write_predictions(net, test_loader, PREDICTIONS_PATH, device)
