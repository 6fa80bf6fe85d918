"""CONTRIBUTING.md's recipes, followed as a newcomer would: in a copy of the repository, step by
step, running every command of each recipe's ``sh`` blocks exactly as the page writes it.

For a step a person does by hand (write a notebook, add a line to ``_toc.yml``) the test makes
that edit in the copy, as the step says (the snippets it relies on are read from the step's
text: a step that stops saying them fails here); for a command it runs the page's own text,
with an example name in place of ``<chapter>`` or ``<module>``. The steps must be the
recipe's, in its order: a recipe that gains, loses or renames a step fails here until this file
follows it. Each recipe ends in the checks ``make test`` runs for that kind of change, so when
a recipe and the code disagree, a test here fails. The function and module recipes are also
followed once with a step left out, to show that their checks catch what that step is for.

The chapter and exercise recipes execute notebooks and are marked slow; the function and module
recipes take seconds and run in ``make test-fast`` too.

The copy holds the repository's files as they are in the working tree (``git ls-files``:
tracked and new, not ignored) in a temporary folder, and the checkout's ``.venv``: the recipes
start after ``make setup``. Every command runs with ``PYTHONPATH`` at the copy, so that the
tools, the tests and the notebooks' kernels import the copy's library, not the checkout's.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import ROOT, imported_names

import scratchlib

CONTRIBUTING = ROOT / "CONTRIBUTING.md"
#: A numbered step of a recipe: ``3. **Title.** text``.
STEP = re.compile(r"^(\d+)\. \*\*(.+?)\.\*\*", re.M)
#: A command block inside a step (indented under the list item).
COMMANDS = re.compile(r"^( *)```sh\n(.*?)^\1```", re.M | re.S)
#: What is left of a placeholder after the example names are put in.
PLACEHOLDER = re.compile(r"<[a-z_]+>")


class RecipeFailed(AssertionError):
    """A command of a recipe failed in the copy; the message names the step and the command."""


@dataclass(frozen=True)
class Step:
    recipe: str
    number: int
    title: str
    text: str
    commands: tuple[str, ...]

    def where(self) -> str:
        return f"CONTRIBUTING.md, {self.recipe!r}, step {self.number} ({self.title})"

    def says(self, snippet: str) -> str:
        """``snippet``, which the step's text must contain (what the test's edit relies on)."""
        assert snippet in self.text, (
            f"{self.where()} no longer says {snippet!r}: make tests/test_recipes.py follow "
            "the step as it is written now"
        )
        return snippet


def recipe(title: str) -> list[Step]:
    """The numbered steps of the section ``## <title>`` of CONTRIBUTING.md."""
    sections = re.split(r"^## ", CONTRIBUTING.read_text(encoding="utf-8"), flags=re.M)
    bodies = [s for s in sections if s.startswith(title + "\n")]
    assert len(bodies) == 1, f"CONTRIBUTING.md has no section '## {title}'"
    starts = list(STEP.finditer(bodies[0]))
    steps = []
    for i, start in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(bodies[0])
        text = bodies[0][start.start() : end]
        commands = tuple(textwrap.dedent(m[2]) for m in COMMANDS.finditer(text))
        steps.append(Step(title, int(start[1]), start[2], text, commands))
    assert [s.number for s in steps] == list(range(1, len(steps) + 1)), (
        f"CONTRIBUTING.md, {title!r}: steps numbered {[s.number for s in steps]}"
    )
    return steps


@dataclass
class Copy:
    """A copy of the repository to follow a recipe in."""

    root: Path
    env: dict[str, str]
    outputs: list[str] = field(default_factory=list)

    def run(self, step: Step, block: str, names: dict[str, str]) -> str:
        for placeholder, name in names.items():
            block = block.replace(placeholder, name)
        assert not PLACEHOLDER.search(block), f"{step.where()}: unknown placeholder in {block!r}"
        start = time.monotonic()
        result = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", block],
            cwd=self.root,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        output = result.stdout + result.stderr
        print(f"step {step.number}, {time.monotonic() - start:.1f} s: {block.strip()}")
        if result.returncode != 0:
            raise RecipeFailed(
                f"{step.where()}: exit {result.returncode} from\n{block}\n{output[-6000:]}"
            )
        self.outputs.append(output)
        return output


@pytest.fixture
def copy(tmp_path: Path) -> Copy:
    venv = ROOT / ".venv"
    if not (venv / ".installed").is_file():
        pytest.fail(f"{venv} is not set up: run `make setup` first (the recipes start there)")
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    root = tmp_path / "repository"
    for name in filter(None, listed.split("\0")):
        source, target = ROOT / name, root / name
        if not source.is_file():
            continue  # deleted in the working tree
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
    (root / ".venv").symlink_to(venv)
    # The copy's files must not look newer than the setup, or `make` would re-install the
    # library into the checkout's .venv from the copy.
    installed = (venv / ".installed").stat().st_mtime
    for name in ("pyproject.toml", "requirements.lock"):
        os.utime(root / name, (installed - 10, installed - 10))
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("PYTEST_", "MAKE", "MFLAGS", "PYTHON"))
    }
    env["PYTHONPATH"] = str(root)
    where = subprocess.run(
        [
            str(root / ".venv" / "bin" / "python"),
            "-c",
            "import scratchlib; print(scratchlib.__file__)",
        ],
        cwd=tmp_path,  # not the copy: a kernel runs in notebooks/, a tool anywhere
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(root), f"the copy imports the library from {where}"
    return Copy(root, env)


@dataclass(frozen=True)
class Do:
    """What the test does by hand for one step: before its commands, and after them."""

    before: Callable[[Step], None] | None = None
    after: Callable[[Step], None] | None = None


def follow(copy: Copy, title: str, hands: dict[str, Do], names: dict[str, str], skip: str = ""):
    """Follow the recipe ``title`` in ``copy``: for each step, its edit, then its commands."""
    steps = recipe(title)
    assert [s.title for s in steps] == list(hands), (
        f"CONTRIBUTING.md, {title!r} has the steps {[s.title for s in steps]}; "
        f"tests/test_recipes.py follows {list(hands)}: make them agree"
    )
    assert skip in ("", *hands), skip
    for step in steps:
        if step.title == skip:
            continue
        do = hands[step.title]
        if do.before:
            do.before(step)
        for block in step.commands:
            copy.run(step, block, names)
        if do.after:
            do.after(step)


def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path.name}: expected {old!r} once"
    path.write_text(text.replace(old, new), encoding="utf-8")


# --------------------------------------------------------------------------- a chapter


class Chapter:
    """The chapter a newcomer writes, cell by cell, in the copy."""

    def __init__(self, copy: Copy) -> None:
        numbers = [int(p.name[:2]) for p in (copy.root / "notebooks").glob("[0-9][0-9]_*.ipynb")]
        self.number = max(numbers) + 1
        self.name = f"{self.number:02d}_recipe_check"
        self.path = copy.root / "notebooks" / f"{self.name}.ipynb"
        self.copy = copy

    def add(self, kind: str, source: str, metadata: dict | None = None) -> str:
        nb = json.loads(self.path.read_text(encoding="utf-8"))
        cell = {"cell_type": kind, "id": f"cell-{len(nb['cells'])}", "metadata": metadata or {}}
        if kind == "code":
            cell |= {"execution_count": None, "outputs": []}
        nb["cells"].append(cell | {"source": source})
        self.path.write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")
        return cell["id"]

    # the steps

    def file(self, step: Step) -> None:
        step.says("`notebooks/<chapter>.ipynb`")
        step.says("no install cell")
        nb = {
            "cells": [],
            "metadata": {  # what Jupyter writes for a new Python 3 notebook
                "kernelspec": {
                    "display_name": "Python 3 (ipykernel)",
                    "language": "python",
                    "name": "python3",
                },
                "language_info": {"name": "python"},
            },
            "nbformat": 4,
            "nbformat_minor": 5,
        }
        self.path.write_text(json.dumps(nb, indent=1) + "\n", encoding="utf-8")
        title, section = step.says("`# N. Title`"), step.says("`## N.k Title`")
        n = str(self.number)
        self.add("markdown", title.strip("`").replace("N", n) + ": written by the recipe\n")
        self.add("markdown", section.strip("`").replace("N", n, 1).replace("k", "1", 1) + "\n")

    def imports(self, step: Step) -> None:
        step.says("`from scratchlib import ...`")
        step.says("`from scratchlib.plot import ...`")
        self.add(
            "code",
            "import numpy as np\n\nfrom scratchlib import sigmoid\nfrom scratchlib.plot import show_images",
        )

    def outputs_that_reproduce(self, step: Step) -> None:
        step.says("`np.random.default_rng(seed)`")
        self.draws = self.add(
            "code",
            "rng = np.random.default_rng(0)\n"
            "x = rng.standard_normal(5)\n"
            'print(f"{x.size} draws:", np.round(sigmoid(x), 3))',
        )

    def figures(self, step: Step) -> None:
        step.says('`{"mystnb": {"image": {"alt": "..."}}}`')
        alt = "Three squares of random gray pixels side by side, one per random image."
        self.add(
            "code",
            "fig = show_images(rng.random((3, 784)), ncols=3)",
            {"mystnb": {"image": {"alt": alt}}},
        )

    def links(self, step: Step) -> None:
        exercises = step.says("`[the exercises](../book/exercises.md)`").strip("`")
        chapter = step.says("`[chapter 2](../notebooks/02_gradient.ipynb)`").strip("`")
        self.add("markdown", f"Next: {exercises}, or back to {chapter}.\n")

    def claims(self, step: Step) -> None:
        step.says("`tests/claims/<chapter>.yml`")
        step.says("at least one claim")
        self.add("markdown", "The second code cell draws five numbers and prints their sigmoid.\n")
        path = self.copy.root / "tests" / "claims" / f"{self.name}.yml"
        path.parent.mkdir(exist_ok=True)
        path.write_text(
            "claims:\n"
            '  - sentence: "draws five numbers"\n'
            '    number: "five"\n'
            f"    cell: {self.draws}\n"
            "    find: '^(\\d+) draws'\n"
            "constants: {}\n",
            encoding="utf-8",
        )
        step.says('"Used in:"')
        self.cite("functions", "sigmoid")
        self.cite("plot", "show_images")

    def cite(self, module: str, function: str) -> None:
        """Add "chapter N, §N.1" to the "Used in:" of ``function``'s docstring, at the end of
        the statement, its lines wrapped again."""
        path = self.copy.root / "scratchlib" / f"{module}.py"
        text = path.read_text(encoding="utf-8")
        start = text.index("Used in: ", text.index(f"\ndef {function}("))
        end = text.index("\n\n", start)
        line = text.rindex("\n", 0, start) + 1
        statement = " ".join(text[start:end].split()).rstrip(".")
        indent = text[line:start]
        cited = f"{statement}; chapter {self.number}, §{self.number}.1."
        wrapped = textwrap.fill(cited, 100, initial_indent=indent, subsequent_indent=indent)
        path.write_text(text[:line] + wrapped + text[end:], encoding="utf-8")

    def colab_cell_inserted(self, step: Step) -> None:
        assert any(f"notebooks/{self.name}.ipynb" in o for o in self.copy.outputs[-1:]), (
            f"{step.where()}: `make launch-cells` did not name the notebook it changed"
        )
        cells = json.loads(self.path.read_text(encoding="utf-8"))["cells"]
        first_code = next(c for c in cells if c["cell_type"] == "code")
        assert "google.colab" in "".join(first_code["source"]), step.where()

    def toc_and_readme(self, step: Step) -> None:
        entry = (
            step.says("`- file: notebooks/<chapter>`").strip("`").replace("<chapter>", self.name)
        )
        toc = self.copy.root / "_toc.yml"
        lines = toc.read_text(encoding="utf-8").splitlines(keepends=True)
        last = max(i for i, line in enumerate(lines) if "- file: notebooks/" in line)
        indent = lines[last][: lines[last].index("-")]
        lines.insert(last + 1, f"{indent}{entry}\n")
        toc.write_text("".join(lines), encoding="utf-8")
        row = step.says(
            "``| N | [`<chapter>`](notebooks/<chapter>.ipynb) | what the reader learns |``"
        )
        row = (
            row.strip("`").strip().replace("<chapter>", self.name).replace("N", str(self.number), 1)
        )
        readme = self.copy.root / "README.md"
        lines = readme.read_text(encoding="utf-8").splitlines(keepends=True)
        last = max(i for i, line in enumerate(lines) if re.match(r"\|.*\(notebooks/\d\d_", line))
        lines.insert(last + 1, row + "\n")
        readme.write_text("".join(lines), encoding="utf-8")


def _chapter_hands(chapter: Chapter) -> dict[str, Do]:
    def says(*snippets: str) -> Do:
        return Do(before=lambda step: [step.says(s) for s in snippets])

    return {
        "File": Do(before=chapter.file),
        "Imports": Do(before=chapter.imports),
        "Outputs that reproduce": Do(before=chapter.outputs_that_reproduce),
        "Time budget": says("under a minute", "`tests/test_notebooks.py`"),
        "Figures": Do(before=chapter.figures),
        "Links": Do(before=chapter.links),
        "Numbers and references": Do(before=chapter.claims),
        "Colab cell and links": Do(after=chapter.colab_cell_inserted),
        "Table of contents and README": Do(before=chapter.toc_and_readme),
        "Outputs": Do(),
        "Check": Do(),
    }


@pytest.mark.slow
def test_add_a_chapter(copy):
    chapter = Chapter(copy)
    follow(copy, "Add a chapter", _chapter_hands(chapter), {"<chapter>": chapter.name})
    cells = json.loads(chapter.path.read_text(encoding="utf-8"))["cells"]
    text = "".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    assert "../book/" not in text and "book/exercises.html" in text  # made absolute for Colab


# --------------------------------------------------------------------------- a function

TANH = '''

def tanh(x: ArrayLike) -> NDArray:
    """Hyperbolic tangent, elementwise: ``(exp(x) - exp(-x)) / (exp(x) + exp(-x))``.

    Used in: no chapter yet (``tanh(x / 2) == 2 * sigmoid(x) - 1``).

    Parameters
    ----------
    x : array_like, any shape
        Floating arrays keep their dtype (float32 stays float32); integers and booleans give
        float64.

    Returns
    -------
    ndarray, same shape as ``x``, values in ``[-1, 1]``
    """
    return np.tanh(_as_float(x))
'''

TANH_TEST = """

def test_tanh_is_twice_the_sigmoid_of_twice_x_minus_one():
    x = np.linspace(-20, 20, 81)
    np.testing.assert_allclose(tanh(x), 2 * sigmoid(2 * x) - 1, rtol=1e-12, atol=1e-15)
    assert tanh(np.zeros(3, dtype=np.float32)).dtype == np.float32
    assert tanh(np.array([1, 0], dtype=np.int8)).dtype == np.float64
    assert tanh(0.0) == 0.0
"""


def _add_to_import(path: Path, module: str, name: str) -> None:
    """Add ``name`` to the parenthesised ``from <module> import (...)`` of ``path``, sorted."""
    text = path.read_text(encoding="utf-8")
    block = re.search(rf"^from {re.escape(module)} import \((.*?)\)", text, re.M | re.S)
    assert block, f"{path.name}: no `from {module} import (...)`"
    names = sorted({n.strip() for n in block[1].split(",") if n.strip()} | {name})
    imports = "".join(f"    {n},\n" for n in names)
    path.write_text(text[: block.start(1)] + "\n" + imports + text[block.end(1) :], "utf-8")


def _function_hands(copy: Copy) -> dict[str, Do]:
    functions = copy.root / "scratchlib" / "functions.py"
    tests = copy.root / "tests" / "test_functions.py"

    def write(step: Step) -> None:
        step.says("module of its concept")
        functions.write_text(functions.read_text(encoding="utf-8") + TANH, encoding="utf-8")

    def list_it(step: Step) -> None:
        step.says("`__all__`")
        text = functions.read_text(encoding="utf-8")
        listed = re.search(r"^__all__ = \[\n(.*?)^\]", text, re.M | re.S)
        functions.write_text(
            text[: listed.end(1)] + '    "tanh",\n' + text[listed.end(1) :], encoding="utf-8"
        )

    def test(step: Step) -> None:
        step.says("`tests/test_<module>.py`")
        _add_to_import(tests, "scratchlib.functions", "tanh")
        tests.write_text(tests.read_text(encoding="utf-8") + TANH_TEST, encoding="utf-8")

    return {
        "Module": Do(before=write),
        "Name": Do(before=list_it),
        "Docstring": Do(before=lambda step: step.says('"Used in: chapter N, §N.k"')),
        "Signature": Do(before=lambda step: step.says("float32 in")),
        "Errors": Do(),  # tanh takes any array
        "Threads": Do(before=lambda step: step.says("Elementwise functions need nothing")),
        "Test": Do(before=test),
        "Check": Do(),
        "Speed": Do(),  # not on the training path
    }


def test_add_a_library_function(copy):
    follow(copy, "Add a library function", _function_hands(copy), {"<module>": "functions"})


def test_a_function_left_out_of_all_fails_the_checks(copy):
    with pytest.raises(RecipeFailed) as failed:
        follow(
            copy,
            "Add a library function",
            _function_hands(copy),
            {"<module>": "functions"},
            skip="Name",
        )
    assert "step 8 (Check)" in str(failed.value) and "['tanh']" in str(failed.value)


# --------------------------------------------------------------------------- a module

SCHEDULES = '''"""Learning-rate schedules: the step size of SGD as a function of the iteration."""

from __future__ import annotations

__all__ = ["step_decay"]


def step_decay(learning_rate: float, iteration: int, drop: float = 0.5, every: int = 1000) -> float:
    """The learning rate at ``iteration``: ``learning_rate * drop ** (iteration // every)``.

    Used in: no chapter yet.

    Parameters
    ----------
    learning_rate : float
        The rate of the first ``every`` iterations.
    iteration : int, >= 0
    drop : float, default 0.5
        The factor applied every ``every`` iterations.
    every : int, >= 1, default 1000

    Returns
    -------
    float

    Raises
    ------
    ValueError
        When ``iteration`` is negative or ``every`` is below 1.
    """
    if iteration < 0:
        raise ValueError(f"step_decay: iteration must be >= 0, got {iteration}")
    if every < 1:
        raise ValueError(f"step_decay: every must be >= 1, got {every}")
    return learning_rate * drop ** (iteration // every)
'''

SCHEDULES_TEST = '''"""scratchlib.schedules against its closed form."""

import pytest
from conftest import raises_naming

from scratchlib.schedules import step_decay


def test_step_decay_halves_every_thousand_iterations():
    rates = [step_decay(0.1, i) for i in (0, 999, 1000, 2500)]
    assert rates == pytest.approx([0.1, 0.1, 0.05, 0.025])


@pytest.mark.parametrize(
    ("kwargs", "name", "value", "allowed"),
    [({"iteration": -1}, "iteration", -1, 0), ({"iteration": 0, "every": 0}, "every", 0, 1)],
)
def test_bad_arguments_are_named(kwargs, name, value, allowed):
    with raises_naming(ValueError, name, value, allowed):
        step_decay(0.1, **kwargs)
'''


def _module_hands(copy: Copy) -> dict[str, Do]:
    module = copy.root / "scratchlib" / "schedules.py"

    def file(step: Step) -> None:
        step.says("`scratchlib/<module>.py`")
        step.says("`__all__`")
        module.write_text(SCHEDULES, encoding="utf-8")

    def module_map(step: Step) -> None:
        step.says("its name in backticks, its concept, what it imports")
        page = copy.root / "CONTRIBUTING.md"
        row = "| `plot` |"
        new = "| `schedules` | learning-rate schedules: `step_decay` | |\n" + row
        _replace_once(page, row, new)

    def docstring_and_api(step: Step) -> None:
        line = step.says("``- :mod:`scratchlib.<module>` -- its concept``")
        line = line.strip("`").strip().replace("<module>", "schedules")
        line = line.replace("its concept", "learning-rate schedules")
        init = copy.root / "scratchlib" / "__init__.py"
        text = init.read_text(encoding="utf-8")
        anchor = "- :mod:`scratchlib.plot`"
        assert anchor in text, "scratchlib/__init__.py: the docstring does not list plot"
        init.write_text(text.replace(anchor, line + "\n" + anchor, 1), encoding="utf-8")
        directive = step.says("`.. automodule:: scratchlib.<module>`").strip("`")
        api = copy.root / "book" / "api.md"
        section = (
            "\n## `scratchlib.schedules`: learning-rate schedules\n\n```{eval-rst}\n"
            + directive.replace("<module>", "schedules")
            + "\n   "
            + step.says("`:members:`").strip("`")
            + "\n```\n"
        )
        api.write_text(api.read_text(encoding="utf-8") + section, encoding="utf-8")

    def functions(step: Step) -> None:
        step.says("a new `tests/test_<module>.py`")
        test = copy.root / "tests" / "test_schedules.py"
        test.write_text(SCHEDULES_TEST, encoding="utf-8")

    return {
        "File": Do(before=file),
        "Module map": Do(before=module_map),
        "Package docstring and API page": Do(before=docstring_and_api),
        "Functions": Do(before=functions),
        "Check": Do(),
    }


def test_add_a_module(copy):
    follow(copy, "Add a module", _module_hands(copy), {"<module>": "schedules"})


def test_a_module_missing_from_the_api_page_fails_the_checks(copy):
    with pytest.raises(RecipeFailed) as failed:
        follow(
            copy,
            "Add a module",
            _module_hands(copy),
            {"<module>": "schedules"},
            skip="Package docstring and API page",
        )
    assert "step 5 (Check)" in str(failed.value)
    assert "book/api.md has no section for scratchlib.schedules" in str(failed.value)


# --------------------------------------------------------------------------- an exercise

#: The assignment the exercise recipe adds a question to (its hidden checks in
#: exercises/masters/<name>.checks.py are judged outside the sandbox, issue 16).
ASSIGNMENT = "04_epoch_evaluation"

Q6_SOLUTION = '''def iterations_per_epoch(train_size, batch_size):
    """The number of iterations in one epoch: ceil(train_size / batch_size), an int."""
    # BEGIN SOLUTION
    return max(-(-train_size // batch_size), 1)
    # END SOLUTION'''

Q6_TEST = """def test_q6(iterations_per_epoch):
    assert iterations_per_epoch is not None, (
        "q6: not answered yet — run the cell that defines iterations_per_epoch"
    )
    n = iterations_per_epoch(60000, 100)
    assert n is not None and n is not ..., (
        "q6: not answered yet — replace the ... in iterations_per_epoch with your code"
    )
    assert n == 600, f"q6: 60000 samples in batches of 100 make 600 iterations; got {n}"
    n = iterations_per_epoch(105, 10)
    assert n == 11, f"q6: 105 samples in batches of 10 make ceil(10.5) = 11 iterations; got {n}"
    assert isinstance(n, int), f"q6: the number of iterations is an int; got {type(n).__name__}\""""

Q6_PROBE = """

def epoch_lengths(iterations_per_epoch):
    return [iterations_per_epoch(*args) for args in ((1050, 100), (5, 100), (7, 1), (64, 8))]

"""

Q6_CHECK = """    Check(
        "q6",
        "ceil, as an int",
        epoch_lengths,
        equal(),
        "iterations_per_epoch must be ceil(train_size / batch_size), at least 1, a Python int. "
        "Hint: -(-train_size // batch_size) is the ceiling in integers.",
    ),
"""

Q6_PLANTS = {
    "q6_floor.py": '"""q6: floor(N / B): the last, shorter batch is forgotten."""\n\n\n'
    "def iterations_per_epoch(train_size, batch_size):\n"
    "    return max(train_size // batch_size, 1)\n",
    "q6_float.py": '"""q6: the book\'s float max(N / B, 1), not an int."""\n\n\n'
    "def iterations_per_epoch(train_size, batch_size):\n"
    "    return max(train_size / batch_size, 1)\n",
}


def _exercise_hands(copy: Copy) -> dict[str, Do]:
    masters = copy.root / "exercises" / "masters"
    notebook = masters / f"{ASSIGNMENT}.ipynb"

    def add_cells(after: str, cells: list[tuple[str, str]]) -> None:
        """Insert ``cells`` after the master's last cell whose source starts with ``after``."""
        nb = json.loads(notebook.read_text(encoding="utf-8"))
        sources = ["".join(c["source"]) for c in nb["cells"]]
        at = max(i for i, text in enumerate(sources) if text.startswith(after)) + 1
        for n, (kind, source) in enumerate(cells):
            cell = {"cell_type": kind, "id": f"q6-{len(nb['cells'])}", "metadata": {}}
            if kind == "code":
                cell |= {"execution_count": None, "outputs": []}
            nb["cells"].insert(at + n, cell | {"source": source})
        notebook.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", "utf-8")

    def question(step: Step) -> None:
        for snippet in ("`# BEGIN QUESTION`", "`all_or_nothing: true`", "`# END SOLUTION`"):
            step.says(snippet)
        add_cells(
            "# END QUESTION",
            [
                ("raw", "# BEGIN QUESTION\nname: q6\npoints: 1\nall_or_nothing: true"),
                (
                    "markdown",
                    "**Question 6.** Write `iterations_per_epoch(train_size, batch_size)`. "
                    "Requirement, checked: the last, shorter batch counts (the ceiling), and "
                    "the result is a Python `int`.",
                ),
                ("raw", "# BEGIN SOLUTION"),
                ("code", Q6_SOLUTION),
                ("raw", "# END SOLUTION"),
            ],
        )

    def public_test(step: Step) -> None:
        for snippet in ('`"q6: "`', '`"q6: not answered yet — ..."`', "`# END QUESTION`"):
            step.says(snippet)
        tests = [("raw", "# BEGIN TESTS"), ("code", Q6_TEST), ("raw", "# END TESTS")]
        add_cells("# END SOLUTION", [*tests, ("raw", "# END QUESTION")])

    def hidden_checks(step: Step) -> None:
        step.says("`<name>.checks.py`")
        step.says("`equal()`")
        checks = masters / f"{ASSIGNMENT}.checks.py"
        assert checks.is_file(), f"{step.where()}: there is no {checks.name}"
        text = checks.read_text(encoding="utf-8")
        imported = re.search(r"^from exercises\.tools\.checks import (.+)$", text, re.M)
        names = sorted({n.strip() for n in imported[1].split(",")} | {"equal"}, key=str.lower)
        text = text.replace(imported[0], f"from exercises.tools.checks import {', '.join(names)}")
        text = text.replace("\nCHECKS = [", Q6_PROBE + "\nCHECKS = [", 1)
        assert text.endswith("\n]\n"), "CHECKS is not the last statement of the checks file"
        checks.write_text(text[: -len("]\n")] + Q6_CHECK + "]\n", encoding="utf-8")

    def plants(step: Step) -> None:
        step.says("`<name>.planted/q6_<mistake>.py`")
        for file, source in Q6_PLANTS.items():
            (masters / f"{ASSIGNMENT}.planted" / file).write_text(source, encoding="utf-8")

    def exercises_page(step: Step) -> None:
        row = step.says("``| `q6` | N | code or reasoning | the task |``").strip("`").strip()
        row = row.replace("N", "1", 1).replace("code or reasoning", "code")
        row = row.replace("the task", "iterations in an epoch, an `int`")
        page = copy.root / "book" / "exercises.md"
        anchor = f"{{doc}}`../notebooks/{ASSIGNMENT}`"
        head, section = page.read_text(encoding="utf-8").split(anchor)
        total = int(re.search(r"(\d+) points\b", section)[1])
        section = section.replace(f"{total} points", f"{total + 1} points", 1)
        last = re.findall(r"^\| `q\d+` \|.*$", section, re.M)[-1]
        section = section.replace(last, last + "\n" + row, 1)
        page.write_text(head + anchor + section, encoding="utf-8")

    return {
        "Question": Do(before=question),
        "Public test": Do(before=public_test),
        "Hidden checks": Do(before=hidden_checks),
        "Planted wrong answers": Do(before=plants),
        "Exercises page": Do(before=exercises_page),
        "Build": Do(),
        "Check": Do(),
    }


@pytest.mark.slow
def test_add_an_exercise_question(copy):
    follow(copy, "Add an exercise question", _exercise_hands(copy), {"<name>": ASSIGNMENT})
    public = copy.root / "exercises" / "student" / ASSIGNMENT / "tests" / "q6.py"
    assert public.is_file(), f"the build wrote no public test {public.name} for q6"
    assert "ceil, as an int" not in public.read_text(encoding="utf-8")  # hidden stays hidden


# --------------------------------------------------------------------------- the module map

#: The library's modules (a package such as ``scratchlib/data/`` counts as one).
MODULES = sorted(
    p.stem if p.is_file() else p.name
    for p in Path(scratchlib.__file__).parent.iterdir()
    if p.name[0] not in "_." and (p.suffix == ".py" or (p / "__init__.py").is_file())
)


def module_map() -> dict[str, set[str]]:
    """CONTRIBUTING.md's table of modules: name -> the modules it says it imports, in order."""
    section = CONTRIBUTING.read_text(encoding="utf-8").split("## The library's modules", 1)[1]
    rows = {}
    for line in section.split("\n## ", 1)[0].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        name = cells[0].split("`")[1].removeprefix("scratchlib/").strip("/")
        rows[name] = set(re.findall(r"`(\w+)`", cells[2]))
    return rows


def library_imports(module: str) -> set[str]:
    """The other modules of scratchlib that ``module`` (file or package) imports."""
    base = Path(scratchlib.__file__).parent
    files = (
        [base / f"{module}.py"]
        if (base / f"{module}.py").is_file()
        else [*sorted((base / module).rglob("*.py"))]
    )
    found = set()
    for path in files:
        for name in imported_names(path):
            parts = name.split(".")
            assert parts != ["scratchlib"], (
                f"{path.relative_to(base.parent)} imports scratchlib itself: import the "
                "module it needs (from scratchlib.functions import softmax)"
            )
            if parts[0] == "scratchlib" and parts[1] in MODULES:
                found.add(parts[1])
    return found - {module}


@pytest.mark.parametrize("module", MODULES)
def test_the_module_map_names_each_module_and_what_it_imports(module):
    rows = module_map()
    assert module in rows, (
        f"CONTRIBUTING.md, 'The library's modules': no row for scratchlib.{module}"
    )
    imports = library_imports(module)
    assert rows[module] == imports, (
        f"CONTRIBUTING.md says scratchlib.{module} imports {sorted(rows[module])}; "
        f"it imports {sorted(imports)}"
    )
    above = list(rows)[: list(rows).index(module)]
    assert imports <= set(above), (
        f"scratchlib.{module} imports {sorted(imports - set(above))}, which come after it in "
        "CONTRIBUTING.md's table: a module builds only on those above it"
    )
