"""The submission's form (manifest [form]) and the final score's cap (manifest [score] cap).

Seed 002: "20 percent of the grade will be deducted if the submission doesn't follow the above
guidance" (code.zip holding exactly the three notebooks, predictions.csv, a PDF report), and
"your final score cannot exceed 100 points". Both depend on the whole score, so they are
entries the runner adds after every test has run: a visible "Score cap" entry taking off what
is above the cap, then a visible form entry naming what is missing or extra and taking off the
penalty's share of the capped score. A submission that follows the form gets the form entry
with 0 points off and nothing else changes.
"""

import fnmatch
import posixpath

from autograder.grading import results


def form_problems(form, listing, archives):
    """What is missing or extra: [message] (empty when the submission follows the form)."""
    problems = []
    for pattern in form.required:
        if not any(fnmatch.fnmatchcase(rel, pattern) for rel in listing):
            problems.append(f"missing: {pattern}" + (" (a PDF report)" if pattern == "*.pdf" else ""))
    if form.archive:
        found = {rel: members for rel, members in archives.items() if posixpath.basename(rel) == form.archive}
        if not found:
            if not any(p.startswith(f"missing: {form.archive}") for p in problems):
                problems.append(f"missing: {form.archive}")
        for rel, members in found.items():
            names = [m for m in members]
            lacking = [m for m in form.archive_members if m not in names]
            extra = [m for m in names if m not in form.archive_members]
            if lacking:
                problems.append(f"{rel} lacks {', '.join(lacking)}")
            if extra:
                shown = ", ".join(extra[:5]) + (f" and {len(extra) - 5} more" if len(extra) > 5 else "")
                problems.append(f"{rel} holds files other than the {len(form.archive_members)} it must hold "
                                f"({', '.join(form.archive_members)}): {shown}")
    return problems


def final_records(manifest, intake, records):
    """The cap and form entries for a graded submission whose other entries are `records`."""
    form, cap = manifest.form, manifest.score_cap
    if form is None and not cap:
        return []
    score = results.build(records, execution_time=0.0)["score"]
    added = []
    if cap and score > cap:
        added.append(results.TestRecord(name=f"Score cap: at most {cap:g} points", weight=0.0,
                                        score=-(score - cap), visibility="visible",
                                        message=f"{score:g} points earned; the final score cannot exceed {cap:g}"))
        score = cap
    if form is not None:
        problems = form_problems(form, intake.listing, intake.archives)
        off = round(form.penalty * score, 4) if problems else 0.0
        what = (f"{form.archive} with exactly {', '.join(form.archive_members)}; " if form.archive else "") + \
            ", ".join(p for p in form.required if p != form.archive)
        added.append(results.TestRecord(
            name=f"Submission form ({what}): {form.penalty:.0%} of the score off when not followed",
            weight=0.0, score=-off if off else 0.0, failed=bool(problems), visibility="visible",
            message=(f"-{off:g} points ({form.penalty:.0%} of {score:g}): " + "; ".join(problems)) if problems else ""))
    return added
