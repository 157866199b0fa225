"""Data helpers for Assignment 2 (provided; using them is optional).

The data (`bash data/get_data.sh` makes it): data/train/<class>/image_XXXX.jpg (90%) and
data/val/<class>/image_XXXX.jpg (10%), 64x64, 101 classes. The label of an image is the
index of its class folder in sorted order, 0 to 100, as torchvision's ImageFolder numbers
them (upper-case names sort first: `Faces` is 0, `accordion` 5).

Normalisation: every image becomes a float tensor of shape (3, 64, 64) with values in
[0, 1], normalised per channel: (x - MEAN) / STD. MEAN and STD are ImageNet's statistics,
a fixed choice that suits any set of natural photographs (what matters is using the same
normalisation when training and when evaluating). The grader scores your checkpoints on
the validation images exactly so: data/val_images.npy (uint8, (N, 3, 64, 64)) as
(x / 255 - MEAN) / STD, which is what VAL_TRANSFORM gives for the JPEG files. So
normalise with MEAN and STD, and put no other normalisation inside your models' input.
"""

import torch
from PIL import Image
from torch.utils.data import DataLoader
from torchvision import datasets, transforms

MEAN = (0.485, 0.456, 0.406)
STD = (0.229, 0.224, 0.225)
IMAGE_SIZE = 64

# Resize is a no-op on the prepared 64x64 images; it lets load_image read any picture.
VAL_TRANSFORM = transforms.Compose([
    transforms.Resize((IMAGE_SIZE, IMAGE_SIZE)),
    transforms.ToTensor(),
    transforms.Normalize(MEAN, STD),
])


def get_datasets(root="data", transform=None):
    """The two splits as ImageFolder datasets (images converted to RGB).

    Inputs:
    - root: the folder holding train/ and val/
    - transform: applied to every PIL image of both splits (default VAL_TRANSFORM)
    Returns:
    - (train_set, val_set): each item is (image tensor (3, 64, 64), label int)
    """
    transform = transform or VAL_TRANSFORM
    return (datasets.ImageFolder(f"{root}/train", transform=transform),
            datasets.ImageFolder(f"{root}/val", transform=transform))


def get_loaders(batch_size=64, root="data", train_transform=None, val_transform=None, num_workers=2):
    """DataLoaders of the two splits: the training one shuffles, the validation one does not.

    Inputs:
    - batch_size: images per batch
    - root: the folder holding train/ and val/
    - train_transform, val_transform: for each split (default VAL_TRANSFORM); put data
      augmentation in train_transform only
    - num_workers: worker processes per loader (0 loads in the notebook's own process,
      often the fastest choice on a CPU-only machine)
    Returns:
    - (train_loader, val_loader): batches of images (B, 3, 64, 64) and labels (B,) int64
    """
    train_set = datasets.ImageFolder(f"{root}/train", transform=train_transform or VAL_TRANSFORM)
    val_set = datasets.ImageFolder(f"{root}/val", transform=val_transform or VAL_TRANSFORM)
    train_loader = DataLoader(train_set, batch_size=batch_size, shuffle=True, num_workers=num_workers,
                              persistent_workers=num_workers > 0)
    val_loader = DataLoader(val_set, batch_size=batch_size, shuffle=False, num_workers=num_workers,
                            persistent_workers=num_workers > 0)
    return train_loader, val_loader


def load_image(path, size=IMAGE_SIZE):
    """One image file as a batch of one, normalised like the training data.

    Inputs:
    - path: an image file, e.g. "data/train/accordion/image_0001.jpg"
    - size: the side it is resized to (64 for the assignment's models)
    Returns:
    - x: float32 tensor of shape (1, 3, size, size)
    """
    transform = transforms.Compose([transforms.Resize((size, size)), transforms.ToTensor(),
                                    transforms.Normalize(MEAN, STD)])
    with Image.open(path) as image:
        return transform(image.convert("RGB")).unsqueeze(0).to(torch.float32)
