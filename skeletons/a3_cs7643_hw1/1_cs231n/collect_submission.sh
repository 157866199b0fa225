#!/usr/bin/env bash
# Export the notebooks (PDF where LaTeX is installed, else HTML), then zip this folder to
# 1_cs231n.zip without the data set, the Cython build and caches.
set -e
cd "$(dirname "$0")"

required="softmax.ipynb two_layer_net.ipynb layers.ipynb convnet.ipynb
cs231n/classifiers/softmax.py cs231n/classifiers/linear_classifier.py cs231n/classifiers/neural_net.py
cs231n/classifier_trainer.py cs231n/layers.py"
missing=""
for f in $required; do
    [ -f "$f" ] || missing="$missing $f"
done
if [ -n "$missing" ]; then
    echo "collect_submission.sh: missing required file(s):$missing" >&2
    echo "Run this script from the 1_cs231n folder you unpacked, without renaming files." >&2
    exit 1
fi
if ! command -v zip >/dev/null 2>&1; then
    echo "collect_submission.sh: the 'zip' command is not installed; install it and run again." >&2
    exit 1
fi

# The exports are for reading your results; the grader runs the code in cs231n/ itself.
# nbconvert makes a PDF through LaTeX (xelatex); without it, HTML.
if command -v xelatex >/dev/null 2>&1 && jupyter nbconvert --to pdf *.ipynb >/dev/null 2>&1; then
    echo "Exported the notebooks as PDF."
elif jupyter nbconvert --to html *.ipynb >/dev/null 2>&1; then
    echo "Exported the notebooks as HTML (no LaTeX for PDF here: print the HTML to PDF if PDFs are asked for)."
else
    echo "collect_submission.sh: could not export the notebooks (is jupyter installed?); zipping them anyway" >&2
fi

rm -f 1_cs231n.zip
zip -r 1_cs231n.zip . -x "*.git*" "*cs231n/datasets/cifar-10-batches-py*" "*cs231n/datasets/*.tar.gz" \
    "*.ipynb_checkpoints*" "*README.md" "*collect_submission.sh" "*requirements.txt" "*.pyc" "*__pycache__*" \
    "*cs231n/build/*" "*.so" "*cs231n/im2col_cython.c" "tests/*" "autograder/*" >/dev/null
echo "Wrote 1_cs231n.zip: upload it, and the PDFs, to Gradescope."
