# Pack the files Gradescope grades into assignment_2_part2_submission.zip
set -e
for f in main.py configs losses models checkpoints; do
    if [ ! -e "$f" ]; then
        echo "missing $f: run this script from the part2-pytorch folder" >&2
        exit 1
    fi
done
for f in checkpoints/twolayernet.pth checkpoints/vanillacnn.pth checkpoints/mymodel.pth; do
    if [ ! -f "$f" ]; then
        echo "warning: $f not found (train the model with save_best: True)" >&2
    fi
done
rm -f assignment_2_part2_submission.zip
zip -r assignment_2_part2_submission.zip configs/ losses/*.py main.py models/*.py checkpoints/
