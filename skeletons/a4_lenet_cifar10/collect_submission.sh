#!/bin/sh
# Build what Homework 2 asks for, from the assignment folder:
# hw2_submission.zip, the one file to upload to Gradescope, holding:
#   code.zip           exactly the three notebooks (lenet5-cifar10.ipynb, lenet5-cifar10-dev.ipynb,
#                      resnet-cifar10.ipynb), as the handout asks
#   predictions.csv    beside it (written by resnet-cifar10.ipynb)
#   your PDF report (any *.pdf here), true_false.md, and what the notebooks saved in
#   saved_model/ (model.h5, model-dev.h5, sweeps.json), which the grader measures.
# Without code.zip, predictions.csv or a PDF report, 20% of the score is taken off (the handout).
set -e
for f in lenet5-cifar10.ipynb lenet5-cifar10-dev.ipynb resnet-cifar10.ipynb; do
    if [ ! -f "$f" ]; then
        echo "missing $f: run this script from the assignment folder, after saving your three notebooks" >&2
        exit 1
    fi
done
for f in predictions.csv saved_model/model.h5 saved_model/model-dev.h5 saved_model/sweeps.json; do
    [ -f "$f" ] || echo "warning: $f not found (run the notebook cells that write it)" >&2
done
ls ./*.pdf >/dev/null 2>&1 || echo "warning: no PDF report here (the handout's first file; 20% off without it)" >&2
rm -f hw2_submission.zip
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
zip -q "$staging/code.zip" lenet5-cifar10.ipynb lenet5-cifar10-dev.ipynb resnet-cifar10.ipynb
zip -q -j hw2_submission.zip "$staging/code.zip"
files="true_false.md"
for f in predictions.csv ./*.pdf saved_model/model.h5 saved_model/model-dev.h5 saved_model/sweeps.json; do
    if [ -f "$f" ]; then
        files="$files $f"
    fi
done
zip -q hw2_submission.zip $files
echo "upload hw2_submission.zip"
