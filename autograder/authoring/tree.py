"""The solution tree: which files of solutions/<name> become the student's skeleton.

The one place that decides it; rendering (render.py) then decides each file's text.
"""

import fnmatch

from autograder.authoring.notebook import is_notebook_source, notebook_name

# Never part of a skeleton: instructor files, generated data, trained weights, caches.
ALWAYS_EXCLUDED = (
    "assignment.toml", "*/__pycache__/*", "__pycache__/*", "*.pyc", ".pytest_cache/*",
    "*.pth", "*.pt", "*.png", "data/*.csv", "data/cifar-10-batches-py/*", "*.zip",
)

def source_files(manifest):
    """Relative paths of the files under solutions/<name> that become the skeleton."""
    excluded = ALWAYS_EXCLUDED + manifest.instructor_only + manifest.data + manifest.hidden_labels
    files = []
    for path in sorted(manifest.root.rglob("*")):
        rel = path.relative_to(manifest.root).as_posix()
        # A pattern names a file, or a folder and everything in it (data/train: an image set).
        if path.is_file() and not any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(rel, p.rstrip("/") + "/*")
                                      for p in excluded):
            files.append(rel)
    return files


def skeleton_name(rel):
    """Where a solution file lands in the skeleton: a notebook's source becomes its .ipynb."""
    return notebook_name(rel) if is_notebook_source(rel) else rel
