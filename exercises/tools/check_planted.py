"""Check every master against its planted wrong answers, with the judge that grades students.

    python -m exercises.tools.check_planted [NAME ...] [--verbose]

For each master (``build.master_names()``; run by ``make assignments`` after the build and by
``tests/test_exercises.py``), in this process (trusted code only: no sandbox, no kernel):

1. **the solution passes**: the master's code cells are executed, then the probes of its
   checks file (``<name>.checks.py``, with the harness ``probe.py`` that runs in the students'
   kernels) and every check, judged by ``judge.py`` against the reference data, exactly as a
   submission is judged; and every public test (otter's exception-based format, run as
   ``grader.check`` runs it);
2. **every planted wrong answer is caught**: each file
   ``exercises/masters/<name>.planted/<question>_<mistake>.py`` holds one typical wrong answer
   (its docstring says which), executed after the solution so that it replaces the right
   answer. It must fail at least one check of its question (so the question scores 0) **and**
   at least one public test whose message starts with ``"<question>: "`` (so the student gets
   a hint before handing in) — unless every check it fails grades the answer itself
   (``Check(..., answer=True)``: a letter, a number to read or derive), which no public test
   may give away. Any failing public test must say what it expected (``"<question>: ..."``);
3. **every check can fail**: each check is failed by at least one planted answer (a check no
   plant fails is not known to work);
4. **an unanswered notebook gets a hint and no points**: the committed student notebook
   (``exercises/student/<name>/<name>.ipynb``, every answer still ``...``) fails every public
   test with ``"<question>: not answered yet — ..."`` and scores 0 with the judge.

Exit status 1 and one line per problem when anything is wrong.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from exercises.tools import build, judge, master, submission
from exercises.tools.build import MASTERS, STUDENT
from exercises.tools.probe import run_probes

NOT_ANSWERED = "not answered yet"


def planted_files(name: str, masters: Path = MASTERS) -> list[Path]:
    return sorted((masters / f"{name}.planted").glob("q*_*.py"))


def planted_question(path: Path) -> str:
    return path.stem.split("_", 1)[0]


def _judged(assignment: judge.Assignment, namespace: dict) -> dict[str, list[dict]]:
    """The checks' outcomes for code run in namespace, through the JSON the runner sends."""
    raw = json.loads(json.dumps(run_probes(namespace, assignment.probes)))
    return judge.judge_checks(assignment, judge.decode_results(raw))


def _public(question: master.Question, namespace: dict) -> list[str | None]:
    return [master.run_public_test(source, namespace) for source in question.public]


def _plant_namespace(assignment: judge.Assignment, plant: Path) -> dict:
    base = master.execute(assignment.master.code)
    return master.execute([plant.read_text(encoding="utf-8")], base)


def student_code(name: str, student_dir: Path = STUDENT) -> list[str]:
    """The code cells of the handed-out notebook, as grading runs them (the generated install,
    init and check cells left out, see submission.py)."""
    path = student_dir / name / f"{name}.ipynb"
    cells = submission.strip(path.read_bytes()).cells
    return [c.source for c in cells if c.kind == "code" and not c.generated]


def check_master(
    name: str, masters: Path = MASTERS, student_dir: Path = STUDENT, *, verify: bool = True
) -> list[str]:
    """Every problem found for one master (empty: all good). ``verify=False`` leaves out the
    master-only cells (``# IGNORE``: they recompute the tables and curves a question shows,
    which can take seconds), for checks of the plants alone."""
    try:
        assignment = judge.Assignment.load(name, masters)
    except master.MasterError as e:
        return [f"{name}: {e}"]
    graded = assignment.master.graded
    checks_of = {q: [c for c in assignment.checks if c.question == q] for q in graded}
    problems: list[str] = []

    solution = master.execute(assignment.master.code)
    for k, source in enumerate(assignment.master.verify if verify else [], start=1):
        namespace = {**solution, "MASTER_MARKDOWN": assignment.master.markdown}
        try:
            master.execute([source], namespace)
        except Exception as e:  # noqa: BLE001 - whatever it raises is the finding
            first = source.strip().splitlines()[1:2] or [""]
            problems.append(
                f"{name}: master-only cell {k} ({first[0].lstrip('# ')[:60]}...) fails: "
                f"{type(e).__name__}: {e}"
            )
    for q, outcomes in _judged(assignment, solution).items():
        for c in outcomes:
            if not c["passed"]:
                problems.append(f"{name} {q}: the solution fails the check {c['name']!r}")
    for q, question in graded.items():
        if not question.public:
            problems.append(f"{name} {q}: no public test")
        for i, error in enumerate(_public(question, solution)):
            if error is not None:
                problems.append(f"{name} {q}: the solution fails public test {i}: {error}")

    plants = planted_files(name, masters)
    for q in graded:
        if not any(planted_question(p) == q for p in plants):
            problems.append(f"{name} {q}: no planted wrong answer in {name}.planted/")
    failed_by_some: set[tuple[str, str]] = set()
    for plant in plants:
        q = planted_question(plant)
        if q not in graded:
            problems.append(f"{name}: {plant.name} names no graded question {q}")
            continue
        namespace = _plant_namespace(assignment, plant)
        failed = [c["name"] for c in _judged(assignment, namespace)[q] if not c["passed"]]
        failed_by_some.update((q, c) for c in failed)
        if not failed:
            problems.append(f"{name} {q}: the planted wrong answer {plant.name} is accepted")
        errors = [e for e in _public(graded[q], namespace) if e is not None]
        for error in errors:
            if not error.startswith(f"AssertionError: {q}: "):
                problems.append(
                    f"{name} {q}: {plant.name} fails a public test without saying why: {error}"
                )
        answer_only = all(c.answer for c in checks_of[q] if c.name in failed)
        if failed and not errors and not answer_only:
            problems.append(
                f"{name} {q}: {plant.name} passes every public test (add one that says what "
                f"{', '.join(failed)} expects, or mark the check answer=True if it grades the "
                "answer itself)"
            )
    for q, checks in checks_of.items():
        for c in checks:
            if (q, c.name) not in failed_by_some:
                problems.append(
                    f"{name} {q}: no planted wrong answer fails the check {c.name!r} "
                    f"(add one to {name}.planted/)"
                )

    if (student_dir / name / f"{name}.ipynb").is_file():
        empty = master.execute(student_code(name, student_dir))
        for q, question in graded.items():
            errors = _public(question, empty)
            want = f"AssertionError: {q}: {NOT_ANSWERED} — "
            if not errors or not all(e is not None and e.startswith(want) for e in errors):
                problems.append(f"{name} {q}: unanswered, the public tests say {errors}")
        for q, outcomes in _judged(assignment, empty).items():
            if outcomes and all(c["passed"] for c in outcomes):
                problems.append(f"{name} {q}: the unanswered notebook scores its points")
    else:
        problems.append(f"{name}: no student notebook in {student_dir} (run `make assignments`)")
    return problems


def caught_by(name: str, plant: Path, masters: Path = MASTERS) -> tuple[list[str], list[str]]:
    """The names of the checks a plant fails and the errors of the public tests it fails
    (both empty: the plant is accepted). The plant must name a graded question."""
    assignment = judge.Assignment.load(name, masters)
    q = planted_question(plant)
    namespace = _plant_namespace(assignment, plant)
    failed = [c["name"] for c in _judged(assignment, namespace)[q] if not c["passed"]]
    errors = [e for e in _public(assignment.master.graded[q], namespace) if e is not None]
    return failed, errors


def describe(name: str, masters: Path = MASTERS) -> list[str]:
    """One paragraph per plant: the checks and the public tests that catch it."""
    assignment = judge.Assignment.load(name, masters)
    lines = []
    for plant in planted_files(name, masters):
        q = planted_question(plant)
        doc = (plant.read_text(encoding="utf-8").split('"""')[1:2] or [""])[0].strip()
        lines.append(f"{name} {plant.name} ({doc.splitlines()[0] if doc else ''})")
        if q not in assignment.master.graded:
            lines.append(f"    names no graded question {q}")
            continue
        failed, errors = caught_by(name, plant, masters)
        caught = [f"check {c!r}" for c in failed] + [f"public test: {e}" for e in errors]
        lines += [f"    caught by {c}" for c in caught] or ["    ACCEPTED"]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="masters to check (default: all)")
    parser.add_argument("--verbose", action="store_true", help="say what catches each plant")
    args = parser.parse_args(argv)
    names = args.names or build.master_names()
    problems = []
    for name in names:
        found = check_master(name)
        problems += found
        if args.verbose and not any(p.startswith(f"{name}: ") for p in found):
            print("\n".join(describe(name)))
        print(
            f"{name}: solution passes, {len(planted_files(name))} planted wrong answers caught"
            if not found
            else f"{name}: {len(found)} problem(s)"
        )
    for problem in problems:
        print(f"  {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
