"""Write the validation split as arrays: DIR/val_images.npy and DIR/val_labels.npy.

    python make_eval_arrays.py [--out DIR] [--force]

reads DIR/val/<class>/*.jpg (written by prepare_caltech101.py) exactly as
`torchvision.datasets.ImageFolder(DIR + "/val", transform=ToTensor())` does, without
needing torchvision:

- classes: the sub-folders of DIR/val in Python's sorted() order (upper-case first, so
  `Faces` is 0), the label of a class its index in that order (ImageFolder's
  class_to_idx);
- images: per class the files with an image extension in sorted() order, each opened
  with Pillow and converted with .convert("RGB");
- val_images.npy: uint8 of shape (N, 3, 64, 64) (channels first, what ToTensor gives,
  times 255); val_labels.npy: int64 of shape (N,).

Existing arrays are kept unless --force is given. DIR is this script's folder by default.
"""

import argparse
import os
from pathlib import Path

import numpy as np
from PIL import Image

HERE = Path(__file__).resolve().parent
# torchvision.datasets.folder.IMG_EXTENSIONS, compared case-insensitively as ImageFolder does.
IMG_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")


def image_folder_samples(root):
    """[(path, label)] in ImageFolder's order, and the sorted class names."""
    root = Path(root)
    classes = sorted(entry.name for entry in os.scandir(root) if entry.is_dir())
    samples = []
    for label, name in enumerate(classes):
        for folder, _, files in sorted(os.walk(root / name, followlinks=True)):
            for file in sorted(files):
                if file.lower().endswith(IMG_EXTENSIONS):
                    samples.append((Path(folder) / file, label))
    return samples, classes


def load_arrays(root):
    """(images uint8 (N, 3, H, W), labels int64 (N,)) of the ImageFolder at root."""
    samples, _ = image_folder_samples(root)
    images, labels = [], []
    for path, label in samples:
        with Image.open(path) as image:
            images.append(np.asarray(image.convert("RGB")).transpose(2, 0, 1))
        labels.append(label)
    return np.stack(images).astype(np.uint8), np.array(labels, dtype=np.int64)


def write_eval_arrays(out, force=False):
    """Write out/val_images.npy and out/val_labels.npy from out/val; return their paths."""
    out = Path(out)
    paths = out / "val_images.npy", out / "val_labels.npy"
    if force or not all(path.exists() for path in paths):
        images, labels = load_arrays(out / "val")
        np.save(paths[0], images)
        np.save(paths[1], labels)
        print(f"{paths[0]}: {images.shape}, {paths[1]}: {len(np.unique(labels))} classes")
    return paths


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="folder holding val/ (default: this script's folder)")
    parser.add_argument("--force", action="store_true", help="rewrite the arrays even if they exist")
    args = parser.parse_args(argv)
    write_eval_arrays(args.out, force=args.force)


if __name__ == "__main__":
    main()
