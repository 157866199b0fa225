#!/bin/sh
# Download MNIST and write mnist_train.csv and mnist_test.csv beside this script.
# Arguments are passed on to get_data.py (e.g. --base-url URL, --source DIR).
cd "$(dirname "$0")" || exit 1
if command -v python >/dev/null 2>&1; then
    exec python get_data.py "$@"
fi
exec python3 get_data.py "$@"
