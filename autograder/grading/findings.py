"""What the static checks report (one Finding per problem, shown to the student as a
visible entry worth no points, the import penalty aside), and the parsing they share."""

import ast
import tokenize
from dataclasses import dataclass

KINDS = ("syntax", "import", "signature", "size", "missing")


@dataclass(frozen=True)
class Finding:
    """One static problem in a student file; `message` is what the student reads."""

    file: str          # posix path relative to the workspace
    line: int | None
    kind: str          # one of KINDS
    message: str
    penalised: bool = False  # an import of manifest.import_forbid: the import penalty applies
    cell: int | None = None  # in a notebook: the cell (line is then the line in that cell)

    @property
    def where(self):
        """'models/cnn.py line 3', 'assignment2.ipynb cell 7 line 3', or the file alone."""
        cell = f" cell {self.cell}" if self.cell else ""
        return f"{self.file}{cell} line {self.line}" if self.line else f"{self.file}{cell}"


def parse(path, rel):
    """(tree, source, None) or (None, None, a syntax Finding)."""
    try:
        with tokenize.open(path) as f:  # honours a coding cookie and a BOM
            source = f.read()
        return ast.parse(source, filename=rel), source, None
    except SyntaxError as e:
        text = f": `{e.text.strip()}`" if e.text and e.text.strip() else ""
        where = f"{rel} line {e.lineno}" if e.lineno else rel
        return None, None, Finding(rel, e.lineno, "syntax", f"{where}: syntax error ({e.msg}){text}")
    except UnicodeDecodeError as e:
        return None, None, Finding(rel, None, "syntax", f"{rel}: not UTF-8 text ({e.reason} at byte {e.start})")
    except ValueError as e:  # e.g. null bytes, which Python 3.11 reports this way
        return None, None, Finding(rel, None, "syntax", f"{rel}: syntax error ({e})")
    except (RecursionError, MemoryError):
        return None, None, Finding(rel, None, "syntax", f"{rel}: syntax error (too deeply nested to parse)")


def parse_skeleton(path):
    """The skeleton's version of a file; an empty module if the skeleton has none."""
    if not path.is_file():
        return ast.Module([], []), ""
    tree, source, problem = parse(path, path.name)
    if problem:
        raise ValueError(f"skeleton {path} does not parse: {problem.message}")
    return tree, source
