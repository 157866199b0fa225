"""Grading one submission, on the trusted side: the pipeline (runner) and its steps:
intake (zip_inspect, intake), static checks, policies, checkpoints, results."""
