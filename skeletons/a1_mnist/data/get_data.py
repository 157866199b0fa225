"""Download MNIST and write it as the course's CSV files.

    python get_data.py                      # download from the default mirror
    python get_data.py --base-url URL       # or set MNIST_BASE_URL
    python get_data.py --source DIR         # convert local IDX files (.gz or not), no network

Writes mnist_train.csv (60,000 rows) and mnist_test.csv (10,000 rows) into --out (default:
this script's folder). Each row is `label,p1,...,p784` with pixels as integers 0..255, no
header. The four canonical IDX files are checked against their published MD5 checksums
(of the decompressed files) before anything is written. Standard library only, so it runs
before the course environment exists.
"""

import argparse
import gzip
import hashlib
import os
import struct
import sys
import urllib.error
import urllib.request
import zlib

DEFAULT_BASE_URL = "https://ossci-datasets.s3.amazonaws.com/mnist/"

# MD5 of the decompressed canonical files.
MD5 = {
    "train-images-idx3-ubyte": "6bbc9ace898e44ae57da46a324031adb",
    "train-labels-idx1-ubyte": "a25bea736e30d166cdddb491f175f624",
    "t10k-images-idx3-ubyte": "2646ac647ad5339dbf082846283269ea",
    "t10k-labels-idx1-ubyte": "27ae3e4e09519cfbb04c329615203637",
}
# output CSV -> (images file, labels file)
SPLITS = {
    "mnist_train.csv": ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
    "mnist_test.csv": ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
}
TIMEOUT_S = 60


class DataError(Exception):
    """A download, checksum or format problem; the message is the one line users see."""


def fetch(base_url, name):
    """Download `name`.gz from the mirror -> the decompressed bytes."""
    url = base_url.rstrip("/") + "/" + name + ".gz"
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_S) as response:
            compressed = response.read()
    except urllib.error.HTTPError as e:
        raise DataError(f"could not download {url}: HTTP {e.code} {e.reason}") from None
    except urllib.error.URLError as e:
        raise DataError(f"could not download {url}: {e.reason}") from None
    except (OSError, ValueError) as e:  # timeouts, resets, malformed URLs
        raise DataError(f"could not download {url}: {e}") from None
    return gunzip(compressed, url)


def read_local(source, name):
    """Read `name` (or `name`.gz) from the folder `source` -> the decompressed bytes."""
    plain = os.path.join(source, name)
    packed = plain + ".gz"
    if os.path.isfile(packed):
        with open(packed, "rb") as f:
            return gunzip(f.read(), packed)
    if os.path.isfile(plain):
        with open(plain, "rb") as f:
            return f.read()
    raise DataError(f"{name}(.gz) not found in {source}")


def gunzip(data, where):
    try:
        return gzip.decompress(data)
    except (OSError, EOFError, zlib.error) as e:
        raise DataError(f"{where} is not a valid gzip file ({e})") from None


def verify(name, data):
    digest = hashlib.md5(data).hexdigest()
    if digest != MD5[name]:
        raise DataError(
            f"MD5 checksum mismatch for {name}: expected {MD5[name]}, got {digest} "
            f"(corrupt download or not the canonical MNIST file)"
        )


def parse_images(data, name):
    """IDX3 bytes -> (count, bytes of count * 784 pixels, row-major)."""
    magic, count, rows, cols = struct.unpack(">IIII", data[:16])
    if magic != 2051 or rows * cols != 784 or len(data) != 16 + count * 784:
        raise DataError(f"{name} is not an IDX file of 28x28 images")
    return count, data[16:]


def parse_labels(data, name):
    magic, count = struct.unpack(">II", data[:8])
    if magic != 2049 or len(data) != 8 + count:
        raise DataError(f"{name} is not an IDX label file")
    return data[8:]


def write_csv(path, pixels, labels):
    """Write `label,p1,...,p784` rows; written to a temporary name, then renamed."""
    table = [str(i) for i in range(256)]
    lookup = table.__getitem__
    tmp = path + ".part"
    with open(tmp, "w", newline="\n") as f:
        for i, label in enumerate(labels):
            row = pixels[i * 784:(i + 1) * 784]
            f.write(table[label] + "," + ",".join(map(lookup, row)) + "\n")
    os.replace(tmp, path)


def get_data(out, base_url=DEFAULT_BASE_URL, source=None):
    """Fetch (or read), verify and convert all four files; write the two CSVs into `out`."""
    files = {}
    for name in MD5:  # verify everything before writing anything
        data = read_local(source, name) if source else fetch(base_url, name)
        verify(name, data)
        files[name] = data
    os.makedirs(out, exist_ok=True)
    for csv_name, (images_name, labels_name) in SPLITS.items():
        count, pixels = parse_images(files[images_name], images_name)
        labels = parse_labels(files[labels_name], labels_name)
        if len(labels) != count:
            raise DataError(f"{images_name} and {labels_name} hold different numbers of items")
        write_csv(os.path.join(out, csv_name), pixels, labels)


def main(argv=None):
    parser = argparse.ArgumentParser(description="Download MNIST and write the course's CSV files.")
    parser.add_argument("--base-url", default=os.environ.get("MNIST_BASE_URL", DEFAULT_BASE_URL),
                        help="mirror holding the four IDX .gz files (env MNIST_BASE_URL)")
    parser.add_argument("--source", help="folder with local IDX files: convert them, no download")
    parser.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)),
                        help="folder for mnist_train.csv and mnist_test.csv (default: beside this script)")
    args = parser.parse_args(argv)
    try:
        get_data(args.out, base_url=args.base_url, source=args.source)
    except DataError as e:
        print(f"get_data: error: {e}", file=sys.stderr)
        return 1
    print(f"get_data: wrote mnist_train.csv and mnist_test.csv in {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
