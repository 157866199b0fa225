"""What grading a notebook adds to the results, beside its tests.

- How the worker loads each notebook (`settings`, from the manifest's [[notebooks]]).
- What loading it did not run or could not run (`load_records`): a cell that does not
  parse or raised is a visible entry worth 0 (the tests of what it defines fail on their
  own, naming the cell); what definitions-only loading left out is one visible note.
- Its exported copy (`export_record`): the seed takes points off when the .pdf or .html
  export is missing; the export must open and hold the notebook's own code.
"""

from pathlib import Path

from autograder.grading import exports
from autograder.grading.results import TestRecord

SHOWN_SKIPPED = 12  # statements listed in the note; the rest are counted


def settings(manifest):
    """{module: {mode, cell_seconds, allow_calls}} for the worker's notebook loader."""
    return {n.module: {"mode": n.mode, "cell_seconds": n.cell_seconds, "allow_calls": list(n.allow_calls)}
            for n in manifest.notebooks}


def load_records(rel, report):
    """Visible entries for what loading notebook `rel` skipped or failed (worker.notebook's report)."""
    records = []
    for error in report.get("errors", []):
        what = "does not parse" if error["type"] == "SyntaxError" else f"raised {error['type']}"
        names = ", ".join(error.get("names") or [])
        lost = f"; not defined because of it: {names}" if names else ""
        records.append(TestRecord(
            name=f"Notebook: {rel} cell {error['cell']} {what}", weight=0.0, failed=True, visibility="visible",
            message=f"{rel} cell {error['cell']} line {error['line']}: {error['type']}: {error['message']}{lost}. "
                    f"Only the tests that use what this cell defines are affected."))
    skipped = report.get("skipped", [])
    if skipped and report.get("mode") == "definitions":
        lines = [f"- cell {s['cell']} line {s['line']}: `{s['code']}`" for s in skipped[:SHOWN_SKIPPED]]
        if len(skipped) > SHOWN_SKIPPED:
            lines.append(f"- and {len(skipped) - SHOWN_SKIPPED} more")
        records.append(TestRecord(
            name=f"Notebook: {rel}, what the grader ran", weight=0.0, visibility="visible",
            notes=[f"The grader runs your notebook's imports, functions, classes and constants ({report['ran']} "
                   f"of {report['cells']} code cells), then calls them in the tests; it does not re-run your "
                   f"training, plots or other top-level statements, which cost nothing here:\n" + "\n".join(lines)]))
    return records


def export_record(manifest, workspace, notebook, export_files):
    """The export entry of one notebook: -export_points when no good .pdf/.html copy was submitted."""
    workspace = Path(workspace)
    verdict = exports.check_export([workspace / rel for rel in export_files], workspace / notebook.path,
                                   manifest.skeleton / notebook.path)
    points = notebook.export_points
    return TestRecord(name=f"Exported copy of {notebook.path} (.pdf or .html)", weight=0.0,
                      score=0.0 if verdict.ok else -points, failed=not verdict.ok, visibility="visible",
                      message=f"-{points:g} points: {verdict.message}" if not verdict.ok else "",
                      notes=[verdict.message] if verdict.ok else [])
