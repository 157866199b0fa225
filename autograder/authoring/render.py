"""Render a marked reference file into the solution or the student version, with Jinja2.

Tags sit alone on a line inside a comment, so the committed file is valid Python (or
YAML, or shell) and is itself the reference solution:

        # {% if solution %}
        out = x @ w
        # {% else %}
        #| raise NotImplementedError("forward")
        # {% endif %}

Tag lines vanish in both renders (trim_blocks/lstrip_blocks). Lines starting with `#|`
are stubs: the `StubLines` extension uncomments them, and only `else` branches may hold
them, so the solution render is the committed file minus its tag lines.
"""

import re

import jinja2
import jinja2.ext
import jinja2.nodes

from autograder.errors import KitError

TAG_LINE = re.compile(r"^[ \t]*# \{%.*%\}[ \t]*\r?$")
LOOKS_LIKE_TAG = re.compile(r"#\s*\{%|%\}\s*$")
STUB_LINE = re.compile(r"^([ \t]*)#\| ?", re.MULTILINE)
VARIABLES = frozenset({"solution"})


class MarkerError(KitError):
    """A marker is malformed; the message starts with file:line."""


class StubLines(jinja2.ext.Extension):
    """Uncomment `#| ` stub lines before Jinja lexes the file (line numbers are kept)."""

    def preprocess(self, source, name, filename=None):
        return STUB_LINE.sub(r"\1", source)


def _environment(newline):
    return jinja2.Environment(
        block_start_string="# {%",
        block_end_string="%}",
        # Python code is full of braces: put the other delimiters where no code goes.
        variable_start_string="#{{{",
        variable_end_string="}}}#",
        comment_start_string="#{###",
        comment_end_string="###}#",
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        newline_sequence=newline,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        extensions=[StubLines],
    )


_ENVIRONMENTS = {nl: _environment(nl) for nl in ("\n", "\r\n")}


def has_markers(source):
    return any(TAG_LINE.match(line) for line in source.splitlines())


def render(source, *, solution, filename="<string>"):
    """Render marked `source`: the reference (solution=True) or the student file."""
    newline = "\r\n" if "\r\n" in source else "\n"
    _check_markers(source, filename)
    env = _ENVIRONMENTS[newline]
    try:
        template = env.from_string(source)
        return template.render(solution=solution)
    except jinja2.TemplateSyntaxError as e:
        raise MarkerError(f"{filename}:{e.lineno}: {e.message}") from None


def _check_markers(source, filename):
    """Catch the mistakes Jinja would silently accept: tag-like text it does not see as a
    tag, an unknown variable, a stub line outside an else branch."""
    lines = source.splitlines()
    for number, line in enumerate(lines, 1):
        if LOOKS_LIKE_TAG.search(line) and not TAG_LINE.match(line):
            raise MarkerError(
                f"{filename}:{number}: marker not recognised: a tag must stand alone on "
                f"its line as '# {{% if solution %}}', '# {{% else %}}' or '# {{% endif %}}'"
            )
    try:
        tree = _ENVIRONMENTS["\n"].parse(source.replace("\r\n", "\n"))
    except jinja2.TemplateSyntaxError as e:
        raise MarkerError(f"{filename}:{e.lineno}: {e.message}") from None
    for node in tree.find_all(jinja2.nodes.Name):
        if node.name not in VARIABLES:
            raise MarkerError(f"{filename}:{node.lineno}: unknown marker variable {node.name!r} (did you mean 'solution'?)")
    stub_ok = set()
    for node in tree.find_all(jinja2.nodes.If):
        for child in node.else_:
            stub_ok.update(_line_span(child))
    for number, line in enumerate(lines, 1):
        if re.match(r"^[ \t]*#\|", line) and number not in stub_ok:
            raise MarkerError(f"{filename}:{number}: a '#|' stub line must sit in the else branch of a marker")


def _line_span(node):
    """Source lines covered by a template node (Output nodes span their text)."""
    if isinstance(node, jinja2.nodes.Output):
        start = node.lineno
        text = "".join(n.data for n in node.nodes if isinstance(n, jinja2.nodes.TemplateData))
        return range(start, start + text.count("\n") + 1)
    return range(node.lineno, node.lineno + 1)


def solution_only_lines(source):
    """Lines that exist only in the solution render: what must never reach students."""
    solution = render(source, solution=True).splitlines()
    student = render(source, solution=False).splitlines()
    remaining = {}
    for line in student:
        remaining[line.strip()] = remaining.get(line.strip(), 0) + 1
    only = []
    for line in solution:
        key = line.strip()
        if remaining.get(key, 0) > 0:
            remaining[key] -= 1
        else:
            only.append(key)
    return only
