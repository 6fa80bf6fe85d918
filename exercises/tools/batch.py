"""Grade a folder of submissions: snapshot, strip, run each in the sandbox, judge outside.

This is the batch side of ``make grade`` (``grade.py`` is its command line):

1. **Snapshot and strip** (outside): every ``*.ipynb`` of SUBMISSIONS is read once, hashed
   (SHA-256), stripped of outputs and metadata (``submission.py``), and flagged
   (``flags.py``); what runs and is judged is what was read then. A notebook that cannot be
   read is an ``error`` verdict at once, with what the student should do.
2. **Reuse**: a submission whose bytes, master, checks and grading tools are unchanged since
   the verdict in ``OUT/verdicts/<stem>.json`` keeps that verdict (a timeout or a crash is
   run again), so re-running after entering manual points is fast.
3. **Run** (inside, ``runner.py`` in ``sandbox.py``'s bubblewrap sandbox), on
   ``os.cpu_count()`` parallel slots: the stripped notebook, then the probes. The runner's
   records are read as they come (each record and the whole stream size-capped). On ``done``
   the row is complete and the sandbox is killed at once, with anything left running in it.
   The wall-clock limit covers the whole run; when it is hit the verdict says in which
   question and cell (or while calling which question's functions) the time ran out.
4. **Judge** (outside, ``judge.py``) the probes' data against the master's solution, and
   write the verdict, then the CSV row (``report.csv_row``, appended as it comes), and at the
   end every file made from the verdicts (``report.write_all``: ``grades.csv``, the students'
   feedback, the instructor's report).

``OUT/logs/<stem>.log`` keeps the runner's output (cells started, their errors' tracebacks)
for the instructor.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
import os
import queue
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from exercises.tools import feedback, judge, probe, report, sandbox, submission
from exercises.tools import flags as flags_
from exercises.tools.build import MASTERS, STUDENT
from exercises.tools.master import MasterError
from scratchlib.files import atomic_write

DEFAULT_TIMEOUT = 300.0  # seconds per submission, everything included
DEFAULT_CELL_TIMEOUT = 60  # seconds per cell (then interrupted, and the next cell runs)
DEFAULT_PROBE_TIMEOUT = 10.0  # seconds per probe
DEFAULT_MEMORY_MB = 3072
MAX_LOG_MB = 64  # per file a submission's processes may write (the runner's log included)
MAX_RECORD_BYTES = 48 * 2**20  # one record of the result pipe
MAX_STREAM_BYTES = 256 * 2**20  # all of them
PROBE_HARNESS = Path(probe.__file__)


class UsageError(SystemExit):
    """A bad argument: the message is printed and the exit status is 2."""

    def __init__(self, message: str):
        super().__init__(f"grade: error: {message}")


@dataclass(frozen=True)
class Settings:
    timeout: float = DEFAULT_TIMEOUT
    cell_timeout: int = DEFAULT_CELL_TIMEOUT
    probe_timeout: float = DEFAULT_PROBE_TIMEOUT
    memory_mb: int = DEFAULT_MEMORY_MB
    sandboxed: bool = True

    def key(self) -> str:
        return json.dumps([self.timeout, self.cell_timeout, self.probe_timeout, self.memory_mb])


# ------------------------------------------------------------------------------ one run


@dataclass
class Run:
    """What one submission's run reported (from the runner's records)."""

    done: bool = False
    timed_out: bool = False
    cell: int | None = None  # the last cell started
    probing: bool = False
    probe: str | None = None  # the last probe started
    cell_errors: list[dict] = field(default_factory=list)
    cell_timeouts: list[int] = field(default_factory=list)
    results: dict = field(default_factory=dict)  # probe name -> result node (untrusted)
    kernel_died: int | None = None
    too_many: bool = False
    failed: str | None = None
    malformed: bool = False
    returncode: int | None = None

    def apply(self, record) -> None:
        if not isinstance(record, dict):
            self.malformed = True
            return
        event = record.get("event")
        number = record.get("cell") if type(record.get("cell")) is int else None
        if event == "cell":
            self.cell = number
        elif event == "cell_error" and not self.probing and len(self.cell_errors) < 200:
            # (once probing has begun, an error could quote the hidden inputs: not shown)
            self.cell_errors.append(
                {
                    "cell": number,
                    "ename": str(record.get("ename", ""))[:200],
                    "evalue": str(record.get("evalue", ""))[:500],
                }
            )
        elif event == "cell_timeout" and number is not None:
            self.cell_timeouts.append(number)
        elif event == "kernel_died":
            self.kernel_died = number or self.cell or 0
        elif event == "probing":
            self.probing = True
        elif event == "probe" and isinstance(record.get("probe"), str):
            self.probe = record["probe"]
        elif event == "probe_result" and isinstance(record.get("probe"), str):
            self.results[record["probe"]] = record.get("result")
        elif event == "too_many_processes":
            self.too_many = True
        elif event == "failed":
            self.failed = str(record.get("text", ""))[:500]
        elif event == "done":
            self.done = True


def _read_records(fd: int, into: queue.Queue) -> None:
    """Parse the result pipe line by line (strict JSON, each line and the total capped);
    None at the end."""
    total = 0
    with os.fdopen(fd, "rb") as f:
        while line := f.readline(MAX_RECORD_BYTES + 1):
            total += len(line)
            if len(line) > MAX_RECORD_BYTES or total > MAX_STREAM_BYTES:
                into.put("malformed")
                break
            try:
                into.put(judge.loads(line))
            except judge.Malformed:
                into.put("malformed")
    into.put(None)


def _preexec(memory_mb: int):
    def limits():
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20,) * 2)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_LOG_MB * 2**20,) * 2)

    return limits


def runner_env() -> dict[str, str]:
    """The runner's environment (in the sandbox: all of it)."""
    return {
        "PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
        "PYTHONNOUSERSITE": "1",
        "PYTHONDONTWRITEBYTECODE": "1",
        "JUPYTER_PLATFORM_DIRS": "1",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }


def _kill(proc: subprocess.Popen, sandboxed: bool) -> None:
    """Kill a running (not yet reaped) child and all it started. Sandboxed, the child is
    bwrap: killing it ends the sandbox's PID namespace, daemons and forks included.
    Unsandboxed, only the descendants still attached to it can be found."""
    if proc.poll() is not None:
        return
    victims = []
    if not sandboxed:
        import psutil

        try:
            victims = psutil.Process(proc.pid).children(recursive=True)
        except psutil.Error:
            victims = []
    for kill in (
        lambda: os.killpg(proc.pid, signal.SIGKILL),
        lambda: os.kill(proc.pid, signal.SIGKILL),
    ):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            kill()
    for p in victims:
        with contextlib.suppress(Exception):
            p.kill()


def run_one(
    notebook: bytes,
    probes: bytes,
    log: Path,
    settings: Settings,
    *,
    slot: int,
    shown: list,
    scratch_root: Path | None = None,
) -> Run:
    """Run one stripped notebook and its probes (in the sandbox unless settings say not);
    return what its records said. Never raises for anything the submission does."""
    scratch = Path(tempfile.mkdtemp(prefix="grade-", dir=scratch_root))
    run = Run()
    try:
        staging = scratch / "in"
        staging.mkdir()
        (staging / "notebook.json").write_bytes(notebook)
        (staging / "probes.json").write_bytes(probes)
        sandbox.stage(staging, slot)
        for path in (scratch, staging):
            path.chmod(0o755)
        for path in staging.iterdir():
            path.chmod(0o644)
        read_fd, write_fd = os.pipe()
        args = ["--result-fd", str(write_fd), "--max-processes", str(sandbox.MAX_PROCESSES)]
        args += ["--cell-timeout", str(settings.cell_timeout)]
        if settings.sandboxed:
            inside = f"{sandbox.GRADING}/"
            argv = [sys.executable, sandbox.RUNNER_IN_SANDBOX, inside + "notebook.json"]
            argv += [inside + "probes.json", *args, "--sandboxed"]
            cmd = sandbox.wrap(argv, staging=staging, slot=slot, env=runner_env(), shown=shown)
            cmd, args_fd = sandbox.hide_arguments(cmd)
            cwd, env = scratch, {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        else:
            cwd = scratch / "tmp"
            for sub in ("tmp", "home"):
                (scratch / sub).mkdir()
            args_fd = None
            cmd = [sys.executable, str(sandbox.RUNNER), str(staging / "notebook.json")]
            cmd += [str(staging / "probes.json"), *args]
            env = {**runner_env(), "HOME": str(scratch / "home"), "TMPDIR": str(scratch / "tmp")}
        records: queue.Queue = queue.Queue()
        reader = threading.Thread(target=_read_records, args=(read_fd, records), daemon=True)
        with open(log, "wb") as log_file:
            try:
                proc = subprocess.Popen(
                    cmd,
                    cwd=cwd,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log_file,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    pass_fds=(write_fd,) if args_fd is None else (write_fd, args_fd),
                    preexec_fn=_preexec(settings.memory_mb),
                )
            finally:
                os.close(write_fd)
                if args_fd is not None:
                    os.close(args_fd)
            reader.start()
            deadline = time.monotonic() + settings.timeout
            try:
                while True:
                    left = deadline - time.monotonic()
                    if left <= 0:
                        run.timed_out = True
                        break
                    try:
                        record = records.get(timeout=min(left, 1.0))
                    except queue.Empty:
                        continue
                    if record is None:  # the runner is gone (or closed the pipe)
                        break
                    if record == "malformed":
                        run.malformed = True
                        break
                    run.apply(record)
                    if run.done:
                        break
            finally:
                _kill(proc, settings.sandboxed)  # the row is complete: nothing more runs
                run.returncode = proc.wait()
    except Exception as e:  # noqa: BLE001 - one broken submission never stops the batch
        run.failed = f"grading failed: {type(e).__name__}: {e}"[:500]
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return run


# ------------------------------------------------------------------------------ verdicts


def _probe_question(assignment: judge.Assignment, name: str | None) -> str | None:
    questions = [c.question for c in assignment.checks if c.probe_name == name]
    return questions[0] if questions else None


def _problem(kind: str, **facts) -> dict:
    """A verdict's problem: its kind, where it happened, the facts its sentence needs, and the
    student's sentence (``text``, written by feedback.kind_sentence from the rest)."""
    problem = {"kind": kind, "question": None, "cell": None, **facts}
    problem["text"] = feedback.kind_sentence(problem)
    return problem


def _place(
    assignment: judge.Assignment, run: Run, sub: submission.Submission, cell: int | None
) -> dict:
    """Where a run stopped: the question and cell of the student's own code, or, while the
    probes ran, the question whose check was calling the student's code."""
    if run.probing:
        return {"question": _probe_question(assignment, run.probe), "during": "checks"}
    return {"question": sub.question_of(cell) if cell else None, "cell": cell}


def judge_run(
    assignment: judge.Assignment, run: Run, sub: submission.Submission, settings: Settings
) -> dict:
    """The verdict's status, problem, results and cell errors for one run."""
    results = judge.decode_results(run.results) if run.probing else None
    errors = [
        {"question": sub.question_of(e["cell"]) if e["cell"] else None, **e}
        for e in run.cell_errors
    ]
    for number in run.cell_timeouts:
        for e in errors:
            if e["cell"] == number and e["ename"] == "KeyboardInterrupt":
                e["ename"] = "TimeoutError"
                e["evalue"] = (
                    f"this cell ran for more than {settings.cell_timeout} s and was stopped; "
                    "the next cells still ran"
                )
    status, problem = "ok", None
    if run.too_many:
        status, results = "error", None
        problem = _problem("too-many-processes", cell=run.cell, limit=sandbox.MAX_PROCESSES)
    elif run.timed_out:
        status = "timeout"
        problem = _problem(
            "timeout", **_place(assignment, run, sub, run.cell), seconds=settings.timeout
        )
    elif run.kernel_died is not None:
        status = "error"
        problem = _problem("crashed", **_place(assignment, run, sub, run.kernel_died))
    elif run.malformed:
        status, problem = "error", _problem("no-data")
    elif run.failed:  # the runner itself raised: the grading side's problem
        status, problem = "error", _problem("sandbox")
    elif not run.done:
        status, problem = "error", _problem("ended", **_place(assignment, run, sub, run.cell))
    return {"status": status, "problem": problem, "results": results, "cell_errors": errors}


def _write_json(path: Path, data: dict) -> None:
    umask = os.umask(0)
    os.umask(umask)
    text = json.dumps(data, indent=1, allow_nan=False) + "\n"
    atomic_write(path, lambda f: f.write(text), mode="w", newline="", permissions=0o666 & ~umask)


def _reusable(path: Path, sha256: str, key: str) -> dict | None:
    try:
        old = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(old, dict) or old.get("sha256") != sha256 or old.get("grading_key") != key:
        return None
    problem = old.get("problem") or {}
    if old.get("status") == "timeout" or problem.get("kind") in ("crashed", "sandbox"):
        return None  # may depend on the machine's load: run again
    return old


class Rows:
    """``grades.csv`` while the batch runs: the header at once, each row appended as it comes
    (a crash keeps the rows already graded); ``report.write_all`` rewrites it at the end."""

    def __init__(self, path: Path, fields: list[str]):
        self.path, self.fields, self.lock = path, fields, threading.Lock()
        with open(path, "w", encoding="utf-8", newline="") as f:
            csv.DictWriter(f, fieldnames=fields).writeheader()

    def add(self, row: dict) -> None:
        with self.lock, open(self.path, "a", encoding="utf-8", newline="") as f:
            csv.DictWriter(f, fieldnames=self.fields).writerow(row)
            f.flush()
            os.fsync(f.fileno())


# ------------------------------------------------------------------------------ the batch


def grade(
    assignment_name: str,
    submissions: Path,
    out: Path,
    settings: Settings = Settings(),
    *,
    workers: int | None = None,
    masters: Path = MASTERS,
    student_dir: Path = STUDENT,
    scratch_root: Path | None = None,
) -> list[dict]:
    """Grade every ``*.ipynb`` of submissions into out; return the verdicts (sorted by file).

    Raises UsageError for a bad argument, a broken master or a sandbox that cannot start."""
    if not assignment_name:
        raise UsageError("no assignment given (e.g. ASSIGNMENT=02_gradient)")
    if not submissions.is_dir():
        raise UsageError(f"submissions folder {submissions} not found")
    files = sorted(submissions.glob("*.ipynb"))
    if not files:
        raise UsageError(f"no .ipynb files in {submissions}")
    try:
        assignment = judge.Assignment.load(assignment_name, masters, settings.probe_timeout)
    except MasterError as e:
        raise UsageError(str(e)) from None
    shown: list = []
    if settings.sandboxed:
        try:
            shown = sandbox.interpreter_paths(sys.executable, runner_env())
            sandbox.check_available(runner_env(), shown)
        except sandbox.SandboxUnavailable as e:
            raise UsageError(str(e)) from None
    handed_out = student_dir / assignment_name / f"{assignment_name}.ipynb"
    answers = {name for p in assignment.probes for name in p["params"]}
    library, handed_cells = None, set()
    if handed_out.is_file():
        library = flags_.CourseLibrary.of(handed_out, assignment.master.code, answers)
        handed_cells = set(submission.strip(handed_out.read_bytes()).code_cells)
    params = {p["name"]: set(p["params"]) for p in assignment.probes}
    names = {
        q: {n for c in assignment.checks if c.question == q for n in params[c.probe_name]}
        for q in assignment.master.graded
    }
    key = hashlib.sha256(
        f"{assignment.key} {settings.key()} {settings.sandboxed}".encode()
    ).hexdigest()
    probes = json.dumps(
        {
            "cell": probe.probe_cell(
                PROBE_HARNESS.read_text(encoding="utf-8"), assignment.probes, settings.probe_timeout
            ),
            "probes": assignment.probes,
            "probe_timeout": settings.probe_timeout,
            "mime": probe.MIME,
        }
    ).encode()
    config = assignment.config
    try:  # before anything is written: a typo in the instructor's file stops the run at once
        manual_points = report.read_manual_points(out, config)
    except report.ManualPointsError as e:
        raise UsageError(str(e)) from None
    for sub in ("verdicts", "feedback", "logs"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    manual = [q for q, c in config["questions"].items() if c["manual"]]
    rows = Rows(out / "grades.csv", report.csv_fields(config))

    # the snapshot: every file read once, now, before anything runs
    todo: list[tuple[str, str, submission.Submission, list[str]]] = []
    verdicts: list[dict] = []

    def finish(v: dict) -> None:
        _write_json(out / "verdicts" / f"{Path(v['file']).stem}.json", v)
        rows.add(report.csv_row(v, manual_points))
        verdicts.append(v)

    def make(file: str, sha: str, **fields) -> dict:
        return judge.verdict(
            assignment,
            file=file,
            sha256=sha,
            grading_key=key,
            sandboxed=settings.sandboxed,
            **fields,
        )

    for path in files:
        try:
            data = path.read_bytes()
        except OSError as e:
            problem = _problem("unreadable", why=f"it could not be read: {e.strerror}")
            finish(make(path.name, "", status="error", problem=problem))
            continue
        sha = hashlib.sha256(data).hexdigest()
        old = _reusable(out / "verdicts" / f"{path.stem}.json", sha, key)
        if old is not None:
            rows.add(report.csv_row(old, manual_points))
            verdicts.append(old)
            continue
        try:
            sub = submission.strip(data)
        except submission.Unreadable as e:
            facts = {"size": len(data), "limit": submission.MAX_BYTES}
            problem = _problem(e.kind, **(facts if e.kind == "too-large" else {"why": e.why}))
            finish(make(path.name, sha, status="error", problem=problem))
            continue
        if sub.assignment not in (None, assignment_name):
            problem = _problem(
                "other-assignment", found=sub.assignment[:60], expected=assignment_name
            )
            finish(make(path.name, sha, status="error", problem=problem))
            continue
        del data
        todo.append((path.name, sha, sub, flags_.code_flags(sub.code, library, sub.code_cells)))

    workers = max(1, min(workers or os.cpu_count() or 1, len(todo) or 1))
    slots: queue.Queue[int] = queue.Queue()
    for s in range(workers):
        slots.put(s)

    def grade_one(item) -> dict:
        name, sha, sub, flags = item
        slot = slots.get()
        try:
            notebook = json.dumps(sub.notebook).encode()
            run = run_one(
                notebook,
                probes,
                out / "logs" / f"{Path(name).stem}.log",
                settings,
                slot=slot,
                shown=shown,
                scratch_root=scratch_root,
            )
        finally:
            slots.put(slot)
        judged = judge_run(assignment, run, sub, settings)
        return make(
            name,
            sha,
            **judged,
            answers=sub.answers(manual),
            answered=sub.answered(handed_cells, names) if handed_cells else None,
            flags=flags,
            stripped_bytes=sub.stripped_bytes,
        )

    with ThreadPoolExecutor(max_workers=workers) as pool:
        for future in as_completed([pool.submit(grade_one, item) for item in todo]):
            finish(future.result())
    verdicts.sort(key=lambda v: v["file"])
    try:
        report.write_all(out, verdicts, config)
    except report.ManualPointsError as e:  # the file was changed while the batch ran
        raise UsageError(f"{e} (the verdicts are kept: correct it and run again)") from None
    return verdicts
