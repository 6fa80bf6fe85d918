"""Reading a master notebook and its checks file (outside the sandbox; trusted).

A master (``exercises/masters/<name>.ipynb``, otter assign format) holds the questions, their
solutions and their **public** tests; its checks file (``<name>.checks.py`` beside it) holds
the probes and the hidden checks (see ``checks.py``). This module reads both:

* :func:`read_master`: the questions (points, manual or not, public test cells, from the
  ``BEGIN QUESTION`` configs: never from anything a submission can touch) and the code cells;
* :func:`load_checks`: the checks file's ``CHECKS``, validated against the master;
* :func:`execute` and :func:`run_public_test`: run notebook cells and otter exception-based
  public tests in-process, as otter would (used on trusted code only: the master's solution
  and its planted wrong answers, the blank student notebook).
"""

from __future__ import annotations

import ast
import contextlib
import inspect
import io
import re
import runpy
import sys
import textwrap
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from exercises.tools.build import MASTERS
from exercises.tools.checks import Check, as_rule


class MasterError(ValueError):
    """A master or its checks file is not as the tools expect (the message says where)."""


@dataclass
class Question:
    name: str
    points: float
    manual: bool = False
    public: list[str] = field(default_factory=list)  # the public test cells' sources


#: The first line of a master-only cell: otter assign leaves it out of the student and
#: autograder notebooks; check_planted runs it once, after the solution (see ``verify``).
MASTER_ONLY = "# IGNORE"


@dataclass
class Master:
    name: str
    path: Path
    code: list[str]  # the notebook's code cells, solutions included, in order
    questions: dict[str, Question]
    #: The master-only cells (``# IGNORE``): checks that a number the master shows students
    #: (a table, curves) is what its code computes, run once after the solution, with the
    #: master's markdown as ``MASTER_MARKDOWN``; not part of ``code``.
    verify: list[str] = field(default_factory=list)
    markdown: str = ""

    @property
    def graded(self) -> dict[str, Question]:
        """The auto-graded questions (not ``manual: true``)."""
        return {q: question for q, question in self.questions.items() if not question.manual}

    @property
    def checks_path(self) -> Path:
        return self.path.with_name(f"{self.name}.checks.py")

    @property
    def planted_dir(self) -> Path:
        return self.path.with_name(f"{self.name}.planted")


def _raw_header(cell) -> str:
    return cell.source.strip().splitlines()[0].strip() if cell.source.strip() else ""


def _next_free(questions: dict[str, Question]) -> str:
    """The name after the last ``qN`` of ``questions``."""
    numbers = [int(n[1:]) for n in questions if re.fullmatch(r"q\d+", n)]
    return f"q{max(numbers, default=0) + 1}"


def read_master(path: Path) -> Master:
    """Split an otter master notebook into its code and its questions (raises MasterError)."""
    nb = nbformat.read(path, as_version=4)
    code: list[str] = []
    verify: list[str] = []
    questions: dict[str, Question] = {}
    begun: dict[str, int] = {}  # question name -> the cell that begins it
    duplicate: tuple[int, str, int] | None = None  # the first: (cell, name, the first's cell)
    question: Question | None = None
    in_tests = False
    for number, cell in enumerate(nb.cells, start=1):
        if cell.cell_type == "raw":
            header = _raw_header(cell)
            if header == "# BEGIN QUESTION":
                config = yaml.safe_load(cell.source.split("\n", 1)[1])
                name = config["name"]
                if name in begun:
                    duplicate = duplicate or (number, name, begun[name])
                begun.setdefault(name, number)
                question = Question(
                    name, float(config.get("points") or 0), manual=bool(config.get("manual"))
                )
                questions[name] = question
            elif header == "# END QUESTION":
                question = None
            elif header == "# BEGIN TESTS":
                in_tests = True
            elif header == "# END TESTS":
                in_tests = False
            continue
        if cell.cell_type != "code":
            continue
        if in_tests:
            if question is None:
                raise MasterError(f"{path}, cell {number}: tests outside a question")
            if cell.source.lstrip().startswith("# HIDDEN"):
                raise MasterError(
                    f"{path}, cell {number}: a hidden test in the master; hidden checks live "
                    f"in {path.stem}.checks.py (see exercises/README.md, 'Checks')"
                )
            question.public.append(cell.source)
        elif cell.source.lstrip().startswith(MASTER_ONLY):
            verify.append(cell.source)
        else:
            code.append(cell.source)
    if duplicate:
        number, name, first = duplicate
        raise MasterError(
            f"{path}, cell {number}: a second question named {name!r} (cell {first} begins the "
            f"first): name it {_next_free(questions)!r}, the next free name"
        )
    markdown = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    return Master(path.stem, path, code, questions, verify, markdown)


def load_master(name: str, masters: Path = MASTERS) -> Master:
    path = masters / f"{name}.ipynb"
    if not path.is_file():
        known = sorted(p.stem for p in masters.glob("*.ipynb"))
        raise MasterError(f"no master notebook {path} (masters: {', '.join(known)})")
    return read_master(path)


# ------------------------------------------------------------------------------ checks file


def load_checks(master: Master) -> list[Check]:
    """The checks file's ``CHECKS``, validated: every check names a graded question of the
    master and a probe defined in the checks file, its name is unique within its question, it
    has a message, and every graded question has at least one check."""
    path = master.checks_path
    if not path.is_file():
        raise MasterError(f"{path} is missing: every master has a checks file beside it")
    module = runpy.run_path(str(path), run_name=f"checks_{master.name}")
    checks = module.get("CHECKS")
    if not isinstance(checks, list) or not all(isinstance(c, Check) for c in checks):
        raise MasterError(f"{path}: CHECKS must be a list of Check(...)")
    seen: set[tuple[str, str]] = set()
    for c in checks:
        where = f"{path}: check {c.question} {c.name!r}"
        if c.question not in master.graded:
            raise MasterError(f"{where}: {c.question} is not a graded question of the master")
        if (c.question, c.name) in seen:
            raise MasterError(f"{where}: two checks of {c.question} have this name")
        seen.add((c.question, c.name))
        if not inspect.isfunction(c.probe) or module.get(c.probe.__name__) is not c.probe:
            raise MasterError(f"{where}: its probe must be a top-level function of the file")
        if not c.message.strip():
            raise MasterError(f"{where}: no message for the student")
        as_rule(c.rule)  # raises TypeError for a rule that is not one
    for q in master.graded:
        if not any(c.question == q for c in checks):
            raise MasterError(f"{path}: no check for {q}")
    return checks


def probe_specs(checks: list[Check]) -> list[dict]:
    """The probes the checks use, in order, as the harness takes them: name, source, params."""
    specs: dict[str, dict] = {}
    for c in checks:
        if c.probe_name not in specs:
            specs[c.probe_name] = {
                "name": c.probe_name,
                "source": textwrap.dedent(inspect.getsource(c.probe)),
                "params": list(inspect.signature(c.probe).parameters),
            }
    return list(specs.values())


def config(master: Master, checks: list[Check]) -> dict:
    """The assignment's plain configuration (the interface of feedback.py and report.py):
    ``{"assignment": name, "questions": {q: {"points", "manual", "checks": [names]}}}``."""
    return {
        "assignment": master.name,
        "questions": {
            q: {
                "points": question.points,
                "manual": question.manual,
                "checks": [c.name for c in checks if c.question == q],
            }
            for q, question in master.questions.items()
        },
    }


# ------------------------------------------------------------------------ running trusted code


def execute(cells: list[str], namespace: dict | None = None) -> dict:
    """Run notebook cells in one namespace, as a kernel would (output and warnings discarded).
    For trusted code only: the master's solution, its planted wrong answers."""
    namespace = {"__name__": "__main__"} if namespace is None else namespace
    with (
        contextlib.redirect_stdout(io.StringIO()),
        contextlib.redirect_stderr(io.StringIO()),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")  # a notebook's warnings are not the check's business
        try:
            for source in cells:
                exec(compile(source, "<cell>", "exec"), namespace)
        finally:
            if "matplotlib.pyplot" in sys.modules:  # figures drawn by a cell (headless)
                sys.modules["matplotlib.pyplot"].close("all")
    return namespace


def public_test_function(source: str) -> tuple[str, str]:
    """(function name, its source) of an exception-based public test cell: one function
    definition, optionally followed by a call (otter's rule)."""
    tree = ast.parse(source)
    if not tree.body or not isinstance(tree.body[0], ast.FunctionDef) or len(tree.body) > 2:
        raise MasterError(
            "a public test cell holds one function definition (and at most a call to it), "
            f"the otter exception-based format; found:\n{source[:300]}"
        )
    return tree.body[0].name, ast.unparse(tree.body[0])


def run_public_test(source: str, namespace: dict) -> str | None:
    """Run one public test as otter's ``grader.check`` does (the test function gets the
    notebook's values by parameter name, None when missing): None if it passes, else
    ``"<ExceptionType>: <message>"``."""
    name, function = public_test_function(source)
    env: dict = {"__name__": "test"}
    exec(compile(function, "<public test>", "exec"), env)
    test = env[name]
    params = inspect.signature(test).parameters
    kwargs = {p: namespace if p == "env" else namespace.get(p) for p in params}
    try:
        with (
            contextlib.redirect_stdout(io.StringIO()),
            contextlib.redirect_stderr(io.StringIO()),
            warnings.catch_warnings(),
        ):
            warnings.simplefilter("ignore")
            test(**kwargs)
    except Exception as e:  # noqa: BLE001 - otter reports any exception as a failure
        return f"{type(e).__name__}: {e}".strip()
    return None
