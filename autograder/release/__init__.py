"""What leaves the repository: the student zips (student_zip, archive), the audit that
checks a staged tree or a zip (audit), and the Gradescope autograder zips (gradescope)."""
