"""Course kit: render reference solutions into student code, release zips, grade submissions.

The engine is layers, each importing only the ones listed before it (tests/test_layers.py):

    errors, manifest   the assignment manifest and the one error an instructor can get
    worker/            the untrusted side, copied whole into the sandbox (stdlib, NumPy, torch)
    harness/           shipped to students with worker/: Student interface, testing, checks
    authoring/         render (markers), the solution tree
    sandbox/           one class per isolation mode, confinement, the remote transport
    grading/           the pipeline (runner), intake, static checks, policies, results
    release/           student zips, the audit, Gradescope zips
    cli                parsing only
"""
