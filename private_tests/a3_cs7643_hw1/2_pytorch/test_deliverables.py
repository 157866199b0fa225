"""Q8.5-Q8.8: the files a run leaves, as the deliverables list them: each model's log with the
test accuracy at the bottom, its plots as real PNG images, and extra.md.

The files are read from your submission through the worker, at most MAX_MB each, and
checked here: a PNG's header is checked before Pillow decodes it.
"""

import io
import re
import struct

import numpy as np
from PIL import Image

from autograder.harness.checks.compare import ComparisonFailed
from autograder.harness.testing import StudentTestCase, number, weight

MAX_MB = 5
TEST_LINE = re.compile(r"test set: Average loss: \S+, Accuracy: \d+/\d+ \(\d+%\)")
TRAIN_LINE = re.compile(r"Train Epoch: \d+ \[\d+/\d+ \(\d+%\)\]\tTrain Loss: \S+\tVal Loss: \S+\tVal Acc: \S+")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_SIDE = 10000  # pixels; a plot saved by matplotlib is a few hundred
MIN_SIDE = 32
HOW = {"log": "run_{m}.sh writes it (python -u train.py ... | tee {m}.log)",
       "lossvstrain": "softmax-classifier.ipynb saves it from {m}.log",
       "valaccuracy": "softmax-classifier.ipynb saves it from {m}.log",
       "gridfilt": "filter-viz.ipynb saves it from {m}.pt"}


class DeliverableTestCase(StudentTestCase):
    """Reads and checks the submitted files."""

    def read(self, path, how):
        if not self.student.call("os.path.isfile", path):
            raise ComparisonFailed(f"{path} is not in your submission: {how}")
        return bytes(self.student.call("autograder.worker.serve.read_file", path, MAX_MB))

    def check_log(self, model):
        path = f"{model}.log"
        lines = [line.strip() for line in self.read(path, HOW["log"].format(m=model)).decode(
            "utf-8", "replace").splitlines() if line.strip()]
        if not any(TRAIN_LINE.fullmatch(line) for line in lines):
            raise ComparisonFailed(f"{path} holds no training progress line of train.py "
                                   f"('Train Epoch: ... Train Loss: ... Val Loss: ... Val Acc: ...')")
        last = lines[-1]
        if not TEST_LINE.fullmatch(last):
            raise ComparisonFailed(f"{path} must end with train.py's test accuracy line ('test set: Average "
                                   f"loss: ..., Accuracy: .../... (...%)'); its last line is {last[:120]!r}")

    def check_png(self, path, how):
        """A PNG image of at least MIN_SIDE pixels a side that is not of one colour."""
        data = self.read(path, how)
        if not data.startswith(PNG_SIGNATURE) or data[12:16] != b"IHDR":
            raise ComparisonFailed(f"{path} is not a PNG image (save the figure with plt.savefig('{path}'))")
        width, height = struct.unpack(">II", data[16:24])
        if not (MIN_SIDE <= width <= MAX_SIDE and MIN_SIDE <= height <= MAX_SIDE):
            raise ComparisonFailed(f"{path} is {width}x{height} pixels; a plot has {MIN_SIDE} to {MAX_SIDE} a side")
        try:
            with Image.open(io.BytesIO(data)) as image:
                pixels = np.asarray(image.convert("RGB"))
        except Exception as e:
            raise ComparisonFailed(f"{path} does not decode as a PNG image: {str(e)[:200]}") from None
        if (pixels == pixels[0, 0]).all():
            raise ComparisonFailed(f"{path} is {width}x{height} pixels of a single colour: an empty figure")

    def check_plots(self, model, kinds):
        for kind in kinds:
            self.check_png(f"{model}_{kind}.png", HOW[kind].format(m=model))


class TestDeliverables(DeliverableTestCase):

    @weight(0.25)
    @number("8.5.4")
    def test_softmax_log(self):
        """softmax.log, the output of run_softmax.sh, ends with the test accuracy line"""
        self.check_log("softmax")

    @weight(0.25)
    @number("8.5.5")
    def test_softmax_plots(self):
        """softmax_lossvstrain.png and softmax_valaccuracy.png are plots (PNG images)"""
        self.check_plots("softmax", ["lossvstrain", "valaccuracy"])

    @weight(0.25)
    @number("8.6.2")
    def test_two_layer_nn_log(self):
        """twolayernn.log, the output of run_twolayernn.sh, ends with the test accuracy line"""
        self.check_log("twolayernn")

    @weight(0.25)
    @number("8.6.3")
    def test_two_layer_nn_plots(self):
        """twolayernn_lossvstrain.png and twolayernn_valaccuracy.png are plots (PNG images)"""
        self.check_plots("twolayernn", ["lossvstrain", "valaccuracy"])

    @weight(0.25)
    @number("8.6.4")
    def test_two_layer_nn_filters(self):
        """twolayernn_gridfilt.png shows the first layer's weights (a PNG image)"""
        self.check_plots("twolayernn", ["gridfilt"])

    @weight(0.25)
    @number("8.7.2")
    def test_convnet_log(self):
        """convnet.log, the output of run_convnet.sh, ends with the test accuracy line"""
        self.check_log("convnet")

    @weight(0.25)
    @number("8.7.3")
    def test_convnet_plots(self):
        """convnet_lossvstrain.png and convnet_valaccuracy.png are plots (PNG images)"""
        self.check_plots("convnet", ["lossvstrain", "valaccuracy"])

    @weight(0.25)
    @number("8.7.4")
    def test_convnet_filters(self):
        """convnet_gridfilt.png shows the learned filters (a PNG image)"""
        self.check_plots("convnet", ["gridfilt"])

    @weight(0)
    @number("8.8.3")
    def test_my_model_log_and_plots(self):
        """Q8.8: mymodel.log ends with the test accuracy line; mymodel_lossvstrain.png and mymodel_valaccuracy.png are plots"""
        self.check_log("mymodel")
        self.check_plots("mymodel", ["lossvstrain", "valaccuracy"])

    @weight(0)
    @number("8.8.4")
    def test_extra_md(self):
        """Q8.8: extra.md gives your name, email and best accuracy (and what you tried, read by the staff)"""
        text = self.read("extra.md", "write it as the Q8.8 deliverables ask").decode("utf-8", "replace")
        missing = [what for what, pattern in (
            ("your name (a line 'Name: ...')", r"(?im)^\W*name\W*[:\-]\s*\S"),
            ("your email address", r"[\w.+-]+@[\w-]+(\.[\w-]+)+"),
            ("your best accuracy (a line with 'accuracy' and a number)", r"(?im)^.*accuracy.*\d"),
        ) if not re.search(pattern, text)]
        if missing:
            raise ComparisonFailed("extra.md must give " + "; ".join(missing))
