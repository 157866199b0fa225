"""What tests are written with, in the grader and in a student's local run: the Student
interface (student), StudentTestCase and the print scan (testing), the suite runner
(suite), per-call time limits (call_limits), comparisons and gradient checks (checks/).
Shipped to students whole, with worker/.
"""
