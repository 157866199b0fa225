#!/bin/sh
# Zip what Q8.5-Q8.8 ask for into 2_pytorch.zip: your code, run scripts, logs, plots,
# notebooks, extra.md and predictions.csv; not the data, the trained models (*.pt) or the
# kit's own files.
rm -f 2_pytorch.zip
zip -r 2_pytorch.zip . -x "*.git*" "data/*" "*.ipynb_checkpoints*" "README.md" "collect_submission.sh" \
    "requirements.txt" "*.pyc" "*__pycache__*" "*.pt" "tests/*" "autograder/*" "instructor/*"
