"""Submit the notebook in .ipynb and exported, as .pdf or .html (penalty 10 points).

The exports are real: HTML from nbconvert's HTMLExporter (the students' own command, its
code syntax-highlighted into spans and entities) and PDFs drawn by matplotlib with
embedded TrueType fonts, so pypdf's text extraction is exercised as on a student's PDF.
"""

import random
import shutil
from types import SimpleNamespace

import matplotlib
import nbformat
import pytest
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook
from pypdf import PdfReader, PdfWriter

from autograder.grading.exports import ExportError, check_export, export_text, notebook_code_lines

IMPORTS = "import numpy as np\n\nfrom cs231n.classifiers.softmax import softmax_loss_naive"
SIGNATURE = 'def softmax_loss_vectorized(W, X, y, reg):\n    """Softmax loss and its gradient, no loops."""'
SOLUTION = """\
    num_train = X.shape[0]
    scores = X.dot(W)
    scores -= np.max(scores, axis=1, keepdims=True)
    probs = np.exp(scores) / np.sum(np.exp(scores), axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(num_train), y]).mean()
    loss += reg * np.sum(W * W)  # L2, as in the notes
    return loss"""
TUNING = """\
results = {}
for lr in [1e-7, 5e-7]:
    val_acc = train_and_score(lr, reg=2.5e4)
    results[lr] = val_acc"""
# Another student's notebook: the same starter, their own solution.
OTHER_SOLUTION = """\
    loss = 0.0
    for i in range(X.shape[0]):
        row_scores = X[i].dot(W)
        row_scores = row_scores - row_scores.max()
        loss -= row_scores[y[i]] - np.log(np.exp(row_scores).sum())
    return loss / X.shape[0] + reg * (W ** 2).sum()"""
TODO = "    # TODO: compute the loss without loops\n    raise NotImplementedError"


def notebook(*sources):
    return new_notebook(cells=[new_markdown_cell("# Assignment 2: softmax")]
                        + [new_code_cell(source) for source in sources])


def completed(solution=SOLUTION):
    return notebook(IMPORTS, f"{SIGNATURE}\n{solution}", TUNING)


def starter():
    return notebook(IMPORTS, f"{SIGNATURE}\n{TODO}", "results = {}\n# TODO: tune lr\nraise NotImplementedError")


def write_notebook(nb, path):
    nbformat.write(nb, path)
    return path


def write_pdf(nb, path, wrap_at=None, rows_per_page=45):
    """A PDF of `nb`'s code, drawn line by line; long lines broken at `wrap_at` as printed."""
    rows = []
    for cell in nb.cells:
        for line in cell.source.splitlines():
            while wrap_at and len(line) > wrap_at:
                rows.append(line[:wrap_at])
                line = "      " + line[wrap_at:]
            rows.append(line)
    with matplotlib.rc_context({"pdf.fonttype": 42}), PdfPages(path) as pdf:
        for start in range(0, len(rows), rows_per_page):
            fig = Figure(figsize=(8.5, 11))
            for i, row in enumerate(rows[start:start + rows_per_page]):
                fig.text(0.05, 0.96 - 0.02 * i, row, family="monospace", fontsize=8, parse_math=False)
            pdf.savefig(fig)
    return path


@pytest.fixture(scope="module")
def made(tmp_path_factory):
    """The notebook, its starter, and their exports, built once (nbconvert is slow to load)."""
    from nbconvert import HTMLExporter

    folder = tmp_path_factory.mktemp("submission")
    exporter = HTMLExporter()

    def write_html(nb, name):
        (folder / name).write_text(exporter.from_notebook_node(nb)[0], encoding="utf-8")
        return folder / name

    return SimpleNamespace(
        folder=folder,
        notebook=write_notebook(completed(), folder / "assignment2.ipynb"),
        skeleton=write_notebook(starter(), folder / "skeleton.ipynb"),
        html=write_html(completed(), "assignment2.html"),
        other_html=write_html(completed(OTHER_SOLUTION), "classmate.html"),
        starter_html=write_html(starter(), "starter.html"),
        pdf=write_pdf(completed(), folder / "assignment2.pdf"),
        write_html=write_html,
    )


def test_the_notebooks_own_code_lines_leave_out_short_lines_comments_and_the_starter_code(made):
    """Only the student's own lines can tell their export from anyone else's."""
    lines = notebook_code_lines(made.notebook, made.skeleton)
    assert "scores -= np.max(scores, axis=1, keepdims=True)" in lines
    assert "loss += reg * np.sum(W * W) # L2, as in the notes" in lines  # whitespace normalised
    assert "results = {}" not in lines and "return loss" not in lines  # short
    assert not any(line.startswith(("import", "from", "def", '"""')) for line in lines)  # the starter's
    assert len(lines) == 9
    assert len(notebook_code_lines(made.notebook)) > len(lines)


def test_an_html_export_made_with_nbconvert_counts(made):
    """The HTML that `jupyter nbconvert --to html` writes is the notebook's export."""
    verdict = check_export([made.html], made.notebook, made.skeleton)
    assert verdict.ok, verdict.message
    assert verdict.path == str(made.html)
    assert verdict.message == "assignment2.html is the notebook's export: 9 of 9 of its code lines are in it."
    text = export_text(made.html)
    assert "np.max(scores, axis=1, keepdims=True)" in text and "jp-Cell" not in text  # no CSS, no tags


def test_a_pdf_export_counts(made):
    """A PDF of the notebook counts: its text, as pypdf extracts it, holds the notebook's code."""
    assert "probs = np.exp(scores)" in export_text(made.pdf)
    verdict = check_export([made.pdf], made.notebook, made.skeleton)
    assert verdict.ok, verdict.message
    assert verdict.path == str(made.pdf)


def test_an_export_of_another_notebook_does_not_count(made):
    """A classmate's export (same starter, their own solution) is not this notebook's export."""
    verdict = check_export([made.other_html], made.notebook, made.skeleton)
    assert not verdict.ok
    assert verdict.message.startswith("classmate.html opens, but only 3 of 9 of your notebook's code lines")
    assert "jupyter nbconvert --to html assignment2.ipynb" in verdict.message


def test_an_export_of_the_untouched_starter_notebook_does_not_count(made):
    """Exporting the starter before solving it does not export the completed notebook."""
    verdict = check_export([made.starter_html], made.notebook, made.skeleton)
    assert not verdict.ok
    assert "only 0 of 9" in verdict.message


@pytest.mark.parametrize("content", [random.Random(0).randbytes(4096), b"%PDF-1.7\n" + random.Random(1).randbytes(4096)],
                         ids=["random-bytes", "pdf-header-then-garbage"])
def test_a_corrupt_pdf_is_reported_by_name_not_as_a_traceback(made, tmp_path, content):
    """A .pdf that does not open is named in a sentence that says what to do instead."""
    broken = tmp_path / "assignment2.pdf"
    broken.write_bytes(content)
    with pytest.raises(ExportError, match="assignment2.pdf"):
        export_text(broken)
    verdict = check_export([broken], made.notebook, made.skeleton)
    assert not verdict.ok and verdict.path == str(broken)
    assert verdict.message.startswith("assignment2.pdf is not a PDF") or "does not open as a PDF" in verdict.message
    assert verdict.message.endswith("(jupyter nbconvert --to html assignment2.ipynb) and submit that file.")


def test_a_pdf_that_needs_a_password_does_not_count(made, tmp_path):
    """An encrypted PDF cannot be read by the grader, nor by a TA."""
    writer = PdfWriter(clone_from=made.pdf)
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    writer.write(tmp_path / "assignment2.pdf")
    verdict = check_export([tmp_path / "assignment2.pdf"], made.notebook, made.skeleton)
    assert not verdict.ok
    assert "assignment2.pdf is encrypted and needs a password" in verdict.message


def test_an_empty_html_file_does_not_count(made, tmp_path):
    (tmp_path / "assignment2.html").write_bytes(b"")
    verdict = check_export([tmp_path / "assignment2.html"], made.notebook, made.skeleton)
    assert not verdict.ok
    assert verdict.message.startswith("assignment2.html is empty (0 bytes): export this notebook")


def test_the_notebook_renamed_to_html_is_not_an_export(made, tmp_path):
    """Renaming assignment2.ipynb to .html makes no export, though the code is in the file."""
    shutil.copy(made.notebook, tmp_path / "assignment2.html")
    verdict = check_export([tmp_path / "assignment2.html"], made.notebook, made.skeleton)
    assert not verdict.ok
    assert "assignment2.html is not HTML: it is JSON (the notebook itself, renamed?)" in verdict.message


def test_a_submission_without_an_export_is_told_how_to_make_one(made):
    verdict = check_export([], made.notebook, made.skeleton)
    assert verdict == (verdict.__class__)(False, (
        "no .pdf or .html export of assignment2.ipynb is in the submission: make one with "
        "`jupyter nbconvert --to html assignment2.ipynb` (needs no LaTeX) and submit it with the notebook."), None)


def test_either_export_suffices_and_the_matching_one_is_judged(made, tmp_path):
    """A .pdf of something else beside the notebook's .html: the .html counts."""
    wrong_pdf = write_pdf(completed(OTHER_SOLUTION), tmp_path / "assignment2.pdf")
    verdict = check_export([wrong_pdf, made.html], made.notebook, made.skeleton)
    assert verdict.ok, verdict.message
    assert verdict.path == str(made.html)
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"not a pdf")
    assert check_export([broken, made.pdf], made.notebook, made.skeleton).path == str(made.pdf)


def test_a_long_notebooks_pdf_whose_lines_were_broken_still_counts(tmp_path):
    """A PDF breaks long lines and pages; the code is still found in its text."""
    long_lines = [f"feature_{i:03d} = np.concatenate([X_train[:, {i}], X_val[:, {i}], X_test[:, {i}]]) * "
                  f"scale[{i}] + offset[{i}]" for i in range(60)]
    nb = notebook(*("\n".join(long_lines[i:i + 10]) for i in range(0, 60, 10)))
    path = write_notebook(nb, tmp_path / "long.ipynb")
    pdf = write_pdf(nb, tmp_path / "long.pdf", wrap_at=50)
    pages = PdfReader(pdf).pages
    assert len(pages) > 3 and long_lines[7] not in pages[0].extract_text()  # broken in the PDF's text
    verdict = check_export([pdf], path)
    assert verdict.ok, verdict.message
    assert verdict.message == "long.pdf is the notebook's export: 60 of 60 of its code lines are in it."


def test_a_notebook_with_no_code_of_its_own_needs_only_an_export_that_opens(made):
    """With nothing to look for, an export that opens is enough."""
    path = write_notebook(starter(), made.folder / "untouched.ipynb")
    verdict = check_export([made.starter_html], path, made.skeleton)
    assert verdict.ok
    assert verdict.message == "starter.html opens; untouched.ipynb has no code of its own to look for in it."


def test_a_notebook_that_does_not_open_gives_a_verdict_not_a_traceback(made, tmp_path):
    (tmp_path / "assignment2.ipynb").write_text("{ not json")
    verdict = check_export([made.html], tmp_path / "assignment2.ipynb", made.skeleton)
    assert not verdict.ok and verdict.path is None
    assert "assignment2.ipynb does not open as a notebook" in verdict.message


def test_html_text_is_what_a_browser_shows(tmp_path):
    """Text nodes, entities decoded, no <script> or <style>; Latin-1 read when not UTF-8."""
    page = tmp_path / "page.htm"
    page.write_bytes(b"<html><head><style>p { color: red }</style><script>var x = '<p>';</script></head>"
                     b"<body><p>caf\xe9 &lt;ok&gt; &amp; &#x41;</p><br/>end</body></html>")
    text = export_text(page)
    assert "caf\xe9 <ok> & A" in text and "end" in text
    assert "color" not in text and "var x" not in text
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(ExportError, match="notes.txt is not a .pdf or .html file"):
        export_text(tmp_path / "notes.txt")
