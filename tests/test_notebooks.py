"""Do notebooks render, load, grade and audit like modules: definitions only (or every cell
in order), one bad cell costing only its own names, and every message naming the cell?"""

import ast
import base64
import importlib
import json
import linecache
import sys
import time
import traceback
import uuid

import nbformat
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nbformat import v4

from autograder.authoring.notebook import render_notebook
from autograder.grading.static_checks import check_notebook
from autograder.manifest import Limits, Manifest, Notebook
from autograder.release import audit
from autograder.worker import notebook, protocol
from autograder.worker.serve import Worker

# -- helpers ------------------------------------------------------------------------------


def code(source, *tags, **fields):
    cell = v4.new_code_cell(source, **fields)
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def markdown(source, **fields):
    return v4.new_markdown_cell(source, **fields)


def write_notebook(path, cells):
    """Write `cells` (code cells given as text) as a notebook at `path`; returns the path."""
    cells = [code(c) if isinstance(c, str) else c for c in cells]
    nbformat.write(v4.new_notebook(cells=cells), str(path))
    return path


@pytest.fixture
def nb(tmp_path, monkeypatch):
    """nb.load(cells, **settings) imports a fresh notebook of `cells` from tmp_path under a
    name of its own; sys.path, sys.meta_path, the loader's settings, cwd and the modules
    and linecache entries it made are put back afterwards."""
    monkeypatch.setattr(sys, "path", [str(tmp_path), *sys.path])
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    monkeypatch.setattr(notebook, "_settings", {})
    monkeypatch.chdir(tmp_path)

    class Loader:
        root = tmp_path
        made = []

        def name(self):
            name = f"nb_{uuid.uuid4().hex[:10]}"
            self.made.append(name)
            return name

        def write(self, cells, name=None):
            name = name or self.name()
            write_notebook(tmp_path / f"{name}.ipynb", cells)
            return name

        def load(self, cells, **given):
            name = self.write(cells)
            if given:
                notebook.configure({name: given})
            notebook.install()
            return importlib.import_module(name)

        def worker(self):
            return Worker(str(tmp_path))

    loader = Loader()
    yield loader
    for name in [n for n, m in sys.modules.items()
                 if n.split(".")[0] in loader.made or str(getattr(m, "__file__", "") or "").startswith(str(tmp_path))]:
        del sys.modules[name]
    for key in [k for k in linecache.cache if str(k).startswith(str(tmp_path))]:
        del linecache.cache[key]


def call(worker, target, *args):
    """A worker's reply to {"op": "call"} of `target` with `args`."""
    reply, _ = worker.handle({"op": "call", "target": target, "payload": protocol.encode([list(args), {}])[0]}, [])
    return reply


def explained(module, name):
    """notebook.explain() of the AttributeError `module.name` raises."""
    with pytest.raises(AttributeError) as info:
        getattr(module, name)
    return notebook.explain(info.value)


# -- rendering ------------------------------------------------------------------------------

TAGS = st.lists(st.sampled_from(["skip", "graded", "hide-input"]), max_size=2, unique=True)
WORDS = st.sampled_from(["alpha", "beta", "gamma", "delta", "epsilon"])


@st.composite
def reference_notebooks(draw):
    """A marked percent-format reference -> (text, student cells, solution cells, stubs, secrets);
    a cell is (type, tags, source), stubs are (student cell index, line)."""
    text, student, solution, stubs, secrets = [], [], [], [], []
    for n in range(draw(st.integers(1, 6))):
        kind = draw(st.sampled_from(["code", "markdown", "solution-only"]))
        inner = draw(st.sampled_from(["code", "markdown"])) if kind == "solution-only" else kind
        tags = draw(TAGS)
        header = "# %%" + (" [markdown]" if inner == "markdown" else "") + (f" tags={json.dumps(tags)}" if tags else "")
        if kind == "solution-only":
            body = [f"# trained {n} on the whole set"] if inner == "markdown" else [f"trained_{n} = train(epochs={n})"]
            text += ["# {% if solution %}", header, *body, "# {% endif %}", ""]
            solution.append((inner, tags, "\n".join(b.removeprefix("# ") for b in body)))
            secrets += [b.removeprefix("# ") for b in body]
            continue
        src, sol, stu, cell_stubs = [], [], [], []
        if kind == "code":
            for i in range(draw(st.integers(0, 2))):
                line = f"v{n}_{i} = {draw(st.integers(-99, 99))}"
                src.append(line)
                sol.append(line)
                stu.append(line)
            region = draw(st.sampled_from(["none", "function", "top"]))
            if region == "function":
                secret = [f"secret_{n} = x * {draw(st.integers(2, 99))}", f"return secret_{n}"]
                stub = f'raise NotImplementedError("f{n}")'
                src += [f"def f{n}(x):", "    # {% if solution %}", *("    " + s for s in secret), "    # {% else %}",
                        f"    #| {stub}", "    # {% endif %}"]
                sol += [f"def f{n}(x):", *("    " + s for s in secret)]
                stu += [f"def f{n}(x):", f"    {stub}"]
                cell_stubs.append(f"    {stub}")
                secrets += secret
            elif region == "top":
                secret, stub = f"answer_{n} = {draw(st.integers(0, 99))} + 1000", f"answer_{n} = None"
                src += ["# {% if solution %}", secret, "# {% else %}", f"#| {stub}", "# {% endif %}"]
                sol.append(secret)
                stu.append(stub)
                cell_stubs.append(stub)
                secrets.append(secret)
            if not stu or draw(st.booleans()):
                line = f"w{n} = {draw(st.integers(0, 9))}"
                src.append(line)
                sol.append(line)
                stu.append(line)
        else:
            for _ in range(draw(st.integers(1, 2))):
                line = f"{draw(WORDS)} {draw(WORDS)} {n}"
                src.append(f"# {line}")
                sol.append(line)
                stu.append(line)
            if draw(st.booleans()):
                secret = f"the answer {n} is {draw(WORDS)}"
                src += ["# {% if solution %}", f"# {secret}", "# {% else %}", "#| # _answer_", "# {% endif %}"]
                sol.append(secret)
                stu.append("_answer_")
                cell_stubs.append("_answer_")
                secrets.append(secret)
        text += [header, *src, ""]
        stubs += [(len(student), s) for s in cell_stubs]
        student.append((kind, tags, "\n".join(stu)))
        solution.append((kind, tags, "\n".join(sol)))
    return "\n".join(text), student, solution, stubs, secrets


def cells_of(rendered):
    return [(c.cell_type, c.metadata.get("tags", []), c.source)
            for c in nbformat.reads(rendered, as_version=4).cells]


@settings(max_examples=60, deadline=None)
@given(reference_notebooks())
def test_student_render_is_a_clean_valid_notebook(case):
    """Is the student notebook valid nbformat with nothing of a run (no outputs, counts,
    attachments, metadata but tags), ids cell-1..n, and the same bytes at every render?"""
    text, student, _solution, _stubs, _secrets = case
    rendered = render_notebook(text, solution=False)
    assert render_notebook(text, solution=False) == rendered
    nb = nbformat.reads(rendered, as_version=4)
    nbformat.validate(nb)
    assert [c.id for c in nb.cells] == [f"cell-{i}" for i in range(1, len(nb.cells) + 1)]
    for cell, (_kind, tags, _source) in zip(nb.cells, student, strict=True):
        assert "attachments" not in cell
        assert dict(cell.metadata) == ({"tags": tags} if tags else {})
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None


@settings(max_examples=60, deadline=None)
@given(reference_notebooks())
def test_student_render_keeps_stubs_and_cells_and_drops_every_solution_line(case):
    """Does each cell keep its type, tags and stubs, does a solution-only cell vanish whole
    and does no solution-only line reach the student notebook anywhere?"""
    text, student, _solution, stubs, secrets = case
    rendered = render_notebook(text, solution=False)
    cells = cells_of(rendered)
    assert cells == student
    for index, stub in stubs:
        assert stub in cells[index][2].splitlines()
    lines = {line.strip() for _k, _t, source in cells for line in source.splitlines()}
    for secret in secrets:
        assert secret not in lines and secret not in rendered


@settings(max_examples=60, deadline=None)
@given(reference_notebooks())
def test_solution_render_holds_every_cell_and_line(case):
    """Does the solution notebook hold every cell, the solution-only ones included, in order?"""
    text, _student, solution, _stubs, _secrets = case
    assert cells_of(render_notebook(text, solution=True)) == solution


def test_markdown_stub_renders_as_markdown_text():
    """Is a `#| # _answer_` stub in a markdown cell the markdown line `_answer_`?"""
    text = ("# %% [markdown]\n# Why?\n# {% if solution %}\n# Because.\n# {% else %}\n#| # _answer_\n"
            "# {% endif %}\n")
    assert cells_of(render_notebook(text, solution=False)) == [("markdown", [], "Why?\n_answer_")]
    assert cells_of(render_notebook(text, solution=True)) == [("markdown", [], "Why?\nBecause.")]


# -- definitions only ---------------------------------------------------------------------


def test_definitions_imports_functions_classes_and_constants_run(nb):
    """Do imports, functions, classes and constants (literals, names, allowed calls, a
    namedtuple) run in a definitions-only load?"""
    m = nb.load([
        "import os\nimport collections\nfrom math import pi as PI",
        "RATE = 0.1\nSIZES = [1, 2, (3, 4)]\nALIAS = RATE\nJOINED = os.path.join('a', 'b')\n"
        "Point = collections.namedtuple('Point', 'x y')\nLABELS: dict = {'a': -1, **{'b': 2}}",
        "def double(x):\n    return 2 * x\n\nclass Box:\n    size = 3\n\n    def area(self):\n        return self.size ** 2",
    ])
    assert (m.RATE, m.SIZES, m.ALIAS, m.JOINED, m.LABELS) == (0.1, [1, 2, (3, 4)], 0.1, "a/b", {"a": -1, "b": 2})
    assert m.Point(1, 2).y == 2 and m.double(4) == 8 and m.Box().area() == 9 and m.PI > 3
    assert m.__notebook__["errors"] == [] and m.__notebook__["skipped"] == []


def test_decorated_functions_and_classes_run(nb):
    """Does a decorated definition run, whether the decorator is a name or a call with
    constant arguments (`@functools.lru_cache(maxsize=None)`, `@dataclass(frozen=True)`)?"""
    m = nb.load([
        "import functools\nimport dataclasses",
        "@functools.lru_cache\ndef square(x):\n    return x * x",
        "@functools.lru_cache(maxsize=None)\ndef cube(x):\n    return x ** 3",
        "@dataclasses.dataclass(frozen=True)\nclass Config:\n    lr: float = 0.5",
    ])
    assert (m.square(3), m.cube(2), m.Config().lr) == (9, 8, 0.5)
    assert m.__notebook__["skipped"] == []


@pytest.mark.parametrize("loop", ["import time\nwhile True:\n    time.sleep(1)", "for i in range(10**12):\n    pass"])
def test_an_hour_long_top_level_loop_costs_nothing(nb, loop):
    """Is a top-level loop that would run for hours skipped, the import done in well under a
    second or two, and the cell's definitions kept?"""
    started = time.monotonic()
    m = nb.load(["def before():\n    return 1", f"LIMIT = 3\n{loop}\ndef after():\n    return 2"])
    assert time.monotonic() - started < 3
    assert (m.before(), m.LIMIT, m.after()) == (1, 3, 2)
    [skipped] = m.__notebook__["skipped"]
    assert skipped["cell"] == 2 and skipped["line"] == (3 if "time" in loop else 2)


def test_a_top_level_call_that_writes_never_runs(nb):
    """Is a top-level call with an effect (writing a file) skipped, even hidden in an
    assignment or behind an allowed constructor?"""
    target = nb.root / "written.txt"
    m = nb.load([
        "import pathlib",
        f"open({str(target)!r}, 'w').write('ran')",
        f"N = open({str(target)!r}, 'w').write('ran')",
        f"P = pathlib.Path({str(target)!r}).write_text('ran')",
        "K = 1",
    ])
    assert not target.exists()
    assert m.K == 1 and not hasattr(m, "N") and not hasattr(m, "P")
    assert [s["cell"] for s in m.__notebook__["skipped"]] == [2, 3, 4]


def test_main_guard_is_skipped(nb):
    """Is an `if __name__ == "__main__":` block left out, however it is spelled?"""
    marker = nb.root / "main.txt"
    m = nb.load([f"if __name__ == '__main__':\n    open({str(marker)!r}, 'w')",
                 f"if '__main__' == __name__:\n    MAIN = open({str(marker)!r}, 'w')", "DONE = True"])
    assert not marker.exists() and m.DONE and not hasattr(m, "MAIN")


def test_try_import_fallback_runs(nb):
    """Does `try: import x / except ImportError: ...` holding only imports and constants run?"""
    m = nb.load(["try:\n    import json as fast\nexcept ImportError:\n    fast = None",
                 "try:\n    import no_such_module_anywhere as missing\nexcept ImportError:\n    missing = None"])
    assert m.fast is json and m.missing is None
    assert m.__notebook__["errors"] == [] and m.__notebook__["skipped"] == []


def test_static_if_runs(nb):
    """Does an `if` on a constant test with constant branches run (the device choice pattern)?"""
    m = nb.load(["import os\nif os.environ.get('NO_SUCH_VARIABLE_XYZ'):\n    DEVICE = 'cuda'\nelse:\n    DEVICE = 'cpu'"])
    assert m.DEVICE == "cpu"


@pytest.mark.parametrize("tag", ["skip", "skip-execution"])
def test_tagged_cells_never_run(nb, tag):
    """Is a cell tagged skip / skip-execution left out, and explained as such?"""
    m = nb.load([code("SKIPPED = 1\ndef skipped_fn():\n    pass", tag), "KEPT = 2"])
    assert m.KEPT == 2 and not hasattr(m, "SKIPPED")
    assert f"tagged {tag!r}" in explained(m, "skipped_fn") and "cell 1" in explained(m, "SKIPPED")


def test_docstrings_and_magics_are_not_reported_as_skipped(nb):
    """Are a bare string and a magic line not listed as skipped code?"""
    m = nb.load(['"""A notebook."""\n%matplotlib inline\nX = 1'])
    assert m.X == 1 and m.__notebook__["skipped"] == []


# -- one bad cell is isolated ----------------------------------------------------------------


def test_a_bad_cell_costs_only_its_own_names(nb):
    """Do a cell that does not parse and a statement that raises leave every other
    definition, in their cells and others, in place; do the errors name cell and line?"""
    m = nb.load([
        "def first():\n    return 1",
        "def broken(:\n    pass",
        "def before_error():\n    return 2\nRATIO = 1 / 0\ndef after_error():\n    return 3",
        "def last():\n    return 4",
    ])
    assert (m.first(), m.before_error(), m.after_error(), m.last()) == (1, 2, 3, 4)
    errors = {(e["cell"], e["line"], e["type"]) for e in m.__notebook__["errors"]}
    assert errors == {(2, 1, "SyntaxError"), (3, 3, "ZeroDivisionError")}
    report = notebook.report_of(m.__name__)
    assert "names" not in report and report["cells"] == 4 and report["ran"] == 3


def test_explain_names_the_statement_that_raised(nb):
    """Does the AttributeError for a name a raising statement defines name the cell, line and exception?"""
    m = nb.load(["import math", "\nSCALE = math.sqrt(-1)"])
    hint = explained(m, "SCALE")
    assert f"{m.__name__}.ipynb cell 2 line 2 raised ValueError: math domain error" in hint


def test_explain_quotes_the_skipped_statement(nb):
    """Does the AttributeError for a name a skipped statement defines name the cell and quote it?"""
    m = nb.load(["X = 1", "model = train(epochs=10)"])
    hint = explained(m, "model")
    assert f"{m.__name__}.ipynb cell 2 line 1 by `model = train(epochs=10)`, which did not run" in hint


def test_explain_of_an_unknown_name_mentions_the_cell_that_does_not_parse(nb):
    """Is a name nothing defines explained by the cell that does not parse (it may be there)?"""
    m = nb.load(["X = 1", "def predict(x):\n    return x +"])
    hint = explained(m, "predict")
    assert "do not parse" in hint and "cell 2 (line 2" in hint


def test_a_global_a_skipped_statement_defines_is_a_named_name_error(nb):
    """Does a function using a global the load skipped raise NameError explained by that statement?"""
    m = nb.load(["def make():\n    return [1, 2]", "data = make()", "def first():\n    return data[0]"])
    with pytest.raises(NameError) as info:
        m.first()
    assert f"{m.__name__}.ipynb cell 2 line 1 by `data = make()`" in notebook.explain(info.value)


def test_explain_ignores_errors_of_other_objects(nb):
    """Is an AttributeError of an unrelated object (`self.model` missing) not blamed on the
    notebook's skipped `model = ...`, nor on a cell that does not parse?"""
    m = nb.load(["model = train()", "class Trainer:\n    def run(self):\n        return self.model",
                 "def broken(:\n    pass"])
    with pytest.raises(AttributeError) as info:
        m.Trainer().run()
    assert notebook.explain(info.value) is None
    with pytest.raises(NameError) as info:
        eval("model", {})
    assert notebook.explain(info.value) is None


def test_worker_reply_carries_the_explanation(nb):
    """Does a worker call's error message carry the explanation, for a missing attribute and a NameError?"""
    name = nb.write(["def make():\n    return 3", "value = make()", "def use():\n    return value + 1"])
    worker = nb.worker()
    reply = call(worker, f"{name}.value")
    assert not reply["ok"] and reply["error"]["type"] == "AttributeError"
    assert f"{name}.ipynb cell 2 line 1 by `value = make()`" in reply["error"]["message"]
    reply = call(worker, f"{name}.use")
    assert reply["error"]["type"] == "NameError"
    assert f"{name}.ipynb cell 2 line 1 by `value = make()`" in reply["error"]["message"]
    assert str(nb.root) not in reply["error"]["message"]
    assert call(worker, f"{name}.make")["value"] == 3


# -- magics ---------------------------------------------------------------------------------


def test_magics_transform_to_ipython_calls():
    """Do line magics and shell escapes become get_ipython() calls, and cell magics their Python body or nothing?"""
    assert notebook.python_source("%matplotlib inline") == "get_ipython().run_line_magic('matplotlib', 'inline')\n"
    assert notebook.python_source("!pip install x") == "get_ipython().system('pip install x')\n"
    assert notebook.python_source("x = %pwd") == "x = get_ipython().run_line_magic('pwd', '')\n"
    assert notebook.python_source("%%time\ndef f():\n    return 3\n") == "\ndef f():\n    return 3\n"
    assert notebook.python_source("%%bash\nrm -rf ~\n") == ""
    assert notebook.python_source("%%writefile f.py\nprint(1)\n") == ""


def test_timing_line_magic_runs_its_statement():
    """Is `%time x = 1` the statement `x = 1`, as IPython runs it (and an unparsable body a magic still)?"""
    assert notebook.python_source("%time x = 1") == "x = 1\n"
    assert notebook.python_source("if True:\n    %timeit y = 2\n") == "if True:\n    y = 2\n"
    assert notebook.python_source("%timeit -n 3 f()").startswith("get_ipython().run_line_magic('timeit'")


def test_line_numbers_are_the_cells_through_blank_lines_and_cell_magics(nb):
    """Is line N still the cell's line N after leading blank lines and a %%time line, in the
    errors, the skipped list and a traceback?"""
    m = nb.load(["\n\nRATIO = 1 / 0", "%%time\n\nmodel = train()", "\n%%time\ndef fail():\n    return {}['k']"])
    assert [(e["cell"], e["line"]) for e in m.__notebook__["errors"]] == [(1, 3)]
    assert [(s["cell"], s["line"]) for s in m.__notebook__["skipped"]] == [(2, 3)]
    with pytest.raises(KeyError) as info:
        m.fail()
    frame = traceback.extract_tb(info.value.__traceback__)[-1]
    assert (frame.lineno, frame.line) == (4, "return {}['k']")


@pytest.mark.parametrize("load_mode", ["definitions", "execute"])
def test_magic_cells_define_python_and_run_nothing_else(nb, load_mode):
    """Do %matplotlib, !pip, %%bash and %%writefile do nothing, while %%time and %time
    cells define what their Python defines, in both modes?"""
    written = nb.root / "written.py"
    m = nb.load([
        "%matplotlib inline\n!pip install nothing\nX = 1\nwhere = %pwd",
        "%%time\ndef timed():\n    return 7",
        f"%%writefile {written}\nprint(1)",
        f"%%bash\ntouch {nb.root / 'bash.txt'}",
        f"get_ipython().system('touch {nb.root / 'shell.txt'}')\nget_ipython().run_line_magic('cd', '/')",
        "%time T = 5",
    ], mode=load_mode, cell_seconds=5)
    assert (m.X, m.timed(), m.T) == (1, 7, 5)
    assert sorted(p.name for p in nb.root.iterdir()) == [f"{m.__name__}.ipynb"]
    assert m.__notebook__["errors"] == []


# -- execute mode -------------------------------------------------------------------------


def test_execute_runs_every_cell_in_order_past_errors(nb):
    """Does execute mode run each cell in order, record a cell that raises and run the next?"""
    m = nb.load(["count = 1\norder = ['a']", "count += 1\norder.append('b')\nraise KeyError('boom')",
                 "count += 1\norder.append('c')\ntotal = sum(range(count))"], mode="execute")
    assert (m.count, m.order, m.total) == (3, ["a", "b", "c"], 3)
    [error] = m.__notebook__["errors"]
    assert (error["cell"], error["line"], error["type"]) == (2, 3, "KeyError")
    assert m.__notebook__["ran"] == 2


def test_execute_stops_a_cell_past_its_time_and_goes_on(nb):
    """Is a cell past cell_seconds stopped, recorded as CellTimeout naming the limit and the
    line, despite `except Exception:`, and do the later cells run?"""
    started = time.monotonic()
    m = nb.load(["state = 'start'",
                 "try:\n    while True:\n        pass\nexcept Exception:\n    state = 'swallowed'",
                 "after = state + ' then after'"], mode="execute", cell_seconds=0.5)
    assert time.monotonic() - started < 5
    assert m.after == "start then after"
    [error] = m.__notebook__["errors"]
    assert error["cell"] == 2 and error["type"] == "CellTimeout" and "0.5 s" in error["message"]
    assert error["line"] in (2, 3)


def test_execute_restores_the_alarm(nb):
    """Is SIGALRM's handler and timer put back after an execute-mode load?"""
    import signal

    before = signal.getsignal(signal.SIGALRM)
    nb.load(["x = 1"], mode="execute", cell_seconds=30)
    assert signal.getsignal(signal.SIGALRM) is before and signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_configure_refuses_an_unknown_mode():
    """Is a typo in a notebook's mode an error rather than a silent default?"""
    with pytest.raises(ValueError, match="unknown notebook mode 'exec'"):
        notebook.configure({"nb_unused": {"mode": "exec"}})


# -- the finder ---------------------------------------------------------------------------


def test_notebooks_are_found_beside_modules_and_in_packages(nb):
    """Is name.ipynb importable at top level and inside a package?"""
    name = nb.name()
    package = nb.root / name
    package.mkdir()
    (package / "__init__.py").write_text("")
    write_notebook(package / "part.ipynb", ["WHERE = 'package'"])
    top = nb.load(["WHERE = 'top'"])
    notebook.install()
    assert top.WHERE == "top" and importlib.import_module(f"{name}.part").WHERE == "package"


def test_a_module_wins_over_a_notebook_of_the_same_name(nb):
    """Does name.py shadow name.ipynb, as a package would?"""
    name = nb.write(["SOURCE = 'ipynb'"])
    (nb.root / f"{name}.py").write_text("SOURCE = 'py'\n")
    notebook.install()
    assert importlib.import_module(name).SOURCE == "py"


def test_percent_format_reference_is_found(nb):
    """Is a jupytext percent-format name.nb.py imported as a notebook, cells and all?"""
    name = nb.name()
    (nb.root / f"{name}.nb.py").write_text("# %% [markdown]\n# Title\n\n# %%\nTRAINED = train()\n\n"
                                           "# %%\ndef f():\n    return 5\n")
    notebook.install()
    m = importlib.import_module(name)
    assert m.f() == 5 and m.__notebook__["cells"] == 2
    assert "cell 2 line 1 by `TRAINED = train()`" in explained(m, "TRAINED")


def test_cells_run_as_the_notebook_file_with_their_own_source_lines(nb):
    """Is `__file__` the notebook, and is a traceback frame "<path>, cell N" showing the cell's line?"""
    m = nb.load(["HERE = __file__", "# a comment\ndef fail():\n    return 1 / 0"])
    path = str(nb.root / f"{m.__name__}.ipynb")
    assert m.HERE == path == m.__file__
    with pytest.raises(ZeroDivisionError) as info:
        m.fail()
    frame = traceback.extract_tb(info.value.__traceback__)[-1]
    assert (frame.filename, frame.lineno, frame.line) == (f"{path}, cell 2", 3, "return 1 / 0")
    assert notebook.notebook_file(frame.filename) == path


def test_worker_traceback_shows_the_cell(nb):
    """Does the worker's traceback name the notebook's cell, relative to the root, with the line?"""
    name = nb.write(["import math", "def fail():\n    return math.sqrt(-1)"])
    reply = call(nb.worker(), f"{name}.fail")
    assert reply["error"]["type"] == "ValueError"
    assert f'File "{name}.ipynb, cell 2", line 2, in fail\n    return math.sqrt(-1)' in reply["error"]["traceback"]


def test_worker_reports_what_a_notebook_load_did(nb):
    """Does {"op": "notebooks"} set a notebook's mode, and {"op": "notebook"} return its report?"""
    name = nb.write(["count = 1", "count += 1"])
    worker = nb.worker()
    payload = protocol.encode({name: {"mode": "execute", "cell_seconds": 5}})[0]
    assert worker.handle({"op": "notebooks", "payload": payload}, [])[0]["ok"]
    reply, buffers = worker.handle({"op": "notebook", "payload": protocol.encode(name)[0]}, [])
    report = protocol.decode(reply["value"], buffers, None, None)
    assert report["mode"] == "execute" and report["ran"] == 2 and report["errors"] == []
    assert sys.modules[name].count == 2


# -- static checks --------------------------------------------------------------------------

SKELETON_CELLS = [markdown("# Homework"), "import numpy as np",
                  "def forward(x, w):\n    raise NotImplementedError('forward')",
                  "class Net:\n    def __init__(self, size):\n        self.size = size"]


class NotebookManifest(Manifest):
    """A Manifest whose skeleton is a folder beside the workspace."""

    @property
    def skeleton(self):
        return self.root / "skeleton"


@pytest.fixture
def static(tmp_path):
    """static(cells) -> the findings of check_notebook on a student hw.ipynb of `cells`."""
    (tmp_path / "skeleton").mkdir()
    (tmp_path / "ws").mkdir()
    write_notebook(tmp_path / "skeleton" / "hw.ipynb", SKELETON_CELLS)
    manifest = NotebookManifest(
        name="nbtoy", title="Notebook toy", root=tmp_path, student_files=("hw.ipynb",), submission=("*.ipynb",),
        import_allow=("math",), import_forbid=("torch", "scipy"), limits=Limits(),
        notebooks=(Notebook("hw.ipynb", "hw"),))

    def run(cells):
        path = tmp_path / "ws" / "hw.ipynb"
        if isinstance(cells, str):
            path.write_text(cells)
        else:
            write_notebook(path, cells)
        return check_notebook(path, "hw.ipynb", tmp_path / "ws", manifest)

    return run


def test_untouched_skeleton_notebook_has_no_findings(static):
    """Does the skeleton notebook itself pass every static check?"""
    assert static(SKELETON_CELLS) == []


def test_notebook_syntax_error_names_cell_and_line(static):
    """Is a cell that does not parse a syntax finding naming its cell and line?"""
    cells = list(SKELETON_CELLS)
    cells[2] = "def forward(x, w):\n    return x @@ w"
    [finding] = [f for f in static(cells) if f.kind == "syntax"]
    assert finding.line == 2 and finding.message.startswith("hw.ipynb cell 3 line 2: syntax error")


def test_renamed_function_names_the_students_cell(static):
    """Is a renamed function a signature finding naming the cell and line of the student's
    definition, even with cells added before it?"""
    cells = [*SKELETON_CELLS[:2], "SEED = 0", markdown("notes"), "\n\ndef forwrd(x, w):\n    return x @ w",
             SKELETON_CELLS[3]]
    [finding] = static(cells)
    assert finding.kind == "signature" and finding.line == 3
    assert finding.message.startswith("hw.ipynb cell 5 line 3: function forward(x, w) is missing; did you rename it to forwrd?")


def test_changed_signature_after_a_broken_cell_names_the_right_cell(static):
    """Does a cell left out for its syntax error not shift the cell named by a later finding?"""
    cells = [*SKELETON_CELLS[:3], "x = (", "class Net:\n    def __init__(self):\n        pass"]
    found = {f.kind: f for f in static(cells)}
    assert found["syntax"].message.startswith("hw.ipynb cell 4 line 1")
    assert found["signature"].message.startswith("hw.ipynb cell 5 line 2: Net.__init__(self, size) changed")


def test_added_import_is_only_a_note_and_a_forbidden_one_costs(static):
    """Is a harmless added import a note at most (an allowed one nothing), and a forbidden one penalised, by cell?"""
    cells = [*SKELETON_CELLS, "import math\nimport json", "import torch"]
    findings = static(cells)
    assert [(f.kind, f.line, f.penalised) for f in findings] == [("import", 2, False), ("import", 1, True)]
    assert findings[0].message.startswith("hw.ipynb cell 5 line 2: `import json` is not allowed")
    assert findings[1].message.startswith("hw.ipynb cell 6 line 1: `import torch` is not allowed")


def test_a_file_that_is_not_a_notebook_is_one_finding(static):
    """Is a student .ipynb that is not JSON one syntax finding, not a crash?"""
    [finding] = static("def f(): pass\n")
    assert finding.kind == "syntax" and finding.message.startswith("hw.ipynb does not open as a Jupyter notebook")


# -- the release audit ---------------------------------------------------------------------


def test_audit_reports_what_a_run_left_and_cells_that_do_not_parse(tmp_path):
    """Does check_parses name the cells with outputs, execution counts, attachments, and code
    that does not parse, while magics parse?"""
    png = base64.b64encode(b"\x89PNG").decode()
    write_notebook(tmp_path / "clean.ipynb", ["%matplotlib inline\n!pip install x", markdown("# ok")])
    (tmp_path / "sub").mkdir()
    write_notebook(tmp_path / "sub" / "ran.ipynb", [
        code("print(1)", outputs=[v4.new_output("stream", name="stdout", text="1\n")], execution_count=4),
        markdown("![x](attachment:x.png)", attachments={"x.png": {"image/png": png}}),
        "def f(:\n    pass",
    ])
    assert audit.check_parses(tmp_path) == [
        "sub/ran.ipynb: cell 1 has outputs", "sub/ran.ipynb: cell 1 has an execution count",
        "sub/ran.ipynb: cell 2 has attachments", "sub/ran.ipynb cell 3 line 1: does not parse: invalid syntax",
    ]


def test_a_file_that_does_not_open_as_a_notebook_is_an_audit_problem(tmp_path):
    """Is an .ipynb that is not a notebook reported, not a crash?"""
    (tmp_path / "bad.ipynb").write_text("{not json")
    [problem] = audit.check_parses(tmp_path)
    assert problem.startswith("bad.ipynb: does not open as a notebook")


def test_leak_scan_reads_outputs_and_attachments(tmp_path):
    """Does the leak scan see a solution line hidden in a cell's output, an error's traceback,
    a display's data and a markdown cell's base64 attachment?"""
    secrets = ["out_secret = weights @ x + 1", "trace_secret = loss.backward()",
               "data_secret = np.linalg.solve(a, b)", "attach_secret = model.fit(X)"]
    attachment = base64.b64encode(f"notes\n{secrets[3]}\n".encode()).decode()
    path = write_notebook(tmp_path / "leaky.ipynb", [
        code("print(x)", outputs=[v4.new_output("stream", name="stdout", text=f"a\n{secrets[0]}\nb\n")]),
        code("f()", outputs=[v4.new_output("error", ename="E", evalue="", traceback=["Traceback", secrets[1]])]),
        code("x", outputs=[v4.new_output("execute_result", data={"text/plain": f"{secrets[2]}\nmore"},
                                         execution_count=1)]),
        markdown("![n](attachment:n.bin)", attachments={"n.bin": {"application/octet-stream": attachment}}),
    ])
    texts = audit.notebook_texts(path.read_bytes())
    lines = {line.strip() for text in texts for line in text.splitlines()}
    assert set(secrets) <= lines
    assert {"cell 1 has outputs", "cell 3 has outputs", "cell 4 has attachments"} <= set(
        audit.run_leftovers(nbformat.reads(path.read_text(), as_version=4)))


def test_a_rendered_student_notebook_passes_the_audit(tmp_path):
    """Does a student notebook rendered from a marked reference pass check_parses and hold no
    solution-only line in any text the leak scan reads?"""
    text = ("# %% [markdown]\n# Q\n# {% if solution %}\n# the secret answer line\n# {% else %}\n#| # _answer_\n"
            "# {% endif %}\n\n# %%\ndef f(x):\n    # {% if solution %}\n    return x * 12345\n    # {% else %}\n"
            "    #| raise NotImplementedError('f')\n    # {% endif %}\n\n"
            "# {% if solution %}\n# %%\ncheckpoint = train_for_an_hour()\n# {% endif %}\n")
    (tmp_path / "hw.ipynb").write_text(render_notebook(text, solution=False))
    assert audit.check_parses(tmp_path) == []
    lines = {line.strip() for t in audit.notebook_texts((tmp_path / "hw.ipynb").read_bytes()) for line in t.splitlines()}
    assert not lines & {"the secret answer line", "return x * 12345", "checkpoint = train_for_an_hour()"}
    source = notebook.module_source(tmp_path / "hw.ipynb")[0]
    ast.parse(source)
    assert "def f(x):" in source

