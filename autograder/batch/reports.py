"""The class at a glance: gradebook.csv, summary.html and its figures (matplotlib, PNG).

gradebook.csv has one row per submission: its id, the submitters' names, emails and SIDs
where the export names them, the status (graded, intake refused, engine error), the score
and the most it could be, the sandbox mode, the grading's wall time, then one column per
test (its points; empty where the test is not in that submission's results).
summary.html opens from disk (the figures are embedded): the score histogram, each test's
pass rate, the slowest submissions and every submission the engine could not grade. The
figures are also written beside it as score_histogram.png and pass_rates.png.
"""

import base64
import csv
import html
import io
from pathlib import Path

FIXED = ["student", "name", "email", "sid", "status", "score", "max_score", "sandbox", "wall_seconds"]
SLOWEST = 10


def test_columns(rows):
    """Test names, in the order they first appear (rows in id order, tests in results order)."""
    seen = {}
    for row in rows:
        for test in row.results.get("tests", []):
            seen.setdefault(_column(test), None)
    return list(seen)


def _column(test):
    return f"{test['number']} {test['name']}" if test.get("number") else test.get("name", "")


def max_score(results):
    return sum(t.get("max_score", 0.0) for t in results.get("tests", []))


def write_gradebook(path, rows):
    columns = test_columns(rows)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(FIXED + columns)
        for row in rows:
            scores = {_column(t): t.get("score", "") for t in row.results.get("tests", [])}
            writer.writerow([row.student, row.name, row.email, row.sid, row.status,
                             f"{row.results.get('score', 0):g}", f"{max_score(row.results):g}", row.sandbox,
                             f"{row.wall:.2f}"] + [_points(scores.get(c, "")) for c in columns])
    return path


def _points(value):
    return f"{value:g}" if isinstance(value, (int, float)) else value


def pass_rates(rows):
    """{test column: (passed, graded)} over the submissions that were graded."""
    rates = {}
    for row in rows:
        if row.status != "graded":
            continue
        for test in row.results.get("tests", []):
            if test.get("max_score", 0) == 0:
                continue  # notes and checks worth nothing
            passed, total = rates.get(_column(test), (0, 0))
            rates[_column(test)] = (passed + (test.get("status") == "passed"), total + 1)
    return rates


def figures(rows):
    """{file name: PNG bytes}: the score histogram and the pass rate of every test."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    out = {}
    graded = [r for r in rows if r.status == "graded"]
    fig = Figure(figsize=(7, 3.6), layout="constrained")
    ax = fig.add_subplot()
    scores = [r.results.get("score", 0) for r in graded]
    top = max([max_score(r.results) for r in graded] or [1]) or 1
    ax.hist(scores, bins=min(20, max(5, len(set(scores)))), range=(0, top), color="#4472c4", edgecolor="white")
    ax.set_xlabel("score")
    ax.set_ylabel("submissions")
    ax.set_title(f"Scores of {len(graded)} graded submissions (out of {top:g})")
    out["score_histogram.png"] = _png(fig)

    rates = pass_rates(rows)
    names = list(rates)
    fig = Figure(figsize=(8, max(2.5, 0.28 * len(names) + 1)), layout="constrained")
    ax = fig.add_subplot()
    values = [100 * p / t if t else 0 for p, t in rates.values()]
    ax.barh(range(len(names)), values, color=["#c0504d" if v < 50 else "#4472c4" for v in values])
    ax.set_yticks(range(len(names)), [n if len(n) <= 70 else n[:67] + "..." for n in names], fontsize=7)
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel("% of graded submissions passing")
    ax.set_title("Pass rate of every test")
    out["pass_rates.png"] = _png(fig)
    return out


def _png(fig):
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    return buffer.getvalue()


def write_summary(path, manifest, rows, pngs):
    e = html.escape
    counts = {}
    for r in rows:
        counts[r.status] = counts.get(r.status, 0) + 1
    images = "".join(f'<figure><img alt="{e(name)}" src="data:image/png;base64,{base64.b64encode(data).decode()}">'
                     f"</figure>" for name, data in pngs.items())
    slow = sorted(rows, key=lambda r: -r.wall)[:SLOWEST]
    slow_rows = "".join(f"<tr><td>{e(r.student)}</td><td>{e(r.name)}</td><td>{r.wall:.1f}</td>"
                        f"<td>{e(r.status)}</td></tr>" for r in slow)
    failed = [r for r in rows if r.status != "graded"]
    failed_rows = "".join(f"<tr><td>{e(r.student)}</td><td>{e(r.name)}</td><td>{e(r.status)}</td>"
                          f"<td><pre>{e(_why(r))}</pre></td></tr>" for r in failed) or \
        '<tr><td colspan="4">none: every submission was graded</td></tr>'
    rates = "".join(f"<tr><td>{e(name)}</td><td>{p}/{t}</td><td>{100 * p / t:.0f}%</td></tr>"
                    for name, (p, t) in pass_rates(rows).items() if t)
    text = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{e(manifest.title)}: class summary</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:70em}}table{{border-collapse:collapse;margin:1em 0}}
td,th{{border:1px solid #ccc;padding:.2em .6em;text-align:left;vertical-align:top}}
pre{{white-space:pre-wrap;margin:0;max-height:12em;overflow:auto}}img{{max-width:100%}}</style></head><body>
<h1>{e(manifest.title)}</h1>
<p>{len(rows)} submissions: {e(", ".join(f"{n} {s}" for s, n in sorted(counts.items())))}.
Per-submission results are in <code>results/</code>, every score in <code>gradebook.csv</code>.</p>
<h2>Scores and pass rates</h2>{images}
<h2>Pass rate of every test</h2><table><tr><th>test</th><th>passed</th><th>rate</th></tr>{rates}</table>
<h2>Slowest submissions</h2><table><tr><th>student</th><th>name</th><th>seconds</th><th>status</th></tr>{slow_rows}</table>
<h2>Submissions not graded</h2><table><tr><th>student</th><th>name</th><th>status</th><th>why</th></tr>{failed_rows}</table>
</body></html>
"""
    Path(path).write_text(text, encoding="utf-8")
    return path


def _why(row):
    """The first refusal or the engine's failure message, for the staff."""
    tests = row.results.get("tests", [])
    details = [t.get("output", "") for t in tests if "staff only" in t.get("name", "")]
    details += [t.get("output", "") for t in tests if t.get("name", "").startswith("Submission:")]
    return (details[0] if details else row.results.get("output", ""))[-3000:]


def write_all(out, manifest, rows):
    """Every report of the batch in `out` -> the paths written."""
    out = Path(out)
    pngs = figures(rows)
    for name, data in pngs.items():
        (out / name).write_bytes(data)
    return [write_gradebook(out / "gradebook.csv", rows), write_summary(out / "summary.html", manifest, rows, pngs),
            *(out / name for name in pngs)]
