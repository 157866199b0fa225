# Export the notebook to HTML and pack what Gradescope grades into a5_submission.zip:
# assignment2.ipynb (run it first: its outputs are your report), its .html (and a .pdf, if
# you made one) and the checkpoints it saved.
set -e
if [ ! -f assignment2.ipynb ]; then
    echo "missing assignment2.ipynb: run this script from the assignment folder" >&2
    exit 1
fi
for f in checkpoints/lenet5.pth checkpoints/lenet5_improved.pth checkpoints/resnet18.pth; do
    if [ ! -f "$f" ]; then
        echo "warning: $f not found (run the notebook's training cells)" >&2
    fi
done
# The HTML export needs no LaTeX. Without an export (.html or .pdf) the seed takes 10 points off.
if command -v jupyter >/dev/null 2>&1; then
    export_cmd="jupyter nbconvert"
else
    export_cmd="python -m nbconvert"
fi
if ! $export_cmd --to html assignment2.ipynb; then
    echo "warning: the HTML export failed; export the notebook yourself (File > Save and Export As > HTML or PDF)" >&2
fi
files="assignment2.ipynb"
for f in assignment2.html assignment2.pdf checkpoints/*.pth; do
    if [ -f "$f" ]; then
        files="$files $f"
    fi
done
rm -f a5_submission.zip
zip a5_submission.zip $files
