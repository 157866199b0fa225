"""Hidden tests, Sections 1 and 4: the split on the real CSV, batching, learning curves, and
one epoch of training on real MNIST through the student's own loop (marked slow)."""

import hashlib
import struct
import unittest

import numpy as np

from autograder.harness.checks.compare import ComparisonFailed, assert_close, assert_equal
from autograder.harness.testing import StudentTestCase, number, visibility, weight

try:
    import pytest

    slow = pytest.mark.slow
except ImportError:  # the grader may run these tests without pytest
    def slow(test):
        return test

# The canonical MNIST training set, split 80/20 in file order: MD5 of the label sequences
# and of chosen rows' pixels (as uint8 bytes), computed from the IDX files.
TRAIN_LABELS_MD5 = "7cf9190717389500a261f9d92bf276f0"
VAL_LABELS_MD5 = "c624f206a94ad3050908f2df3cf3c47e"
ROWS = {  # (part, index in part): (label, md5 of the 784 pixels)
    ("train", 0): (5, "2ce86e4daeeff3a0cdebce6897c784ba"),
    ("train", 47999): (2, "173fb22102a8498a265c5b7a44e67f62"),
    ("val", 0): (4, "b2c33dc95e0e8881c1f139ddfc8a5abf"),
    ("val", 11999): (8, "ef7f533798be7e6e26fc648e9e8bb37d"),
}
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def numbered_rows(n):
    """n rows of 784 pixels whose first pixel identifies the row, and labels i % 10."""
    data = [[i / 1000] + [0.25] * 783 for i in range(n)]
    return data, [i % 10 for i in range(n)]


def row_ids(batches):
    return np.rint(np.concatenate(batches)[:, 0] * 1000).astype(int)


def md5(data):
    return hashlib.md5(data).hexdigest()


class TestBatchingHidden(StudentTestCase):
    """Section 1.1 (b): generate_batched_data with and without shuffling."""

    def batches(self, n, batch_size, shuffle):
        data, label = numbered_rows(n)
        call = f"generate_batched_data(data, label, batch_size={batch_size}, shuffle={shuffle}), {n} images"
        batched_data, batched_label = self.student.call(
            "utils.generate_batched_data", data, label, batch_size=batch_size, shuffle=shuffle)
        sizes = [batch_size] * (n // batch_size) + ([n % batch_size] if n % batch_size else [])
        for what, batches, shape in (("data", batched_data, (784,)), ("labels", batched_label, ())):
            assert_equal(type(batches), list, f"{call}: the type of the batches of {what}")
            for i, b in enumerate(batches):
                if type(b) is not np.ndarray:
                    raise ComparisonFailed(f"{call}: batch {i} of {what} should be a NumPy array, "
                                           f"got {type(b).__name__}")
            assert_equal([b.shape for b in batches], [(s,) + shape for s in sizes],
                         f"{call}: the shapes of the batches of {what}")
        return call, batched_data, batched_label

    @weight(2)
    @number("1.1.3")
    @visibility("after_published")
    def test_no_shuffle_keeps_order(self):
        """Without shuffling, batches keep the data's order and the last batch holds the remainder"""
        call, batched_data, batched_label = self.batches(100, 32, False)
        assert_equal(row_ids(batched_data).tolist(), list(range(100)), f"{call}: the images, in order")
        assert_equal(np.concatenate(batched_label).tolist(), [i % 10 for i in range(100)],
                     f"{call}: the labels, in order")
        assert_close(batched_data[0][:, 1:], np.full((32, 783), 0.25), call=f"{call}: the pixels of batch 0")

    @weight(2)
    @number("1.1.4")
    @visibility("after_published")
    def test_shuffle_keeps_pairs(self):
        """Shuffling moves images and labels together, uses every image once, and changes the order"""
        call, batched_data, batched_label = self.batches(250, 64, True)
        ids = row_ids(batched_data)
        assert_equal(sorted(ids.tolist()), list(range(250)), f"{call}: each image exactly once")
        if not np.array_equal(np.concatenate(batched_label), ids % 10):
            raise ComparisonFailed(f"{call}: labels no longer match their images after shuffling")
        if np.array_equal(ids, np.arange(250)):
            raise ComparisonFailed(f"{call}: the images are still in their original order")

    @weight(1)
    @number("1.1.5")
    @visibility("after_published")
    def test_batch_larger_than_data(self):
        """A batch size larger than the data gives a single batch of all images"""
        self.batches(10, 32, False)


class TestRealDataHidden(StudentTestCase):
    """Section 1.1 (a) on the real ./data/mnist_train.csv, and one epoch of real training."""

    @weight(2)
    @number("1.1.6")
    @visibility("after_published")
    def test_trainval_split_real_csv(self):
        """load_mnist_trainval: 48,000 training and 12,000 validation images, in file order, as lists"""
        parts = self.student.keep("utils.load_mnist_trainval")  # copy out only what is checked
        call = "load_mnist_trainval()"
        for name, n, index in (("train", 48000, 0), ("val", 12000, 2)):
            assert_equal(parts.keep("__getitem__", index).call("__len__"), n, f"{call}: len({name}_data)")
            labels = parts.call("__getitem__", index + 1)
            assert_equal(type(labels), list, f"{call}: the type of {name}_label")
            assert_equal(len(labels), n, f"{call}: len({name}_label)")
            if any(type(v) is not int for v in labels):
                raise ComparisonFailed(f"{call}: {name}_label should hold Python ints")
            expected_md5 = TRAIN_LABELS_MD5 if name == "train" else VAL_LABELS_MD5
            if md5(bytes(labels)) != expected_md5:
                raise ComparisonFailed(f"{call}: {name}_label is not the {name} part of the labels "
                                       f"in file order (first 80% train, last 20% validation, no shuffle)")
            for (part, i), (label, pixels_md5) in ROWS.items():
                if part != name:
                    continue
                img = parts.keep("__getitem__", index).call("__getitem__", i)
                what = f"{call}: {name}_data[{i}]"
                assert_equal(type(img), list, f"{what}: its type")
                assert_equal(len(img), 784, f"{what}: its length")
                if md5(np.rint(np.asarray(img) * 255).astype(np.uint8).tobytes()) != pixels_md5:
                    raise ComparisonFailed(f"{what} is not row {i if name == 'train' else 48000 + i} "
                                           f"of mnist_train.csv")
                assert_equal(labels[i], label, f"{call}: {name}_label[{i}]")

    @slow
    @weight(4)
    @number("2.2.11")
    @visibility("after_published")
    def test_two_layer_one_epoch(self):
        """One epoch of train() with the default two-layer settings reaches over 65% validation accuracy"""
        parts = self.student.keep("utils.load_mnist_trainval")
        train_data, train_label, val_data, val_label = (parts.keep("__getitem__", i) for i in range(4))
        batches = self.student.keep("utils.generate_batched_data", train_data, train_label,
                                    batch_size=64, shuffle=True)
        model = self.student.call("models.two_layer_nn.TwoLayerNet", hidden_size=128)
        optimizer = self.student.call("optimizer.sgd.SGD", learning_rate=0.1, reg=1e-3)
        self.student.keep("utils.train", 0, batches.keep("__getitem__", 0), batches.keep("__getitem__", 1),
                          model, optimizer, debug=False)
        val_batches = self.student.keep("utils.generate_batched_data", val_data, val_label, batch_size=64)
        _, accuracy = self.student.call("utils.evaluate", val_batches.keep("__getitem__", 0),
                                        val_batches.keep("__getitem__", 1), model, debug=False)
        if not accuracy > 0.65:
            raise ComparisonFailed(
                f"TwoLayerNet(hidden_size=128) and SGD(learning_rate=0.1, reg=1e-3) after one epoch of "
                f"train() on 48,000 images (batch_size=64, shuffle=True): validation accuracy "
                f"{float(accuracy):.4f}, expected over 0.65 (the reference reaches 0.73 to 0.77, depending on the shuffle)")


class TestPlotHidden(StudentTestCase):
    """Section 4: plot_curves saves two PNG figures in the current directory."""

    def png_times(self):
        names = self.student.call("os.listdir", ".")
        return {n: self.student.call("os.path.getmtime", n) for n in names if n.lower().endswith(".png")}

    @weight(2)
    @number("4.1")
    @visibility("after_published")
    def test_plot_curves_saves_two_pngs(self):
        """plot_curves saves two figures (loss and accuracy) as PNG files in the current directory"""
        before = self.png_times()
        histories = ([2.1, 1.2, 0.8, 0.6, 0.5, 0.45], [0.3, 0.6, 0.75, 0.82, 0.86, 0.88],
                     [1.9, 1.1, 0.85, 0.7, 0.65, 0.66], [0.35, 0.62, 0.74, 0.8, 0.83, 0.84])
        self.student.call("utils.plot_curves", *histories)
        after = self.png_times()
        written = sorted(n for n, t in after.items() if before.get(n) != t)
        try:
            if len(written) < 2:
                raise ComparisonFailed(f"plot_curves(4 histories of 6 epochs): expected two new .png files "
                                       f"in the current directory, found {written or 'none'}")
            for name in written:
                data = self.student.call("pathlib.Path", name).call("read_bytes")
                width, height = struct.unpack(">II", data[16:24]) if len(data) >= 24 else (0, 0)
                if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR" or not (width and height):
                    raise ComparisonFailed(f"plot_curves(...): {name} is not a valid PNG image")
        finally:
            for name in written:
                if name not in before:
                    self.student.call("os.remove", name)


if __name__ == "__main__":
    unittest.main()
