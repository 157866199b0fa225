"""Course kit: render reference solutions into student code, release zips, grade submissions.

Only `protocol`, `worker`, `student`, `testing` and `checks` are shipped to students (the
local test harness); they depend on the standard library and NumPy alone.
"""
