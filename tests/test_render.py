"""Does the renderer turn any marked file into the solution and the student file, exactly?"""

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autograder.authoring.render import MarkerError, render, solution_only_lines

# Comment text: anything printable that is not marker syntax.
comment_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="{%}|#\r\n"),
    max_size=30,
)
names = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True).filter(
    lambda s: s not in {"if", "in", "is", "or", "and", "not", "def", "del", "for", "as", "try", "raise"}
)


@st.composite
def statements(draw, indent):
    """A few valid Python lines at `indent`, at least one of them a statement."""
    lines = [f"{indent}{draw(names)} = {draw(st.integers(-99, 99))}"]
    for _ in range(draw(st.integers(0, 3))):
        kind = draw(st.sampled_from(["assign", "comment", "blank", "block"]))
        if kind == "assign":
            lines.append(f"{indent}{draw(names)} = {draw(st.integers(-99, 99))}")
        elif kind == "comment":
            lines.append(f"{indent}# {draw(comment_text)}".rstrip())
        elif kind == "blank":
            lines.append("")
        else:
            lines.append(f"{indent}if {draw(names)}:")
            lines.append(f"{indent}    {draw(names)} = {{'k': [1, 2]}}")
    return lines


@st.composite
def region(draw, indent, depth=0):
    """A marked region -> (source lines, solution lines, student lines)."""
    src, sol, stu = [f"{indent}# {{% if solution %}}"], [], []
    for _ in range(draw(st.integers(1, 2))):
        if depth < 1 and draw(st.booleans()):
            s, a, _ = draw(region(indent, depth + 1))  # nested: wholly solution-only
            src += s
            sol += a
        else:
            body = draw(statements(indent))
            src += body
            sol += body
    src.append(f"{indent}# {{% else %}}")
    stub = f'raise NotImplementedError("{draw(names)}")'
    src.append(f"{indent}#| {stub}")
    stu.append(f"{indent}{stub}")
    src.append(f"{indent}# {{% endif %}}")
    return src, sol, stu


@st.composite
def marked_files(draw):
    """A Python file mixing plain lines and (adjacent, nested) regions at two indents."""
    src, sol, stu = ["import os", "", "", "def f(x):"], None, None
    sol, stu = list(src), list(src)
    for _ in range(draw(st.integers(1, 4))):
        indent = draw(st.sampled_from(["    ", "        "]))
        if indent == "        ":
            header = "    for _ in range(2):"
            src.append(header)
            sol.append(header)
            stu.append(header)
        if draw(st.booleans()):
            plain = draw(statements(indent))
            src += plain
            sol += plain
            stu += plain
        s, a, b = draw(region(indent))
        src += s
        sol += a
        stu += b
    tail = ["    return x", ""]
    return "\n".join(src + tail), "\n".join(sol + tail), "\n".join(stu + tail)


@settings(max_examples=150, deadline=None)
@given(marked_files())
def test_both_renders_are_valid_python_and_exact(case):
    """Does every marked file render to valid Python, keeping unmarked text byte for byte?"""
    source, solution, student = case
    assert render(source, solution=True) == solution
    assert render(source, solution=False) == student
    ast.parse(solution)
    ast.parse(student)


@settings(max_examples=50, deadline=None)
@given(marked_files())
def test_crlf_files_keep_crlf(case):
    """Are CRLF line endings preserved in both renders?"""
    source, solution, student = (text.replace("\n", "\r\n") for text in case)
    assert render(source, solution=True) == solution
    assert render(source, solution=False) == student


@settings(max_examples=50, deadline=None)
@given(st.text(max_size=200).filter(lambda s: "{%" not in s and "%}" not in s and "#|" not in s and "\r" not in s and "{#" not in s and "{{{" not in s))
def test_unmarked_text_is_untouched(text):
    """Is a file without markers rendered unchanged, whatever it holds?"""
    assert render(text, solution=True) == text
    assert render(text, solution=False) == text


SOURCE = """def forward(x):
    cache = x
    # {% if solution %}
    out = x * 2
    # {% else %}
    #| raise NotImplementedError("forward")
    # {% endif %}
    return out
"""


@pytest.mark.parametrize(
    "typo, message",
    [
        ("# {% iff solution %}", "model.py:3: Encountered unknown tag 'iff'"),
        ("# {% if soluton %}", "model.py:3: unknown marker variable 'soluton'"),
        ("#{% if solution %}", "model.py:3: marker not recognised"),
        ("# {% if solution %} out = 1", "model.py:3: marker not recognised"),
    ],
)
def test_marker_typo_names_file_and_line(typo, message):
    """Does a marker typo fail with the file and line, instead of leaking the solution?"""
    with pytest.raises(MarkerError) as info:
        render(SOURCE.replace("# {% if solution %}", typo), solution=False, filename="model.py")
    assert str(info.value).startswith(message)


def test_missing_endif_is_an_error():
    """Is a region left open refused with the file name?"""
    with pytest.raises(MarkerError, match=r"^model\.py:\d+: .*endif"):
        render(SOURCE.replace("    # {% endif %}\n", ""), solution=False, filename="model.py")


def test_stub_line_outside_a_region_is_an_error():
    """Would a `#|` line outside an else branch change the solution? It is refused."""
    with pytest.raises(MarkerError, match=r"^model\.py:9: a '#\|' stub line"):
        render(SOURCE + "#| print(1)\n", solution=True, filename="model.py")


def test_solution_only_lines_are_exactly_the_lesson():
    """Are the lines only the solution holds the ones inside regions?"""
    assert solution_only_lines(SOURCE) == ["out = x * 2"]


def test_yaml_and_shell_render_by_the_same_rules():
    """Do YAML and shell files with markers render like Python?"""
    yaml_src = "Train:\n  # {% if solution %}\n  learning_rate: 0.5\n  # {% else %}\n  #| learning_rate: 0.1\n  # {% endif %}\n"
    assert render(yaml_src, solution=True) == "Train:\n  learning_rate: 0.5\n"
    assert render(yaml_src, solution=False) == "Train:\n  learning_rate: 0.1\n"
