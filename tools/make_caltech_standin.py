"""Write a small, learnable stand-in for Caltech-101 in the real archive's format.

    python tools/make_caltech_standin.py --out DIR [--per-class N] [--seed S]

writes DIR/caltech-101.zip laid out like the real download
(https://data.caltech.edu/records/mzrjq-6wc02, caltech-101.zip):

    caltech-101/101_ObjectCategories.tar.gz     the images (below)
    caltech-101/Annotations.tar                 an empty tar here (outlines in the real one)
    caltech-101/show_annotation.m               a placeholder here
    __MACOSX/caltech-101/._101_ObjectCategories.tar.gz   AppleDouble junk a Mac-made zip
                                                carries: readers must ignore it

(the members besides the images are there as we believe the real zip has them, not
checked against it; the course's reader only relies on the images member)

and 101_ObjectCategories.tar.gz holds 101_ObjectCategories/<class>/image_XXXX.jpg
(numbered from image_0001 in every folder) for the real 101 class names plus
BACKGROUND_Google (a few clutter images, not a class: the course data drop it).
solutions/a5_lenet_resnet_101/data/prepare_caltech101.py reads it as it reads the real one.

What an image shows. Every class is a prototype: a shape (disk, ring, stripes, star, ...)
in a class hue, 12 shapes x 9 hues giving 101 distinct pairs. Each image draws it at a
random place, size, aspect and small tilt, with shading, over a random smooth
background with a few distractor strokes and one smaller distractor shape of another
kind and colour, then changes brightness and contrast and adds pixel noise. Originals
have Caltech-like sizes (150-300 px wide, 100-250 high; the course resizes them to 64x64
ignoring the aspect ratio) and about one in eight is saved grayscale (JPEG mode "L"),
as some Caltech images are: such an image keeps its shape but loses the hue, so it is
often confused with the classes of the same shape. This keeps the task learnable from
a few dozen images per class but not trivially (the knobs below): with the default 30
images per class (27 train, 3 validation after the course's split), a LeNet-5 (padding
2, Adam 1e-3, batch 64, no augmentation) trained from scratch reaches 74-80% validation
accuracy after 6-12 epochs, a ResNet-18 about 80% after 7-8; the hue lost in the
grayscale images caps either near 90%.

Deterministic: the same --seed and --per-class give the same archive, byte for byte
(fixed times and owners in the tar and zip; every image drawn from its own seed
(seed, class, number), so an image does not depend on --per-class either).
"""

import argparse
import colorsys
import gzip
import io
import os
import tarfile
import zipfile

import numpy as np
from PIL import Image, ImageDraw

# The 101 object categories of Caltech-101 (BACKGROUND_Google is not one of them).
CLASSES = [
    "accordion", "airplanes", "anchor", "ant", "barrel", "bass", "beaver", "binocular",
    "bonsai", "brain", "brontosaurus", "buddha", "butterfly", "camera", "cannon", "car_side",
    "ceiling_fan", "cellphone", "chair", "chandelier", "cougar_body", "cougar_face", "crab",
    "crayfish", "crocodile", "crocodile_head", "cup", "dalmatian", "dollar_bill", "dolphin",
    "dragonfly", "electric_guitar", "elephant", "emu", "euphonium", "ewer", "Faces",
    "Faces_easy", "ferry", "flamingo", "flamingo_head", "garfield", "gerenuk", "gramophone",
    "grand_piano", "hawksbill", "headphone", "hedgehog", "helicopter", "ibis", "inline_skate",
    "joshua_tree", "kangaroo", "ketch", "lamp", "laptop", "Leopards", "llama", "lobster",
    "lotus", "mandolin", "mayfly", "menorah", "metronome", "minaret", "Motorbikes", "nautilus",
    "octopus", "okapi", "pagoda", "panda", "pigeon", "pizza", "platypus", "pyramid",
    "revolver", "rhino", "rooster", "saxophone", "schooner", "scissors", "scorpion",
    "sea_horse", "snoopy", "soccer_ball", "stapler", "starfish", "stegosaurus", "stop_sign",
    "strawberry", "sunflower", "tick", "trilobite", "umbrella", "watch", "water_lilly",
    "wheelchair", "wild_cat", "windsor_chair", "wrench", "yin_yang",
]
assert len(CLASSES) == len(set(CLASSES)) == 101
BACKGROUND = "BACKGROUND_Google"
N_BACKGROUND = 5
ZIP_NAME = "caltech-101.zip"
TAR_MEMBER = "caltech-101/101_ObjectCategories.tar.gz"
TIMESTAMP = 1_263_340_800            # 2010-01-13, a fixed mtime for every tar entry
ZIP_TIME = (2010, 1, 13, 0, 0, 0)
JPEG_QUALITY = 80

N_SHAPES, N_HUES = 12, 9
# Knobs of the task's difficulty, calibrated with a from-scratch LeNet-5 (see the module
# docstring). Sizes are fractions of the short side of the original image.
HUE_JITTER = 0.015                   # sd of the object's hue (the class hues are 1/9 apart)
PIXEL_NOISE = (0.02, 0.05)           # range of the noise sd, on [0, 1] values, at the 64x64 scale
GRAYSCALE_PROB = 1 / 8               # images saved grayscale: shape kept, hue lost
MAX_TILT = np.deg2rad(15)            # so that stripes, plus and cross stay apart
STROKES = (0, 2)                     # distractor strokes per image
BACKGROUND_SATURATION = (0.0, 0.3)   # muted backgrounds, so the object's hue stands out
OBJECT_SIZE = (0.34, 0.46)           # from the object's centre to its edge
DISTRACTOR_SIZE = (0.08, 0.14)       # the same for the distractor shape
HEIGHT_RATIO = (0.55, 1.0)           # height / width of the originals (clipped to 100-250)

def class_prototypes(seed):
    """{class: (shape, hue index)}, 101 distinct pairs out of 12 x 9, fixed by the seed."""
    rng = np.random.default_rng([seed, 101])
    pairs = rng.permutation(N_SHAPES * N_HUES)[:len(CLASSES)]
    return {name: (int(p) % N_SHAPES, int(p) // N_SHAPES) for name, p in zip(CLASSES, pairs, strict=True)}


def shape_mask(shape, u, v):
    """Pixels of `shape` in object coordinates (u, v) scaled so the shape fills [-1, 1]^2."""
    r = np.hypot(u, v)
    box = np.maximum(np.abs(u), np.abs(v)) < 1
    if shape == 0:
        return r < 1                                                    # disk
    if shape == 1:
        return np.maximum(np.abs(u), np.abs(v)) < 0.85                  # square
    if shape == 2:
        return (r < 1) & (r > 0.55)                                     # ring
    if shape == 3:
        return (np.abs(v) < 1) & (np.abs(u) < (v + 1) / 2)              # triangle
    if shape == 4:
        return box & ((np.abs(u) < 0.3) | (np.abs(v) < 0.3))            # plus
    if shape == 5:
        return box & (np.cos(v * 2.5 * np.pi) > 0)                      # horizontal stripes
    if shape == 6:
        return box & (np.cos(u * 2.5 * np.pi) > 0)                      # vertical stripes
    if shape == 7:
        return box & (np.cos(u * 2 * np.pi) * np.cos(v * 2 * np.pi) > 0)  # checkerboard
    if shape == 8:
        return box & (np.abs(np.abs(u) - np.abs(v)) < 0.3)              # diagonal cross
    if shape == 9:
        return box & (np.hypot(np.cos(u * 2 * np.pi), np.cos(v * 2 * np.pi)) > 1.1)  # dots
    if shape == 10:
        theta = np.arctan2(u, -v)
        return r < 0.4 + 0.6 * ((1 + np.cos(5 * theta)) / 2) ** 2       # five-pointed star
    return (r < 1) & (np.hypot(u - 0.45, v) > 0.75)                     # crescent


def hsv(h, s, v):
    return np.array(colorsys.hsv_to_rgb(h % 1, s, v), dtype=np.float32)


def random_colour(rng, hue=None, saturation=(0.2, 1.0)):
    """An RGB colour in [0, 1]: the given hue (jittered) and saturated, or any hue."""
    if hue is None:
        return hsv(rng.uniform(), rng.uniform(*saturation), rng.uniform(0.3, 1.0))
    return hsv(hue + rng.normal(0, HUE_JITTER), rng.uniform(0.65, 1.0), rng.uniform(0.5, 1.0))


def coarse_field(rng, height, width, cells, scale):
    """A smooth random field in [-scale, scale]: a cells x cells grid, bilinearly upsampled."""
    grid = rng.integers(0, 256, size=(cells, cells, 3), dtype=np.uint8)
    field = np.asarray(Image.fromarray(grid, "RGB").resize((width, height), Image.BILINEAR))
    return (field.astype(np.float32) / 255 * 2 - 1) * scale


def stroke_mask(rng, height, width, short):
    """Pixels of one straight stroke of random ends and width."""
    canvas = Image.new("L", (width, height))
    ends = [(float(rng.uniform(0, width)), float(rng.uniform(0, height))) for _ in range(2)]
    ImageDraw.Draw(canvas).line(ends, fill=255, width=int(rng.integers(1, 0.04 * short + 2)))
    return np.asarray(canvas) > 0


def paint(image, rng, shape, cy, cx, size, colour, shading=0.0):
    """Draw `shape` centred at (cy, cx), `size` pixels from centre to edge, onto image.

    The shape gets a random small tilt and aspect, and a linear shading of up to
    +-`shading` of its colour across it. Only the pixels in its bounding box are computed.
    """
    tilt = rng.uniform(-MAX_TILT, MAX_TILT)
    aspect = np.exp(rng.uniform(-0.2, 0.2))
    shade = rng.uniform(-shading, shading, 2) if shading else np.zeros(2)
    reach = 1.6 * size
    top, left = max(0, int(cy - reach)), max(0, int(cx - reach))
    bottom, right = min(image.shape[0], int(cy + reach) + 1), min(image.shape[1], int(cx + reach) + 1)
    if bottom <= top or right <= left:
        return
    yy, xx = np.mgrid[top:bottom, left:right].astype(np.float32) + 0.5
    dy, dx = (yy - cy) / size, (xx - cx) / size
    u = (np.cos(tilt) * dx + np.sin(tilt) * dy) * aspect
    v = (-np.sin(tilt) * dx + np.cos(tilt) * dy) / aspect
    mask = shape_mask(shape, u, v)
    factor = 1 + shade[0] * u[mask] + shade[1] * v[mask]
    image[top:bottom, left:right][mask] = np.clip(colour[None, :] * factor[:, None], 0, 1)


def render(rng, prototype):
    """One image of the class with `prototype` (shape, hue index), or clutter for None.

    Returns a PIL image (mode "RGB", or "L" for about one in eight) of a random size.
    """
    width = int(rng.integers(150, 301))
    height = int(np.clip(width * rng.uniform(*HEIGHT_RATIO), 100, 250))
    short = min(width, height)
    # Background: a gradient between two colours and smooth blotches.
    a = random_colour(rng, saturation=BACKGROUND_SATURATION)
    b = random_colour(rng, saturation=BACKGROUND_SATURATION)
    angle = rng.uniform(0, 2 * np.pi)
    ramp_x = (np.arange(width, dtype=np.float32) / width - 0.5) * np.float32(np.cos(angle))
    ramp_y = (np.arange(height, dtype=np.float32) / height - 0.5) * np.float32(np.sin(angle))
    t = (ramp_y[:, None] + ramp_x[None, :] + 0.5)[..., None]
    image = a + t * (b - a) + coarse_field(rng, height, width, 5, 0.15)
    for _ in range(rng.integers(*STROKES, endpoint=True)):
        image[stroke_mask(rng, height, width, short)] = random_colour(rng)
    # A smaller distractor shape of another kind, in any colour, near a corner.
    own_shape = None if prototype is None else prototype[0]
    others = [k for k in range(N_SHAPES) if k != own_shape]
    size = rng.uniform(*DISTRACTOR_SIZE) * short
    corner_y = rng.choice([size, height - size]) + rng.uniform(-0.3, 0.3) * size
    corner_x = rng.choice([size, width - size]) + rng.uniform(-0.3, 0.3) * size
    paint(image, rng, int(rng.choice(others)), corner_y, corner_x, size, random_colour(rng))
    if prototype is not None:
        shape, hue = prototype
        size = rng.uniform(*OBJECT_SIZE) * short
        cy = height / 2 + rng.uniform(-0.5, 0.5) * (height / 2 - size)
        cx = width / 2 + rng.uniform(-0.5, 0.5) * (width / 2 - size)
        paint(image, rng, shape, cy, cx, size, random_colour(rng, hue / N_HUES), shading=0.25)
    # Camera: brightness, contrast, noise at about the scale the course resizes to.
    image = (image - 0.5) * np.float32(rng.uniform(0.75, 1.2)) + np.float32(0.5 + rng.uniform(-0.1, 0.1))
    cell = max(1, short // 64)
    sigma = np.float32(rng.uniform(*PIXEL_NOISE))
    noise = rng.standard_normal((-(-height // cell), -(-width // cell), 3), dtype=np.float32) * sigma
    image += np.repeat(np.repeat(noise, cell, 0), cell, 1)[:height, :width]
    picture = Image.fromarray(np.clip(image * 255 + 0.5, 0, 255).astype(np.uint8), "RGB")
    if rng.uniform() < GRAYSCALE_PROB:
        picture = picture.convert("L")
    return picture


def jpeg(picture):
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=JPEG_QUALITY)
    return buffer.getvalue()


def image_files(per_class=30, seed=0):
    """{path in the tar: JPEG bytes} for every class folder and BACKGROUND_Google."""
    prototypes = class_prototypes(seed)
    files = {}
    for folder in [*CLASSES, BACKGROUND]:
        count = N_BACKGROUND if folder == BACKGROUND else per_class
        folder_index = len(CLASSES) if folder == BACKGROUND else CLASSES.index(folder)
        for number in range(1, count + 1):
            rng = np.random.default_rng([seed, folder_index, number])
            picture = render(rng, prototypes.get(folder))
            files[f"101_ObjectCategories/{folder}/image_{number:04d}.jpg"] = jpeg(picture)
    return files


def tar_gz(files):
    """A reproducible .tar.gz of `files` with a directory entry per folder."""
    buffer = io.BytesIO()
    with gzip.GzipFile(fileobj=buffer, mode="wb", compresslevel=6, mtime=0, filename="") as gz, \
            tarfile.open(fileobj=gz, mode="w", format=tarfile.GNU_FORMAT) as tar:
        folders = sorted({os.path.dirname(p) for p in files} | {"101_ObjectCategories"})
        for folder in folders:
            info = tarfile.TarInfo(folder)
            info.type, info.mode, info.mtime = tarfile.DIRTYPE, 0o755, TIMESTAMP
            tar.addfile(info)
        for path in sorted(files):
            info = tarfile.TarInfo(path)
            info.size, info.mode, info.mtime = len(files[path]), 0o644, TIMESTAMP
            tar.addfile(info, io.BytesIO(files[path]))
    return buffer.getvalue()


def empty_tar():
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT):
        pass
    return buffer.getvalue()


def write_archive(path, files):
    """Write the zip at path around the image tar of `files` ({path in the tar: bytes})."""
    members = [
        ("caltech-101/", b""),
        (TAR_MEMBER, tar_gz(files)),
        ("caltech-101/Annotations.tar", empty_tar()),
        ("caltech-101/show_annotation.m", b"% Placeholder of the stand-in (no annotations).\n"),
        ("__MACOSX/", b""),
        ("__MACOSX/caltech-101/", b""),
        ("__MACOSX/caltech-101/._101_ObjectCategories.tar.gz", b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X"),
    ]
    with zipfile.ZipFile(f"{path}.part", "w") as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.external_attr = (0o40755 if name.endswith("/") else 0o100644) << 16
            info.compress_type = zipfile.ZIP_STORED if name.endswith(".gz") else zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    os.replace(f"{path}.part", path)


def write_standin(out, *, per_class=30, seed=0):
    """Write out/caltech-101.zip; return its path."""
    os.makedirs(out, exist_ok=True)
    path = os.path.join(out, ZIP_NAME)
    write_archive(path, image_files(per_class, seed))
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder to write caltech-101.zip into")
    parser.add_argument("--per-class", type=int, default=30, help="images per class folder")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    print(write_standin(args.out, per_class=args.per_class, seed=args.seed))


if __name__ == "__main__":
    main()
