#!/usr/bin/env bash
# Pack the files Gradescope grades into assignment_1_submission.zip (files at the zip root).
set -e
cd "$(dirname "$0")"

required="main.py utils.py configs/config_exp.yaml
models/__init__.py models/_base_network.py models/softmax_regression.py models/two_layer_nn.py
optimizer/__init__.py optimizer/_base_optimizer.py optimizer/sgd.py"
missing=""
for f in $required; do
    [ -f "$f" ] || missing="$missing $f"
done
if [ -n "$missing" ]; then
    echo "collect_submission.sh: missing required file(s):$missing" >&2
    echo "Run this script from the assignment folder you unpacked, without renaming files." >&2
    exit 1
fi
if ! command -v zip >/dev/null 2>&1; then
    echo "collect_submission.sh: the 'zip' command is not installed; install it and run again." >&2
    exit 1
fi

rm -f assignment_1_submission.zip
zip -r assignment_1_submission.zip configs models optimizer *.py
echo "Wrote assignment_1_submission.zip: upload it to Gradescope."
