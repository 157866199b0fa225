"""After the tests ran: the manifest's print policy and import penalty, applied to records.

Print policy (manifest.print_policy), for lines student code printed that no pattern of
allowed_output.txt matches:
- zero: the whole programming score is 0; each test whose calls printed says so, quoting
  the first such line (except in hidden tests, whose inputs a printed line could reveal);
- fail-test: the tests whose calls printed fail and score 0;
- warn: scores stand; those tests carry a warning.
Warnings that library code raises through Python's warnings machinery (NumPy's
RuntimeWarning for an overflow in an unshifted softmax, a log of 0 in a diverging training
run) are not the student printing: the worker keeps them apart, and each test they occurred
in carries a note naming category, file:line and message (note_warnings; the message is
left out in hidden tests). With `[prints] warnings = "count"` their lines count as printed
lines instead. A student's own `warnings.warn(...)` (called from the submission's files) is
the student choosing to print a line: it is written to stderr as Python would, and the
print policy applies to it like to any print.

Code that does not run (manifest.import_error_policy, `[import_errors] policy`): each
student file is imported once before the tests (runner.check_imports); a file that raises
or exits when imported gets a visible entry saying which file and why, and
- zero: the whole programming score is 0 (the seeds' rule: "non-runnable code in our test
  environment will directly lead to a score of 0");
- fail-tests: only the tests that import it fail, as they do by themselves.

Import rules. Every static-check finding of kind "import" is a visible entry worth 0
points: a note, which costs nothing by itself (an unused `from statistics import mode`, an
added `import numpy as np`). Only the modules of manifest.import_forbid, which could do the
student's work, cost points, and only where the code uses them: the worker refuses them
at run time (autograder.import_guard), so a call that uses one fails, naming the file and
line, and exactly the tests of that code score 0 (their calls ran it, inherited methods
included); the tests of the file's other code keep their points. manifest.import_penalty:
- fail-use: that alone;
- deduct:<points>: also that many points off, once per file with a forbidden import, as
  an entry of its own;
- warn: the notes only; forbidden modules are not refused at run time.
"""

from autograder.grading.results import TestRecord

QUOTE_CHARS = 200


def apply_prints(records, violations, policy):
    """`violations`: {record index: [(call, line), ...]}. Returns a note for the whole run."""
    if not violations:
        return ""
    first = records[min(violations)]
    first_test = "a hidden test" if first.is_hidden else f"the test {first.name!r}"
    for i, found in violations.items():
        record = records[i]
        call, line = found[0]
        quoted = ("(a hidden test: the line is not shown)" if record.is_hidden
                  else f"{line[:QUOTE_CHARS]!r}" + (f" and {len(found) - 1} more line(s)" if len(found) > 1 else ""))
        what = f"Your code printed output the assignment does not ask for, during {call}: {quoted}."
        if policy == "warn":
            record.notes.append(f"Warning: {what} Remove the print.")
        else:
            record.zeroed = True
            record.notes.append(f"{what} " + ("Printing scores 0 on the whole programming part."
                                              if policy == "zero" else "This test scores 0."))
    if policy != "zero":
        return ""
    for i, record in enumerate(records):
        if i not in violations and not record.zeroed and (record.weight or record.score):
            record.zeroed = True
            record.notes.append(f"Scored 0: your code printed output the assignment does not ask for "
                                f"(first in {first_test}); printing scores 0 on the whole "
                                f"programming part.")
    return (f"**Your code printed output the assignment does not ask for, so the programming part "
            f"scores 0** (first in {first_test}). Remove every print from your code.")


def note_warnings(record, warned):
    """A note on `record` for the warnings (`[(call, warning dict)]`) raised during it; no points taken."""
    call, first = warned[0]
    shown = f"{first['file']}:{first['line']}: {first['category']}"
    if not record.is_hidden:
        shown += f": {first['message'][:QUOTE_CHARS]}"
    more = f" (and {len(warned) - 1} more)" if len(warned) > 1 else ""
    record.notes.append(f"Note (no points taken for it): a warning was raised during {call}: {shown}{more}. "
                        f"A warning often means a numerical problem (an overflow, a log of 0) worth a look.")


def apply_import_errors(records, broken, policy):
    """`broken`: {student file: why it did not import}. Zero every test under "zero"; a note for the run."""
    if not broken:
        return ""
    files = ", ".join(sorted(broken))
    if policy != "zero":
        return (f"{files} did not import (see the entry \"Import check\"): the tests that use it fail. "
                f"Make sure your code imports and runs.")
    for record in records:
        if not record.zeroed and (record.weight or record.score):
            record.zeroed = True
            record.notes.append(f"Scored 0: {files} did not import (see the entry \"Import check\"); code "
                                f"that does not run scores 0 on the whole programming part.")
    return (f"**{files} did not import, so the programming part scores 0**: code that does not run scores 0. "
            f"See the entry \"Import check\" for the cause.")


def apply_imports(findings, policy):
    """The extra records (deductions) the import penalty adds for the static findings."""
    if not policy.startswith("deduct:"):
        return []  # fail-use: the run-time guard fails the calls that use a forbidden module
    bad = {}
    for f in findings:
        if f.kind == "import" and f.penalised:
            bad.setdefault(f.file, f)
    points = float(policy.partition(":")[2])
    return [TestRecord(name=f"Import rules: {file}", weight=0.0, score=-points,
                       message=f"-{points:g} points: {finding.message}", failed=True, visibility="visible")
            for file, finding in bad.items()]
