"""Section 1.1: the training/validation split and batching."""

import random
import unittest

import numpy as np

from autograder.harness.checks.compare import ComparisonFailed, assert_equal
from autograder.harness.testing import StudentTestCase, number, weight


def numbered_rows(n):
    """n rows of 784 pixels whose first pixel identifies the row, and labels i % 10."""
    data = [[i / 1000] + [0.5] * 783 for i in range(n)]
    return data, [i % 10 for i in range(n)]


class TestLoading(StudentTestCase):
    """Section 1.1: load_mnist_trainval and generate_batched_data."""

    @weight(3)
    @number("1.1.1")
    def test_load_mnist(self):
        """load_mnist_trainval keeps the first 80% of ./data/mnist_train.csv for training and the rest for validation"""
        # 60,000 lists of 784 floats stay in the student's process: `keep` returns a
        # reference to the result, and the test copies out only what it checks.
        parts = self.student.keep("utils.load_mnist_trainval")
        call = "load_mnist_trainval()"
        train_data, val_data = parts.keep("__getitem__", 0), parts.keep("__getitem__", 2)
        n_train, n_val = train_data.call("__len__"), val_data.call("__len__")
        assert_equal(n_train + n_val, 60000, f"{call}: len(train_data) + len(val_data)")
        assert_equal(n_train, 4 * n_val, f"{call}: len(train_data) (4 times len(val_data))")
        labels = {"train_label": parts.call("__getitem__", 1), "val_label": parts.call("__getitem__", 3)}
        assert_equal(len(labels["train_label"]), n_train, f"{call}: len(train_label) (as len(train_data))")
        assert_equal(len(labels["val_label"]), n_val, f"{call}: len(val_label) (as len(val_data))")
        for name, values in labels.items():
            assert_equal(type(values), list, f"{call}: the type of {name}")
            wrong = [v for v in values if type(v) is not int]
            if wrong:
                raise ComparisonFailed(f"{call}: {name} should hold ints, found {wrong[0]!r}")
        rng = random.Random(0)
        for name, part, n in (("train_data", train_data, n_train), ("val_data", val_data, n_val)):
            for i in [0, n - 1] + rng.sample(range(n), 8):
                img = part.call("__getitem__", i)
                assert_equal(type(img), list, f"{call}: the type of {name}[{i}]")
                assert_equal(len(img), 784, f"{call}: len({name}[{i}])")

    @weight(3)
    @number("1.1.2")
    def test_generate_batch(self):
        """generate_batched_data(shuffle=True) cuts the data into arrays of batch_size rows, keeping each label with its image"""
        data, label = numbered_rows(300)
        call = "generate_batched_data(data, label, batch_size=128, shuffle=True), 300 images"
        batched_data, batched_label = self.student.call(
            "utils.generate_batched_data", data, label, batch_size=128, shuffle=True)
        assert_equal([np.shape(b) for b in batched_data], [(128, 784), (128, 784), (44, 784)],
                     f"{call}: the shapes of the batches of data")
        assert_equal([np.shape(b) for b in batched_label], [(128,), (128,), (44,)],
                     f"{call}: the shapes of the batches of labels")
        ids = np.rint(np.concatenate(batched_data)[:, 0] * 1000).astype(int)
        assert_equal(sorted(ids.tolist()), list(range(300)), f"{call}: the images in the batches")
        labels = np.concatenate(batched_label)
        if not np.array_equal(labels, ids % 10):
            raise ComparisonFailed(f"{call}: labels no longer match their images after shuffling")


if __name__ == "__main__":
    unittest.main()
