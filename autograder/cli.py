"""The `autograder` command: grade submissions and build what students and Gradescope get.

Each subcommand calls one plain function. Misuse of the command, a mistake in an
assignment.toml and a malformed marker in a reference file all end the same way: one line
on stderr, exit status 2, no traceback.
"""

import argparse
import os
import sys
from pathlib import Path

from autograder.errors import KitError

DESCRIPTION = """\
Grade student submissions for the course's assignments, and build what students and
Gradescope receive. An assignment is named by its folder under solutions/, e.g.
a1_mnist or a2_cnn/part1-convnet; each command's --help says more."""

EPILOG = """\
examples:
  python -m autograder grade --assignment a1_mnist --submission submission.zip
  python -m autograder grade-batch --assignment a1_mnist --submissions export.zip --out graded/
  python -m autograder release a1_mnist
  python -m autograder audit a1_mnist a2_cnn/part1-convnet"""

SANDBOX_HELP = """how to isolate the student's code: auto (default) takes the strongest mode this machine
allows; bwrap: bubblewrap namespaces, no network, only the submission visible (needs the
bubblewrap package); user: a separate unprivileged account (needs root; for Gradescope's
Docker); none: no isolation, for trying things out only (the student's code can read the
hidden tests)"""


def main(argv=None):
    parser = argparse.ArgumentParser(prog="autograder", description=DESCRIPTION, epilog=EPILOG,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND",
                                title="commands")

    grade = sub.add_parser(
        "grade", help="grade one submission and write Gradescope's results.json",
        description="Grade one student submission (a zip or a folder) against the public and hidden "
                    "tests, write results.json and print a per-test summary. Exits 0 whenever "
                    "results.json was written, whatever the score.")
    grade.add_argument("--assignment", required=True, metavar="NAME",
                       help="the assignment: its folder under solutions/, e.g. a1_mnist")
    grade.add_argument("--submission", required=True, metavar="PATH",
                       help="the student's submission: the zip they uploaded, or an unpacked folder")
    grade.add_argument("--out", default="results.json", metavar="FILE",
                       help="where to write the results (Gradescope's results.json format; default: %(default)s)")
    grade.add_argument("--sandbox", choices=("auto", "bwrap", "user", "none"), default="auto",
                       help=SANDBOX_HELP)
    grade.add_argument("--metadata", metavar="FILE",
                       help="Gradescope's submission_metadata.json: earlier submissions, read by the grader only "
                            "(a daily limit on scored challenge submissions)")
    grade.add_argument("--log-dir", metavar="DIR",
                       help="also keep the worker's log (what the student's code printed, crashes) "
                            "and any engine failure's traceback in DIR, for staff")
    grade.add_argument("--tests", metavar="PATTERNS", type=_patterns,
                       help="run only the tests matching these comma-separated Class.method patterns "
                            "(e.g. 'TestSGD.*,TestLoss.*'); default: every test")

    batch = sub.add_parser(
        "grade-batch", help="grade a whole class: results, gradebook.csv, summary and similarity reports",
        description="Grade every submission of a class export (a folder of zips or folders, one per "
                    "student; a Gradescope 'Export Submissions' zip or folder; a Canvas or Moodle bulk "
                    "download), each in a grader process of its own, on this machine or on a Dask "
                    "cluster. Writes DIR/results/<student>.json (what `grade` writes), DIR/gradebook.csv, "
                    "DIR/summary.html (and its PNG figures) and DIR/similarity.html. Run again, it grades "
                    "only what is missing or whose submission or tests changed. Exits 0 when every "
                    "submission has a result, 1 if the engine could not grade some.")
    batch.add_argument("--assignment", required=True, metavar="NAME",
                       help="the assignment: its folder under solutions/, e.g. a1_mnist")
    batch.add_argument("--submissions", required=True, metavar="PATH",
                       help="the class export: a folder, or a Gradescope export zip")
    batch.add_argument("--out", required=True, metavar="DIR", help="where to write results and reports")
    batch.add_argument("--workers", type=int, metavar="N",
                       help="graders at once on this machine (default: the number of cores)")
    batch.add_argument("--scheduler", metavar="ADDRESS",
                       help="grade on a Dask distributed cluster (tcp://HOST:PORT of its dask-scheduler) "
                            "instead of this machine")
    batch.add_argument("--regrade", action="store_true",
                       help="grade every submission again, even those whose results are up to date")
    batch.add_argument("--sandbox", choices=("auto", "bwrap", "user", "none"), default="auto", help=SANDBOX_HELP)
    batch.add_argument("--tests", metavar="PATTERNS", type=_patterns,
                       help="as for grade: only the tests matching these Class.method patterns")
    batch.add_argument("--no-similarity", action="store_true", help="skip the similarity report")

    release = sub.add_parser(
        "release", help="build the student zip dist/GROUP.zip (audited first)",
        description="Build dist/GROUP.zip, the starter code students download, for every assignment "
                    "in solutions/GROUP. The release audit runs first: nothing is written if it fails.")
    release.add_argument("group", metavar="GROUP",
                         help="a folder under solutions/: one assignment (a1_mnist) or a group of parts (a2_cnn)")

    gradescope = sub.add_parser(
        "gradescope", help="build the Gradescope autograder zip dist/NAME-autograder.zip",
        description="Build the zip to upload as a Gradescope autograder (setup.sh, run_autograder, the "
                    "engine, the tests and the reference) for one assignment.")
    gradescope.add_argument("--assignment", required=True, metavar="NAME",
                            help="the assignment: its folder under solutions/, e.g. a2_cnn/part2-pytorch")

    for name, text, description in (
            ("skeletons", "regenerate the student starter code in skeletons/ from solutions/",
             "Render the student version of each reference file into skeletons/NAME (commit it with the solution)."),
            ("check-skeletons", "fail if skeletons/ is out of date with solutions/",
             "Exit 1, listing the files, if skeletons/NAME differs from a fresh render of solutions/NAME."),
            ("audit", "run the release audit without writing any zip",
             "Check that the skeletons import and fail every public test, that the reference passes every "
             "test, and that no solution line or hidden file would reach students.")):
        p = sub.add_parser(name, help=text, description=description)
        p.add_argument("names", nargs="+", metavar="NAME",
                       help="assignments: folders under solutions/, e.g. a1_mnist a2_cnn/part1-convnet")

    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args) or 0
    except (UsageError, KitError) as e:
        message = " ".join(str(e).split("\n"))
        print(f"autograder {args.command}: {message}", file=sys.stderr)
        return 2


class UsageError(Exception):
    """Misuse of the command: one line on stderr, exit status 2."""


def _patterns(text):
    patterns = tuple(p.strip() for p in text.split(",") if p.strip())
    if not patterns:
        raise argparse.ArgumentTypeError("expected Class.method patterns, e.g. 'TestSGD.*'")
    return patterns


def _grade(args):
    from autograder import manifest
    from autograder.grading import results, runner
    from autograder.sandbox import modes as sandbox

    m = manifest.load(args.assignment)
    submission = Path(args.submission)
    if not submission.exists():
        raise UsageError(f"{args.submission}: no such file or folder")
    if not os.access(submission, os.R_OK | (os.X_OK if submission.is_dir() else 0)):
        raise UsageError(f"{args.submission}: not readable")
    try:
        outcome = runner.grade(m, submission, sandbox=args.sandbox, log_dir=args.log_dir, metadata=args.metadata,
                               only=args.tests)
    except sandbox.SandboxUnavailable as e:
        raise UsageError(f"--sandbox {args.sandbox} cannot run here: {e}") from None
    try:
        path = results.write(args.out, outcome)
    except OSError as e:
        raise UsageError(f"cannot write {args.out}: {e.strerror}") from None
    print(results.summary(outcome))
    extra = outcome.get("extra_data", {})
    print(f"sandbox: {extra.get('sandbox_detail', extra.get('sandbox', 'unknown'))}")
    if extra.get("sandbox") == "none":
        print(sandbox.choose(args.sandbox).warning, file=sys.stderr)
    print(f"wrote {path}")


def _grade_batch(args):
    from autograder import manifest
    from autograder.batch import pool

    m = manifest.load(args.assignment)
    if args.workers is not None and args.workers < 1:
        raise UsageError("--workers must be at least 1")
    report = pool.grade_batch(m, args.submissions, args.out, workers=args.workers, scheduler=args.scheduler,
                              regrade=args.regrade, sandbox=args.sandbox, only=args.tests,
                              similarity=not args.no_similarity)
    print(report.summary())
    return 1 if report.engine_errors else 0


def _release(args):
    from autograder.release import audit
    from autograder.release import student_zip as release

    try:
        path = release.build_release(args.group)
    except audit.AuditError as e:
        print(e, file=sys.stderr)
        return 1
    print(f"wrote {path.relative_to(release.REPO)}")


def _gradescope(args):
    from autograder import manifest
    from autograder.release import gradescope

    m = manifest.load(args.assignment)
    print(f"wrote {gradescope.build_autograder_zip(m)}")


def _skeletons(args):
    from autograder.release import student_zip as release

    release.write_skeletons(args.names)
    print(f"rendered skeletons for {', '.join(args.names)}")


def _check_skeletons(args):
    from autograder.release import student_zip as release

    problems = release.stale_skeletons(args.names)
    if problems:
        print("skeletons/ is stale (run `make skeletons` and commit):\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"skeletons up to date: {', '.join(args.names)}")


def _audit(args):
    from autograder.release import student_zip as release

    problems = release.audit_assignments(args.names)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(f"release audit passed: {', '.join(args.names)}")


COMMANDS = {
    "grade": _grade,
    "grade-batch": _grade_batch,
    "release": _release,
    "gradescope": _gradescope,
    "skeletons": _skeletons,
    "check-skeletons": _check_skeletons,
    "audit": _audit,
}

if __name__ == "__main__":
    sys.exit(main())
