# %% [markdown]
# # Assignment Two
#
# ## 1 Deep Learning Course
#
# ### 1.1 Assignment 2
#
# #### 1.1.1 Assignment Goals
#
# - Design and implementation of CNNs.
# - CNN visualization.
# - Implementation of ResNet.
#
# In this assignment, you will be asked to learn CNN models for an image dataset. Different
# experiments will help you achieve a better understanding of CNNs.
#
# #### 1.1.2 Dataset
#
# The dataset consists of around 9K images (some grayscale and some RGB) belonging to 101
# classes (Caltech-101). The shape of each image is (64,64,3). Every image is labeled with
# one of the classes. The image file is contained in the folder named after the class name.
#
# Run `bash data/get_data.sh` once: it downloads Caltech-101 and writes the split this
# notebook reads, `data/train/<class>/image_XXXX.jpg` (90 percent) and
# `data/val/<class>/image_XXXX.jpg` (10 percent), every image converted to RGB and resized
# to 64x64. The helpers in `a2_helpers.py` (optional) read them with torchvision's
# `ImageFolder`: the label of an image is the index of its class folder in sorted order
# (0 to 100).
#
# **Normalisation.** The helpers scale every image to [0, 1] and normalise each channel
# with `MEAN` and `STD` (ImageNet's statistics): `(x - MEAN) / STD`. The grader scores your
# saved models on the validation images normalised exactly so (`data/val_images.npy`, as
# `(x / 255 - MEAN) / STD`), so train and validate with this normalisation.
#
# #### 1.1.3 Requirements
#
# **1. (40 points) Implement and improve a CNN model.**
#
# (a) Use PyTorch to implement LeNet5 to classify the images. Use a one-hot encoding for
# labels. Report the model loss (cross-entropy) and accuracy on both training and validation
# sets. (20 points)
#
# (b) Try to improve model accuracy on the validation set by tuning the model
# hyperparameters (dropout, L1/L2 regularization, improved initialization such as Xavier,
# batch normalization, or anything else). You are expected to reach at least 65 percent
# validation accuracy: 5 points for the correctness of your implementation, and for the
# validation accuracy 65% -> 5 points, 67% -> 8, 69% -> 12, 71% -> 15. (20 points)
#
# **2. (20 points) Visualize layer activation** of the first and the second conv layer of
# your LeNet5, on `accordion/image_0001` and `camera/image_0001`.
#
# **3. (40 points) ResNet Implementation.** Implement ResNet-18 and train it on the same
# data with one-hot labels; report loss and accuracy on the training and validation sets.
# Graded mainly on the implementation and on the validation accuracy.
#
# #### 1.1.4 Submission Notes
#
# Submit this notebook (`assignment2.ipynb`) with its outputs, the same notebook exported as
# `.html` or `.pdf` (without an export: 10 points off), and the checkpoints it saves in
# `checkpoints/`. `bash collect_submission.sh` makes the HTML export and the zip.
#
# **How it is graded.** The grader imports this notebook's imports, functions, classes and
# constants (nothing that trains or plots at top level runs) and calls them: `LeNet5`,
# `LeNet5Improved`, `to_one_hot`, `train_one_epoch`, `evaluate`, `get_activations`,
# `plot_activations`, `BasicBlock` and `ResNet18`, with the signatures given below. Keep
# those names and signatures; everything the grader needs must be a function or a class.
# It loads `checkpoints/lenet5_improved.pth` into `LeNet5Improved()` and
# `checkpoints/resnet18.pth` into `ResNet18()` (each `model.state_dict()`, saved with
# `torch.save`) and measures their validation accuracy itself. Run
# `python -m unittest discover -s tests` to run the public tests on this notebook.

# %%
import os

import matplotlib.pyplot as plt
import torch
import torch.nn as nn
import torch.nn.functional as F
from a2_helpers import MEAN, STD, get_loaders, load_image
from torchvision import transforms

NUM_CLASSES = 101
DATA_ROOT = "data"

# %% [markdown]
# # 1.2 Your Implementation
#
# ## 1.2.1 Implement and improve a CNN model
#
# The LeNet5 configuration is:
#
# - Convolutional layer (kernel size 5 x 5, 32 filters, stride 1 x 1 and followed by ReLU)
# - Max Pooling layer with size 4 and stride 4 x 4
# - Convolutional layer (kernel size 5 x 5, 64 filters, stride 1 x 1 and followed by ReLU)
# - Max Pooling layer with size 4 and stride 4 x 4
# - Fully Connected ReLU layer that has 1021 neurons
# - Fully Connected ReLU layer with 84 neurons
# - Fully Connected Softmax layer that has input 84 and output which is equal to the number
#   of classes (one node for each of the classes).
#
# Notes on this kit's conventions:
#
# - **Padding** is not given. Use padding 2 in both convolutions (each keeps its input's
#   size: 64 -> 16 after the first pooling, 16 -> 4 after the second, so `fc1` has
#   64 * 4 * 4 = 1024 inputs) or no padding at all (64 -> 60 -> 15 -> 11 -> 2, `fc1` has
#   64 * 2 * 2 = 256 inputs). The tests accept both.
# - **The softmax layer**: `forward` returns the 101 scores of the last linear layer (the
#   logits). The cross-entropy loss applies the softmax itself (`F.cross_entropy`,
#   `nn.CrossEntropyLoss`): a softmax inside `forward` would be applied twice.
# - **One-hot labels**: `to_one_hot` turns the labels into one-hot rows, and the loss is the
#   cross-entropy between the logits and these rows (`F.cross_entropy(logits, one_hot)`
#   accepts such probability targets).

# %%
# implement your Lenet5 here
class LeNet5(nn.Module):
    """LeNet-5 for 64x64 RGB images, as configured above.

    Suggested attributes (get_activations may read them): conv1 + relu1, pool1,
    conv2 + relu2, pool2, fc1, fc2, fc3. Any names work for the tests, and so does an
    nn.Sequential, or functional ReLU and pooling in forward.
    """

    def __init__(self, num_classes=101):
        super().__init__()
        # {% if solution %}
        self.conv1 = nn.Conv2d(3, 32, kernel_size=5, stride=1, padding=2)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(kernel_size=4, stride=4)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=5, stride=1, padding=2)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(kernel_size=4, stride=4)
        self.fc1 = nn.Linear(64 * 4 * 4, 1021)
        self.relu3 = nn.ReLU()
        self.fc2 = nn.Linear(1021, 84)
        self.relu4 = nn.ReLU()
        self.fc3 = nn.Linear(84, num_classes)
        # {% else %}
        #| raise NotImplementedError("LeNet5.__init__")
        # {% endif %}

    def forward(self, x):
        """Inputs:
        - x: normalised images of shape (N, 3, 64, 64)
        Returns:
        - logits: class scores of shape (N, num_classes), before any softmax
        """
        # {% if solution %}
        x = self.pool1(self.relu1(self.conv1(x)))
        x = self.pool2(self.relu2(self.conv2(x)))
        x = self.relu4(self.fc2(self.relu3(self.fc1(torch.flatten(x, 1)))))
        logits = self.fc3(x)
        # {% else %}
        #| raise NotImplementedError("LeNet5.forward")
        # {% endif %}
        return logits


# %% [markdown]
# Training and evaluation, with one-hot labels. `train_one_epoch` and `evaluate` work for
# any of the models of this notebook. Both return the **mean cross-entropy per example**
# and the **accuracy as a fraction** (0.8, not 80).

# %%
def to_one_hot(y, num_classes=101):
    """One-hot encoding of class labels.

    Inputs:
    - y: class indices of shape (N,), int64, each in [0, num_classes)
    - num_classes: the number of columns
    Returns:
    - one_hot: float32 tensor of shape (N, num_classes): row i is 1 at column y[i], 0 elsewhere
    """
    # {% if solution %}
    one_hot = F.one_hot(torch.as_tensor(y).long(), num_classes).float()
    # {% else %}
    #| raise NotImplementedError("to_one_hot")
    # {% endif %}
    return one_hot


def train_one_epoch(model, loader, optimizer, device):
    """One pass over the training data, one optimizer step per batch.

    For each batch: the logits of the model in training mode, the cross-entropy between the
    logits and the one-hot labels (to_one_hot), then zero the gradients, backward, step.

    Inputs:
    - model: an nn.Module mapping (B, 3, H, W) images to (B, C) logits
    - loader: yields (images (B, 3, H, W), labels (B,) int64)
    - optimizer: a torch.optim optimizer over model's parameters
    - device: a torch.device or a string such as "cpu" (the model is already there)
    Returns:
    - (loss, accuracy): Python floats, the mean loss per example over the epoch and the
      fraction of examples classified correctly, each batch measured before its step
    """
    # {% if solution %}
    model.train()
    total_loss, correct, count = 0.0, 0, 0
    for images, labels in loader:
        images, labels = images.to(device), labels.to(device)
        logits = model(images)
        loss = F.cross_entropy(logits, to_one_hot(labels, logits.shape[1]))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(labels)
        correct += (logits.argmax(dim=1) == labels).sum().item()
        count += len(labels)
    epoch_loss, epoch_accuracy = total_loss / count, correct / count
    # {% else %}
    #| raise NotImplementedError("train_one_epoch")
    # {% endif %}
    return epoch_loss, epoch_accuracy


def evaluate(model, loader, device):
    """Mean cross-entropy (against the one-hot labels) and accuracy of a model on a data set.

    The model runs in evaluation mode (dropout off, batch norm with its running statistics)
    without gradients; its weights and statistics are left unchanged.

    Inputs:
    - model, loader, device: as for train_one_epoch
    Returns:
    - (loss, accuracy): Python floats, the mean loss per example and the fraction of
      examples classified correctly
    """
    # {% if solution %}
    model.eval()
    total_loss, correct, count = 0.0, 0, 0
    with torch.no_grad():
        for images, labels in loader:
            images, labels = images.to(device), labels.to(device)
            logits = model(images)
            loss = F.cross_entropy(logits, to_one_hot(labels, logits.shape[1]), reduction="sum")
            total_loss += loss.item()
            correct += (logits.argmax(dim=1) == labels).sum().item()
            count += len(labels)
    loss, accuracy = total_loss / count, correct / count
    # {% else %}
    #| raise NotImplementedError("evaluate")
    # {% endif %}
    return loss, accuracy


def fit(model, train_loader, val_loader, optimizer, epochs, device, scheduler=None):
    """Train for `epochs` epochs (provided), printing one line per epoch.

    Returns:
    - history: dict of lists, one entry per epoch: train_loss, train_acc (measured while
      training), val_loss, val_acc
    """
    history = {"train_loss": [], "train_acc": [], "val_loss": [], "val_acc": []}
    for epoch in range(epochs):
        train_loss, train_acc = train_one_epoch(model, train_loader, optimizer, device)
        val_loss, val_acc = evaluate(model, val_loader, device)
        if scheduler is not None:
            scheduler.step()
        for key, value in zip(history, (train_loss, train_acc, val_loss, val_acc), strict=True):
            history[key].append(value)
        print(f"epoch {epoch + 1}/{epochs}: train loss {train_loss:.4f}, accuracy {train_acc:.4f} | "
              f"validation loss {val_loss:.4f}, accuracy {val_acc:.4f}")
    return history


def report(name, model, train_loader, val_loader, device):
    """Print a model's cross-entropy and accuracy on the training and validation sets (provided)."""
    train_loss, train_acc = evaluate(model, train_loader, device)
    val_loss, val_acc = evaluate(model, val_loader, device)
    print(f"{name}: training loss {train_loss:.4f}, accuracy {train_acc:.4f}; "
          f"validation loss {val_loss:.4f}, accuracy {val_acc:.4f}")


def plot_history(history, title):
    """Loss and accuracy per epoch, training and validation side by side (provided)."""
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(10, 3.5))
    epochs = range(1, len(history["train_loss"]) + 1)
    for ax, key, label in ((ax_loss, "loss", "cross-entropy"), (ax_acc, "acc", "accuracy")):
        ax.plot(epochs, history[f"train_{key}"], label="training")
        ax.plot(epochs, history[f"val_{key}"], label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(label)
        ax.legend()
    fig.suptitle(title)
    return fig


# %% [markdown]
# Training settings. Training on a CPU works (a few minutes for LeNet5); a GPU (for example
# Google Colab's) makes ResNet-18 much faster. `num_workers=0` loads the images in this
# process, usually the fastest choice without a GPU.

# %%
device = torch.device("cuda" if torch.cuda.is_available() else "cpu")
BATCH_SIZE = 64
LENET_EPOCHS = 12
IMPROVED_EPOCHS = 15
RESNET_EPOCHS = 15

# {% if solution %}
# %%
# The reference run (tools/train_a5_reference.py) can shorten every training: A5_EPOCHS=1.
if os.environ.get("A5_EPOCHS"):
    LENET_EPOCHS = IMPROVED_EPOCHS = RESNET_EPOCHS = int(os.environ["A5_EPOCHS"])
torch.manual_seed(0)
# {% endif %}

# %%
os.makedirs("checkpoints", exist_ok=True)
train_loader, val_loader = get_loaders(batch_size=BATCH_SIZE, root=DATA_ROOT, num_workers=0)

lenet = LeNet5(num_classes=NUM_CLASSES).to(device)
optimizer = torch.optim.Adam(lenet.parameters(), lr=1e-3)
history = fit(lenet, train_loader, val_loader, optimizer, LENET_EPOCHS, device)
report("LeNet5", lenet, train_loader, val_loader, device)
plot_history(history, "LeNet5")
plt.show()
torch.save(lenet.state_dict(), "checkpoints/lenet5.pth")

# %% [markdown]
# **(b) Improve the model.** `LeNet5Improved(num_classes=101)` can be any CNN you train
# from scratch (no pretrained weights): keep LeNet5's layers and add to them, or change
# them. The grader loads `checkpoints/lenet5_improved.pth` into `LeNet5Improved()` and
# measures its accuracy on the validation set. Its `forward` must work in evaluation mode on
# a batch of any size, one image included.

# %%
class LeNet5Improved(nn.Module):
    """Your improved CNN: (N, 3, 64, 64) normalised images -> (N, num_classes) logits."""

    def __init__(self, num_classes=101):
        super().__init__()
        # {% if solution %}
        # LeNet5's layers, each convolution followed by batch normalisation, and dropout
        # before the two wide fully connected layers.
        self.features = nn.Sequential(
            nn.Conv2d(3, 32, kernel_size=5, padding=2, bias=False), nn.BatchNorm2d(32), nn.ReLU(),
            nn.MaxPool2d(4, 4),
            nn.Conv2d(32, 64, kernel_size=5, padding=2, bias=False), nn.BatchNorm2d(64), nn.ReLU(),
            nn.MaxPool2d(4, 4),
        )
        self.classifier = nn.Sequential(
            nn.Dropout(0.3), nn.Linear(64 * 4 * 4, 1021), nn.ReLU(),
            nn.Dropout(0.3), nn.Linear(1021, 84), nn.ReLU(),
            nn.Linear(84, num_classes),
        )
        # {% else %}
        #| raise NotImplementedError("LeNet5Improved.__init__")
        # {% endif %}

    def forward(self, x):
        """Inputs:
        - x: normalised images of shape (N, 3, 64, 64)
        Returns:
        - logits: of shape (N, num_classes)
        """
        # {% if solution %}
        logits = self.classifier(torch.flatten(self.features(x), 1))
        # {% else %}
        #| raise NotImplementedError("LeNet5Improved.forward")
        # {% endif %}
        return logits


# %%
# Train the improved model: choose the training data (augmentation), the optimizer and its
# schedule, then save the model as checkpoints/lenet5_improved.pth.
improved = LeNet5Improved(num_classes=NUM_CLASSES).to(device)
# {% if solution %}
augment = transforms.Compose([transforms.RandomHorizontalFlip(), transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
optimizer = torch.optim.Adam(improved.parameters(), lr=1e-3)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=IMPROVED_EPOCHS)
# {% else %}
#| augment = None  # e.g. transforms.Compose([...random crops, flips..., transforms.ToTensor(), transforms.Normalize(MEAN, STD)])
#| optimizer = torch.optim.Adam(improved.parameters(), lr=1e-3)
#| scheduler = None
# {% endif %}
augmented_loader, _ = get_loaders(batch_size=BATCH_SIZE, root=DATA_ROOT, train_transform=augment, num_workers=0)
history = fit(improved, augmented_loader, val_loader, optimizer, IMPROVED_EPOCHS, device, scheduler)
report("LeNet5Improved", improved, train_loader, val_loader, device)
plot_history(history, "LeNet5Improved")
plt.show()
torch.save(improved.state_dict(), "checkpoints/lenet5_improved.pth")

# %% [markdown]
# What did you change, and what did each change do to the training and validation accuracy?
#
# {% if solution %}
# *Reference:* batch normalisation after each convolution, dropout 0.3 before the two wide
# fully connected layers, random horizontal flips of the training images, and a cosine
# learning-rate schedule for Adam, 15 epochs. LeNet5 overfits the few training images per
# class: its validation loss is lowest after about 8 epochs and rises again while its
# training accuracy keeps growing. The improved model fits the training set more slowly but
# ends with a higher validation accuracy and a much lower validation loss (the numbers are
# printed above). In a trial, random crops (4 pixels of padding) as well slowed learning so
# much that 12 epochs reached only about 50% validation accuracy, so they are not used.
# {% else %}
#| # *Your answer here.*
# {% endif %}

# %% [markdown]
# ## 1.2.2 Visualize layer activation
#
# Visualize the layer activation of **the first conv layer** and **the second conv layer**
# of your above CNN model (LeNet5, after completing Q1), on the 2 images
# `accordion/image_0001` and `camera/image_0001` (both in `data/train`).
#
# Visualizing a CNN layer activation means visualizing the result of the activation layer
# as an image: the activation of the first conv layer is the output of the first
# (conv + ReLU) layer during forward propagation, 32 images; the activation of the second
# conv layer is the output of the second (conv + ReLU) layer (after the first pooling,
# before the second), 64 images. Display multiple images side by side in a row
# (`matplotlib.pyplot.subplot`).

# %%
# implement your visualization here
def get_activations(model, image):
    """The activations of the two (conv + ReLU) layers of a LeNet5 for one image.

    Inputs:
    - model: a LeNet5
    - image: a normalised image of shape (1, 3, 64, 64) or (3, 64, 64)
    Returns:
    - act1: of shape (32, H1, W1), ReLU(conv1(x)): (32, 64, 64) with padding 2
    - act2: of shape (64, H2, W2), ReLU(conv2(pool1(act1))): (64, 16, 16) with padding 2
    Both are computed without gradients (torch.no_grad) and returned on the CPU.
    """
    # {% if solution %}
    x = image.unsqueeze(0) if image.dim() == 3 else image
    x = x.to(next(model.parameters()).device)
    with torch.no_grad():
        a1 = model.relu1(model.conv1(x))
        a2 = model.relu2(model.conv2(model.pool1(a1)))
    act1, act2 = a1[0].cpu(), a2[0].cpu()
    # {% else %}
    #| raise NotImplementedError("get_activations")
    # {% endif %}
    return act1, act2


def plot_activations(acts, ncols=8, title=None):
    """One small image per channel, `ncols` side by side in each row.

    Inputs:
    - acts: activations of shape (C, H, W), a tensor or an array
    - ncols: images per row (C / ncols rows, rounded up)
    - title: the figure's title, or None
    Returns:
    - fig: the matplotlib Figure, with one subplot (Axes) per channel
    """
    # {% if solution %}
    acts = torch.as_tensor(acts).detach().cpu()
    channels = acts.shape[0]
    nrows = -(-channels // ncols)
    fig = plt.figure(figsize=(1.4 * ncols, 1.4 * nrows + (0.4 if title else 0)))
    for c in range(channels):
        ax = plt.subplot(nrows, ncols, c + 1)
        ax.imshow(acts[c].numpy(), cmap="viridis")
        ax.set_title(str(c), fontsize=7)
        ax.axis("off")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    # {% else %}
    #| raise NotImplementedError("plot_activations")
    # {% endif %}
    return fig


# %%
os.makedirs("figures", exist_ok=True)
for name in ("accordion/image_0001", "camera/image_0001"):
    image = load_image(os.path.join(DATA_ROOT, "train", name + ".jpg"))
    act1, act2 = get_activations(lenet, image)
    for layer, acts in (("conv1", act1), ("conv2", act2)):
        fig = plot_activations(acts, title=f"{name}: {layer} + ReLU, {acts.shape[0]} maps")
        fig.savefig(f"figures/{name.split('/')[0]}_{layer}.png", dpi=80)
        plt.show()

# %% [markdown]
# ## 1.2.3 ResNet Implementation
#
# The ResNet 18 configuration is:
#
# - conv\_1 (kernel size 7 x 7, 64 filters, stride 2 x 2)
# - conv\_2 (max pooling layer with size 3 x 3, followed by 2 blocks. Each block contains two
#   conv layers. Each conv layer has kernel size 3 x 3, 64 filters)
# - conv\_3 (2 blocks, each contains 2 conv layers with kernel size 3\*3, 128 filters)
# - conv\_4 (2 blocks, each contains 2 conv layers with kernel size 3\*3, 256 filters)
# - conv\_5 (2 blocks, each contains 2 conv layers with kernel size 3\*3, 512 filters)
#
# A block (`BasicBlock`) is conv 3x3 - batch norm - ReLU - conv 3x3 - batch norm, plus the
# shortcut, then ReLU. The shortcut is the block's input itself, or, where the block changes
# the number of channels or the size, a 1x1 convolution with the block's stride followed by
# batch norm (the paper's projection shortcut).
#
# Strides, as in the paper (He et al. 2016, table 1) and torchvision: conv\_1 has stride 2
# and padding 3; the max pooling has stride 2 and padding 1; the first block of conv\_3,
# conv\_4 and conv\_5 has stride 2 (in its first 3x3 convolution and its shortcut), every
# other convolution stride 1 and padding 1. (The original handout says "stride 2 x 2" for
# the convolutions of conv\_2: that contradicts the paper, where conv\_2 keeps the size
# after the pooling, and the tests follow the paper.) Then global average pooling and a
# fully connected layer 512 -> 101. On 64x64 images the sizes are 32 after conv\_1, 16 after
# the pooling and conv\_2, then 8, 4 and 2. Use the torchvision names (`conv1`, `bn1`,
# `relu`, `maxpool`, `layer1` ... `layer4`, `avgpool`, `fc`; in a block `conv1`, `bn1`,
# `conv2`, `bn2` and `downsample`) so that your checkpoint also loads into
# `torchvision.models.resnet18(num_classes=101)`, which you must not use yourself:
# 11,228,325 parameters.

# %%
# implement a ResNet model here
class BasicBlock(nn.Module):
    """The basic residual block: relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x)).

    Attributes:
    - conv1: 3x3, in_channels -> out_channels, stride `stride`, padding 1, no bias; bn1
    - conv2: 3x3, out_channels -> out_channels, stride 1, padding 1, no bias; bn2
    - downsample: None (identity shortcut) when stride == 1 and in_channels == out_channels,
      else nn.Sequential(1x1 conv with stride `stride` and no bias, batch norm)
    """

    def __init__(self, in_channels, out_channels, stride=1):
        super().__init__()
        # {% if solution %}
        self.conv1 = nn.Conv2d(in_channels, out_channels, kernel_size=3, stride=stride, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = nn.Conv2d(out_channels, out_channels, kernel_size=3, stride=1, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.downsample = None
        if stride != 1 or in_channels != out_channels:
            self.downsample = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, kernel_size=1, stride=stride, bias=False),
                nn.BatchNorm2d(out_channels),
            )
        # {% else %}
        #| raise NotImplementedError("BasicBlock.__init__")
        # {% endif %}

    def forward(self, x):
        """Inputs:
        - x: of shape (N, in_channels, H, W)
        Returns:
        - out: of shape (N, out_channels, H / stride, W / stride)
        """
        # {% if solution %}
        identity = x if self.downsample is None else self.downsample(x)
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)) + identity)
        # {% else %}
        #| raise NotImplementedError("BasicBlock.forward")
        # {% endif %}
        return out


class ResNet18(nn.Module):
    """ResNet-18 (He et al. 2016) for 64x64 RGB images, in torchvision's layout.

    Attributes:
    - conv1 (7x7, 3 -> 64, stride 2, padding 3, no bias), bn1, relu, maxpool (3x3, stride 2,
      padding 1)
    - layer1 ... layer4: nn.Sequential of 2 BasicBlocks each, 64, 128, 256 and 512 channels;
      the first block of layer2, layer3 and layer4 has stride 2
    - avgpool: nn.AdaptiveAvgPool2d(1); fc: nn.Linear(512, num_classes)
    """

    def __init__(self, num_classes=101):
        super().__init__()
        # {% if solution %}
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.layer1 = nn.Sequential(BasicBlock(64, 64), BasicBlock(64, 64))
        self.layer2 = nn.Sequential(BasicBlock(64, 128, stride=2), BasicBlock(128, 128))
        self.layer3 = nn.Sequential(BasicBlock(128, 256, stride=2), BasicBlock(256, 256))
        self.layer4 = nn.Sequential(BasicBlock(256, 512, stride=2), BasicBlock(512, 512))
        self.avgpool = nn.AdaptiveAvgPool2d(1)
        self.fc = nn.Linear(512, num_classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
        # {% else %}
        #| raise NotImplementedError("ResNet18.__init__")
        # {% endif %}

    def forward(self, x):
        """Inputs:
        - x: normalised images of shape (N, 3, 64, 64)
        Returns:
        - logits: of shape (N, num_classes)
        """
        # {% if solution %}
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x = self.layer4(self.layer3(self.layer2(self.layer1(x))))
        logits = self.fc(torch.flatten(self.avgpool(x), 1))
        # {% else %}
        #| raise NotImplementedError("ResNet18.forward")
        # {% endif %}
        return logits


# %%
# Train ResNet-18 on the same data with one-hot labels, report its loss and accuracy on
# the training and validation sets, and save it as checkpoints/resnet18.pth.
resnet = ResNet18(num_classes=NUM_CLASSES).to(device)
# {% if solution %}
optimizer = torch.optim.AdamW(resnet.parameters(), lr=1e-3, weight_decay=0.05)
scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=RESNET_EPOCHS)
# {% else %}
#| optimizer = torch.optim.Adam(resnet.parameters(), lr=1e-3)
#| scheduler = None
# {% endif %}
# (augmented_loader, of section 1.2.1 (b), instead of train_loader trains on augmented images)
history = fit(resnet, train_loader, val_loader, optimizer, RESNET_EPOCHS, device, scheduler)
report("ResNet18", resnet, train_loader, val_loader, device)
plot_history(history, "ResNet-18")
plt.show()
torch.save(resnet.state_dict(), "checkpoints/resnet18.pth")
