#!/usr/bin/env bash
# Pack the files Gradescope grades into assignment_2_part1_submission.zip:
# modules/*.py optimizer/*.py trainer.py train.py (paths kept, from this folder).
set -e
cd "$(dirname "$0")"

required="trainer.py train.py
modules/__init__.py modules/convolution.py modules/max_pool.py modules/relu.py
modules/linear.py modules/softmax_ce.py modules/conv_classifier.py
optimizer/__init__.py optimizer/_base_optimizer.py optimizer/sgd.py"
missing=""
for f in $required; do
    [ -f "$f" ] || missing="$missing $f"
done
if [ -n "$missing" ]; then
    echo "collect_submission.sh: missing required file(s):$missing" >&2
    echo "Run this script from the part1-convnet folder you unpacked, without renaming files." >&2
    exit 1
fi
if ! command -v zip >/dev/null 2>&1; then
    echo "collect_submission.sh: the 'zip' command is not installed; install it and run again." >&2
    exit 1
fi

rm -f assignment_2_part1_submission.zip
zip -r assignment_2_part1_submission.zip modules/*.py optimizer/*.py trainer.py train.py
echo "Wrote assignment_2_part1_submission.zip: upload it to Gradescope."
