"""Render a reference notebook (jupytext percent format, `name.nb.py`) into `name.ipynb`.

The reference is a percent-format file so that it reviews in a diff like any module and
can hold no outputs at all. It carries the same markers as a .py file (render.py): in code
cells, in markdown cells (a `#| # text` stub is a markdown line), and around a whole cell,
its `# %%` line included, for a cell that must never reach students (the training run that
made the reference checkpoints). The markers are rendered on the text first, then
jupytext reads the cells, and nbformat writes a fresh notebook of them: no outputs,
execution counts, attachments or metadata from the solution, only each cell's tags, and
cell ids numbered in order so the file is the same at every render.
"""

import re

import jupytext
import nbformat
from nbformat import v4

from autograder.authoring.render import render

SOURCE_SUFFIX = ".nb.py"
KERNELSPEC = {"display_name": "Python 3", "language": "python", "name": "python3"}
_NEW_CELL = {"code": v4.new_code_cell, "markdown": v4.new_markdown_cell, "raw": v4.new_raw_cell}


def is_notebook_source(rel):
    return rel.endswith(SOURCE_SUFFIX)


def notebook_name(rel):
    """'assignment2.nb.py' -> 'assignment2.ipynb' (what students get)."""
    return rel[:-len(SOURCE_SUFFIX)] + ".ipynb"


def render_notebook(text, *, solution, filename="<notebook>"):
    """The .ipynb text of a marked percent-format notebook: the reference or the student's."""
    cells = []
    # Blank lines before the first cell (a solution-only first cell leaves them) would be an
    # empty cell; those after a cell (one before a removed solution-only cell) are dropped.
    rendered = re.sub(r"\A(?:[ \t]*\r?\n)+", "", render(text, solution=solution, filename=filename))
    for number, cell in enumerate(jupytext.reads(rendered, fmt="py:percent").cells, 1):
        new = _NEW_CELL[cell.cell_type](cell.source.rstrip())
        new.id = f"cell-{number}"
        tags = cell.get("metadata", {}).get("tags")
        if tags:
            new.metadata["tags"] = list(tags)
        cells.append(new)
    notebook = v4.new_notebook(cells=cells, metadata={"kernelspec": KERNELSPEC,
                                                      "language_info": {"name": "python"}})
    nbformat.validate(notebook)
    return nbformat.writes(notebook) + "\n"
