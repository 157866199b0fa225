"""The Caltech-101 path of assignment a5: stand-in archive -> download -> 64x64 split -> arrays.

A small stand-in archive (tools/make_caltech_standin.py, 3 images per class) is served
over HTTP on 127.0.0.1 and fetched by the assignment's own data/prepare_caltech101.py
--url, as a student's machine fetches the real one. The split rule checked here is the
documented one: per class n_val = round(0.1 * n) (halves up), at least 1 if n >= 2
(so 1 of 3 here), never one of the two images the assignment visualises.
"""

import csv
import functools
import http.server
import importlib.util
import io
import os
import subprocess
import sys
import tarfile
import threading
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "solutions" / "a5_lenet_resnet_101" / "data"
PREPARE = DATA / "prepare_caltech101.py"
ARRAYS = DATA / "make_eval_arrays.py"
PER_CLASS = 3


def load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


standin = load(REPO / "tools" / "make_caltech_standin.py")
prepare = load(PREPARE)
arrays = load(ARRAYS)


def expected_val_count(n):
    return 0 if n < 2 else max(1, int(np.floor(0.1 * n + 0.5)))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(archive folder, url) of a stand-in archive served on 127.0.0.1 while the tests run."""
    folder = tmp_path_factory.mktemp("standin")
    standin.write_standin(folder, per_class=PER_CLASS, seed=0)
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}/{standin.ZIP_NAME}"
    server.shutdown()
    server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def run_prepare(*args):
    env = {**os.environ, "no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"}   # no proxy for the local server
    return subprocess.run([sys.executable, str(PREPARE), *map(str, args)],
                          capture_output=True, text=True, check=True, timeout=120, env=env)


@pytest.fixture(scope="module")
def prepared(served, tmp_path_factory):
    """Two folders prepared from the served archive by two separate runs."""
    _, url = served
    first, second = tmp_path_factory.mktemp("first"), tmp_path_factory.mktemp("second")
    run_prepare("--url", url, "--out", first)
    run_prepare("--url", url, "--out", second)
    return first, second


def tar_files(archive):
    """{path in the tar: bytes} of the image tar inside a stand-in zip."""
    with zipfile.ZipFile(archive) as outer, \
            tarfile.open(fileobj=io.BytesIO(outer.read(standin.TAR_MEMBER)), mode="r:gz") as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.isfile()}


def listing(root):
    """{(split, class, file)} of the JPEGs under root/train and root/val."""
    return {(path.parent.parent.name, path.parent.name, path.name)
            for path in root.glob("*/*/*.jpg") if path.parent.parent.name in ("train", "val")}


def test_the_stand_in_has_the_real_layout(served):
    folder, _ = served
    with zipfile.ZipFile(folder / standin.ZIP_NAME) as archive:
        assert standin.TAR_MEMBER in archive.namelist()
    contents = tar_files(folder / standin.ZIP_NAME)
    files = list(contents)
    modes = {Image.open(io.BytesIO(content)).mode for content in contents.values()}
    folders = {name.split("/")[1] for name in files}
    assert len(standin.CLASSES) == 101 and folders == set(standin.CLASSES) | {"BACKGROUND_Google"}
    assert all(name.split("/")[0] == "101_ObjectCategories" for name in files)
    assert "101_ObjectCategories/accordion/image_0001.jpg" in files
    assert f"101_ObjectCategories/camera/image_{PER_CLASS:04d}.jpg" in files
    assert modes == {"RGB", "L"}      # some originals are grayscale, as in Caltech-101


def test_prepare_downloads_and_writes_every_class_at_64x64_rgb(prepared):
    first, _ = prepared
    for split in ("train", "val"):
        classes = sorted(p.name for p in (first / split).iterdir())
        assert classes == sorted(standin.CLASSES)
        assert "BACKGROUND_Google" not in classes
    assert (first / "caltech-101.zip").exists()          # the download is kept for a rerun
    images = sorted(first.glob("*/*/*.jpg"))
    assert len(images) == 101 * PER_CLASS
    for path in images:
        with Image.open(path) as image:
            assert (image.format, image.mode, image.size) == ("JPEG", "RGB", (64, 64))


def test_grayscale_originals_become_three_equal_channels(served, prepared):
    folder, _ = served
    first, _ = prepared
    gray = [path.split("/")[1:] for path, content in tar_files(folder / standin.ZIP_NAME).items()
            if "BACKGROUND" not in path and Image.open(io.BytesIO(content)).mode == "L"]
    assert gray
    for label, name in gray:
        path = next(first.glob(f"*/{label}/{name}"))
        pixels = np.asarray(Image.open(path)).astype(int)
        assert np.abs(pixels - pixels.mean(axis=2, keepdims=True)).max() <= 3    # JPEG chroma noise


def test_the_split_is_stratified_and_keeps_the_visualised_images_in_train(prepared):
    first, _ = prepared
    files = listing(first)
    assert ("train", "accordion", "image_0001.jpg") in files
    assert ("train", "camera", "image_0001.jpg") in files
    for label in standin.CLASSES:
        val = sum(1 for split, c, _ in files if c == label and split == "val")
        train = sum(1 for split, c, _ in files if c == label and split == "train")
        assert val == expected_val_count(train + val), label
    with open(first / "split.csv", newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["split", "class", "file"]
    assert {tuple(row) for row in rows[1:]} == files and len(rows) - 1 == len(files)


@pytest.mark.parametrize("n", [1, 2, 3, 9, 14, 15, 24, 25, 31, 55, 800])
def test_val_count_rounds_halves_up_with_at_least_one(n):
    assert prepare.val_count(n) == expected_val_count(n)
    assert prepare.val_count(n) < n or n == 0


def test_the_split_is_the_same_on_every_run(prepared):
    first, second = prepared
    assert listing(first) == listing(second)
    assert (first / "split.csv").read_bytes() == (second / "split.csv").read_bytes()


def test_a_second_run_keeps_the_folders_unless_forced(served, prepared):
    folder, _ = served
    first, _ = prepared
    before = (first / "split.csv").stat().st_mtime_ns
    assert "exist already" in run_prepare("--archive", folder / standin.ZIP_NAME, "--out", first).stdout
    assert (first / "split.csv").stat().st_mtime_ns == before


def test_the_val_arrays_are_what_image_folder_and_to_tensor_see(prepared):
    torchvision = pytest.importorskip("torchvision")
    import torch

    first, _ = prepared
    images_path, labels_path = arrays.write_eval_arrays(first)
    images, labels = np.load(images_path), np.load(labels_path)
    dataset = torchvision.datasets.ImageFolder(first / "val", transform=torchvision.transforms.ToTensor())
    assert dataset.classes == sorted(standin.CLASSES) and dataset.classes[0] == "Faces"
    assert images.dtype == np.uint8 and images.shape == (len(dataset), 3, 64, 64)
    assert labels.dtype == np.int64 and labels.tolist() == dataset.targets
    expected = torch.stack([dataset[i][0] for i in range(len(dataset))])
    assert torch.equal(torch.from_numpy(images), (expected * 255).round().to(torch.uint8))


def test_the_generator_is_deterministic(served, tmp_path):
    folder, _ = served
    # An image depends on the seed, its class and number only (not on --per-class) ...
    few, more = standin.image_files(per_class=1, seed=0), tar_files(folder / standin.ZIP_NAME)
    assert all(more[path] == content for path, content in few.items())
    prototype = standin.class_prototypes(0)["camera"]
    assert not np.array_equal(np.asarray(standin.render(np.random.default_rng([0, 13, 1]), prototype)),
                              np.asarray(standin.render(np.random.default_rng([1, 13, 1]), prototype)))
    # ... and the archive around the images is the same bytes every time.
    standin.write_archive(tmp_path / "a.zip", few)
    standin.write_archive(tmp_path / "b.zip", dict(reversed(few.items())))
    assert (tmp_path / "a.zip").read_bytes() == (tmp_path / "b.zip").read_bytes()


def test_every_class_has_its_own_prototype():
    prototypes = standin.class_prototypes(0)
    assert len(set(prototypes.values())) == len(prototypes) == 101
    assert standin.class_prototypes(0) == prototypes != standin.class_prototypes(1)
