"""The CIFAR-10 files of assignment a4 (seed 002): archive -> download -> split -> relabel.

A small stand-in archive (tools/make_cifar_standin.py, in the real cifar-10-python.tar.gz
layout) is served over HTTP on 127.0.0.1 and fetched by the assignment's own
instructor/make_kit_data.py --url, as an instructor fetches the real archive. Checked: the
90/10 stratified split of the training batches (45,000 / 5,000 on the real archive), the
whole test batch in a fixed shuffled order, one class relabelling applied to every split,
and the course's "a model fitted to public CIFAR-10 scores about 6%" property.
"""

import functools
import http.server
import importlib
import importlib.util
import os
import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

REPO = Path(__file__).resolve().parent.parent
ROOT = REPO / "solutions" / "a4_lenet_cifar10"
PREPARE = ROOT / "instructor" / "make_kit_data.py"
PER_BATCH, TEST = 100, 100


def load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


standin = load(REPO / "tools" / "make_cifar_standin.py")
prepare = load(PREPARE)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(archive folder, url) of a stand-in archive served on 127.0.0.1 while the tests run."""
    folder = tmp_path_factory.mktemp("standin")
    standin.write_standin(folder, per_batch=PER_BATCH, test=TEST, seed=0, tar=True)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                             functools.partial(QuietHandler, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield folder, f"http://127.0.0.1:{server.server_address[1]}/cifar-10-python.tar.gz"
    server.shutdown()
    server.server_close()


def run_prepare(*args):
    env = {**os.environ, "no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"}
    return subprocess.run([sys.executable, str(PREPARE), *map(str, args)], capture_output=True, text=True,
                          check=True, timeout=120, env=env)


@pytest.fixture(scope="module")
def prepared(served, tmp_path_factory):
    _, url = served
    out = tmp_path_factory.mktemp("kit")
    run_prepare("--url", url, "--md5", "none", "--out", out)
    return out


def kit_split(out, name):
    folder = out / "cifar10_train_val"
    return (np.load(folder / f"cifar10-batches-images-{name}.npy"),
            np.load(folder / f"cifar10-batches-labels-{name}.npy"))


def public(folder):
    """The stand-in's own images and labels by batch, as the archive holds them."""
    return prepare.read_archive((folder / "cifar-10-python.tar.gz").read_bytes())


def test_the_download_path_writes_the_course_layout(prepared):
    train, val = kit_split(prepared, "train"), kit_split(prepared, "val")
    test = np.load(prepared / "cifar10_test" / "cifar10-batches-images-test.npy")
    assert train[0].shape == (450, 32, 32, 3) and train[0].dtype == np.uint8
    assert val[0].shape == (50, 32, 32, 3) and test.shape == (TEST, 32, 32, 3)
    assert np.bincount(val[1], minlength=10).tolist() == [5] * 10   # stratified: 10% of each class
    np.testing.assert_array_equal(np.load(prepared / "eval" / "val_images.npy"), val[0].transpose(0, 3, 1, 2))
    np.testing.assert_array_equal(np.load(prepared / "eval" / "val_labels.npy"), val[1])
    sample = (prepared / "sample.csv").read_text().splitlines()
    assert sample[0] == "Id,Category" and len(sample) == TEST + 1 and sample[-1] == f"{TEST - 1},0"


def test_a_wrong_md5_is_refused(served, tmp_path):
    _, url = served
    with pytest.raises(subprocess.CalledProcessError) as caught:
        run_prepare("--url", url, "--out", tmp_path)   # the real archive's MD5 by default
    assert "is not the expected c58f30108f718f92721af3b95e74349a" in caught.value.stderr


def test_every_split_is_relabelled_by_the_one_permutation(served, prepared):
    """Each kit image carries RELABEL[its public label]: train and val from the training
    batches, test (whose labels only the grader holds) from the test batch."""
    folder, _ = served
    batches = public(folder)
    by_bytes = {}
    for name in prepare.TRAIN_BATCHES + ["test_batch"]:
        for image, label in zip(*batches[name], strict=True):
            by_bytes[image.tobytes()] = label
    for images, labels in (kit_split(prepared, "train"), kit_split(prepared, "val"),
                           (np.load(prepared / "cifar10_test" / "cifar10-batches-images-test.npy"),
                            np.load(prepared / "hidden" / "test_labels.npy"))):
        expected = prepare.RELABEL[np.array([by_bytes[image.tobytes()] for image in images])]
        np.testing.assert_array_equal(labels, expected)
    assert sorted(prepare.RELABEL.tolist()) == list(range(10))
    assert not np.any(prepare.RELABEL == np.arange(10)), "no class may keep its public number"


def test_the_preparation_is_deterministic(served, prepared, tmp_path):
    folder, _ = served
    run_prepare("--archive", folder / "cifar-10-python.tar.gz", "--md5", "none", "--out", tmp_path)
    for rel in ("cifar10_train_val/cifar10-batches-labels-train.npy", "cifar10_test/cifar10-batches-images-test.npy",
                "hidden/test_labels.npy"):
        assert (tmp_path / rel).read_bytes() == (prepared / rel).read_bytes()


def test_a_model_fitted_to_the_public_labels_fails_on_the_kit_test_split():
    """The course: "cheating" with public CIFAR-10 gives about 6%. The reference LeNet5 (trained on the
    kit's labels) with its output units renamed by RELABEL's inverse is a model of the public labels,
    exactly as accurate on them. Scored on the kit's test split, a prediction right in public terms is
    always wrong (RELABEL has no fixed point), so its accuracy is at most its public error rate, and
    here it must be below chance (0.10)."""
    torch = pytest.importorskip("torch")
    checkpoint = ROOT / "saved_model" / "model.h5"
    labels_path = ROOT / "data" / "hidden" / "test_labels.npy"
    if not checkpoint.is_file() or not labels_path.is_file():
        pytest.skip("the reference checkpoint or the kit's data is not made on this machine")
    sys.path.insert(0, str(REPO))
    from autograder.worker.notebook import install

    install()
    sys.path.insert(0, str(ROOT))
    try:
        module = importlib.import_module("lenet5-cifar10")
    finally:
        sys.path.remove(str(ROOT))
    net = module.LeNet5()
    net.load_state_dict(torch.load(checkpoint, weights_only=True)["net"])
    net.eval()
    images = np.load(ROOT / "data" / "cifar10_test" / "cifar10-batches-images-test.npy")
    kit_labels = np.load(labels_path)
    x = torch.tensor(images, dtype=torch.float32).permute(0, 3, 1, 2) / 255
    x = ((x - torch.tensor(module.CIFAR_MEAN).view(1, 3, 1, 1)) / torch.tensor(module.CIFAR_STD).view(1, 3, 1, 1)).contiguous()
    with torch.no_grad():
        kit_predictions = net(x).argmax(1).numpy()
    inverse = np.argsort(prepare.RELABEL)
    public_predictions = inverse[kit_predictions]          # the public-label model's outputs
    public_accuracy = np.mean(public_predictions == inverse[kit_labels])
    cheating = np.mean(public_predictions == kit_labels)    # its score on the kit's test split
    assert public_accuracy > 0.6
    assert cheating <= 1 - public_accuracy + 1e-12
    assert cheating < 0.10, f"a public-label model scores {cheating:.3f} on the kit's test split"
