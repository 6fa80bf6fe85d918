"""Grade a folder of submitted notebooks with otter, each in a sandbox, into ``OUT/grades.csv``.

    python -m exercises.tools.grade ASSIGNMENT SUBMISSIONS OUT [--timeout S] [--memory-mb M]
        [--sandbox bwrap|none] [--workers N]

This is the batch side: it finds the submissions, snapshots them (the files graded and
flagged are the bytes read before anything runs), grades them in parallel on
``os.cpu_count()`` workers and writes the results. Each submission is graded by
``exercises/tools/runner.py`` (otter, the per-submission side) inside the bubblewrap sandbox
built by ``exercises/tools/sandbox.py``: no network, nothing of the instructor's visible, a
wall-clock timeout, an address-space limit and a process-count limit. One broken or hostile
submission never stops the batch. ``--sandbox none`` (``make grade SANDBOX=none``) grades
without a sandbox, with a warning, and marks every row ``unsandboxed``.

Written to OUT:

* ``grades.csv``: one row per submission: ``file``, one column per question (points),
  ``total``, ``max_total``, ``status`` (``ok`` / ``timeout`` / ``error``), ``detail`` (why, for
  timeout and error) and ``flags`` (code worth a human look; they never change the score).
  Each row is appended as soon as its submission is graded, so a crash keeps the rows already
  graded; at the end the file is rewritten sorted by file name (temporary file + rename).
* ``feedback/<stem>.txt``: for the student: points per question, the errors their cells
  raised and the public tests' output (hidden tests: points only, never their text).
* ``logs/<stem>.log``: otter's output and every cell error's traceback, for the instructor.

Scores are never taken from otter's totals: each question's score is recomputed here from the
per-case results, with the points and ``all_or_nothing`` of the autograder zip, after checking
that the cases that ran are exactly the zip's (same code, same hidden flags).
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import csv
import json
import os
import queue
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

from exercises.tools import sandbox
from exercises.tools.build import COLAB_CELL, INIT_CELL
from scratchlib.files import atomic_write

ROOT = Path(__file__).resolve().parents[2]
AUTOGRADER = ROOT / "exercises" / "autograder"
RUNNER = Path(__file__).with_name("runner.py")
DEFAULT_TIMEOUT = 300.0
DEFAULT_MEMORY_MB = 3072
MAX_PROCESSES = 64  # per submission: more ends as `error` (a fork bomb)
MAX_LOG_MB = 64  # per file a submission's processes may write (its log included)
MAX_RESULT_BYTES = 16 * 2**20
FIELDS_AFTER_QUESTIONS = ["total", "max_total", "status", "detail", "flags"]

# Code patterns that deserve a human look (reported in the `flags` column, never scored).
FLAG_PATTERNS = {
    "otter-internals": r"otter\.(?!Notebook\b)\w+|\bChecker\b|\bGradingResults\b|_grading_mode",
    "patches-library": r"\b(np|numpy|scratchlib|math)(\.\w+)+\s*=(?!=)|\bsetattr\s*\(",
    "builtins": r"\b__builtins__\b|\bbuiltins\b|\bsys\.modules\b|\bimportlib\b",
    "file-access": r"\bopen\s*\(|\bpathlib\b|\bshutil\b|\bos\.(listdir|walk|scandir|remove|chmod)"
    r"|\bglob\b|\.\./",
    "process-or-network": r"\bsubprocess\b|\bos\.(system|popen|fork|exec|kill|setsid)|\bsocket\b"
    r"|\burllib\b|\brequests\b|^\s*(!|%{1,2}[a-zA-Z])",
}


class UsageError(SystemExit):
    """A bad argument: the message is printed and the exit status is 2."""

    def __init__(self, message: str):
        super().__init__(f"grade: error: {message}")


# ----------------------------------------------------------------------- the autograder zip


def autograder_zip(assignment: str, autograder_dir: Path = AUTOGRADER) -> Path:
    path = autograder_dir / f"{assignment}.zip"
    if not path.is_file():
        known = (
            sorted(p.stem for p in autograder_dir.glob("*.zip")) if autograder_dir.is_dir() else []
        )
        raise UsageError(
            f"no autograder zip {path}; run `make assignments` first"
            + (f" (built so far: {', '.join(known)})" if known else "")
        )
    return path


def zip_tests(zip_path: Path | str) -> dict[str, dict]:
    """Question name -> otter's test dict, read (never executed) from the zip's test files."""
    tests = {}
    with zipfile.ZipFile(zip_path) as zf:
        for name in sorted(zf.namelist()):
            if not re.fullmatch(r"tests/[^/]+\.py", name):
                continue
            for node in ast.parse(zf.read(name).decode("utf-8")).body:
                targets = [getattr(t, "id", None) for t in getattr(node, "targets", [])]
                if isinstance(node, ast.Assign) and targets == ["test"]:
                    test = ast.literal_eval(node.value)
                    tests[test["name"]] = test
    return tests


def questions(zip_path: Path) -> dict[str, float]:
    """Question name -> points."""
    points = {name: float(test["points"]) for name, test in zip_tests(zip_path).items()}
    if not points:
        raise UsageError(f"{zip_path} holds no tests; rebuild it with `make assignments`")
    return points


def _cases(test: dict) -> list[dict]:
    return [case for suite in test["suites"] for case in suite["cases"]]


def score(test: dict, ran: list[dict]) -> float:
    """One question's score from its per-case results, with the zip's points and rules."""
    cases, passed = _cases(test), [bool(r.get("passed")) for r in ran]
    points = float(test.get("points") or 0)
    if test.get("all_or_nothing"):
        return points if all(passed) else 0.0
    given = [c.get("points") for c in cases]
    rest = points - sum(p for p in given if p is not None)
    share = rest / max(sum(p is None for p in given), 1)
    return float(
        sum((p if p is not None else share) for p, ok in zip(given, passed, strict=True) if ok)
    )


def rescore(tests: dict[str, dict], ran: dict) -> tuple[dict[str, float], str]:
    """Question -> score from the runner's report, and what was wrong with it ('' if nothing).

    Every case that ran must be the zip's (same code, same hidden flag, same order); a question
    with other cases, or one the zip does not define, voids the whole submission.
    """
    if not isinstance(ran, dict):
        return dict.fromkeys(tests, 0.0), "the grading report is malformed"
    scores, missing = dict.fromkeys(tests, 0.0), []
    for name, test in tests.items():
        got = ran.get(name)
        if got is None:
            missing.append(name)
            continue
        want = [(c["code"], bool(c.get("hidden"))) for c in _cases(test)]
        have = [(r.get("code"), r.get("hidden")) for r in got] if isinstance(got, list) else []
        if have != want:
            return dict.fromkeys(tests, 0.0), (
                f"the tests that ran for {name} are not the autograder's: the notebook "
                "changed or replaced the test files (0 points)"
            )
        scores[name] = score(test, got)
    extra = sorted(set(ran) - set(tests), key=str)
    if extra:
        return dict.fromkeys(tests, 0.0), f"tests the autograder does not have ran: {extra}"
    if missing:
        return scores, f"otter recorded no result for {', '.join(missing)}"
    return scores, ""


# ------------------------------------------------------------------------------ flags


_COLAB_RX = re.compile(re.escape(COLAB_CELL.rstrip("\n")))
for _field in ("{otter_version}", "{url}", "{version}", "{name}", "{ref}"):
    _COLAB_RX = re.compile(_COLAB_RX.pattern.replace(re.escape(_field), r"[\w.:/@+-]+"))
_COLAB_RX = re.compile(_COLAB_RX.pattern.replace(re.escape("{otter_pins}"), r'[\w.:/@+=" -]+'))


def code_flags(notebook: bytes) -> list[str]:
    """Flags for the notebook's code (from the snapshot taken before anything ran)."""
    try:
        nb = json.loads(notebook.decode("utf-8"))
        cells = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
        sources = [
            c["source"] if isinstance(c["source"], str) else "".join(c["source"]) for c in cells
        ]
        # The Colab install and otter init cells are ours (if unchanged, for any version or
        # repository URL the notebook was handed out with): don't flag their pip and imports.
        source = "\n".join(s for s in sources if s != INIT_CELL and not _COLAB_RX.fullmatch(s))
    except (UnicodeDecodeError, ValueError, TypeError, KeyError, AttributeError):
        return []
    return [k for k, rx in FLAG_PATTERNS.items() if re.search(rx, source, flags=re.MULTILINE)]


# ---------------------------------------------------------------------- one submission


def _preexec(memory_mb: int):
    def limits():
        resource.setrlimit(resource.RLIMIT_AS, (memory_mb * 2**20,) * 2)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        resource.setrlimit(resource.RLIMIT_FSIZE, (MAX_LOG_MB * 2**20,) * 2)

    return limits


def _env() -> dict[str, str]:
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
    """Kill a running (not yet reaped: its pid is still its own) child and all it started.

    Sandboxed, the child is bwrap: killing it kills the sandbox's PID namespace, daemons
    included. Unsandboxed, only the descendants still attached to it can be found.
    """
    if proc.poll() is not None:
        return
    victims = []
    if not sandboxed:
        import psutil

        try:
            victims = psutil.Process(proc.pid).children(recursive=True)
        except psutil.Error:
            victims = []
    for pid in [proc.pid, *(v.pid for v in victims)]:
        for kill in (
            lambda p=pid: os.killpg(p, signal.SIGKILL),
            lambda p=pid: os.kill(p, signal.SIGKILL),
        ):
            with contextlib.suppress(ProcessLookupError, PermissionError):
                kill()


def _read_capped(fd: int, into: list[bytes]) -> None:
    total = 0
    with os.fdopen(fd, "rb") as f:
        while chunk := f.read(65536):
            if total < MAX_RESULT_BYTES:
                into.append(chunk)
            total += len(chunk)


def grade_one(
    submission: str,
    notebook: bytes,
    zip_path: Path,
    assignment: str,
    out: Path,
    *,
    timeout: float,
    memory_mb: int,
    slot: int,
    sandboxed: bool,
    scratch_root: Path | None = None,
) -> dict:
    """Run the runner on one snapshot; return its report (never raises)."""
    stem = Path(submission).stem
    scratch = Path(tempfile.mkdtemp(prefix="grade-", dir=scratch_root))
    try:
        staging = scratch / "in"
        staging.mkdir()
        (staging / "submission.ipynb").write_bytes(notebook)
        shutil.copyfile(zip_path, staging / "autograder.zip")
        sandbox.stage(staging, slot)
        for path in (scratch, staging):
            path.chmod(0o755)
        for path in staging.iterdir():
            path.chmod(0o644)
        read_fd, write_fd = os.pipe()
        args = ["--assignment", assignment, "--result-fd", str(write_fd)]
        args += ["--max-processes", str(MAX_PROCESSES)]
        if sandboxed:
            inside = f"{sandbox.GRADING}/"
            argv = [sys.executable, sandbox.RUNNER_IN_SANDBOX, inside + "submission.ipynb"]
            argv += [inside + "autograder.zip", *args, "--sandboxed"]
            cmd = sandbox.wrap(argv, staging=staging, slot=slot, env=_env())
            cmd, args_fd = sandbox.hide_arguments(cmd)
            cwd, env = scratch, {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        else:
            cwd = scratch / "work"
            for sub in ("work", "home", "tmp"):
                (scratch / sub).mkdir()
            args_fd = None
            cmd = [sys.executable, str(RUNNER), str(staging / "submission.ipynb")]
            cmd += [str(staging / "autograder.zip"), *args]
            env = {**_env(), "HOME": str(scratch / "home"), "TMPDIR": str(scratch / "tmp")}
        chunks: list[bytes] = []
        reader = threading.Thread(target=_read_capped, args=(read_fd, chunks), daemon=True)
        with open(out / "logs" / f"{stem}.log", "wb") as log:
            try:
                proc = subprocess.Popen(
                    cmd,
                    cwd=cwd,
                    env=env,
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                    pass_fds=(write_fd,) if args_fd is None else (write_fd, args_fd),
                    preexec_fn=_preexec(memory_mb),
                )
            finally:
                os.close(write_fd)
                if args_fd is not None:
                    os.close(args_fd)
            reader.start()
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill(proc, sandboxed)
                proc.wait()
                reader.join(5)
                return {"status": "timeout", "detail": f"no result within {timeout:g} s"}
        # (sandboxed, nothing outlives the runner: its PID namespace ended with it)
        reader.join(30)
        raw = b"".join(chunks)
        if not raw:
            return {
                "status": "error",
                "detail": _no_result(proc.returncode, out / "logs" / f"{stem}.log"),
            }
        try:
            report = json.loads(raw.decode("utf-8"))
        except ValueError:
            report = None
        if not isinstance(report, dict):
            return {"status": "error", "detail": "the grading report is malformed"}
        return report
    except Exception as e:  # noqa: BLE001 - one broken submission never stops the batch
        return {"status": "error", "detail": f"grading failed: {type(e).__name__}: {e}"[:300]}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


NOISE = ("Kernel is running over TCP",)  # ipykernel's warning on every run: not a cause


def _no_result(returncode: int, log: Path) -> str:
    """Why the runner gave no result, in the instructor's words, with the log's last line."""
    signum = -returncode if returncode < 0 else returncode - 128 if returncode > 128 else 0
    if signum in set(signal.Signals):
        how = f"was killed by {signal.Signals(signum).name}"
    else:
        how = f"exited with status {returncode}"
    text = log.read_text(errors="replace") if log.is_file() else ""
    lines = [ln for ln in text.splitlines() if ln.strip() and not any(n in ln for n in NOISE)]
    last = f"; last log line: {scrub(lines[-1], set())[:200]}" if lines else ""
    return f"the grading process {how} before reporting a result{last}"


# ------------------------------------------------------------------------- feedback, CSV


def _hidden_lines(tests: dict[str, dict]) -> set[str]:
    """Lines of hidden test code long enough to recognise if a submission echoes them."""
    lines: dict[bool, set[str]] = {True: set(), False: set()}
    for test in tests.values():
        for case in _cases(test):
            for line in case["code"].splitlines():
                text = re.sub(r"^(>>>|\.\.\.)\s?", "", line).strip()
                if len(text) >= 12:
                    lines[bool(case.get("hidden"))].add(text)
    return lines[True] - lines[False]  # a line the public tests show too is no secret


_PATHS = [
    (re.compile(r"/\S*?/(?:site|dist)-packages/"), ""),
    (re.compile(r"/\S*?/lib/python3\.\d+/"), ""),
    (re.compile(r"/tmp/[^\s'\"]*/"), ""),  # the sandbox's private /tmp: otter, ipykernel
    (re.compile(re.escape(sandbox.GRADING) + "/"), ""),
    (re.compile(re.escape(sys.prefix) + "/"), ""),
    (re.compile(re.escape(str(ROOT)) + "/"), ""),
]


def scrub(text: str, hidden: set[str], private: tuple[str, ...] = ()) -> str:
    """Text fit for a student: no hidden-test lines, no grading paths."""
    for p in private:
        text = text.replace(p, "")
    for rx, new in _PATHS:
        text = rx.sub(new, text)
    out = []
    for line in text.splitlines():
        out.append("[hidden test text removed]" if any(h in line for h in hidden) else line)
    return "\n".join(out)


def write_feedback(path: Path, row: dict, points: dict[str, float], report: dict, hidden) -> None:
    lines = [f"{row['file']}: status {row['status']}", ""]
    lines += [f"{q}: {row[q]:g} / {p:g}" for q, p in points.items()]
    lines += [f"total: {sum(row[q] for q in points):g} / {sum(points.values()):g}", ""]
    if row["detail"]:
        lines += [row["detail"], ""]
    errors = report.get("cell_errors") or []
    if isinstance(errors, list) and errors:
        lines.append("Errors raised by your notebook's cells:")
        for e in errors[:20]:
            if isinstance(e, dict):
                first = str(e.get("evalue", "")).strip().splitlines()[:1] or [""]
                lines.append(f"  cell {e.get('cell')}: {e.get('ename')}: {first[0][:300]}")
        lines.append("")
    public = report.get("public") if isinstance(report.get("public"), str) else ""
    lines += ["Public tests:", public or "(no output)"]
    _write_text(path, scrub("\n".join(lines), hidden) + "\n")


def _write_text(path: Path, text: str) -> None:
    """Write a file atomically, with the permissions the umask gives a new file."""
    umask = os.umask(0)
    os.umask(umask)
    atomic_write(path, lambda f: f.write(text), mode="w", newline="", permissions=0o666 & ~umask)


class Grades:
    """``grades.csv``: the header at once, each row appended as it comes, sorted at the end."""

    def __init__(self, path: Path, points: dict[str, float]):
        self.path, self.points = path, points
        self.fields = ["file", *points, *FIELDS_AFTER_QUESTIONS]
        self.rows: list[dict] = []
        self.lock = threading.Lock()
        _write_text(path, self._lines([]))

    def _cells(self, row: dict) -> dict:
        return {
            **{k: row.get(k, "") for k in self.fields},
            **{q: f"{row[q]:g}" for q in self.points},
            "total": f"{sum(row[q] for q in self.points):g}",
            "max_total": f"{sum(self.points.values()):g}",
        }

    def _lines(self, rows: list[dict], header: bool = True) -> str:
        import io

        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=self.fields)
        if header:
            writer.writeheader()
        writer.writerows(self._cells(r) for r in rows)
        return buf.getvalue()

    def add(self, row: dict) -> None:
        with self.lock:
            self.rows.append(row)
            with open(self.path, "a", encoding="utf-8", newline="") as f:
                f.write(self._lines([row], header=False))
                f.flush()
                os.fsync(f.fileno())

    def finish(self) -> None:
        _write_text(self.path, self._lines(sorted(self.rows, key=lambda r: r["file"])))


# ------------------------------------------------------------------------------ the batch


def grade(
    assignment: str,
    submissions: Path,
    out: Path,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    memory_mb: int = DEFAULT_MEMORY_MB,
    workers: int | None = None,
    autograder_dir: Path = AUTOGRADER,
    scratch_root: Path | None = None,
    sandboxed: bool = True,
) -> list[dict]:
    if not assignment:
        raise UsageError("no assignment given (e.g. ASSIGNMENT=02_gradient)")
    if not submissions.is_dir():
        raise UsageError(f"submissions folder {submissions} not found")
    zip_path = autograder_zip(assignment, autograder_dir)
    tests = zip_tests(zip_path)
    points = questions(zip_path)
    files = sorted(submissions.glob("*.ipynb"))
    if not files:
        raise UsageError(f"no .ipynb files in {submissions}")
    if sandboxed:
        try:
            sandbox.check_available()
        except sandbox.SandboxUnavailable as e:
            raise UsageError(str(e)) from None
    # the snapshot: everything graded and flagged is read now, before any submission runs
    snapshot = {}
    for f in files:
        try:
            snapshot[f.name] = f.read_bytes()
        except OSError as e:
            snapshot[f.name] = f"unreadable: {e.strerror}".encode()
    for sub in ("feedback", "logs"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    hidden = _hidden_lines(tests)
    grades = Grades(out / "grades.csv", points)
    workers = max(1, min(workers or os.cpu_count() or 1, len(files)))
    slots: queue.Queue[int] = queue.Queue()
    for s in range(workers):
        slots.put(s)

    def run(name: str) -> tuple[dict, tuple[float, float]]:
        slot = slots.get()
        started = time.monotonic()
        try:
            report = grade_one(
                name,
                snapshot[name],
                zip_path,
                assignment,
                out,
                timeout=timeout,
                memory_mb=memory_mb,
                slot=slot,
                sandboxed=sandboxed,
                scratch_root=scratch_root,
            )
            return report, (started, time.monotonic())
        finally:
            slots.put(slot)

    rows = []
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(run, name): name for name in snapshot}
        for future in as_completed(futures):
            name = futures[future]
            report, (row_started, row_finished) = future.result()
            row = _row(name, report, tests, points)
            row["flags"] = " ".join(
                code_flags(snapshot[name]) + ([] if sandboxed else ["unsandboxed"])
            )
            write_feedback(out / "feedback" / f"{Path(name).stem}.txt", row, points, report, hidden)
            grades.add(row)
            rows.append({**row, "started": row_started, "finished": row_finished})
    grades.finish()
    return sorted(rows, key=lambda r: r["file"])


def _row(name: str, report: dict, tests: dict[str, dict], points: dict[str, float]) -> dict:
    row = {"file": name, **dict.fromkeys(points, 0.0), "status": "error", "detail": ""}
    status = report.get("status")
    if status in ("timeout", "error"):
        row.update(status=status, detail=scrub(str(report.get("detail", "")), set())[:300])
        return row
    if status != "ok":
        row["detail"] = "the grading report is malformed"
        return row
    scores, problem = rescore(tests, report.get("questions"))
    crash = str(report.get("crash") or "")
    if problem and crash:
        problem += f" ({scrub(crash, set())})"
    row.update(scores, status="error" if problem else "ok", detail=problem[:300])
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="grade", description=__doc__.split("\n\n")[0])
    parser.add_argument("assignment", help="e.g. 02_gradient (a master in exercises/masters)")
    parser.add_argument("submissions", type=Path, help="folder of submitted .ipynb files")
    parser.add_argument("out", type=Path, help="output folder (grades.csv, feedback/, logs/)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds each")
    parser.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB, help="address space")
    parser.add_argument("--workers", type=int, default=None, help="default: os.cpu_count()")
    parser.add_argument("--autograder-dir", type=Path, default=AUTOGRADER)
    parser.add_argument(
        "--sandbox",
        choices=["bwrap", "none"],
        default="bwrap",
        help="none: grade without a sandbox (rows marked unsandboxed)",
    )
    args = parser.parse_args(argv)
    sandboxed = args.sandbox != "none"
    if not sandboxed:
        print(
            "grade: WARNING: grading WITHOUT a sandbox (SANDBOX=none): each submission's code "
            "runs as you, can read and change your files and use the network. Every row is "
            "marked `unsandboxed`.",
            file=sys.stderr,
        )
    start = time.monotonic()
    try:
        rows = grade(
            args.assignment,
            args.submissions,
            args.out,
            timeout=args.timeout,
            memory_mb=args.memory_mb,
            workers=args.workers,
            autograder_dir=args.autograder_dir,
            sandboxed=sandboxed,
        )
    except UsageError as e:
        print(e.code, file=sys.stderr)
        return 2
    bad = sum(r["status"] != "ok" for r in rows)
    print(
        f"graded {len(rows)} submissions ({bad} not ok) in {time.monotonic() - start:.0f} s"
        f"{'' if sandboxed else ' WITHOUT a sandbox'}: {args.out / 'grades.csv'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
