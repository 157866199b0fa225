"""Kit checks (not student code): data/get_data.py downloads, verifies and converts MNIST.

A local http.server on 127.0.0.1 serves the canonical IDX files from ../shared/data/mnist,
so the real download path runs without the network. Skipped where that folder is absent
(e.g. inside the Gradescope autograder).
"""

import gzip
import hashlib
import http.server
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import unittest
from functools import partial
from pathlib import Path

from autograder.harness.testing import visibility, weight

REPO = Path(__file__).resolve().parents[2]
GET_DATA = REPO / "solutions" / "a1_mnist" / "data" / "get_data.py"
MNIST = REPO.parent / "shared" / "data" / "mnist"
# MD5 of the CSVs written from the canonical files (label, then 784 pixels 0..255, no header).
CSV_MD5 = {"mnist_train.csv": "5b49cf1b57fb9d6102b559d59d99df7c",
           "mnist_test.csv": "c807df8d6d804ab2647fc15c3d40f543"}


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


class Mirror:
    """Serve a folder over HTTP on 127.0.0.1 (an ephemeral port) from a thread."""

    def __init__(self, folder):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(QuietHandler, directory=folder))
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def run_get_data(*args, env=None):
    return subprocess.run([sys.executable, str(GET_DATA), *args], capture_output=True, text=True,
                          timeout=300, env=env)


@unittest.skipUnless(MNIST.is_dir(), f"needs the canonical MNIST files in {MNIST}")
class TestGetData(unittest.TestCase):
    """get_data.py: download, checksum and conversion."""

    def setUp(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="a1-get-data-"))
        self.addCleanup(shutil.rmtree, self.tmp, ignore_errors=True)

    def assertOneLineError(self, result, text, out):
        self.assertNotEqual(result.returncode, 0, result.stdout + result.stderr)
        lines = result.stderr.strip().splitlines()
        self.assertEqual(len(lines), 1, f"expected a one-line error, got:\n{result.stderr}")
        self.assertIn(text, lines[0])
        self.assertEqual(sorted(p.name for p in out.iterdir()), [], "no CSV may be written")

    @weight(0)
    @visibility("hidden")
    def test_download_writes_course_csvs(self):
        """Does get_data.py download the four files over HTTP and write byte-exact course CSVs?"""
        with Mirror(str(MNIST)) as mirror:
            result = run_get_data("--base-url", mirror.url, "--out", str(self.tmp))
        self.assertEqual(result.returncode, 0, result.stderr)
        for name, expected in CSV_MD5.items():
            data = (self.tmp / name).read_bytes()
            self.assertEqual(hashlib.md5(data).hexdigest(), expected, f"{name} differs from the course CSV")
        with open(self.tmp / "mnist_train.csv") as f:
            first = f.readline().rstrip("\n").split(",")
        self.assertEqual(len(first), 785)
        self.assertEqual(first[0], "5")

    @weight(0)
    @visibility("hidden")
    def test_checksum_mismatch(self):
        """Does a corrupted file on the mirror (MNIST_BASE_URL) stop get_data.py with a one-line checksum error?"""
        served = self.tmp / "mirror"
        shutil.copytree(MNIST, served)
        labels = served / "t10k-labels-idx1-ubyte.gz"
        raw = bytearray(gzip.decompress(labels.read_bytes()))
        raw[100] = (raw[100] + 1) % 10
        labels.chmod(0o644)
        labels.write_bytes(gzip.compress(bytes(raw)))
        out = self.tmp / "out"
        out.mkdir()
        with Mirror(str(served)) as mirror:
            env = {"MNIST_BASE_URL": mirror.url, "PATH": "/usr/bin:/bin"}
            result = run_get_data("--out", str(out), env=env)
        self.assertOneLineError(result, "MD5 checksum mismatch for t10k-labels-idx1-ubyte", out)

    @weight(0)
    @visibility("hidden")
    def test_network_error(self):
        """Does an unreachable mirror stop get_data.py with a one-line download error?"""
        with socket.socket() as s:  # a port that was free a moment ago: nothing listens there
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        result = run_get_data("--base-url", f"http://127.0.0.1:{port}/", "--out", str(self.tmp))
        self.assertOneLineError(result, f"could not download http://127.0.0.1:{port}/", self.tmp)


if __name__ == "__main__":
    unittest.main()
