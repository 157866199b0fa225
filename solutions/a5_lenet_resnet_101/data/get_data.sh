# Download Caltech-101 and write the 64x64 split into this folder: data/train/<class>/*.jpg,
# data/val/<class>/*.jpg and data/split.csv (see prepare_caltech101.py; options are passed on).
cd "$(dirname "$0")" && python prepare_caltech101.py "$@"
