"""The untrusted side: runs student code in the sandbox and answers the grader's calls.

Copied whole into the sandbox (sandbox/modes.py) and shipped to students (release/): the
standard library, NumPy and (lazily) torch only, and for a notebook nbformat and IPython's
input transformer. protocol: the wire format; serve: the worker loop; import_guard: the
forbidden modules kept out at run time; notebook: a notebook imported as a module;
capture: what a call prints.
"""
