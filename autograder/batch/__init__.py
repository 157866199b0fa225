"""Grading a whole class: `autograder grade-batch` (a layer above grading/).

    sources     a class export (a folder, a Gradescope export, a Canvas/Moodle download) -> submissions
    keys        content hashes: a submission's, and the kit's (tests, reference, manifest, engine)
    one         grade one submission in a grader process of its own (local pool and Dask workers alike)
    pool        the batch: resume by key, a local pool or a Dask cluster, atomic results, progress
    reports     gradebook.csv, summary.html and its PNG figures
    similarity  similarity.html: copydetect (winnowing) on the students' own code, boilerplate ignored

Every submission is graded by `python -m autograder grade` in a process of its own, so no
two gradings share a test session, sys.modules or a worker account, and each result is the
file `grade` writes for that submission alone.
"""
