#!/usr/bin/env bash
# Get CIFAR10: the python version (about 163 MB), extracted to cifar-10-batches-py/ here.
set -euo pipefail
cd "$(dirname "$0")"
url=https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz
if command -v wget >/dev/null; then
    wget -O cifar-10-python.tar.gz "$url"
else
    curl -L -o cifar-10-python.tar.gz "$url"
fi
tar -xzvf cifar-10-python.tar.gz
rm cifar-10-python.tar.gz
