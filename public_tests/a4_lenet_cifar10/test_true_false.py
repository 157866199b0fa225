"""Part 1: the True/False answers in true_false.md (their format; the answers are graded by
the grader against the course's key, the explanations by the course staff)."""

import re

from autograder.harness.checks.compare import ComparisonFailed
from autograder.harness.testing import StudentTestCase, number, weight

QUESTIONS = [f"1.{i}" for i in range(1, 11)]
CHOICES = {"true": True, "t": True, "false": False, "f": False}


def parse_true_false(text):
    """true_false.md -> ({question: True/False/None}, {question: explanation}, [problems])."""
    sections, current = {}, None
    for line in text.splitlines():
        heading = re.fullmatch(r"\s*#{1,6}\s*(?:problem\s*)?(1\.\d+)\s*:?\s*", line, flags=re.IGNORECASE)
        if heading:
            current = heading.group(1)
            sections.setdefault(current, [])
        elif current is not None:
            sections[current].append(line)
    answers, explanations, problems = {}, {}, []
    for q in QUESTIONS:
        if q not in sections:
            answers[q], explanations[q] = None, ""
            problems.append(f"no '## {q}' heading")
            continue
        body = "\n".join(sections[q])
        found = re.search(r"^\s*\**answer\**\s*:\s*\**\s*([A-Za-z]*)", body, flags=re.IGNORECASE | re.MULTILINE)
        choice = CHOICES.get(found.group(1).lower()) if found else None
        if choice is None:
            problems.append(f"{q}: write 'Answer: True' or 'Answer: False'"
                            + (f" (found {found.group(1)!r})" if found and found.group(1) else ""))
        answers[q] = choice
        why = re.search(r"^\s*\**explanation\**\s*:(.*)", body, flags=re.IGNORECASE | re.MULTILINE | re.DOTALL)
        explanations[q] = " ".join(why.group(1).split()) if why else ""
    return answers, explanations, problems


class TestTrueFalse(StudentTestCase):
    """Part 1 (1.1-1.10)."""

    @weight(0)
    @number("1.0")
    def test_every_question_is_answered(self):
        """true_false.md answers each of 1.1-1.10 with True or False and an explanation"""
        try:
            text = bytes(self.student.call("autograder.worker.serve.read_file", "true_false.md", 1)).decode("utf-8")
        except UnicodeDecodeError:
            raise ComparisonFailed("true_false.md is not UTF-8 text") from None
        answers, explanations, problems = parse_true_false(text)
        if all(a is None for a in answers.values()) and not any(explanations.values()):  # the starter's blanks
            raise NotImplementedError("true_false.md: no question is answered yet")
        problems += [f"{q}: no explanation after 'Explanation:'" for q, why in explanations.items()
                     if not why and not any(p.startswith(f"no '## {q}'") for p in problems)]
        if problems:
            raise ComparisonFailed("true_false.md: " + "; ".join(problems))
