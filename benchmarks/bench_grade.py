"""Submissions graded per minute, per assignment, on this machine (``make bench``).

Run from the repository root on an otherwise idle machine:

    python -m benchmarks.bench_grade [--assignment NAME ...] [--copies N] [--rounds R]

For each assignment (default: every master), two batches of ``N`` submissions each are
graded the way ``make grade`` grades them (``exercises.tools.batch.grade`` with its default
settings: sandboxed, on every core): ``N`` copies of the solution, and ``N`` copies of one
typical wrong answer (the solution with the master's first planted wrong answer,
``exercises/masters/<name>.planted/``, run last so that it replaces the right one). Each
copy differs by one markdown cell, so no two submissions are the same bytes. The batches
alternate over ``R`` rounds, each into a new output folder (nothing is reused from a
previous run). Each row of the table is the median over the rounds of the batch's wall
time, and ``N / median * 60`` submissions per minute. The first lines say how many cores the
machine has and how many the grader may use.

Every batch is checked from its verdicts: each solution must grade ``ok`` with every
automatically graded point, each wrong answer ``ok`` with fewer, otherwise the benchmark
stops (a fast wrong grader is not a result). The solution notebooks come from
``make assignments`` (``exercises/autograder/<name>-solution.ipynb``); missing ones are built
into a temporary folder first.
"""

from __future__ import annotations

import argparse
import copy
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from book.tools import ROOT
from exercises.tools import batch, build


def solution_notebooks(names: list[str], scratch: Path) -> dict[str, Path]:
    """Each assignment's solution notebook (built into ``scratch`` if missing)."""
    folder = build.AUTOGRADER
    if all((folder / f"{name}-solution.ipynb").is_file() for name in names):
        return {name: folder / f"{name}-solution.ipynb" for name in names}
    folder = scratch / "autograder"
    print(f"building {', '.join(names)} into a temporary folder (make assignments does it once)")
    subprocess.run(
        [sys.executable, "-m", "exercises.tools.build", *names, "--autograder-dir", str(folder)]
        + ["--student-dir", str(scratch / "student")],
        check=True,
        cwd=ROOT,
    )
    return {name: folder / f"{name}-solution.ipynb" for name in names}


def first_plant(name: str) -> Path:
    plants = sorted((build.MASTERS / f"{name}.planted").glob("q*_*.py"))
    if not plants:
        raise SystemExit(f"bench_grade: {name} has no planted wrong answer in {name}.planted/")
    return plants[0]


def write_copies(notebook: nbformat.NotebookNode, folder: Path, copies: int, kind: str) -> None:
    folder.mkdir(parents=True)
    for i in range(copies):
        nb = copy.deepcopy(notebook)
        cell = nbformat.v4.new_markdown_cell(f"Benchmark copy {i} ({kind}).")
        cell["id"] = f"bench-copy-{i}"
        nb.cells.append(cell)
        nbformat.write(nb, folder / f"{kind}-{i:03d}.ipynb")


def wrong_answer(solution: nbformat.NotebookNode, plant: Path) -> nbformat.NotebookNode:
    nb = copy.deepcopy(solution)
    cell = nbformat.v4.new_code_cell(plant.read_text(encoding="utf-8"))
    cell["id"] = "bench-wrong-answer"
    nb.cells.append(cell)
    return nb


def auto_points(verdict: dict) -> tuple[float, float]:
    """The points of a verdict's automatically graded questions, and their maximum."""
    auto = [q for q in verdict["questions"].values() if not q["manual"]]
    return sum(q["points"] for q in auto), sum(q["max"] for q in auto)


def batch_seconds(name: str, submissions: Path, kind: str) -> float:
    with tempfile.TemporaryDirectory(prefix="bench-grade-out-") as tmp:
        start = time.perf_counter()
        verdicts = batch.grade(name, submissions, Path(tmp))
        seconds = time.perf_counter() - start
    expected = sorted(p.name for p in submissions.glob("*.ipynb"))
    if sorted(v["file"] for v in verdicts) != expected:
        raise SystemExit(f"bench_grade: {name} {kind}: verdicts do not match {expected}")
    for verdict in verdicts:
        points, top = auto_points(verdict)
        right = points == top if kind == "solution" else points < top
        if verdict["status"] != "ok" or not right:
            raise SystemExit(
                f"bench_grade: {name} {kind} {verdict['file']} graded {verdict['status']} with "
                f"{points:g} of {top:g} points: the grader is wrong, not slow; run make test"
            )
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignment", nargs="*", default=None, help="default: every master")
    parser.add_argument("--copies", type=int, default=8, help="submissions per batch")
    parser.add_argument("--rounds", type=int, default=3, help="batches of each kind")
    args = parser.parse_args()
    names = args.assignment or build.master_names()
    if args.copies < 1 or args.rounds < 1:
        raise SystemExit("bench_grade: --copies and --rounds must be at least 1")
    cores = os.cpu_count() or 1
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else cores
    times: dict[tuple[str, str], list[float]] = {}
    plants: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        scratch = Path(tmp)
        solutions = solution_notebooks(names, scratch)
        folders = {}
        for name in names:
            solution = nbformat.read(solutions[name], as_version=4)
            plant = first_plant(name)
            plants[name] = plant.stem
            for kind, nb in (("solution", solution), ("wrong", wrong_answer(solution, plant))):
                folders[name, kind] = scratch / name / kind
                write_copies(nb, folders[name, kind], args.copies, kind)
        for _ in range(args.rounds):
            for name in names:
                for kind in ("solution", "wrong"):
                    seconds = batch_seconds(name, folders[name, kind], kind)
                    times.setdefault((name, kind), []).append(seconds)
    print(
        f"\nmake grade, sandboxed: batches of {args.copies} submissions, median of "
        f"{args.rounds} rounds; {cores} cores on this machine, {usable} usable by the grader"
    )
    header = f"{'assignment':<22}{'submissions':<28}{'median s':>9}{'per minute':>12}  runs (s)"
    print(header)
    print("-" * len(header))
    for (name, kind), runs in times.items():
        median = statistics.median(runs)
        what = "solution" if kind == "solution" else f"wrong: {plants[name]}"
        rate = args.copies / median * 60
        spread = " ".join(f"{t:.1f}" for t in runs)
        print(f"{name:<22}{what:<28}{median:>9.1f}{rate:>12.1f}  {spread}")


if __name__ == "__main__":
    main()
