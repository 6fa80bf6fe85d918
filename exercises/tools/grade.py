"""Grade a folder of submitted notebooks, each in a sandbox, judged outside it.

    python -m exercises.tools.grade ASSIGNMENT SUBMISSIONS OUT [--timeout S] [--cell-timeout S]
        [--probe-timeout S] [--memory-mb M] [--sandbox bwrap|none] [--workers N]

The command line of ``make grade``; the work is done by ``batch.py`` (snapshot, strip, run
each submission in the bubblewrap sandbox of ``sandbox.py`` with ``runner.py``), ``judge.py``
(the verdict, outside the sandbox, from the plain data the run produced) and the report
modules (``grades.csv``, the students' feedback, the instructor's report). Written to OUT:
``verdicts/<stem>.json``, ``grades.csv``, ``feedback/<stem>.txt``, ``logs/<stem>.log``.
``--sandbox none`` (``make grade SANDBOX=none``) runs the submissions without a sandbox, with
a warning, and marks every row ``unsandboxed``.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from exercises.tools import batch
from exercises.tools.build import MASTERS


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="grade", description=__doc__.split("\n\n")[0])
    parser.add_argument("assignment", help="e.g. 02_gradient (a master in exercises/masters)")
    parser.add_argument("submissions", type=Path, help="folder of submitted .ipynb files")
    parser.add_argument("out", type=Path, help="output folder (grades.csv, feedback/, ...)")
    parser.add_argument(
        "--timeout", type=float, default=batch.DEFAULT_TIMEOUT, help="seconds per submission"
    )
    parser.add_argument(
        "--cell-timeout", type=int, default=batch.DEFAULT_CELL_TIMEOUT, help="seconds per cell"
    )
    parser.add_argument(
        "--probe-timeout",
        type=float,
        default=batch.DEFAULT_PROBE_TIMEOUT,
        help="seconds per hidden check's call",
    )
    parser.add_argument(
        "--memory-mb", type=int, default=batch.DEFAULT_MEMORY_MB, help="address space"
    )
    parser.add_argument("--workers", type=int, default=None, help="default: os.cpu_count()")
    parser.add_argument("--masters", type=Path, default=MASTERS, help=argparse.SUPPRESS)
    parser.add_argument(
        "--sandbox",
        choices=["bwrap", "none"],
        default="bwrap",
        help="none: grade without a sandbox (rows marked unsandboxed)",
    )
    args = parser.parse_args(argv)
    settings = batch.Settings(
        timeout=args.timeout,
        cell_timeout=args.cell_timeout,
        probe_timeout=args.probe_timeout,
        memory_mb=args.memory_mb,
        sandboxed=args.sandbox != "none",
    )
    if not settings.sandboxed:
        print(
            "grade: WARNING: grading WITHOUT a sandbox (SANDBOX=none): each submission's code "
            "runs as you, can read and change your files (its own verdict included) and use "
            "the network. Every row is marked `unsandboxed`.",
            file=sys.stderr,
        )
    start = time.monotonic()
    try:
        verdicts = batch.grade(
            args.assignment,
            args.submissions,
            args.out,
            settings,
            workers=args.workers,
            masters=args.masters,
        )
    except batch.UsageError as e:
        print(e.code, file=sys.stderr)
        return 2
    bad = sum(v["status"] != "ok" for v in verdicts)
    print(
        f"graded {len(verdicts)} submissions ({bad} not ok) in {time.monotonic() - start:.0f} s"
        f"{'' if settings.sandboxed else ' WITHOUT a sandbox'}: {args.out / 'grades.csv'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
