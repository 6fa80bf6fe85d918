"""Check that every master's tests reject its planted wrong answers and accept its solution.

    python -m exercises.tools.check_planted [NAME ...] [--verbose]

For each ``exercises/masters/<name>.ipynb`` (run by ``make assignments`` after the build, and by
``tests/test_exercises.py``):

1. **the solution passes**: the master's code cells (with their solutions) are executed, then
   every test of every question, public and hidden; all must pass;
2. **every planted wrong answer is rejected**: each file
   ``exercises/masters/<name>.planted/<question>_<mistake>.py`` holds one typical wrong answer
   (its docstring says which). It is executed after the solution, replacing the right answer,
   and at least one test of ``<question>`` must fail, so that the all-or-nothing question
   scores 0. A failing *public* test must say in words what it expected (its message starts
   with ``"<question>:"``), never a bare ``AssertionError`` or a ``TypeError``;
3. **an unanswered notebook gets a hint**: the committed student notebook
   (``exercises/student/<name>/<name>.ipynb``, every answer still ``...``) is executed and every
   question's public tests must fail with ``"<question>: not answered yet — ..."``;
4. **patched builtins change nothing**: in a separate Python process (the patches are
   process-wide), the solution is executed, then submission-style patches (``builtins.abs`` &
   co. replaced, a ``builtins.__import__`` hook that hands out a numpy whose comparisons always
   succeed, ``sys.modules['builtins']`` replaced, numpy's comparison functions patched), then
   each planted wrong answer: the hidden tests must still reject each one, and still accept
   the solution (the control: otherwise a rejection would prove nothing). The same patches do
   fool tests written the usual way (``abs``, ``np.isclose``, ``math.isclose``, ``import
   builtins``: :data:`NAIVE_TESTS`, checked by a test). The public tests are not held to
   this: they are the students' own help, and use numpy freely.

The tests are run in-process, as ``exec`` of each test cell in the namespace of the executed
notebook code, which is what otter's doctest runner does with the same cells (otter turns each
test cell into one doctest case run in the notebook's global namespace); no kernel is started,
so all four assignments take about 5 s of CPU time. Exit status 1 and one line per problem
when anything is wrong.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import subprocess
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import yaml

from exercises.tools import ROOT
from exercises.tools.build import MASTERS, STUDENT

NOT_ANSWERED = "not answered yet"


@dataclass
class Question:
    name: str
    manual: bool = False
    public: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)


@dataclass
class Master:
    name: str
    code: list[str]  # the notebook's code cells, solutions included, in order
    questions: dict[str, Question]

    @property
    def graded(self) -> dict[str, Question]:
        return {q: question for q, question in self.questions.items() if not question.manual}


def _raw_header(cell) -> str:
    return cell.source.strip().splitlines()[0].strip() if cell.source.strip() else ""


def read_master(path: Path) -> Master:
    """Split an otter master notebook into its code and its questions' tests."""
    nb = nbformat.read(path, as_version=4)
    code: list[str] = []
    questions: dict[str, Question] = {}
    question: Question | None = None
    in_tests = False
    for cell in nb.cells:
        if cell.cell_type == "raw":
            header = _raw_header(cell)
            if header == "# BEGIN QUESTION":
                config = yaml.safe_load(cell.source.split("\n", 1)[1])
                question = Question(config["name"], manual=bool(config.get("manual")))
                questions[question.name] = question
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
            assert question is not None, f"{path}: tests outside a question"
            if cell.source.lstrip().startswith("# HIDDEN"):
                question.hidden.append(cell.source)
            else:
                question.public.append(cell.source)
        else:
            code.append(cell.source)
    return Master(path.stem, code, questions)


def student_code(name: str, student_dir: Path = STUDENT) -> list[str]:
    """The code cells a student fills in (the Colab/init cells and check cells left out)."""
    nb = nbformat.read(student_dir / name / f"{name}.ipynb", as_version=4)
    cells = []
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines = [line.strip() for line in cell.source.splitlines()]
        if any(line.startswith(("%", "!")) for line in lines):
            continue  # the generated install cell (IPython magics)
        if "grader" in cell.source or "import otter" in cell.source:
            continue  # otter's init cell and the grader.check cells
        cells.append(cell.source)
    return cells


def execute(cells: list[str], namespace: dict | None = None) -> dict:
    """Run notebook cells in one namespace, as a kernel would (output discarded)."""
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


def run_case(source: str, namespace: dict) -> str | None:
    """Run one test case in namespace: None if it passes, else the error in one line."""
    try:
        execute([source], namespace)
    except BaseException as e:  # noqa: BLE001 (a submission's failure can be anything)
        return f"{type(e).__name__}: {e}".strip()
    return None


def run_question(question: Question, namespace: dict) -> dict[str, list[str | None]]:
    return {
        "public": [run_case(src, namespace) for src in question.public],
        "hidden": [run_case(src, namespace) for src in question.hidden],
    }


def planted_files(name: str, masters: Path = MASTERS) -> list[Path]:
    return sorted((masters / f"{name}.planted").glob("q*_*.py"))


def planted_question(path: Path) -> str:
    return path.stem.split("_", 1)[0]


def check_master(name: str, masters: Path = MASTERS, student_dir: Path = STUDENT) -> list[str]:
    """Every problem found for one master (empty: all good), with the plants' verdicts."""
    master = read_master(masters / f"{name}.ipynb")
    problems: list[str] = []

    solution = execute(master.code)
    for q, question in master.graded.items():
        for kind, errors in run_question(question, solution).items():
            for i, error in enumerate(errors):
                if error is not None:
                    problems.append(f"{name} {q}: the solution fails {kind} test {i}: {error}")

    plants = planted_files(name, masters)
    planted_questions = {planted_question(p) for p in plants}
    for q in master.graded:
        if q not in planted_questions:
            problems.append(f"{name} {q}: no planted wrong answer in {name}.planted/")
    for plant in plants:
        q = planted_question(plant)
        if q not in master.graded:
            problems.append(f"{name}: {plant.name} names no graded question {q}")
            continue
        namespace = execute([plant.read_text(encoding="utf-8")], execute(master.code))
        result = run_question(master.graded[q], namespace)
        if all(e is None for errors in result.values() for e in errors):
            problems.append(f"{name} {q}: the planted wrong answer {plant.name} is accepted")
        for error in result["public"]:
            if error is not None and not error.startswith(f"AssertionError: {q}:"):
                problems.append(
                    f"{name} {q}: {plant.name} fails a public test without saying why: {error}"
                )

    if (student_dir / name / f"{name}.ipynb").is_file():
        empty = execute(student_code(name, student_dir))
        for q, question in master.graded.items():
            errors = run_question(question, empty)["public"]
            want = f"AssertionError: {q}: {NOT_ANSWERED} — "
            if not errors or not all(e is not None and e.startswith(want) for e in errors):
                problems.append(f"{name} {q}: unanswered, the public tests say {errors}")
    else:
        problems.append(f"{name}: no student notebook in {student_dir} (run `make assignments`)")

    problems += check_under_cheats(name, masters)
    return problems


# ---------------------------------------------------------------- patched builtins (subprocess)

#: What a submission can do to the interpreter before the tests run. Each patch makes the usual
#: comparison helpers lie in favour of a wrong answer.
CHEATS = r"""
import builtins, math, sys, types
import numpy
import numpy.testing

for _name, _fake in {
    "abs": lambda x: 0.0, "all": lambda it: True, "any": lambda it: True,
    "round": lambda *a, **k: 0,
}.items():
    setattr(builtins, _name, _fake)
for _name in ("isclose", "allclose", "array_equal", "array_equiv"):
    setattr(numpy, _name, lambda *a, **k: True)
numpy.testing.assert_allclose = lambda *a, **k: None
numpy.testing.assert_array_equal = lambda *a, **k: None
math.isclose = lambda *a, **k: True

_fake_builtins = types.ModuleType("builtins")
_fake_builtins.__dict__.update(builtins.__dict__)
_fake_builtins.abs = lambda x: 0.0
_fake_builtins.float = lambda x=0.0: 0.0
sys.modules["builtins"] = _fake_builtins

class _LyingNumpy(types.ModuleType):
    def __getattr__(self, name):
        return getattr(numpy, name)

_lying = _LyingNumpy("numpy")
for _name in ("isclose", "allclose", "array_equal"):
    setattr(_lying, _name, lambda *a, **k: True)
_real_import = builtins.__import__

def _hook(name, globals=None, locals=None, fromlist=(), level=0):
    if name == "numpy":
        return _lying
    if name == "builtins":
        return _fake_builtins
    return _real_import(name, globals, locals, fromlist, level)

builtins.__import__ = _hook
"""


def _cheat_verdicts(name: str, masters: Path) -> str:
    """In this process: solution, cheats, then each plant; one "<plant> <rejected>" per line.

    Everything the check itself needs is prepared before the cheats run (they patch
    ``isinstance``, ``any`` and more for the whole process), and after them it only runs
    ``exec`` on prepared code and compares with ``is``.
    """
    master = read_master(masters / f"{name}.ipynb")
    plants = [
        (p.name, compile(p.read_text(encoding="utf-8"), str(p), "exec"), master.graded[q])
        for p in planted_files(name, masters)
        if (q := planted_question(p)) in master.graded
    ]
    tests = {
        plant: [compile(src, "<test>", "exec") for src in question.hidden]
        for plant, _, question in plants
    }
    base = execute(master.code)
    exec(compile(CHEATS, "<cheats>", "exec"), base)
    # control: the solution itself must still pass, or a rejection would prove nothing
    all_tests = [compile(s, "<test>", "exec") for q in master.graded.values() for s in q.hidden]
    plants.append(("(solution)", compile("", "<none>", "exec"), None))
    tests["(solution)"] = all_tests
    lines = []
    for plant, code, _ in plants:
        namespace = base.copy()
        exec(code, namespace)
        rejected = False
        for test in tests[plant]:
            try:
                exec(test, namespace)
            except BaseException:  # noqa: BLE001
                rejected = True
        lines.append("PLANT " + plant + (" rejected" if rejected else " accepted"))
    return "\n".join(lines)


def check_under_cheats(name: str, masters: Path = MASTERS) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "exercises.tools.check_planted", "--under-cheats", name],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=None,
        check=False,
    )
    if proc.returncode != 0:
        return [f"{name}: the patched-builtins check crashed:\n{proc.stderr[-2000:]}"]
    verdicts = dict(
        line.split()[1:] for line in proc.stdout.splitlines() if line.startswith("PLANT ")
    )
    expected = {p.name for p in planted_files(name, masters)}
    problems = [f"{name}: {p} was not run with patched builtins" for p in expected - set(verdicts)]
    if verdicts.pop("(solution)", None) != "accepted":
        problems.append(
            f"{name}: with patched builtins the solution fails (the check proves nothing)"
        )
    return problems + [
        f"{name}: with patched builtins the planted wrong answer {plant} is accepted"
        for plant, verdict in verdicts.items()
        if verdict != "rejected"
    ]


#: Hidden tests written the usual way (what the masters held before): under CHEATS they accept
#: a wrong answer, which shows that the cheats are real and the check above can fail.
NAIVE_TESTS = [
    "import builtins as _B\nassert _B.abs(wrong(2.0) - 4.0) < 1e-12",
    "import numpy as _np\nassert _np.isclose(wrong(2.0), 4.0)",
    "assert abs(wrong(2.0) - 4.0) < 1e-12",
    "import math\nassert math.isclose(wrong(2.0), 4.0)",
]


def _naive_verdicts() -> str:
    """In this process: the cheats, then naive tests of a wrong answer; one line each."""
    namespace = {"__name__": "__main__"}
    exec("def wrong(x):\n    return x + 1.0\n", namespace)
    tests = [compile(src, "<naive>", "exec") for src in NAIVE_TESTS]
    exec(compile(CHEATS, "<cheats>", "exec"), namespace)
    lines = []
    for k, test in enumerate(tests):
        try:
            exec(test, namespace)
            lines.append(f"NAIVE {k} fooled")
        except BaseException:  # noqa: BLE001
            lines.append(f"NAIVE {k} held")
    return "\n".join(lines)


def naive_tests_fooled_by_cheats() -> list[bool]:
    """For each of NAIVE_TESTS: does it accept the wrong answer once the cheats ran?"""
    proc = subprocess.run(
        [sys.executable, "-m", "exercises.tools.check_planted", "--naive-under-cheats"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    lines = [line for line in proc.stdout.splitlines() if line.startswith("NAIVE ")]
    return [line.endswith("fooled") for line in lines]


def describe(name: str, masters: Path = MASTERS) -> list[str]:
    """One line per plant: which test rejected it (for the instructors and the report)."""
    master = read_master(masters / f"{name}.ipynb")
    lines = []
    for plant in planted_files(name, masters):
        q = planted_question(plant)
        namespace = execute([plant.read_text(encoding="utf-8")], execute(master.code))
        result = run_question(master.graded[q], namespace)
        doc = (plant.read_text(encoding="utf-8").split('"""')[1:2] or [""])[0].strip()
        caught = [
            f"{kind} {i}: {error}"
            for kind, errors in result.items()
            for i, error in enumerate(errors)
            if error is not None
        ]
        lines.append(f"{name} {plant.name} ({doc.splitlines()[0] if doc else ''})")
        lines += [f"    rejected by {c}" for c in caught] or ["    ACCEPTED"]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="masters to check (default: all)")
    parser.add_argument("--verbose", action="store_true", help="say which test rejects each plant")
    parser.add_argument("--under-cheats", metavar="NAME", help=argparse.SUPPRESS)
    parser.add_argument("--naive-under-cheats", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.naive_under_cheats:
        print(_naive_verdicts())
        return 0
    if args.under_cheats:
        print(_cheat_verdicts(args.under_cheats, MASTERS))
        return 0
    names = args.names or sorted(p.stem for p in MASTERS.glob("*.ipynb"))
    problems = []
    for name in names:
        found = check_master(name)
        problems += found
        plants = len(planted_files(name))
        if args.verbose:
            print("\n".join(describe(name)))
        print(
            f"{name}: solution passes, {plants} planted wrong answers rejected"
            if not found
            else f"{name}: {len(found)} problem(s)"
        )
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
