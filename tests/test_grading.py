"""Graded exercises (issue 5): the build, the committed student notebooks, the book's links, and
batch grading of planted submissions (right, typically wrong, broken, hostile) without Docker.

The masters are built once into a temporary folder (that build is also what the committed
student notebooks are compared with, and what the batch is graded against). One batch of
02_gradient submissions, honest, wrong (the master's own planted wrong answers, from
`exercises/masters/02_gradient.planted/`), broken, cheating and hostile together, is graded in
parallel through the same code as `make grade`, and the tests assert on its CSV. (Every
planted wrong answer of every master is checked in-process by tests/test_exercises.py.)
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import _grading_helpers as h
import nbformat
import psutil
import pytest
import yaml

from exercises.tools import build, grade

ROOT = Path(__file__).resolve().parents[1]

COMMITTED = ROOT / "exercises" / "student"
NAMES = build.master_names()
ASSIGNMENT = "02_gradient"  # the one the batch grades
OTHER = next(n for n in NAMES if n != ASSIGNMENT)  # handed in for ASSIGNMENT by mistake
TIMEOUT = 60.0  # per submission in the planted batch; a normal one takes ~3 s of CPU
SECRET = "hunter2-grading-test-secret"
DAEMON = "sleep 1234.5"  # what the hostile daemon runs as (so that we can look for it)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Every master built once (two at a time: otter assign is one process each)."""
    out = tmp_path_factory.mktemp("built")
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = [
            pool.submit(build.build, name, out / "student", out / "autograder") for name in NAMES
        ]
        for future in done:
            future.result()
    return out


def master_points(name: str) -> dict[str, float]:
    """Question -> points, read from the master's own question headers (the oracle)."""
    nb = h.load(build.MASTERS / f"{name}.ipynb")
    points = {}
    for cell in nb.cells:
        if cell.cell_type == "raw" and cell.source.lstrip().startswith("# BEGIN QUESTION"):
            config = yaml.safe_load(cell.source.split("\n", 1)[1])
            if not config.get("manual"):
                points[config["name"]] = float(config["points"])
    return points


def _normalized(nb_path: Path) -> dict:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        cell.pop("id", None)  # deterministic already (renumbered); don't fail on that alone
        cell.pop("execution_count", None)
    return nb


# ------------------------------------------------------------------------ building, committed


def test_every_master_is_built(built):
    assert NAMES and ASSIGNMENT in NAMES
    for name in NAMES:
        assert (built / "autograder" / f"{name}.zip").is_file()
        assert (built / "student" / name / f"{name}.ipynb").is_file()


@pytest.mark.parametrize("name", NAMES)
def test_committed_student_notebooks_are_up_to_date(built, name):
    fresh, committed = built / "student" / name, COMMITTED / name
    files = sorted(p.relative_to(fresh) for p in fresh.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(committed) for p in committed.rglob("*") if p.is_file()), (
        f"exercises/student/{name} has other files than a fresh build: run `make assignments`"
    )
    for rel in files:
        if rel.suffix == ".ipynb":
            same = _normalized(fresh / rel) == _normalized(committed / rel)
        else:
            same = (fresh / rel).read_bytes() == (committed / rel).read_bytes()
        assert same, f"exercises/student/{name}/{rel} is out of date: run `make assignments`"


def test_rebuild_is_byte_identical(built):
    """Nothing nondeterministic (cell ids, timestamps) leaks into the student notebooks."""
    for name in NAMES:
        nb = f"{name}/{name}.ipynb"
        assert (built / "student" / nb).read_bytes() == (COMMITTED / nb).read_bytes(), nb


@pytest.mark.parametrize("name", NAMES)
def test_student_notebook_first_cell_installs_for_colab(name):
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url = config["repository"]["url"].rstrip("/")
    ref = config["repository"]["branch"]  # the launch ref (exercises/tools/launch.py)
    nb = h.load(COMMITTED / name / f"{name}.ipynb")
    first = nb.cells[0].source
    assert nb.cells[0].cell_type == "code"
    assert 'if "google.colab" in sys.modules:' in first
    assert re.search(r'%pip install -q --no-deps "otter-grader[^"]*" ', first)
    assert f'"scratchlib @ git+{url}@{ref}"' in first
    assert f"--branch {ref} {url} " in first
    assert f"/exercises/student/{name}/tests ." in first
    assert "grader = otter.Notebook()" in nb.cells[1].source  # after the install
    # and that cell does nothing off Colab (it runs during grading, without network)
    from IPython.core.inputtransformer2 import TransformerManager

    def no_shell(*args):
        raise AssertionError(f"the Colab cell ran {args} outside Colab")

    src = TransformerManager().transform_cell(first)
    assert "run_line_magic('pip'" in src and "system(" in src
    exec(compile(src, "colab-cell", "exec"), {"get_ipython": no_shell})


@pytest.mark.parametrize("name", NAMES)
def test_students_get_no_solutions_and_no_hidden_tests(built, name):
    student = COMMITTED / name
    text = (student / f"{name}.ipynb").read_text()
    assert "BEGIN SOLUTION" not in text and "# HIDDEN" not in text
    code = "\n".join(
        c.source for c in h.load(student / f"{name}.ipynb").cells if c.cell_type == "code"
    )
    solution = h.load(built / "autograder" / f"{name}-solution.ipynb")
    answers = [  # (otter tags the Explain questions' markdown answers too)
        c
        for c in solution.cells
        if c.cell_type == "code" and "otter_assign_solution_cell" in c.metadata.get("tags", [])
    ]
    assert len(answers) >= 3
    for cell in answers:
        body = cell.source.split("# BEGIN SOLUTION\n")[1].split("# END SOLUTION")[0]
        assert body.strip() and body.strip() not in code, f"a solution leaked into {name}"
    public = "".join(p.read_text() for p in sorted((student / "tests").glob("*.py")))
    assert "'hidden': True" not in public and "'hidden': False" in public
    with zipfile.ZipFile(built / "autograder" / f"{name}.zip") as zf:
        tests = [zf.read(n).decode() for n in zf.namelist() if n.startswith("tests/")]
    assert len(tests) >= 3, "at least three questions"
    for t in tests:  # every question has public and hidden tests, all-or-nothing
        assert "'hidden': True" in t and "'hidden': False" in t and "'all_or_nothing': True" in t


@pytest.mark.parametrize("name", NAMES)
def test_points_are_read_from_the_zip_without_running_it(built, name):
    points = grade.questions(built / "autograder" / f"{name}.zip")
    assert points == master_points(name) and len(points) >= 3


# ------------------------------------------------------------------------ the book's pages


def test_exercises_page_links_every_student_notebook():
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    url, branch = config["repository"]["url"].rstrip("/"), config["repository"]["branch"]
    owner_repo = url.removeprefix("https://github.com/")
    page = (ROOT / "book" / "exercises.md").read_text()
    for name in NAMES:
        path = f"exercises/student/{name}/{name}.ipynb"
        colab = f"https://colab.research.google.com/github/{owner_repo}/blob/{branch}/{path}"
        binder = f"https://mybinder.org/v2/gh/{owner_repo}/{branch}?urlpath=lab/tree/{path}"
        assert colab in page, f"book/exercises.md: no Colab link {colab}"
        assert binder in page, f"book/exercises.md: no Binder link {binder}"
    # no link to any other repository or branch slipped in by hand
    for link in re.findall(r"https://(?:colab\.research\.google\.com|mybinder\.org)\S*", page):
        assert owner_repo in link and f"/{branch}" in link, link


def test_exercises_page_points_match_the_autograders(built):
    page = (ROOT / "book" / "exercises.md").read_text()
    sections = re.split(r"^## ", page, flags=re.M)[1:]
    assert len(sections) == len(NAMES)
    for name, section in zip(NAMES, sections, strict=True):
        listed = {q: float(p) for q, p in re.findall(r"^\| `(q\d+)` \| (\d+) \|", section, re.M)}
        assert listed == grade.questions(built / "autograder" / f"{name}.zip"), name
        assert f"{sum(listed.values()):g} points" in section, name


def test_instructor_page_and_readme_state_the_limits():
    for path in (ROOT / "book" / "instructors.md", ROOT / "exercises" / "README.md"):
        text = path.read_text()
        for needle in (
            "make assignments",
            "make grade",
            "grades.csv",
            "--no-network",
            "Gradescope",
        ):
            assert needle in text, f"{path.name} does not mention {needle}"
        assert "cannot" in text


# ------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["", "{subs}", "{out}"], "no assignment given"),
        (["02_gradient", "{tmp}/nowhere", "{out}"], "not found"),
        (["no_such_assignment", "{subs}", "{out}"], "run `make assignments`"),
        (["02_gradient", "{tmp}", "{out}"], "no .ipynb files"),
    ],
)
def test_grade_rejects_bad_input_clearly(built, tmp_path, args, message):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "a.ipynb").write_text("{}")
    fmt = {"subs": subs, "out": tmp_path / "out", "tmp": tmp_path}
    cmd = [sys.executable, "-m", "exercises.tools.grade", *(a.format(**fmt) for a in args)]
    cmd += ["--autograder-dir", str(built / "autograder")]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert proc.returncode == 2
    assert message in proc.stderr
    assert not (tmp_path / "out" / "grades.csv").exists()


def test_make_grade_requires_assignment():
    proc = subprocess.run(
        # -o: don't (re)install the venv here, only check the argument
        ["make", "-s", "-o", ".venv/.installed", "grade", "SUBMISSIONS=x"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode != 0 and "ASSIGNMENT=" in proc.stderr


# ------------------------------------------------------------------------ the sandbox


def test_without_bubblewrap_grading_stops_with_what_to_do(built, tmp_path):
    """No bwrap on PATH: exit 2 and one paragraph (what is missing, how to fix, Docker)."""
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "a.ipynb").write_text("{}")
    cmd = [sys.executable, "-m", "exercises.tools.grade", "02_gradient", str(subs)]
    cmd += [str(tmp_path / "out"), "--autograder-dir", str(built / "autograder")]
    env = {**os.environ, "PATH": str(tmp_path)}  # an empty folder: no bwrap, no setpriv
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=60, env=env)
    assert proc.returncode == 2
    message = proc.stderr
    for needle in (
        "`bwrap` program is not installed",
        "apt-get install bubblewrap",
        "kernel.apparmor_restrict_unprivileged_userns",
        "--no-network",
        "SANDBOX=none",
    ):
        assert needle in message, needle
    assert not (tmp_path / "out" / "grades.csv").exists()


def test_scores_are_recomputed_with_the_zips_points(built):
    """Whole-spec integrity: otter's own totals are never used; a re-weighted copy of a test
    (same cases, points moved to the public case, all_or_nothing off) changes nothing."""
    tests = grade.zip_tests(built / "autograder" / f"{ASSIGNMENT}.zip")
    points = master_points(ASSIGNMENT)
    nothing = dict.fromkeys(points, 0.0)

    def ran(passed: dict[str, list[bool]]) -> dict:
        return {
            q: [
                {"code": c["code"], "hidden": c["hidden"], "passed": ok}
                for c, ok in zip(grade._cases(tests[q]), passed[q], strict=True)
            ]
            for q in passed
        }

    public_only = {q: [not c["hidden"] for c in grade._cases(t)] for q, t in tests.items()}
    assert grade.rescore(tests, ran(public_only)) == (nothing, "")
    everything = {q: [True] * len(v) for q, v in public_only.items()}
    assert grade.rescore(tests, ran(everything)) == (points, "")
    # a case that is not the zip's voids the submission; a missing question is named
    forged = ran(everything)
    forged["q2"][1]["code"] = ">>> True\nTrue\n"
    scores, problem = grade.rescore(tests, forged)
    assert scores == nothing and "q2" in problem
    last = list(points)[-1]
    missing = ran({q: v for q, v in everything.items() if q != last})
    assert grade.rescore(tests, missing) == (
        {**points, last: 0.0},
        f"otter recorded no result for {last}",
    )


def test_grades_csv_keeps_the_rows_graded_before_a_crash(tmp_path):
    """Rows are appended as they come: a grader killed mid-batch leaves a readable CSV."""
    points = {"q1": 2.0, "q2": 3.0}
    grades = grade.Grades(tmp_path / "grades.csv", points)
    row = {"file": 'b "quoted", é.ipynb', "q1": 2.0, "q2": 0.0, "status": "ok", "detail": ""}
    grades.add({**row, "flags": ""})
    grades.add({**row, "file": "a.ipynb", "status": "error", "detail": "x,\ny"})
    # (no finish(): as if the grader had been killed here)
    rows = h.read_csv(tmp_path / "grades.csv")
    assert list(rows) == ['b "quoted", é.ipynb', "a.ipynb"]
    assert rows["a.ipynb"]["detail"] == "x,\ny" and rows["a.ipynb"]["total"] == "2"
    grades.finish()
    assert list(h.read_csv(tmp_path / "grades.csv")) == ["a.ipynb", 'b "quoted", é.ipynb']


def test_flags_come_from_the_bytes_read_before_grading():
    honest = json.dumps({"cells": [{"cell_type": "code", "source": "x = 1"}]}).encode()
    hostile = json.dumps({"cells": [{"cell_type": "code", "source": "import socket"}]})
    assert grade.code_flags(honest) == []
    assert grade.code_flags(hostile.encode()) == ["process-or-network"]
    assert grade.code_flags(b"not json") == []


# ------------------------------------------------------------------------ the planted batch


class Listener:
    """A TCP listener on 127.0.0.1 that records every connection (none may arrive)."""

    def __init__(self):
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.port = self.sock.getsockname()[1]
        self.connections: list = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, address = self.sock.accept()
            except OSError:
                return
            self.connections.append(address)
            conn.close()


def _tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def batch(built, tmp_path_factory):
    """Honest, wrong, broken, cheating and hostile submissions, graded as ONE batch."""
    tmp = tmp_path_factory.mktemp("batch")
    subs, out = tmp / "submissions", tmp / "out"
    subs.mkdir()
    scratch = tmp / "scratch"  # where the grader stages each submission
    scratch.mkdir()
    home = tmp / "instructor-home"  # the instructor's HOME while grading
    (home / ".ssh").mkdir(parents=True)
    (home / ".ssh" / "id_rsa").write_text(SECRET)
    repo_secret = ROOT / f".grading-test-secret-{os.getpid()}.txt"  # next to the repository
    listener = Listener()
    zip_path = built / "autograder" / f"{ASSIGNMENT}.zip"
    points = grade.questions(zip_path)
    solution = built / "autograder" / f"{ASSIGNMENT}-solution.ipynb"
    expected = h.plant_batch(
        ASSIGNMENT,
        solution,
        built / "student" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
        subs,
        points,
    )
    expected.update(
        h.plant_hostile(
            ASSIGNMENT,
            solution,
            subs,
            {
                "home_secret": home / ".ssh" / "id_rsa",
                "repo_secret": repo_secret,
                "port": listener.port,
                "out": out,
                "submissions": subs,
                "scratch": scratch,
                "marker": DAEMON,
            },
            points,
        )
    )
    # another assignment's notebook handed in here: refused by otter's assignment-name check
    nbformat.write(h.load(built / "autograder" / f"{OTHER}-solution.ipynb"), subs / "other.ipynb")
    expected["other.ipynb"] = {**dict.fromkeys(points, 0), "status": "error"}
    before = _tree(subs)
    saved = {k: os.environ.get(k) for k in ("GRADING_TEST_SECRET", "HOME")}
    os.environ.update(GRADING_TEST_SECRET=SECRET, HOME=str(home))
    repo_secret.write_text(SECRET)
    try:
        start = time.monotonic()
        rows = grade.grade(  # on the grader's own parallelism (os.cpu_count() workers)
            ASSIGNMENT,
            subs,
            out,
            timeout=TIMEOUT,
            memory_mb=2048,
            autograder_dir=built / "autograder",
            scratch_root=scratch,
        )
        seconds = time.monotonic() - start
    finally:
        repo_secret.unlink()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    time.sleep(1)  # any daemon that escaped would have started by now
    print(f"\ngraded {len(expected)} planted submissions in {seconds:.1f} s")
    return {
        "rows": h.read_csv(out / "grades.csv"),
        "points": points,
        "tests": grade.zip_tests(zip_path),
        "expected": expected,
        "out": out,
        "subs": subs,
        "before": before,
        "scratch": scratch,
        "listener": listener,
        "intervals": [(r["started"], r["finished"]) for r in rows],
    }


def test_one_csv_row_per_submission(batch):
    assert set(batch["rows"]) == set(batch["expected"])
    header = list(next(iter(batch["rows"].values())))
    questions = list(batch["points"])
    assert header == ["file", *questions, "total", "max_total", "status", "detail", "flags"]
    text = (batch["out"] / "grades.csv").read_text(encoding="utf-8")
    assert len(list(csv.reader(io.StringIO(text)))) == len(batch["expected"]) + 1


def test_every_submission_gets_exactly_its_points(batch):
    max_total = f"{sum(batch['points'].values()):g}"
    wrong = []
    for file, want in batch["expected"].items():
        row = batch["rows"][file]
        if want is None:  # checked by its own test
            continue
        got = {q: float(row[q]) for q in batch["points"]}
        if want["status"] is None:  # either outcome is fine, as long as nothing was gained
            status_ok = row["status"] in ("ok", "error")
        else:
            status_ok = row["status"] == want["status"]
        if not status_ok or got != {q: float(want[q]) for q in got}:
            wrong.append((file, want, row))
        assert float(row["total"]) == sum(got.values()) and row["max_total"] == max_total, row
    assert wrong == []
    # the batch holds each kind: the solution, wrong answers planted next to the master,
    # cheats and hostile ones (a renamed plant must not silently drop out)
    kinds = {f.split("_")[0] for f in batch["expected"]}
    assert {"solution.ipynb", "wrong", "cheat", "hostile"} <= kinds


def test_timeout_and_errors_say_why(batch):
    rows = batch["rows"]
    assert "not a readable notebook" in rows["not_a_notebook.ipynb"]["detail"]
    assert "changed or replaced the test files" in rows["cheat_edit_test_files.ipynb"]["detail"]
    assert "for assignment '01_minibatch'" in rows["other.ipynb"]["detail"]
    assert "too many processes" in rows["hostile_fork_bomb.ipynb"]["detail"]
    assert "killed by SIGKILL" in rows["hostile_signals.ipynb"]["detail"]
    for name, row in rows.items():
        assert "Kernel is running over TCP" not in row["detail"], name
        if row["status"] == "ok":
            assert row["detail"] == "", name


def test_honest_oddities_are_graded_like_the_solution(batch):
    """No otter metadata, a syntax error, a mid-notebook chdir: full marks, no accusation;
    the syntax error is what the student's feedback shows, and it is in the log."""
    row = batch["rows"]["honest_oddities.ipynb"]
    assert (row["status"], row["detail"], row["flags"]) == ("ok", "", "")
    assert row["total"] == row["max_total"]
    feedback = (batch["out"] / "feedback" / "honest_oddities.txt").read_text()
    assert "SyntaxError" in feedback and "NameError" not in feedback
    assert "SyntaxError" in (batch["out"] / "logs" / "honest_oddities.log").read_text()


def test_memory_limit_applies_in_the_kernel(batch):
    feedback = (batch["out"] / "feedback" / "huge_allocation.txt").read_text()
    assert "MemoryError" in feedback
    row = batch["rows"]["huge_allocation.ipynb"]
    assert row["total"] == row["max_total"]


def test_the_batch_ran_in_parallel_and_nothing_outlived_it(batch):
    # as many submissions graded at once as there are cores (never more)
    events = sorted(
        [(a, 1) for a, _ in batch["intervals"]] + [(b, -1) for _, b in batch["intervals"]]
    )
    running, most = 0, 0
    for _, step in events:
        running += step
        most = max(most, running)
    assert most == min(os.cpu_count() or 1, len(batch["intervals"]))
    leftovers = [
        p.info["pid"]
        for p in psutil.process_iter(["pid", "cmdline"])
        if DAEMON in " ".join(p.info["cmdline"] or [])
    ]
    leftovers += [
        p.pid
        for p in psutil.Process().children(recursive=True)
        if p.name() == "bwrap" or "runner.py" in " ".join(p.cmdline())
    ]
    assert leftovers == [], "a sandbox process (the daemon, a kernel) outlived the batch"
    assert list(batch["scratch"].iterdir()) == []  # every staging folder was removed


def test_no_hostile_submission_reached_anything(batch):
    out = batch["out"]
    # nothing read: the secrets (instructor HOME, next to the repository, the grader's
    # environment, /etc/shadow) are in no output, feedback or log
    for path in out.rglob("*"):
        if path.is_file():
            text = path.read_bytes()
            assert SECRET.encode() not in text, f"a secret leaked into {path}"
    # (the attempts did run: its last cell raised what it had gathered)
    log = (out / "logs" / "hostile_reach_out.log").read_text(errors="replace")
    assert "raised RuntimeError" in log
    # nothing sent: the listener on 127.0.0.1 saw no connection
    assert batch["listener"].connections == []
    # nothing written outside the sandbox: the submissions unchanged, OUT holds only ours
    assert _tree(batch["subs"]) == batch["before"]
    names = {p.stem for p in batch["subs"].glob("*.ipynb")}
    assert {p.name for p in out.iterdir()} == {"grades.csv", "feedback", "logs"}
    assert {p.stem for p in (out / "feedback").iterdir()} == names
    assert {p.stem for p in (out / "logs").iterdir()} == names
    assert "pwned" not in (out / "logs" / "solution.log").read_text()
    # the grader survived its signals (this process, and the batch, are complete)
    assert len(batch["rows"]) == len(batch["expected"])


def test_outputs_have_consistent_permissions(batch):
    modes = {
        p.stat().st_mode & 0o777 for p in [batch["out"] / "grades.csv", *batch["out"].glob("*/*")]
    }
    umask = os.umask(0)
    os.umask(umask)
    assert modes == {0o666 & ~umask}


def test_feedback_per_student_shows_public_tests_only(batch):
    feedback = batch["out"] / "feedback"
    points = batch["points"]
    (plant,) = [f for f in batch["expected"] if f.startswith("wrong_q2_")]
    text = (feedback / f"{Path(plant).stem}.txt").read_text()
    q1, q2, total = points["q1"], points["q2"], sum(points.values())
    assert f"q2: 0 / {q2:g}" in text and f"q1: {q1:g} / {q1:g}" in text
    assert f"total: {total - q2:g} / {total:g}" in text
    assert "Public tests:" in text
    assert "# HIDDEN" not in text
    # no line of hidden test code (that the public tests do not show as well) in any feedback
    cases = [c for t in batch["tests"].values() for c in grade._cases(t)]
    public = "\n".join(c["code"] for c in cases if not c["hidden"])
    hidden = {
        line.strip().removeprefix(">>> ").removeprefix("... ").strip()
        for c in cases
        if c["hidden"]
        for line in c["code"].splitlines()
    }
    hidden = {line for line in hidden if len(line) >= 20 and line not in public}
    assert hidden
    for path in feedback.iterdir():
        leaked = [line for line in hidden if line in path.read_text()]
        assert leaked == [], f"hidden test text in {path.name}"
    assert (batch["out"] / "logs" / "solution.log").stat().st_size > 0
    # no grading paths (the venv, the staging or otter folders, the repository); the hostile
    # one dumps its sandbox's process list, whose /tmp is its own: no host path there either
    for path in feedback.iterdir():
        text = path.read_text()
        needles = [".venv", "site-packages", "/grading/", str(ROOT), str(batch["scratch"])]
        if path.stem != "hostile_reach_out":
            needles.append("/tmp/")
        for needle in needles:
            assert needle not in text, f"{needle} in {path.name}"


def test_hidden_tests_come_from_the_zip_not_the_submission(batch):
    meta = h.otter_metadata(batch["subs"] / "cheat_metadata_tests.ipynb")
    assert set(meta["tests"]) == set(batch["points"])  # the cheat really carried tests
    assert batch["rows"]["cheat_metadata_tests.ipynb"]["total"] == "0"


def test_flags_point_at_hostile_code_but_not_at_honest_code(batch):
    rows = batch["rows"]
    assert rows["solution.ipynb"]["flags"] == ""
    for file in rows:
        if file.startswith("wrong_"):  # honest code, wrong answers
            assert rows[file]["flags"] == "", file
    assert "patches-library" in rows["cheat_patch_libraries.ipynb"]["flags"]
    assert "file-access" in rows["cheat_edit_test_files.ipynb"]["flags"]
    assert "file-access" in rows["hostile_reach_out.ipynb"]["flags"]
    assert "otter-internals" in rows["cheat_forge_otter.ipynb"]["flags"]
    assert "builtins" in rows["cheat_import_hook.ipynb"]["flags"]
    assert "process-or-network" in rows["hostile_fork_bomb.ipynb"]["flags"]
    assert all("unsandboxed" not in row["flags"] for row in rows.values())


def test_forging_results_inside_the_kernel_is_the_documented_limit(batch):
    """A submission that rewrites otter's test runner in its own kernel forges full marks.

    No otter setup (otter run, otter grade in Docker, Gradescope, this sandbox) prevents this:
    the tests run in the submission's Python process. The row is flagged for a human; see
    exercises/README.md. If this test fails because the forge stopped working, update the
    README and this test.
    """
    row = batch["rows"]["cheat_forge_otter.ipynb"]
    assert row["status"] == "ok" and row["total"] == row["max_total"]
    assert "otter-internals" in row["flags"]


def test_an_endless_loop_is_killed_at_the_timeout(built, tmp_path):
    """Its own small batch, with a short timeout (the planted batch's is generous, for a
    loaded machine): status `timeout`, said in the feedback, the sandbox gone."""
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    sol = h.load(built / "autograder" / f"{ASSIGNMENT}-solution.ipynb")
    h.write(
        h.insert_cell(sol, h.first_answer_cell(sol), "while True:\n    pass"), subs / "loop.ipynb"
    )
    timeout = 8.0
    start = time.monotonic()
    (row,) = grade.grade(
        ASSIGNMENT, subs, out, timeout=timeout, autograder_dir=built / "autograder"
    )
    assert time.monotonic() - start < timeout + 15, "the loop was not stopped at its timeout"
    assert row["status"] == "timeout"
    assert f"no result within {timeout:g} s" in row["detail"]
    assert "timeout" in (out / "feedback" / "loop.txt").read_text()
    assert h.read_csv(out / "grades.csv")["loop.ipynb"]["total"] == "0"
    leftovers = [
        p.pid
        for p in psutil.Process().children(recursive=True)
        if p.name() == "bwrap" or "runner.py" in " ".join(p.cmdline())
    ]
    assert leftovers == []


def test_unsandboxed_grading_warns_and_marks_every_row(built, tmp_path):
    """SANDBOX=none: a warning, every row marked `unsandboxed`; grades.csv replaced
    atomically (no temporary file left, the old content gone)."""
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    out.mkdir()
    (out / "grades.csv").write_text("old\n")
    nbformat.write(h.load(built / "student" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), subs / "a.ipynb")
    cmd = [sys.executable, "-m", "exercises.tools.grade", ASSIGNMENT, str(subs), str(out)]
    cmd += ["--autograder-dir", str(built / "autograder"), "--sandbox", "none"]
    cmd += ["--timeout", str(TIMEOUT)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "WITHOUT a sandbox" in proc.stderr
    row = h.read_csv(out / "grades.csv")["a.ipynb"]
    assert (row["status"], row["total"], row["flags"]) == ("ok", "0", "unsandboxed")
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
