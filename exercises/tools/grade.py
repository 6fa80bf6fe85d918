"""Grade a folder of submitted notebooks with otter, without Docker, into ``OUT/grades.csv``.

    python -m exercises.tools.grade ASSIGNMENT SUBMISSIONS OUT [--timeout S] [--memory-mb M]

Every ``SUBMISSIONS/*.ipynb`` is graded by ``otter run`` against the autograder zip
``exercises/autograder/<ASSIGNMENT>.zip`` (``make assignments`` builds it), in parallel on
``os.cpu_count()`` workers. Each submission runs in its own process tree, in a fresh private
scratch directory, with a scrubbed environment, a wall-clock timeout (the whole process tree,
kernel included, is killed when it expires) and an address-space limit (``RLIMIT_AS``). One
broken submission never stops the batch.

Written to OUT:

* ``grades.csv``: one row per submission: ``file``, one column per question (points),
  ``total``, ``max_total``, ``status`` (``ok`` / ``timeout`` / ``error``), ``detail`` (why, for
  timeout and error) and ``flags`` (code patterns worth a human look, e.g. monkeypatching numpy
  or touching otter's internals; informational, they do not change the score). Written
  atomically (temporary file + rename).
* ``feedback/<stem>.txt``: per-student feedback: points per question and the public tests'
  output (hidden tests are reported as passed/failed only, never shown).
* ``logs/<stem>.log``: otter's full output, for the instructor.

Hidden tests come from the autograder zip only: otter replaces any ``tests/`` the submission
brings, ignores tests embedded in the notebook's metadata, and this script checks afterwards
that the test files were not modified while the submission ran (status ``error`` if they were).
What containerless grading cannot stop is documented in ``exercises/README.md``.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import csv
import hashlib
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from exercises.tools.build import COLAB_CELL, INIT_CELL

ROOT = Path(__file__).resolve().parents[2]
AUTOGRADER = ROOT / "exercises" / "autograder"
DEFAULT_TIMEOUT = 300.0
DEFAULT_MEMORY_MB = 3072

# Code patterns that deserve a human look (reported in the `flags` column, never scored).
FLAG_PATTERNS = {
    "otter-internals": r"otter\.(?!Notebook\b)\w+|\bChecker\b|\bGradingResults\b|_grading_mode",
    "patches-library": r"\b(np|numpy|scratchlib|math)(\.\w+)+\s*=(?!=)|\bsetattr\s*\(",
    "builtins": r"\b__builtins__\b|\bbuiltins\b|\bsys\.modules\b|\bimportlib\b",
    "file-access": r"\bopen\s*\(|\bpathlib\b|\bshutil\b|\bos\.(listdir|walk|scandir|remove|chmod)"
    r"|\bglob\b|\.\./",
    "process-or-network": r"\bsubprocess\b|\bos\.(system|popen|fork|exec)|\bsocket\b|\burllib\b"
    r"|\brequests\b|^\s*(!|%{1,2}[a-zA-Z])",
}


class UsageError(SystemExit):
    """A bad argument: the message is printed and the exit status is 2."""

    def __init__(self, message: str):
        super().__init__(f"grade: error: {message}")


# --------------------------------------------------------------------------- the parent side


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


_COLAB_RX = re.compile(re.escape(COLAB_CELL.rstrip("\n")))
for _field in ("{otter_version}", "{url}", "{version}", "{name}", "{ref}"):
    _COLAB_RX = re.compile(_COLAB_RX.pattern.replace(re.escape(_field), r"[\w.:/@+-]+"))
_COLAB_RX = re.compile(_COLAB_RX.pattern.replace(re.escape("{otter_pins}"), r'[\w.:/@+=" -]+'))


def code_flags(path: Path) -> list[str]:
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
        cells = [c for c in nb.get("cells", []) if c.get("cell_type") == "code"]
        sources = ["".join(c["source"]) for c in cells]
        # The Colab install and otter init cells are ours (if unchanged, for any version or
        # repository URL the notebook was handed out with): don't flag their pip and imports.
        source = "\n".join(s for s in sources if s != INIT_CELL and not _COLAB_RX.fullmatch(s))
    except (OSError, ValueError, TypeError, KeyError, AttributeError):
        return []
    return [k for k, rx in FLAG_PATTERNS.items() if re.search(rx, source, flags=re.MULTILINE)]


def _limit_memory(limit_bytes: int):
    def preexec():
        resource.setrlimit(resource.RLIMIT_AS, (limit_bytes, limit_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))

    return preexec


def _kill_tree(pid: int) -> None:
    """Kill a process, its process group and every descendant (the kernel has its own session)."""
    import psutil

    try:
        procs = [psutil.Process(pid), *psutil.Process(pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        procs = []
    for p in procs:
        for kill in (lambda p=p: os.killpg(p.pid, signal.SIGKILL), p.kill):
            with contextlib.suppress(ProcessLookupError, PermissionError, psutil.Error):
                kill()
    psutil.wait_procs(procs, timeout=5)


def grade_one(
    zip_path: Path,
    submission: Path,
    out: Path,
    points: dict[str, float],
    timeout: float,
    memory_mb: int,
    scratch_root: Path | None = None,
) -> dict:
    """Grade one submission in a child process; always returns a CSV row (never raises)."""
    row = {"file": submission.name, **dict.fromkeys(points, 0.0), "status": "error", "detail": ""}
    row["started"] = time.monotonic()
    scratch = Path(tempfile.mkdtemp(prefix="otter-grade-", dir=scratch_root))
    result_path = scratch / "result.json"
    home = scratch / "home"
    home.mkdir()
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "HOME": str(home),
        "TMPDIR": str(scratch),
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "MPLBACKEND": "Agg",
        "PYTHONNOUSERSITE": "1",
        "PYTHONPATH": str(ROOT),
    }
    child = ["-m", "exercises.tools.grade", "_one", str(zip_path), str(submission.resolve())]
    cmd = [sys.executable, *child, str(result_path)]
    log_path = out / "logs" / f"{submission.stem}.log"
    try:
        with open(log_path, "wb") as log:
            proc = subprocess.Popen(
                cmd,
                cwd=scratch,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
                preexec_fn=_limit_memory(memory_mb * 2**20),
            )
            try:
                proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                _kill_tree(proc.pid)
                proc.wait()
                row.update(status="timeout", detail=f"no result within {timeout:g} s")
                return row
            _kill_tree(proc.pid)  # a kernel left behind by a crash
        if proc.returncode != 0 or not result_path.is_file():
            tail = log_path.read_text(errors="replace").strip().splitlines()[-1:] or ["no output"]
            row["detail"] = f"grading failed (exit {proc.returncode}): {tail[0][:200]}"
            return row
        result = json.loads(result_path.read_text())
        row.update(status=result["status"], detail=result.get("detail", ""))
        for q, score in result.get("scores", {}).items():
            if q in points:  # never trust a question name the zip does not define
                row[q] = min(max(float(score), 0.0), points[q])
        row["public"] = result.get("public", "")
        return row
    except Exception as e:  # noqa: BLE001 - one broken submission never stops the batch
        row.update(status="error", detail=f"{type(e).__name__}: {e}"[:300])
        return row
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
        row["finished"] = time.monotonic()


def _write_feedback(path: Path, row: dict, points: dict[str, float], public: str) -> None:
    lines = [f"{row['file']}: status {row['status']}", ""]
    lines += [f"{q}: {row[q]:g} / {p:g}" for q, p in points.items()]
    lines += [f"total: {sum(row[q] for q in points):g} / {sum(points.values()):g}", ""]
    if row["detail"]:
        lines += [row["detail"], ""]
    lines += ["Public tests:", public or "(no output)"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def write_csv(path: Path, rows: list[dict], points: dict[str, float]) -> None:
    fields = ["file", *points, "total", "max_total", "status", "detail", "flags"]
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".grades-", suffix=".csv")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8") as f:
            writer = csv.DictWriter(f, fieldnames=fields)
            writer.writeheader()
            for row in rows:
                writer.writerow(
                    {
                        **{k: row.get(k, "") for k in fields},
                        **{q: f"{row[q]:g}" for q in points},
                        "total": f"{sum(row[q] for q in points):g}",
                        "max_total": f"{sum(points.values()):g}",
                    }
                )
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


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
) -> list[dict]:
    if not assignment:
        raise UsageError("no assignment given (e.g. ASSIGNMENT=02_gradient)")
    if not submissions.is_dir():
        raise UsageError(f"submissions folder {submissions} not found")
    zip_path = autograder_zip(assignment, autograder_dir)
    points = questions(zip_path)
    files = sorted(submissions.glob("*.ipynb"))
    if not files:
        raise UsageError(f"no .ipynb files in {submissions}")
    for sub in ("feedback", "logs"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    workers = workers or os.cpu_count() or 1
    with ThreadPoolExecutor(max_workers=workers) as pool:
        rows = list(
            pool.map(
                lambda f: grade_one(zip_path, f, out, points, timeout, memory_mb, scratch_root),
                files,
            )
        )
    for f, row in zip(files, rows, strict=True):
        row["flags"] = " ".join(code_flags(f))
        _write_feedback(out / "feedback" / f"{f.stem}.txt", row, points, row.get("public", ""))
    write_csv(out / "grades.csv", rows, points)
    return rows


# ---------------------------------------------------------------------------- the child side


def _run_one(zip_path: str, submission: str, result_path: str) -> None:
    """`otter run` for one submission, in the current (scratch) directory.

    Mirrors ``otter.run.main``, plus: the kernel is forced to ``python3``, otter metadata in
    the notebook (where tests could be embedded) is dropped, and the test files are compared
    with the zip's after the run.
    """
    import nbformat
    from otter.run.run_autograder import main as run_autograder_main

    def finish(**result):
        Path(result_path).write_text(json.dumps(result))

    with zipfile.ZipFile(zip_path) as zf:
        zf.extractall("autograder/source")
        expected = {
            n[len("tests/") :]: hashlib.sha256(zf.read(n)).hexdigest()
            for n in zf.namelist()
            if n.startswith("tests/") and n.endswith(".py")
        }
    for sub in ("submission", "results"):
        os.makedirs(f"autograder/{sub}", exist_ok=True)
    Path("autograder/submission_metadata.json").write_text("{}")
    try:
        nb = nbformat.read(submission, as_version=4)
    except Exception as e:  # noqa: BLE001
        return finish(status="error", detail=f"not a readable notebook: {type(e).__name__}")
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    # Tests never come from the notebook: drop any otter metadata but the assignment name
    # (otter would read tests embedded there, and cell metadata can schedule extra checks).
    name = nb.metadata.get("otter", {}).get("assignment_name")
    nb.metadata["otter"] = {"assignment_name": name} if isinstance(name, str) else {}
    for cell in nb.cells:
        cell.metadata.pop("otter", None)
    nbformat.write(nb, f"autograder/submission/{Path(submission).name}")

    ag_dir = os.path.abspath("autograder")
    try:
        run_autograder_main(ag_dir, logo=False, otter_run=True)
    except Exception as e:  # noqa: BLE001
        return finish(status="error", detail=f"otter failed: {type(e).__name__}: {e}"[:300])
    tests_dir = Path(ag_dir, "submission", "tests")
    found = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in tests_dir.glob("*.py")}
    if found != expected:
        return finish(status="error", detail="the test files were modified during grading")
    if not _ran_the_zips_tests(zip_path, Path(ag_dir, "results", "results.pkl")):
        return finish(status="error", detail="the tests that ran differ from the autograder's")
    output = json.loads(Path(ag_dir, "results", "results.json").read_text())
    scores, public = {}, ""
    for test in output.get("tests", []):
        if test.get("name") == "Public Tests":
            public = test.get("output", "")
        elif "score" in test:
            scores[test["name"]] = test["score"]
    finish(status="ok", scores=scores, public=public)


def _ran_the_zips_tests(zip_path: str, results_pkl: Path) -> bool:
    """Whether the test cases otter recorded are exactly the zip's (catches test files that
    were replaced while the checks ran and restored afterwards)."""
    import dill

    want = {
        name: [
            (bool(c.get("hidden")), c["code"]) for suite in test["suites"] for c in suite["cases"]
        ]
        for name, test in zip_tests(zip_path).items()
    }
    with open(results_pkl, "rb") as f:
        results = dill.load(f)  # written by the kernel: only ever loaded in this child process
    got = {
        name: [(bool(tc.hidden), tc.body) for tc in tf.test_cases]
        for name, tf in results.results.items()
    }
    return got == want


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["_one"]:
        _run_one(*argv[1:])
        return 0
    parser = argparse.ArgumentParser(prog="grade", description=__doc__.split("\n\n")[0])
    parser.add_argument("assignment", help="e.g. 02_gradient (a master in exercises/masters)")
    parser.add_argument("submissions", type=Path, help="folder of submitted .ipynb files")
    parser.add_argument("out", type=Path, help="output folder (grades.csv, feedback/, logs/)")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds each")
    parser.add_argument("--memory-mb", type=int, default=DEFAULT_MEMORY_MB, help="address space")
    parser.add_argument("--workers", type=int, default=None, help="default: os.cpu_count()")
    parser.add_argument("--autograder-dir", type=Path, default=AUTOGRADER)
    args = parser.parse_args(argv)
    try:
        rows = grade(
            args.assignment,
            args.submissions,
            args.out,
            timeout=args.timeout,
            memory_mb=args.memory_mb,
            workers=args.workers,
            autograder_dir=args.autograder_dir,
        )
    except UsageError as e:
        print(e.code, file=sys.stderr)
        return 2
    bad = sum(r["status"] != "ok" for r in rows)
    print(f"graded {len(rows)} submissions ({bad} not ok): {args.out / 'grades.csv'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
