"""The `autograder` command: parsing only; each subcommand calls one plain function.

    autograder grade --assignment NAME --submission PATH --out results.json [--sandbox MODE] [--log-dir DIR]
    autograder release GROUP            dist/GROUP.zip (audited first)
    autograder gradescope --assignment NAME
    autograder skeletons NAME...        regenerate skeletons/
    autograder check-skeletons NAME...  fail when skeletons/ is stale
    autograder audit NAME...            the release audit, without writing zips
"""

import argparse
import os
import sys
from pathlib import Path


def main(argv=None):
    parser = argparse.ArgumentParser(prog="autograder", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)

    grade = sub.add_parser("grade", help="grade one submission, write results.json")
    grade.add_argument("--assignment", required=True)
    grade.add_argument("--submission", required=True)
    grade.add_argument("--out", default="results.json")
    grade.add_argument("--sandbox", choices=("auto", "bwrap", "user", "none"), default="auto")
    grade.add_argument("--log-dir")

    release = sub.add_parser("release", help="build dist/<group>.zip for students")
    release.add_argument("group")

    gradescope = sub.add_parser("gradescope", help="build dist/<assignment>-autograder.zip")
    gradescope.add_argument("--assignment", required=True)

    for name, text in (("skeletons", "regenerate skeletons/"), ("check-skeletons", "fail if skeletons/ is stale"),
                       ("audit", "run the release audit")):
        p = sub.add_parser(name, help=text)
        p.add_argument("names", nargs="+")

    args = parser.parse_args(argv)
    try:
        return COMMANDS[args.command](args) or 0
    except UsageError as e:
        print(f"autograder {args.command}: {e}", file=sys.stderr)
        return 2


class UsageError(Exception):
    """Misuse of the command: one line on stderr, exit status 2."""


def _grade(args):
    from autograder import manifest, results, runner, sandbox

    try:
        m = manifest.load(args.assignment)
    except manifest.ManifestError as e:
        raise UsageError(e) from None
    submission = Path(args.submission)
    if not submission.exists():
        raise UsageError(f"{args.submission}: no such file or folder")
    if not os.access(submission, os.R_OK | (os.X_OK if submission.is_dir() else 0)):
        raise UsageError(f"{args.submission}: not readable")
    try:
        outcome = runner.grade(m, submission, sandbox=args.sandbox, log_dir=args.log_dir)
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
        print(sandbox.choose("none").warning, file=sys.stderr)
    print(f"wrote {path}")


def _release(args):
    from autograder import audit, manifest, release

    try:
        path = release.build_release(args.group)
    except manifest.ManifestError as e:
        raise UsageError(e) from None
    except audit.AuditError as e:
        print(e, file=sys.stderr)
        return 1
    print(f"wrote {path.relative_to(release.REPO)}")


def _gradescope(args):
    from autograder import gradescope, manifest

    try:
        m = manifest.load(args.assignment)
    except manifest.ManifestError as e:
        raise UsageError(e) from None
    print(f"wrote {gradescope.build_autograder_zip(m)}")


def _skeletons(args):
    from autograder import release

    release.write_skeletons(args.names)
    print(f"rendered skeletons for {', '.join(args.names)}")


def _check_skeletons(args):
    from autograder import release

    problems = release.stale_skeletons(args.names)
    if problems:
        print("skeletons/ is stale (run `make skeletons` and commit):\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    print(f"skeletons up to date: {', '.join(args.names)}")


def _audit(args):
    from autograder import audit

    problems = audit.audit_assignments(args.names)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        return 1
    print(f"release audit passed: {', '.join(args.names)}")


COMMANDS = {
    "grade": _grade,
    "release": _release,
    "gradescope": _gradescope,
    "skeletons": _skeletons,
    "check-skeletons": _check_skeletons,
    "audit": _audit,
}

if __name__ == "__main__":
    sys.exit(main())
