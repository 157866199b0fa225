"""Download Caltech-101 and prepare the assignment's 64x64 train/validation folders.

    python prepare_caltech101.py [--out DIR] [--url URL | --archive PATH] [--force]

(or `bash get_data.sh`, which runs this script from its own folder). It needs Python 3
with Pillow and NumPy, and about 200 MB of free disk space.

What it does:

1. Gets the Caltech-101 archive `caltech-101.zip` (about 130 MB) from URL (by default
   the data set's home at data.caltech.edu) into DIR, unless --archive names a copy you
   already have. A download is kept as DIR/caltech-101.zip, so running the script again
   does not fetch it again; delete it when you are done.
2. Reads `caltech-101/101_ObjectCategories.tar.gz` inside the zip, whose images are
   `101_ObjectCategories/<class>/image_XXXX.jpg`: 101 object classes plus a folder
   `BACKGROUND_Google` of clutter images, which is not a class and is left out.
3. Converts every image to RGB (some are grayscale: the gray value is copied to the three
   channels) and resizes it to exactly 64x64 pixels with Pillow's BILINEAR filter,
   ignoring the aspect ratio (the images are not cropped or padded). Every image is then
   a (64, 64, 3) array.
4. Splits every class on its own into 90% training and 10% validation images (a
   stratified split): n_val = round(0.1 * n) images of a class of n, rounding halves
   up, but at least one when the class has two images or more. Which images go to
   validation is drawn once with a fixed seed (numpy.random.default_rng(0), classes in
   sorted order), so everyone gets the same split. `accordion/image_0001.jpg` and
   `camera/image_0001.jpg` are always in the training split: the assignment visualises
   the activations of these two.
5. Writes DIR/train/<class>/image_XXXX.jpg and DIR/val/<class>/image_XXXX.jpg (JPEG,
   quality 95, original file names) and DIR/split.csv, one line per image with the
   columns split,class,file.

Both folders can be read with `torchvision.datasets.ImageFolder(DIR + "/train")`: its
labels are the class folders in sorted order (0 to 100; upper-case names such as
`Faces` sort first). The script does nothing when DIR/train and DIR/val exist already,
unless --force is given (which rebuilds them). DIR is the folder of this script unless
--out says otherwise.
"""

import argparse
import csv
import io
import shutil
import sys
import tarfile
import urllib.request
import zipfile
from pathlib import Path, PurePosixPath

import numpy as np
from PIL import Image

URL = "https://data.caltech.edu/records/mzrjq-6wc02/files/caltech-101.zip"
ARCHIVE_NAME = "caltech-101.zip"
IMAGES_MEMBER = "101_ObjectCategories.tar.gz"
DROPPED = {"BACKGROUND_Google"}
ALWAYS_TRAIN = {("accordion", "image_0001.jpg"), ("camera", "image_0001.jpg")}
SIZE = 64
VAL_FRACTION = 0.1
SEED = 0
JPEG_QUALITY = 95
HERE = Path(__file__).resolve().parent


def download(url, path):
    """Download url to path (through path.part, so a broken download is not kept)."""
    partial = path.with_name(path.name + ".part")
    print(f"Downloading {url} ...")
    request = urllib.request.Request(url, headers={"User-Agent": "prepare_caltech101.py"})
    with urllib.request.urlopen(request) as response, open(partial, "wb") as out:
        total = int(response.headers.get("Content-Length") or 0)
        done = 0
        while chunk := response.read(1 << 20):
            out.write(chunk)
            done += len(chunk)
            if total:
                print(f"\r  {done >> 20} of {total >> 20} MB", end="", flush=True)
    print()
    partial.replace(path)


def read_images(archive):
    """{(class, file name): 64x64 RGB PIL image} of every class image in the zip archive."""
    images = {}
    with zipfile.ZipFile(archive) as outer:
        # The images are a .tar.gz inside the zip (skip Mac junk such as __MACOSX/._*).
        members = [name for name in outer.namelist()
                   if PurePosixPath(name).name == IMAGES_MEMBER and not name.startswith("__MACOSX/")]
        if len(members) != 1:
            sys.exit(f"{archive}: expected one {IMAGES_MEMBER} inside, found {members}")
        with outer.open(members[0]) as inner, tarfile.open(fileobj=inner, mode="r|gz") as tar:
            for member in tar:
                parts = PurePosixPath(member.name).parts
                if not member.isfile() or len(parts) != 3 or parts[1] in DROPPED:
                    continue
                _, label, name = parts
                if name.startswith(".") or not name.lower().endswith(".jpg"):
                    continue
                with Image.open(io.BytesIO(tar.extractfile(member).read())) as image:
                    images[label, name] = image.convert("RGB").resize((SIZE, SIZE), Image.BILINEAR)
                if len(images) % 1000 == 0:
                    print(f"  {len(images)} images read")
    return images


def val_count(n):
    """How many of a class's n images go to validation: 10%, rounded, at least one if n >= 2."""
    if n < 2:
        return 0
    return max(1, int(n * VAL_FRACTION + 0.5))


def split(names):
    """{(class, file name): "train" or "val"}: per class val_count(n) images drawn at random."""
    rng = np.random.default_rng(SEED)
    by_class = {}
    for label, name in sorted(names):
        by_class.setdefault(label, []).append(name)
    assignment = {}
    for label, files in sorted(by_class.items()):
        candidates = [name for name in files if (label, name) not in ALWAYS_TRAIN]
        picked = set(rng.permutation(len(candidates))[:val_count(len(files))].tolist())
        for name in files:
            assignment[label, name] = "train"
        for index, name in enumerate(candidates):
            if index in picked:
                assignment[label, name] = "val"
    return assignment


def write_split(images, assignment, out):
    """Write out/train, out/val and out/split.csv (through a temporary folder)."""
    staging = out / ".prepare-tmp"
    shutil.rmtree(staging, ignore_errors=True)
    for (label, name), image in images.items():
        folder = staging / assignment[label, name] / label
        folder.mkdir(parents=True, exist_ok=True)
        image.save(folder / name, format="JPEG", quality=JPEG_QUALITY)
    with open(staging / "split.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["split", "class", "file"])
        for (label, name), part in sorted(assignment.items(), key=lambda item: (item[1], *item[0])):
            writer.writerow([part, label, name])
    for part in ("train", "val", "split.csv"):
        target = out / part
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()
        (staging / part).replace(target)
    staging.rmdir()


def prepare(out, url=URL, archive=None, force=False):
    """Build out/train, out/val and out/split.csv; return False if they existed already."""
    out = Path(out)
    if (out / "train").is_dir() and (out / "val").is_dir() and not force:
        print(f"{out / 'train'} and {out / 'val'} exist already (use --force to rebuild them)")
        return False
    out.mkdir(parents=True, exist_ok=True)
    if archive is None:
        archive = out / ARCHIVE_NAME
        if not archive.exists():
            download(url, archive)
    print(f"Reading {archive} ...")
    images = read_images(archive)
    if not images:
        sys.exit(f"{archive}: no images found")
    assignment = split(images)
    write_split(images, assignment, out)
    n_val = sum(part == "val" for part in assignment.values())
    n_classes = len({label for label, _ in images})
    print(f"{n_classes} classes: {len(images) - n_val} training images in {out / 'train'}, "
          f"{n_val} validation images in {out / 'val'}")
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE,
                        help="folder to write train/, val/ and split.csv into (default: this script's folder)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--url", default=URL, help=f"where to download {ARCHIVE_NAME} from (default: %(default)s)")
    source.add_argument("--archive", type=Path, help=f"use this local copy of {ARCHIVE_NAME} instead of downloading")
    parser.add_argument("--force", action="store_true", help="rebuild train/ and val/ even if they exist")
    args = parser.parse_args(argv)
    prepare(args.out, url=args.url, archive=args.archive, force=args.force)


if __name__ == "__main__":
    main()
