"""Wall time of a grading batch with and without the bubblewrap sandbox.

Run from the repository root, after ``make assignments``, on an idle machine:
``python -m benchmarks.bench_grade [--copies N] [--repeat R] [--assignment NAME]``.
The batch is N copies of the assignment's solution notebook, graded by
``exercises.tools.grade.grade`` on all cores, once sandboxed and once with
``sandboxed=False`` (``SANDBOX=none``), alternating, R times each. Prints the median wall
time of each and their ratio (the sandbox's cost; the target is under 1.10).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from exercises.tools import grade

ROOT = Path(__file__).resolve().parents[1]


def batch_seconds(assignment: str, subs: Path, sandboxed: bool) -> float:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        rows = grade.grade(assignment, subs, Path(out), sandboxed=sandboxed)
        seconds = time.perf_counter() - start
    if any(r["status"] != "ok" for r in rows):
        raise SystemExit(f"bench_grade: a solution did not grade ok: {rows}")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--assignment", default="02_gradient")
    parser.add_argument("--copies", type=int, default=8)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    solution = grade.AUTOGRADER / f"{args.assignment}-solution.ipynb"
    if not solution.is_file():
        raise SystemExit(f"bench_grade: no {solution}; run `make assignments` first")
    times: dict[bool, list[float]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as tmp:
        subs = Path(tmp)
        for i in range(args.copies):
            shutil.copyfile(solution, subs / f"student{i:02d}.ipynb")
        for _ in range(args.repeat):
            for sandboxed in (False, True):
                times[sandboxed].append(batch_seconds(args.assignment, subs, sandboxed))
    plain, boxed = statistics.median(times[False]), statistics.median(times[True])
    print(f"batch of {args.copies} x {args.assignment} solution, median of {args.repeat} runs")
    print(f"{'setup':<22}{'median s':>10}{'runs':>30}")
    for name, key in (("no sandbox", False), ("bubblewrap sandbox", True)):
        runs = " ".join(f"{t:.1f}" for t in times[key])
        print(f"{name:<22}{statistics.median(times[key]):>10.1f}{runs:>30}")
    print(f"sandbox / no sandbox: {boxed / plain:.3f}")


if __name__ == "__main__":
    main()
