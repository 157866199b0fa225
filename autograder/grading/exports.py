"""Is the submitted .pdf or .html the export of the submitted notebook?

The assignment asks for the notebook twice: as .ipynb and exported (.pdf or .html), so a
reader sees the outputs without running it. The export counts when it is present, opens,
and its text holds the notebook's own code: at least half of its distinctive lines.

    verdict = check_export(["assignment2.html"], "assignment2.ipynb", skeleton_path=...)
    verdict.ok, verdict.message, verdict.path

A distinctive line is a code line of 12 characters or more, not a comment, and not in the
starter notebook everyone has: so an export of the untouched starter, or of someone
else's notebook, does not count. Texts are compared with all whitespace removed, since a
PDF's text extraction breaks long lines and drops or inserts spaces.
"""

import codecs
import re
import unicodedata
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from autograder.errors import KitError

EXPORT_COMMAND = "jupyter nbconvert --to html {notebook}"
MIN_LINE_CHARS = 12
MIN_FRACTION = 0.5
MAX_PAGES = 300  # read no further: the text found so far is what counts
MAX_TEXT_CHARS = 20_000_000
MAX_HTML_BYTES = 256 * 1024 * 1024  # the figures of an HTML export are in it, base64
CHUNK = 1024 * 1024
# What a PDF's fonts and LaTeX make of ASCII code; \u21aa marks a line nbconvert wrapped.
LOOKALIKES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "\u201c": '"',
                            "\u201d": '"', "\u201e": '"', "\u2033": '"', "\u2212": "-", "\u2013": "-",
                            "\u2014": "-", "\u2217": "*", "\u02c6": "^", "\u02dc": "~", "\u21aa": None})
SKIPPED_TAGS = frozenset({"script", "style", "template"})
BLOCK_TAGS = frozenset({"br", "p", "div", "pre", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6"})


class ExportError(Exception):
    """The export cannot be read; the message, for the student, names the file and why."""


@dataclass(frozen=True)
class ExportVerdict:
    ok: bool
    message: str
    path: str | None  # the export judged; None when there was none to judge


def export_text(path):
    """The visible text of a .pdf or .html/.htm file; ExportError when it cannot be read."""
    path = Path(path)
    kind = {".pdf": "pdf", ".html": "html", ".htm": "html"}.get(path.suffix.lower())
    if kind is None:
        raise ExportError(f"{path.name} is not a .pdf or .html file")
    try:
        with open(path, "rb") as f:
            head = f.read(1024)
    except OSError as e:
        raise ExportError(f"{path.name} cannot be read ({e.strerror or e})") from None
    if not head:
        raise ExportError(f"{path.name} is empty (0 bytes)")
    actually = _sniff(head)
    if actually and actually != kind:
        actually = {"pdf": "a PDF (name it .pdf)", "html": "HTML (name it .html)"}.get(actually, actually)
        raise ExportError(f"{path.name} is not {'a PDF' if kind == 'pdf' else 'HTML'}: it is {actually}")
    return _pdf_text(path) if kind == "pdf" else _html_text(path, head)


def _sniff(head):
    """What the first bytes show the file is, if they do: 'pdf', 'html' or what else it is."""
    if b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "a zip archive (a .docx or a .zip renamed?)"
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or head.startswith(b"\xef\xbb\xbf"):
        return "html"
    if head.lstrip().startswith(b"{"):
        return "JSON (the notebook itself, renamed?)"
    if b"\0" in head or head.startswith((b"\x89PNG", b"\xff\xd8")):
        return "a binary file (an image?)"
    return "html" if b"<" in head else None


def _pdf_text(path):
    import pypdf  # here, not at the top: only a notebook assignment's grading needs it

    try:
        reader = pypdf.PdfReader(path)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExportError(f"{path.name} is encrypted and needs a password: export it without one")
        pages = []
        for page in reader.pages[:MAX_PAGES]:
            pages.append(page.extract_text() or "")
            if sum(map(len, pages)) >= MAX_TEXT_CHARS:
                break
    except ExportError:
        raise
    except pypdf.errors.DependencyError:
        raise ExportError(f"{path.name} is encrypted: export it again without a password") from None
    except Exception as e:  # a corrupt PDF can make pypdf raise almost anything
        raise ExportError(f"{path.name} does not open as a PDF ({type(e).__name__}: {e})"[:300]) from None
    return "\n".join(pages)


class _TextParser(HTMLParser):
    """Collects text nodes outside <script>, <style> and <template>; entities decoded."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.size, self.tags, self.skipping = [], 0, 0, 0

    def handle_starttag(self, tag, attrs):
        self.tags += 1
        self.skipping += tag in SKIPPED_TAGS
        if tag in BLOCK_TAGS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag in SKIPPED_TAGS and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)
            self.size += len(data)


def _html_text(path, head):
    utf16 = head[:2] in (b"\xff\xfe", b"\xfe\xff")
    for encoding in ("utf-16",) if utf16 else ("utf-8-sig", "latin-1"):
        parser, decoder = _TextParser(), codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as f:
                read, chunk = 0, b""
                while read < MAX_HTML_BYTES and parser.size < MAX_TEXT_CHARS and (chunk := f.read(CHUNK)):
                    read += len(chunk)
                    parser.feed(decoder.decode(chunk))
                parser.feed(decoder.decode(b"", final=not f.read(1)))  # a cut-off character is no error
            parser.close()
        except UnicodeDecodeError:
            continue
        except OSError as e:
            raise ExportError(f"{path.name} cannot be read ({e.strerror or e})") from None
        if not parser.tags:
            raise ExportError(f"{path.name} has no HTML tags in it: it is not a web page")
        return "".join(parser.parts)
    raise ExportError(f"{path.name} is not text in UTF-8, UTF-16 or Latin-1")


def _squash(text):
    """`text` as compared: lookalike characters made ASCII, all whitespace removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).translate(LOOKALIKES))


def _code_lines(path, error):
    import nbformat

    try:
        nb = nbformat.read(path, as_version=4)
        cells = [cell for cell in nb.cells if cell.cell_type == "code"]
        return [" ".join(line.split()) for cell in cells for line in cell.source.splitlines()]
    except Exception as e:  # not JSON, not a notebook, not UTF-8, missing
        raise error(f"{Path(path).name} does not open as a notebook ({type(e).__name__}: {e})"[:300]) from None


def notebook_code_lines(notebook_path, skeleton_path=None):
    """The distinctive code lines of the notebook, in order, once each, whitespace normalised.

    Lines under MIN_LINE_CHARS characters, comments, and the lines of the starter notebook
    at `skeleton_path` are left out. ExportError when the notebook does not open (KitError
    for the skeleton: that one is the kit's).
    """
    starter = set(_code_lines(skeleton_path, KitError)) if skeleton_path else set()
    lines = _code_lines(notebook_path, ExportError)
    keep = (line for line in lines if len(line) >= MIN_LINE_CHARS and not line.startswith("#"))
    return list(dict.fromkeys(line for line in keep if line not in starter))


def check_export(export_paths, notebook_path, skeleton_path=None):
    """The verdict on the best of `export_paths` (any one .pdf or .html suffices)."""
    notebook = Path(notebook_path).name
    remedy = f"export this notebook ({EXPORT_COMMAND.format(notebook=notebook)}) and submit that file"
    if not export_paths:
        return ExportVerdict(False, f"no .pdf or .html export of {notebook} is in the submission: make one "
                             f"with `{EXPORT_COMMAND.format(notebook=notebook)}` (needs no LaTeX) and submit "
                             "it with the notebook.", None)
    try:
        lines = notebook_code_lines(notebook_path, skeleton_path)
    except ExportError as e:
        return ExportVerdict(False, f"the export cannot be checked: {e}.", None)
    wanted = [_squash(line) for line in lines]
    judged, errors = [], []
    for path in export_paths:
        try:
            text = _squash(export_text(path))
        except ExportError as e:
            errors.append(str(e))
            continue
        found = sum(line in text for line in wanted)
        ok = not wanted or (found >= 1 and found >= MIN_FRACTION * len(wanted))
        judged.append((ok, found, bool(text), str(path)))
    if not judged:
        return ExportVerdict(False, f"{'; '.join(errors)}: {remedy}.", str(export_paths[0]))
    ok, found, has_text, path = max(judged, key=lambda j: j[:2])
    name, total = Path(path).name, len(wanted)
    if ok and not wanted:
        message = f"{name} opens; {notebook} has no code of its own to look for in it."
    elif ok:
        message = f"{name} is the notebook's export: {found} of {total} of its code lines are in it."
    elif not has_text:
        message = f"{name} opens, but has no text in it (a scan or a screenshot?): {remedy}."
    else:
        message = (f"{name} opens, but only {found} of {total} of your notebook's code lines are in its "
                   f"text: {remedy}.")
    return ExportVerdict(ok, message, path)
