"""Evaluate a CIFAR-10 classifier's state_dict as the course's checkpoint tests do.

    from tools.cifar_eval import load_test_batch, normalise, predict, evaluate_checkpoint
    images, labels = load_test_batch("data/cifar-10-batches-py")
    predictions = predict(model, normalise(images))           # int64 (N,)

The course normalises with mean (0.4914, 0.4822, 0.4465) and std (0.2023, 0.1994, 0.2010)
after scaling pixels to [0, 1] (torchvision's ToTensor then Normalize) and evaluates in
batches of 100. `normalise` and `load_test_batch` need only NumPy, so a trusted process
can prepare the inputs; `predict` runs the model (in the worker, for submissions).
"""

import os
import pickle

import numpy as np

MEAN = (0.4914, 0.4822, 0.4465)
STD = (0.2023, 0.1994, 0.2010)
BATCH_SIZE = 100


def load_test_batch(folder):
    """folder/test_batch -> (images uint8 (N, 3, 32, 32), labels int64 (N,))."""
    with open(os.path.join(folder, "test_batch"), "rb") as f:
        batch = pickle.load(f, encoding="latin1")
    images = np.asarray(batch["data"], dtype=np.uint8).reshape(-1, 3, 32, 32)
    return images, np.asarray(batch["labels"], dtype=np.int64)


def normalise(images):
    """uint8 (N, 3, 32, 32) -> float32 (N, 3, 32, 32), as ToTensor() then Normalize(MEAN, STD)."""
    mean = np.array(MEAN, dtype=np.float32).reshape(1, 3, 1, 1)
    std = np.array(STD, dtype=np.float32).reshape(1, 3, 1, 1)
    return ((images.astype(np.float32) / 255.0 - mean) / std).astype(np.float32)


def predict(model, inputs, batch_size=BATCH_SIZE):
    """Class predictions of `model` (put in eval mode) for float32 inputs (N, 3, 32, 32)."""
    import torch

    model.eval()
    predictions = []
    with torch.no_grad():
        for start in range(0, len(inputs), batch_size):
            batch = torch.as_tensor(inputs[start:start + batch_size])
            predictions.append(model(batch).argmax(dim=1).cpu().numpy())
    return np.concatenate(predictions).astype(np.int64)


def evaluate_checkpoint(make_model, checkpoint, folder):
    """Load `checkpoint` (weights only) into make_model() and predict folder's test batch.

    Inputs:
    - make_model: a class or factory called without arguments (e.g. VanillaCNN, or
      lambda: TwoLayerNet(3072, 256, 10))
    - checkpoint: path of a saved state_dict
    - folder: a cifar-10-batches-py folder
    Returns (predictions int64 (N,), labels int64 (N,), accuracy float).
    """
    import torch

    model = make_model()
    model.load_state_dict(torch.load(checkpoint, map_location="cpu", weights_only=True))
    images, labels = load_test_batch(folder)
    predictions = predict(model, normalise(images))
    return predictions, labels, float(np.mean(predictions == labels))
