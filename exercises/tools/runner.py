"""Grade ONE submission with otter and report the per-case results (run inside the sandbox).

    python runner.py SUBMISSION AUTOGRADER_ZIP --assignment NAME --result-fd FD
        [--max-processes N] [--sandboxed]

This is the per-submission side of ``make grade`` (``exercises/tools/grade.py`` is the batch
side; ``exercises/tools/sandbox.py`` builds the sandbox it runs in). It only needs the
standard library, nbformat and otter, so the sandbox does not show it the repository.

1. Lowers the process-count limit (``RLIMIT_NPROC``) for itself and everything it starts.
2. Reads the notebook and prepares a copy: the kernel forced to ``python3``; all otter metadata
   dropped but the assignment name (tests embedded there would otherwise run), which is set to
   ``--assignment`` if the notebook has none; a first cell that keeps a reference to the
   pristine ``builtins`` (and stops otter from recording the student's own ``grader.check``
   calls), and a last cell that restores ``builtins``, ``__import__``, the working directory and
   tracing, forgets any result recorded so far, then lets otter record again. So otter's
   closing cell runs every test once, at the end, against the untouched builtins, in the
   notebook's first working directory.
3. Grades it with ``otter.api.grade_submission`` (otter's documented API).
4. Writes one JSON document to the result file descriptor: per question, every test case's
   code, ``hidden`` and ``passed`` (the batch side recomputes the score from these with the
   zip's points and checks the code against the zip), the public tests' output, and the errors
   the notebook's cells raised. Nothing is scored here: this process shares the sandbox with
   the submission's kernel, so its report is only as trustworthy as that kernel.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import json
import os
import re
import resource
import signal
import sys
import threading
import time
import traceback

FIRST_CELL = """\
import builtins as __grading_builtins__
import os as __grading_os__
import sys as __grading_sys__
from otter.execute import Checker as __grading_checker__
__grading_saved__ = (
    __grading_builtins__,
    dict(__grading_builtins__.__dict__),
    __grading_os__.getcwd(),
    __grading_os__.chdir,
    __grading_sys__.settrace,
    __grading_sys__.setprofile,
    __grading_sys__.modules,
    __grading_checker__.enable_tracking,
    __grading_checker__.clear_results,
    globals(),
)
__grading_checker__.disable_tracking()
"""

# Uses only names bound in FIRST_CELL, attribute access and subscripts: no builtin is looked up.
LAST_CELL = """\
(__grading_b__, __grading_d__, __grading_cwd__, __grading_chdir__, __grading_settrace__,
 __grading_setprofile__, __grading_modules__, __grading_enable__, __grading_clear__,
 __grading_ns__) = __grading_saved__
__grading_settrace__(None)
__grading_setprofile__(None)
__grading_modules__["builtins"] = __grading_b__
__grading_b__.__dict__.update(__grading_d__)
__grading_ns__["__builtins__"] = __grading_b__
__grading_chdir__(__grading_cwd__)
__grading_clear__()
__grading_enable__()
"""

MARK = "grading_cell"  # cell metadata: the cell's number in the submitted notebook (1-based)
_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def _not_dumpable() -> None:
    """No ptrace and no /proc/<pid>/fd of this process for the kernel (same uid)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(4, 0, 0, 0, 0)  # PR_SET_DUMPABLE = 4


def prepare(nb, assignment: str):
    """The notebook otter grades: see the module docstring, step 2."""
    import nbformat

    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    name = nb.metadata.get("otter", {}).get("assignment_name")
    nb.metadata["otter"] = {"assignment_name": name if isinstance(name, str) else assignment}
    for number, cell in enumerate(nb.cells, start=1):
        cell.metadata.pop("otter", None)
        cell.metadata[MARK] = number
    nb.cells.insert(0, nbformat.v4.new_code_cell(FIRST_CELL))
    nb.cells.append(nbformat.v4.new_code_cell(LAST_CELL))
    return nb


def cell_errors(executed) -> list[dict]:
    """The errors raised by the submission's own cells: [{cell, ename, evalue, traceback}]."""
    errors = []
    for cell in getattr(executed, "cells", []):
        if cell.get("cell_type") != "code" or MARK not in cell.metadata:
            continue
        for out in cell.get("outputs", []):
            if out.get("output_type") == "error":
                errors.append(
                    {
                        "cell": cell.metadata[MARK],
                        "ename": str(out.get("ename", "")),
                        "evalue": str(out.get("evalue", ""))[:500],
                        "traceback": _ANSI.sub("", "\n".join(out.get("traceback", [])))[-4000:],
                    }
                )
    return errors


def report(results) -> dict:
    """Per question: every case's code, hidden flag and outcome; the public tests' summary."""
    questions, public = {}, []
    for name, test_file in results.results.items():
        outcome = {id(r.test_case): r.passed for r in test_file.test_case_results}
        questions[name] = [
            {"code": tc.body, "hidden": bool(tc.hidden), "passed": bool(outcome.get(id(tc)))}
            for tc in test_file.test_cases
        ]
        public.append(test_file.summary(public_only=True).strip())
    return {"questions": questions, "public": "\n\n".join(public)}


class ProcessWatch(threading.Thread):
    """Counts the sandbox's processes; past the limit, kills all of them but this one."""

    def __init__(self, limit: int):
        super().__init__(daemon=True)
        self.limit, self.tripped, self.most = limit, False, 0

    def run(self) -> None:
        while True:
            count = sum(name.isdigit() for name in os.listdir("/proc"))
            self.most = max(self.most, count)
            if count >= self.limit:
                self.tripped = True
                for _ in range(50):  # kill(-1): every process this uid may signal here, not us
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(-1, signal.SIGKILL)
                    time.sleep(0.01)
            time.sleep(0.2)


def _in_own_pid_namespace() -> bool:
    """Pid 1 here is bubblewrap's init: kill(-1) cannot reach anything outside."""
    try:
        with open("/proc/1/cmdline", "rb") as f:
            return os.path.basename(f.read().split(b"\0")[0]) == b"bwrap"
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="runner", description=__doc__.split("\n\n")[0])
    parser.add_argument("submission")
    parser.add_argument("autograder")
    parser.add_argument("--assignment", required=True)
    parser.add_argument("--result-fd", type=int, required=True)
    parser.add_argument("--max-processes", type=int, default=64)
    parser.add_argument("--sandboxed", action="store_true")
    args = parser.parse_args(argv)
    result = os.fdopen(args.result_fd, "w", encoding="utf-8")
    os.set_inheritable(args.result_fd, False)
    _not_dumpable()

    def finish(**fields) -> int:
        result.write(json.dumps(fields))
        result.close()
        return 0

    watch = None
    if args.sandboxed:
        # tasks (threads count); the watch below turns "too many processes" into an error
        tasks = 4 * args.max_processes
        resource.setrlimit(resource.RLIMIT_NPROC, (tasks, tasks))
        if _in_own_pid_namespace():
            watch = ProcessWatch(args.max_processes)
            watch.start()

    import nbformat

    try:
        nb = nbformat.read(args.submission, as_version=4)
        nbformat.validate(nb)
    except Exception as e:  # noqa: BLE001 - any unreadable file is the same answer
        return finish(status="error", detail=f"not a readable notebook: {type(e).__name__}")
    work = os.path.join(os.getcwd(), "work")
    os.makedirs(work, exist_ok=True)
    path = os.path.join(work, "submission.ipynb")
    nbformat.write(prepare(nb, args.assignment), path)
    print(f"grading {os.path.basename(args.submission)} for {args.assignment}", flush=True)

    from otter.api import grade_submission

    try:
        results = grade_submission(path, args.autograder)
    except Exception as e:  # noqa: BLE001
        if watch is not None and watch.tripped:
            return finish(status="error", detail=_too_many(watch))
        traceback.print_exc()
        name = type(e).__name__
        detail = str(e).strip().splitlines()[-1:] or [""]
        if name == "OtterRuntimeError":
            return finish(status="error", detail=f"otter refused it: {detail[0]}"[:300])
        return finish(status="error", detail=f"grading failed: {name}: {detail[0]}"[:300])
    if watch is not None and watch.tripped:
        return finish(status="error", detail=_too_many(watch))
    errors = cell_errors(results.notebook)
    for err in errors:
        print(f"\n--- cell {err['cell']} raised {err['ename']}:\n{err['traceback']}", flush=True)
    crash = results.catastrophic_error
    return finish(
        status="ok",
        **report(results),
        cell_errors=errors,
        crash=f"{type(crash).__name__}: {crash}"[:300] if crash is not None else "",
    )


def _too_many(watch: ProcessWatch) -> str:
    return (
        f"the notebook started too many processes (limit {watch.limit}); "
        "they were all killed (a fork bomb?)"
    )


if __name__ == "__main__":
    sys.exit(main())
