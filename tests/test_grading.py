"""Graded exercises (issues 5 and 16): the build, the committed student notebooks, the book's
links, the judge's decoding and rules, and batch grading of planted submissions.

The masters are built once into a temporary folder (that build is also what the committed
student notebooks are compared with, and what the planted submissions are made from). One
batch of 02_gradient submissions, honest, wrong (the master's own planted wrong answers),
broken, the issue's cheats, attacks on the judge and hostile ones together, is graded in
parallel through the same code as `make grade`, and the tests assert on its verdicts and CSV;
a second, short batch has the endless loops. Finally a copy of the repository under /tmp, with
a virtual environment of its own made from the system's Python, grades a few submissions as
this user and as an unprivileged one, as a course's instructor or CI would. (Every planted
wrong answer of every master is checked in-process by tests/test_exercises.py.)
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import _grading_helpers as h
import nbformat
import numpy as np
import psutil
import pytest
import yaml

from exercises.tools import (
    ROOT,
    batch,
    build,
    check_planted,
    checks,
    flags,
    judge,
    master,
    probe,
    sandbox,
    submission,
)

COMMITTED = ROOT / "exercises" / "student"
NAMES = build.master_names()
ASSIGNMENT = "02_gradient"  # the one the batches grade
OTHER = next(n for n in NAMES if n != ASSIGNMENT)  # handed in for ASSIGNMENT by mistake
TIMEOUT = 120.0  # per submission in the planted batch; a normal one takes ~3 s of CPU
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


def master_points(name: str, manual: bool = False) -> dict[str, float]:
    """Question -> points of the auto-graded questions (with manual=True: of the manual ones),
    read from the master's own question headers with yaml (the oracle, independent of
    exercises/tools/master.py)."""
    nb = h.load(build.MASTERS / f"{name}.ipynb")
    points = {}
    for cell in nb.cells:
        if cell.cell_type == "raw" and cell.source.lstrip().startswith("# BEGIN QUESTION"):
            config = yaml.safe_load(cell.source.split("\n", 1)[1])
            if bool(config.get("manual")) == manual:
                points[config["name"]] = float(config["points"])
    return points


def _normalized(nb_path: Path) -> dict:
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        cell.pop("id", None)  # deterministic already (renumbered); don't fail on that alone
        cell.pop("execution_count", None)
    return nb


def _total(verdict: dict) -> float:
    return sum(q["points"] for q in verdict["questions"].values() if not q["manual"])


# ------------------------------------------------------------------------ building, committed


def test_every_master_is_built(built):
    assert NAMES and ASSIGNMENT in NAMES
    for name in NAMES:
        assert (built / "autograder" / f"{name}-solution.ipynb").is_file()
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
    # and that cell does nothing off Colab
    from IPython.core.inputtransformer2 import TransformerManager

    def no_shell(*args):
        raise AssertionError(f"the Colab cell ran {args} outside Colab")

    src = TransformerManager().transform_cell(first)
    assert "run_line_magic('pip'" in src and "system(" in src
    exec(compile(src, "colab-cell", "exec"), {"get_ipython": no_shell})


@pytest.mark.parametrize("name", NAMES)
def test_students_get_no_solutions_and_no_hidden_checks(built, name):
    student = COMMITTED / name
    text = (student / f"{name}.ipynb").read_text()
    assert "BEGIN SOLUTION" not in text
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
    # nothing of the checks file reaches what students or the zip get: no hidden input (a
    # line of a probe), no check's message
    assignment = judge.Assignment.load(name)
    public_tests = "".join(s for q in assignment.master.graded.values() for s in q.public)
    secret = [c.message for c in assignment.checks]
    secret += [  # (a probe may reuse a public test's input: that one is no secret)
        line.strip()
        for p in assignment.probes
        for line in p["source"].splitlines()[1:]
        if len(line.strip()) >= 20 and line.strip() not in public_tests
    ]
    public = "".join(p.read_text() for p in sorted((student / "tests").glob("*.py")))
    with zipfile.ZipFile(built / "autograder" / f"{name}.zip") as zf:
        shipped = public + "".join(zf.read(n).decode(errors="replace") for n in zf.namelist())
    leaked = [s for s in secret if s in shipped or s in text]
    assert leaked == []
    assert len(list((student / "tests").glob("*.py"))) >= 3, "at least three questions"


@pytest.mark.parametrize("name", NAMES)
def test_public_tests_run_in_otter_with_one_message(built, name):
    """otter's own loader runs the built public tests: the solution passes them all; on the
    blank notebook each fails with "<q>: not answered yet — " and shows the student one
    message, not a doctest transcript."""
    from otter.test_files import ExceptionTestFile

    solved = master.execute(master.load_master(name).code)
    blank = master.execute(check_planted.student_code(name))
    for path in sorted((built / "student" / name / "tests").glob("*.py")):
        test = ExceptionTestFile.from_file(str(path))
        test.run(solved)
        assert all(r.passed for r in test.test_case_results), (path.name, test.summary())
        test.run(blank)
        (result,) = test.test_case_results
        assert not result.passed
        assert f"{test.name}: {check_planted.NOT_ANSWERED} — " in result.message
        assert "Trying:" not in result.message and len(result.message.splitlines()) <= 5


@pytest.mark.parametrize("name", NAMES)
def test_points_come_from_the_master(built, name):
    config = judge.Assignment.load(name).config
    points = {q: c["points"] for q, c in config["questions"].items() if not c["manual"]}
    assert points == master_points(name) and len(points) >= 3
    with zipfile.ZipFile(built / "autograder" / f"{name}.zip") as zf:  # what otter shows
        for q, p in points.items():
            assert re.search(rf"^points = {p:g}$", zf.read(f"tests/{q}.py").decode(), re.M)


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
    for link in re.findall(r"https://(?:colab\.research\.google\.com|mybinder\.org)\S*", page):
        assert owner_repo in link and f"/{branch}" in link, link


def test_exercises_page_points_match_the_masters():
    page = (ROOT / "book" / "exercises.md").read_text()
    sections = re.split(r"^## ", page, flags=re.M)[1:]
    assert len(sections) == len(NAMES)
    for name, section in zip(NAMES, sections, strict=True):
        listed = {q: float(p) for q, p in re.findall(r"^\| `(q\d+)` \| (\d+) \|", section, re.M)}
        assert listed == master_points(name), name
        assert f"{sum(listed.values()):g} points" in section, name


def test_instructor_page_and_readme_state_the_limits():
    """Both pages have a section on what the grading cannot defend against, and it names the
    flag of what can still be gamed: an answer taken from the course library (issue 16)."""
    flag = "course-library"
    assert f'found.append("{flag}")' in Path(flags.__file__).read_text(encoding="utf-8")
    for path in (ROOT / "book" / "instructors.md", ROOT / "exercises" / "README.md"):
        text = path.read_text(encoding="utf-8")
        for needle in ("make assignments", "make grade", "grades.csv", "Gradescope"):
            assert needle in text, f"{path.name} does not mention {needle}"
        limits = [s for s in re.split(r"^## ", text, flags=re.M) if "cannot" in s.split("\n")[0]]
        assert len(limits) == 1, f"{path.name}: no section headed with what the grading cannot do"
        assert f"`{flag}`" in limits[0], f"{path.name}: the limits do not name the {flag} flag"


# ------------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["", "{subs}", "{out}"], "no assignment given"),
        (["02_gradient", "{tmp}/nowhere", "{out}"], "not found"),
        (["no_such_assignment", "{subs}", "{out}"], "no master notebook"),
        (["02_gradient", "{tmp}", "{out}"], "no .ipynb files"),
    ],
)
def test_grade_rejects_bad_input_clearly(tmp_path, args, message):
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "a.ipynb").write_text("{}")
    fmt = {"subs": subs, "out": tmp_path / "out", "tmp": tmp_path}
    cmd = [sys.executable, "-m", "exercises.tools.grade", *(a.format(**fmt) for a in args)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=120)
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


def test_without_bubblewrap_grading_stops_with_what_to_do(tmp_path):
    """No bwrap on PATH: exit 2 and one paragraph (what is missing, how to fix, the option)."""
    subs = tmp_path / "subs"
    subs.mkdir()
    (subs / "a.ipynb").write_text("{}")
    cmd = [sys.executable, "-m", "exercises.tools.grade", "02_gradient", str(subs)]
    cmd += [str(tmp_path / "out")]
    env = {**os.environ, "PATH": str(tmp_path)}  # an empty folder: no bwrap, no setpriv
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=120, env=env)
    assert proc.returncode == 2
    for needle in ("`bwrap`", "apt-get install bubblewrap", "SANDBOX=none"):
        assert needle in proc.stderr, needle
    assert not (tmp_path / "out" / "grades.csv").exists()


def test_a_mount_that_fails_is_named_with_its_path(tmp_path):
    env = batch.runner_env()
    shown = sandbox.interpreter_paths(sys.executable, env)
    missing = tmp_path / "not-there"
    with pytest.raises(sandbox.SandboxUnavailable) as e:
        sandbox.check_available(env, [*shown, ("a test folder", missing)])
    assert f"mounting a test folder {missing}" in str(e.value)


def test_an_interpreter_the_sandbox_does_not_show_is_named(tmp_path):
    env = batch.runner_env()
    shown = [  # everything but the environment the interpreter runs from
        (what, p)
        for what, p in sandbox.interpreter_paths(sys.executable, env)
        if not Path(sys.prefix).is_relative_to(p)
        and not Path(sys.executable).parent.is_relative_to(p)
    ]
    with pytest.raises(sandbox.SandboxUnavailable) as e:
        sandbox.check_available(env, shown)
    assert sys.executable in str(e.value) or sys.prefix in str(e.value)


def test_the_sandbox_shows_what_the_interpreter_imports_and_nothing_of_the_repository():
    shown = dict((str(p), what) for what, p in sandbox.interpreter_paths())
    import scratchlib

    library = str(Path(scratchlib.__file__).parent)
    assert any(library == p or library.startswith(p + "/") for p in shown)
    assert any(sys.prefix == p or sys.prefix.startswith(p + "/") for p in shown)
    for path in shown:
        assert path != str(ROOT) and not Path(ROOT, "tests").is_relative_to(path)
        assert not Path(path).is_relative_to(ROOT / "exercises")


def test_writable_places_are_mounted_before_what_they_would_hide(tmp_path):
    """A checkout under the sandbox's HOME or /tmp: the tmpfs comes first, the checkout's
    folders are mounted on top of it (bwrap applies its options in order)."""
    staging = tmp_path / "staging"
    staging.mkdir()
    sandbox.stage(staging, 0)
    shown = [
        ("the Python environment", Path(sandbox.HOME, "course", ".venv")),
        ("the course library", Path(sandbox.TMP, "clone", "scratchlib")),
    ]
    cmd = sandbox.wrap(["true"], staging=staging, slot=0, env={}, shown=shown)

    def position(*args: str) -> int:
        return next(i for i in range(len(cmd)) if cmd[i : i + len(args)] == list(args))

    for _, path in shown:
        writable = sandbox.HOME if path.is_relative_to(sandbox.HOME) else sandbox.TMP
        bind = position("--ro-bind", str(path), str(path))
        assert position("--tmpfs", writable) < position("--dir", str(path.parent)) < bind
    with pytest.raises(sandbox.SandboxUnavailable):  # a venv that *is* the sandbox's /tmp
        sandbox.wrap(["true"], staging=staging, slot=0, env={}, shown=[("x", Path("/tmp"))])


def test_a_refused_user_namespace_is_explained_by_this_machines_settings(monkeypatch):
    settings = {"kernel/apparmor_restrict_unprivileged_userns": "1"}
    monkeypatch.setattr(sandbox, "_sysctl", settings.get)
    assert "kernel.apparmor_restrict_unprivileged_userns = 1" in sandbox._namespace_facts()
    monkeypatch.setattr(sandbox, "_sysctl", {}.get)
    assert sandbox._namespace_facts() == ""  # no setting that forbids them: no guess


# ------------------------------------------------------------------------ the judge


def _round_trip(value):
    return judge.decode(judge.loads(json.dumps(probe.encode(value))))


def test_decoding_keeps_the_types_the_rules_judge():
    values = [
        3,
        np.int64(3),
        0.5,
        np.float32(0.5),
        float("nan"),
        -float("inf"),
        True,
        np.bool_(True),
        None,
        "B",
        (1, 2.0),
        [1, [2, 3]],
        {"x after": np.arange(6.0).reshape(2, 3), 4: [None]},
        np.array([[1, 2]], dtype=np.int32),
        np.array([np.nan, 1.0]),
        np.zeros((0, 3)),
    ]
    for value in values:
        got = _round_trip(value)
        assert checks.equal()(got, value), (value, got)
        assert type(got) is type(value)
    assert isinstance(_round_trip(object()), checks.Other)
    assert isinstance(_round_trip(np.array([object()])), checks.Other)
    assert not checks.equal()(_round_trip(np.int64(3)), 3)  # a Python int is not numpy's
    assert not checks.equal()(_round_trip(3.0), 3)


@pytest.mark.parametrize(
    "text",
    [
        '{"float": NaN}',
        '{"float": 1e999}',
        '{"int": true}',
        '{"int": 1, "str": "x"}',
        '{"magic": 1}',
        '{"list": {"int": 1}}',
        '{"ndarray": {"dtype": "object", "shape": [1], "data": [1]}}',
        '{"ndarray": {"dtype": "float64", "shape": [2, 2], "data": [1.0]}}',
        '{"ndarray": {"dtype": "int8", "shape": [1], "data": [300]}}',
        '{"ndarray": {"dtype": "bool", "shape": [1], "data": [1]}}',
        '{"ndarray": {"dtype": "float64", "shape": [-1], "data": []}}',
        '{"dict": [[{"list": []}, {"int": 1}]]}',
        '{"dict": [[{"int": 1}, {"int": 1}], [{"int": 1}, {"int": 2}]]}',
        '{"npscalar": {"dtype": "complex128", "value": 1}}',
        '{"list": [' * 200 + "]" * 200,
        '{"ndarray": {"dtype": "float64", "shape": [2000000], "data": []}}',
        "[" * 100000 + "]" * 100000,
    ],
)
def test_malformed_data_is_no_data(text):
    with pytest.raises(judge.Malformed):
        judge.decode(judge.loads(text))
    assert judge.decode_outcome({"value": text}).why == judge.NO_DATA


def test_rules_judge_plain_values():
    close, equal, choice = checks.close(), checks.equal(), checks.choice()
    assert close(0.1 + 0.2, 0.3) and close([1, 2.0], np.array([1.0, 2.0]))
    assert not close([1.0, 2.0], [[1.0, 2.0]]) and not close(True, 1.0) and not close("1", 1.0)
    assert close(float("nan"), float("nan")) and not close(1.0, float("nan"))
    assert not close(float("inf"), 1e308) and close(-float("inf"), -float("inf"))
    assert close(checks.Other("x"), 1.0) is False
    assert equal(None, None) and not equal(np.array([1.0]), np.array([1], dtype=np.int64))
    assert choice(" b ", "B") and not choice(["B"], "B") and not choice(66, "B")
    assert checks.within(1, 2)(1.5, None) and not checks.within(1, 2)([1.5], None)


def test_forged_data_earns_nothing_without_the_right_values():
    """What a submission that rewrites the harness can send: anything, but only the right
    values pass a check."""
    assignment = judge.Assignment.load(ASSIGNMENT)
    forgeries = [
        {"value": {"bool": True}},
        {"value": {"str": "passed"}},
        {"value": {"other": "all tests passed"}},
        {"value": {"float": "nan"}},
        {"value": {"dict": []}},
        {"passed": True},
        "ok",
    ]
    for forged in forgeries:
        results = judge.decode_results({p["name"]: forged for p in assignment.probes})
        judged = judge.judge_checks(assignment, results)
        assert not any(c["passed"] for q in judged.values() for c in q), forged
    # and the right values do pass: the reference itself
    judged = judge.judge_checks(assignment, assignment.reference)
    assert all(c["passed"] for q in judged.values() for c in q)


def test_flags_name_each_kind_of_suspicious_code():
    cases = {
        "doctest": "import doctest\ndoctest.DocTestRunner.summarize = f",
        "pickle": "class P:\n    def __reduce__(self):\n        return (print, ())",
        "ctypes": "import ctypes\nctypes.CDLL(None)",
        "process-control": "libc.ptrace(16, 1, 0, 0)",
        "otter-internals": "from otter.test_files import ok_test",
        "harness": "get_ipython().events.register('post_run_cell', f)",
        "patches-library": "json.dumps = f",
        "builtins": "sys.modules['builtins'] = x",
        "file-access": "open('/etc/passwd').read()",
        "process-or-network": "import socket",
    }
    for flag, code in cases.items():
        assert flag in flags.code_flags(code), (flag, code)
    honest = "import numpy as np\n\ndef f(x):\n    return np.sum(x ** 2)\n"
    assert flags.code_flags(honest) == []
    name = ASSIGNMENT
    assignment = judge.Assignment.load(name)
    answers = {p for spec in assignment.probes for p in spec["params"]}
    library = flags.CourseLibrary.of(
        COMMITTED / name / f"{name}.ipynb", assignment.master.code, answers
    )
    handed_out = "from scratchlib.gradient import numerical_gradient as numerical_gradient_lib"
    uses = (
        "def gradient_descent(f, init_x, lr=0.01, step_num=100):\n    numerical_gradient_lib(f, x)"
    )
    assert flags.code_flags(handed_out, library, [handed_out, uses]) == []
    mentioned = "from scratchlib import sigmoid  # the question invites checking with it"
    assert flags.code_flags(mentioned, library, [mentioned]) == []
    for taken in (
        "from scratchlib.gradient import numerical_gradient",  # binds an answer's name
        "numerical_gradient = numerical_gradient_lib",  # the same, with the handed-out one
        "def numerical_gradient(f, x, h=1e-4):\n    return numerical_gradient_lib(f, x, h)",
        "from scratchlib.trainer import train",  # neither handed out nor named
    ):
        assert flags.code_flags(taken, library, [handed_out, taken]) == ["course-library"], taken


def test_stripping_keeps_the_cells_and_nothing_else(monkeypatch):
    nb = h.with_saved_plots(h.load(COMMITTED / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"), 2)
    nb.metadata["otter"] = {"assignment_name": ASSIGNMENT, "tests": {"q1": "x"}}
    data = nbformat.writes(nb).encode()
    sub = submission.strip(data)
    assert [c.source for c in sub.cells] == [c.source for c in nb.cells]
    stripped = sub.notebook
    assert stripped["metadata"] == {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
    }
    code = [c for c in stripped["cells"] if c["cell_type"] == "code"]
    assert all(c["outputs"] == [] and c["metadata"] == {} for c in code)
    assert sub.stripped_bytes > 2 * 10**6 and sub.assignment == ASSIGNMENT
    # the handed-out helper cells do not run; the answers do
    checks_cells = [c for c in sub.cells if c.source.startswith("grader.check(")]
    assert checks_cells and all(c.generated for c in checks_cells)
    assert not any(c.generated for c in sub.cells if "def " in c.source)
    assert sub.question_of(checks_cells[0].number) == "q1"
    assert sub.question_of(len(sub.cells)) is None
    monkeypatch.setattr(submission, "MAX_BYTES", 1000)
    with pytest.raises(submission.Unreadable) as e:
        submission.strip(data)
    assert e.value.kind == "too-large"
    for broken in (b'{"cells": [', b"\xff\xfe", b'{"nbformat": 3, "cells": []}', b"[]"):
        with pytest.raises(submission.Unreadable) as e:
            submission.strip(broken)
        assert e.value.kind == "unreadable"


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


def _leftovers() -> list[int]:
    found = [
        p.info["pid"]
        for p in psutil.process_iter(["pid", "cmdline"])
        if DAEMON in " ".join(p.info["cmdline"] or [])
    ]
    return found + [
        p.pid
        for p in psutil.Process().children(recursive=True)
        if p.name() == "bwrap" or "runner.py" in " ".join(p.cmdline())
    ]


@pytest.fixture(scope="module")
def batch_result(built, tmp_path_factory):
    """Honest, wrong, broken, cheating, attacking and hostile submissions, graded as ONE
    batch (as `make grade` does, on the machine's cores)."""
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
    points = master_points(ASSIGNMENT)
    solution = built / "autograder" / f"{ASSIGNMENT}-solution.ipynb"
    student = built / "student" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    expected = h.plant_batch(ASSIGNMENT, solution, student, subs, points)
    targets = {
        "home_secret": home / ".ssh" / "id_rsa",
        "repo_secret": repo_secret,
        "port": listener.port,
        "out": out,
        "submissions": subs,
        "scratch": scratch,
        "marker": DAEMON,
    }
    expected.update(h.plant_hostile(ASSIGNMENT, solution, subs, targets, points))
    # another assignment's notebook handed in here
    nbformat.write(h.load(built / "autograder" / f"{OTHER}-solution.ipynb"), subs / "other.ipynb")
    expected["other.ipynb"] = {**dict.fromkeys(points, 0), "status": "error"}
    before = _tree(subs)
    saved = {k: os.environ.get(k) for k in ("GRADING_TEST_SECRET", "HOME")}
    os.environ.update(GRADING_TEST_SECRET=SECRET, HOME=str(home))
    repo_secret.write_text(SECRET)
    try:
        verdicts = batch.grade(
            ASSIGNMENT,
            subs,
            out,
            batch.Settings(timeout=TIMEOUT, memory_mb=2048),
            scratch_root=scratch,
        )
    finally:
        repo_secret.unlink()
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return {
        "verdicts": {v["file"]: v for v in verdicts},
        "rows": h.read_csv(out / "grades.csv"),
        "points": points,
        "expected": expected,
        "out": out,
        "subs": subs,
        "before": before,
        "scratch": scratch,
        "listener": listener,
    }


def test_one_row_and_one_verdict_per_submission(batch_result):
    expected, out = batch_result["expected"], batch_result["out"]
    assert set(batch_result["rows"]) == set(expected) == set(batch_result["verdicts"])
    assert {p.stem for p in (out / "verdicts").glob("*.json")} == {Path(f).stem for f in expected}
    for path in (out / "verdicts").glob("*.json"):
        verdict = judge.loads(path.read_text(encoding="utf-8"))  # strict: plain JSON only
        assert verdict == batch_result["verdicts"][verdict["file"]]


def test_every_submission_gets_exactly_its_points(batch_result):
    wrong = []
    for file, want in batch_result["expected"].items():
        v = batch_result["verdicts"][file]
        got = {q: r["points"] for q, r in v["questions"].items() if not r["manual"]}
        status_ok = (
            v["status"] in ("ok", "error")
            if want["status"] is None
            else (v["status"] == want["status"])
        )
        auto = set(batch_result["points"])  # every auto-graded question, whatever the verdict
        complete = v["status"] != "ok" or set(got) == auto
        exact = all(got.get(q, 0.0) == float(want[q]) for q in auto)
        if not (status_ok and complete and exact):
            wrong.append((file, want, v["status"], got, v["problem"]))
        row = batch_result["rows"][file]
        assert float(row["total"]) == _total(v), row
        manual = master_points(ASSIGNMENT, manual=True)
        assert float(row["max_total"]) == sum(batch_result["points"].values()) + sum(
            manual.values()
        )
    assert wrong == []
    kinds = {f.split("_")[0] for f in batch_result["expected"]}
    assert {"solution.ipynb", "wrong", "cheat", "attack", "hostile"} <= kinds


def test_blank_answers_are_told_apart_from_wrong_ones(batch_result):
    """A question whose answer cells are still as handed out is "not answered" (the feedback
    says so instead of listing every check); a wrong answer is answered."""
    verdicts = batch_result["verdicts"]

    def answered(file: str) -> set[bool]:
        questions = verdicts[file]["questions"].values()
        return {q["answered"] for q in questions if not q["manual"]}

    assert answered("empty.ipynb") == answered("cheat_doctest_patch.ipynb") == {False}
    assert answered("solution.ipynb") == {True}
    for file in verdicts:
        if file.startswith("wrong_"):
            assert answered(file) == {True}, file


def test_the_issues_cheats_earn_nothing(batch_result):
    """The doctest patch, the pickle payload and the forged otter results, on blank answers."""
    for file in ("cheat_doctest_patch", "cheat_pickle_payload", "cheat_forge_otter"):
        v = batch_result["verdicts"][f"{file}.ipynb"]
        assert (v["status"], _total(v)) == ("ok", 0), file


def test_a_notebook_of_saved_plots_grades_like_its_stripped_self(batch_result):
    big = batch_result["verdicts"]["saved_plots.ipynb"]
    plain = batch_result["verdicts"]["solution.ipynb"]
    size = (batch_result["subs"] / "saved_plots.ipynb").stat().st_size
    assert size > 75 * 10**6 and big["stripped_bytes"] > size - 10**6
    assert (big["status"], big["questions"]) == (plain["status"], plain["questions"])


def test_attacks_that_would_end_the_run_early_cost_nothing(batch_result):
    """An early `done` and a forked process that keeps the kernel's sockets open: full marks,
    and the row was complete when the runner said so (not a timeout)."""
    for file in ("attack_early_done", "attack_fork_keeps_sockets"):
        v = batch_result["verdicts"][f"{file}.ipynb"]
        assert (v["status"], v["problem"]) == ("ok", None), file
        assert _total(v) == sum(batch_result["points"].values()), file


def test_problems_say_what_happened(batch_result):
    verdicts = batch_result["verdicts"]
    kinds = {
        "not_a_notebook.ipynb": "unreadable",
        "other.ipynb": "other-assignment",
        "hostile_fork_bomb.ipynb": "too-many-processes",
        "hostile_signals.ipynb": "ended",  # it killed the grading process, not the kernel
    }
    for file, kind in kinds.items():
        assert verdicts[file]["problem"]["kind"] == kind, verdicts[file]["problem"]
        assert verdicts[file]["problem"]["text"]
    for file, v in verdicts.items():
        if v["status"] == "ok":
            assert v["problem"] is None, file


def test_cell_errors_are_named_by_question_and_cell(batch_result):
    """No otter metadata, a syntax error, a mid-notebook chdir: full marks, no flag; the
    syntax error is named by its cell's number and question."""
    v = batch_result["verdicts"]["honest_oddities.ipynb"]
    assert (v["status"], v["flags"]) == ("ok", [])
    assert _total(v) == sum(batch_result["points"].values())
    nb = h.load(batch_result["subs"] / "honest_oddities.ipynb")
    cell = next(i for i, c in enumerate(nb.cells, start=1) if c.source.startswith("def broken"))
    assert [(e["ename"], e["cell"], e["question"]) for e in v["cell_errors"]] == [
        ("SyntaxError", cell, "q1")
    ]
    feedback = (batch_result["out"] / "feedback" / "honest_oddities.txt").read_text()
    assert "SyntaxError" in feedback and f"cell {cell}" in feedback
    for verdict in batch_result["verdicts"].values():
        for e in verdict["cell_errors"]:
            assert "ipykernel_" not in e["evalue"], verdict["file"]


def test_memory_limit_applies_in_the_kernel(batch_result):
    v = batch_result["verdicts"]["huge_allocation.ipynb"]
    assert "MemoryError" in [e["ename"] for e in v["cell_errors"]]
    assert _total(v) == sum(batch_result["points"].values())


def test_nothing_outlived_the_batch(batch_result):
    assert _leftovers() == [], "a sandbox process (the daemon, a kernel) outlived the batch"
    assert list(batch_result["scratch"].iterdir()) == []  # every staging folder was removed


def test_no_hostile_submission_reached_anything(batch_result):
    out = batch_result["out"]
    # nothing read: the secrets (instructor HOME, next to the repository, the grader's
    # environment, /etc/shadow) are in no output, feedback, verdict or log
    for path in out.rglob("*"):
        if path.is_file():
            assert SECRET.encode() not in path.read_bytes(), f"a secret leaked into {path}"
    # (the attempts did run: its last cell raised what it had gathered)
    assert "raised" in (out / "logs" / "hostile_reach_out.log").read_text(errors="replace")
    # nothing sent: the listener on 127.0.0.1 saw no connection
    assert batch_result["listener"].connections == []
    # nothing written outside the sandbox: the submissions unchanged, nothing planted in OUT
    assert _tree(batch_result["subs"]) == batch_result["before"]
    for path in out.rglob("*"):
        assert path.name != "pwned.txt"
        if path.is_file() and path.suffix in (".csv", ".json", ".txt"):
            assert "pwned" not in path.read_text(errors="replace"), path
    # the grader survived its signals (this process, and the batch, are complete)
    assert len(batch_result["verdicts"]) == len(batch_result["expected"])


def test_outputs_have_consistent_permissions(batch_result):
    out = batch_result["out"]
    modes = {p.stat().st_mode & 0o777 for p in [out / "grades.csv", *out.glob("*/*")]}
    umask = os.umask(0)
    os.umask(umask)
    assert modes == {0o666 & ~umask}


def test_feedback_names_failed_checks_but_no_hidden_inputs(batch_result):
    """A wrong answer every public test accepts: its feedback names each failed hidden check
    with its message; no feedback shows a probe's code (the hidden inputs) or a path."""
    out, verdicts = batch_result["out"], batch_result["verdicts"]
    plant = h.hidden_only_plant(ASSIGNMENT)
    file = f"wrong_{plant.stem}.ipynb"
    question = check_planted.planted_question(plant)
    failed = [c for c in verdicts[file]["questions"][question]["checks"] if not c["passed"]]
    assert failed
    text = (out / "feedback" / f"{Path(file).stem}.txt").read_text()
    for c in failed:
        assert c["message"] in text
    assignment = judge.Assignment.load(ASSIGNMENT)
    public_tests = "".join(s for q in assignment.master.graded.values() for s in q.public)
    hidden = {
        line.strip()
        for p in assignment.probes
        for line in p["source"].splitlines()[1:]
        if len(line.strip()) >= 20 and line.strip() not in public_tests
    }
    assert hidden
    for path in (out / "feedback").iterdir():
        shown = path.read_text()
        assert [line for line in hidden if line in shown] == [], path.name
        needles = [".venv", "site-packages", "/grading/", str(ROOT), "ipykernel_"]
        needles += [str(batch_result["scratch"])]
        if path.stem != "hostile_reach_out":  # it prints its sandbox's own /tmp
            needles.append("/tmp/")
        for needle in needles:
            assert needle not in shown, f"{needle} in {path.name}"


def test_hidden_tests_in_the_metadata_never_run(batch_result):
    meta = h.otter_metadata(batch_result["subs"] / "cheat_metadata_tests.ipynb")
    assert set(meta["tests"]) == set(batch_result["points"])  # the cheat really carried tests
    assert _total(batch_result["verdicts"]["cheat_metadata_tests.ipynb"]) == 0


def test_flags_point_at_suspicious_code_but_not_at_honest_code(batch_result):
    verdicts = batch_result["verdicts"]
    for file, v in verdicts.items():
        if file.startswith(("solution", "wrong_", "empty", "honest", "saved_plots")):
            assert v["flags"] == [], file
    want = {
        "cheat_doctest_patch": "doctest",
        "cheat_pickle_payload": "pickle",
        "cheat_forge_otter": "otter-internals",
        "cheat_patch_everything": "patches-library",
        "attack_forged_records": "harness",
        "attack_patched_harness": "builtins",
        "attack_fork_keeps_sockets": "process-control",
        "hostile_ctypes": "ctypes",
        "hostile_fork_bomb": "process-control",
        "hostile_reach_out": "file-access",
        "library_answer": "course-library",
    }
    for file, flag in want.items():
        assert flag in verdicts[f"{file}.ipynb"]["flags"], (file, verdicts[f"{file}.ipynb"])
    assert "process-control" in verdicts["hostile_ctypes.ipynb"]["flags"]
    assert all(v["sandboxed"] for v in verdicts.values())


# ------------------------------------------------------------------------ time limits


def test_time_limits_name_where_the_time_went(built, tmp_path):
    """A cell that loops (interrupted: the rest is graded), a loop that ignores the interrupt
    (the whole run stopped: timeout, named by question and cell), an answer that loops when
    the grader calls it (that check fails, the rest is graded)."""
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    sol = h.load(built / "autograder" / f"{ASSIGNMENT}-solution.ipynb")
    points = master_points(ASSIGNMENT)
    at = h.check_cell(sol, "q2")  # in question 2, just before its check
    h.write(h.insert_cell(sol, at, "while True:\n    pass"), subs / "loop.ipynb")
    stubborn = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
    h.write(h.insert_cell(sol, at, stubborn), subs / "stubborn.ipynb")
    slow = "def numerical_diff(f, x, h=1e-4):\n    while True:\n        pass"
    h.write(h.answer_cell(sol, slow), subs / "slow_answer.ipynb")
    settings = batch.Settings(timeout=30, cell_timeout=3, probe_timeout=2)
    verdicts = {v["file"]: v for v in batch.grade(ASSIGNMENT, subs, out, settings)}

    loop = verdicts["loop.ipynb"]
    assert (loop["status"], _total(loop)) == ("ok", sum(points.values()))
    assert [(e["cell"], e["question"]) for e in loop["cell_errors"]] == [(at + 1, "q2")]

    stuck = verdicts["stubborn.ipynb"]
    assert stuck["status"] == "timeout" and _total(stuck) == 0
    assert (stuck["problem"]["question"], stuck["problem"]["cell"]) == ("q2", at + 1)
    assert "30 s" in stuck["problem"]["text"] and "question 2" in stuck["problem"]["text"]

    slow_v = verdicts["slow_answer.ipynb"]
    assert slow_v["status"] == "ok"
    assert {q: r["points"] for q, r in slow_v["questions"].items() if not r["manual"]} == {
        **points,
        "q1": 0,
    }
    assert all(
        c["why"] and "2 s" in c["why"] for c in slow_v["questions"]["q1"]["checks"]
    )  # the time limit, said
    assert _leftovers() == []


# ------------------------------------------------------------------------ rerun, no sandbox


def test_unsandboxed_grading_warns_marks_every_row_and_reruns_only_what_changed(built, tmp_path):
    """SANDBOX=none: a warning, every row marked `unsandboxed`; grades.csv replaced atomically;
    a second run reuses the verdicts of unchanged submissions."""
    subs, out = tmp_path / "subs", tmp_path / "out"
    subs.mkdir()
    out.mkdir()
    (out / "grades.csv").write_text("old\n")
    student = built / "student" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    shutil.copy(student, subs / "a.ipynb")
    shutil.copy(built / "autograder" / f"{ASSIGNMENT}-solution.ipynb", subs / "b.ipynb")
    cmd = [sys.executable, "-m", "exercises.tools.grade", ASSIGNMENT, str(subs), str(out)]
    cmd += ["--sandbox", "none", "--timeout", str(TIMEOUT)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "WITHOUT a sandbox" in proc.stderr
    rows = h.read_csv(out / "grades.csv")
    assert (rows["a.ipynb"]["status"], rows["a.ipynb"]["total"]) == ("ok", "0")
    assert all(row["flags"] == "unsandboxed" for row in rows.values())
    assert [p.name for p in out.iterdir() if p.name.startswith(".")] == []
    first = {p.name: p.stat().st_mtime_ns for p in (out / "logs").iterdir()}
    verdict_b = (out / "verdicts" / "b.json").read_text()

    h.write(h.answer_cell(h.load(student), "x = 1"), subs / "a.ipynb")  # a changed
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    again = {p.name: p.stat().st_mtime_ns for p in (out / "logs").iterdir()}
    assert again["b.log"] == first["b.log"] and again["a.log"] != first["a.log"]
    assert (out / "verdicts" / "b.json").read_text() == verdict_b
    assert set(h.read_csv(out / "grades.csv")) == {"a.ipynb", "b.ipynb"}


# ------------------------------------------------------------------------ any checkout


@pytest.fixture(scope="module")
def clone(built):
    """The repository's files (as a clone has them, with this checkout's changes) under /tmp,
    with a virtual environment of its own made from the system's Python (/usr/bin/python3,
    or the interpreter this one's venv was made from when the system's is another version),
    holding the grading packages at this environment's versions; world-readable, as a
    checkout any user can grade from."""
    base = Path(tempfile.mkdtemp(prefix="grading-clone-", dir="/tmp"))
    try:
        base.chmod(0o755)
        repo = base / "course"
        files = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=ROOT,
            capture_output=True,
            check=True,
        ).stdout.split(b"\0")
        for name in filter(None, (f.decode() for f in files)):
            if (ROOT / name).is_file():
                (repo / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(ROOT / name, repo / name)
        python = "/usr/bin/python3"
        version = subprocess.run(
            [python, "-c", "import sys; print(sys.version_info[:2])"],
            capture_output=True,
            text=True,
        )
        if version.stdout.strip() != str(sys.version_info[:2]):
            python = sys._base_executable
        subprocess.run([python, "-m", "venv", str(repo / ".venv")], check=True)
        pins = h.requirement_closure(CLONE_PACKAGES)
        pip = [str(repo / ".venv" / "bin" / "python"), "-m", "pip", "install", "-q"]
        subprocess.run([*pip, "--no-deps", "--no-compile", *pins], check=True, timeout=900)
        subprocess.run([*pip, "--no-deps", "-e", str(repo)], check=True, timeout=900)
        subprocess.run(["chmod", "-R", "a+rX", str(base)], check=True)
        yield repo
    finally:
        shutil.rmtree(base, ignore_errors=True)


#: What grading needs from the environment (the rest comes with these).
CLONE_PACKAGES = ("nbclient", "ipykernel", "nbformat", "pyyaml", "numpy", "filelock")
CLONE_PACKAGES += ("threadpoolctl", "psutil")


@pytest.mark.parametrize("who", ["this user", "an unprivileged user"])
def test_a_clone_under_tmp_grades_with_its_own_python(built, clone, tmp_path_factory, who):
    """The README's commands from a checkout under /tmp (hidden by the sandbox's own /tmp
    until issue 16), with a venv under /tmp made from the system's Python; as this user (root
    on CI) and as an unprivileged user (uid 65534 when this is root)."""
    work = Path(tempfile.mkdtemp(prefix="grading-run-", dir="/tmp"))
    try:
        work.chmod(0o755)
        subs, out, home = work / "subs", work / "out", work / "home"
        for d in (subs, home):
            d.mkdir()
        points = master_points(ASSIGNMENT)
        sol = h.load(built / "autograder" / f"{ASSIGNMENT}-solution.ipynb")
        h.write(sol, subs / "solution.ipynb")
        plant = h.plants_by_question(ASSIGNMENT)["q2"][0]
        h.write(h.wrong_answer(sol, plant), subs / "wrong.ipynb")
        shutil.copy(built / "student" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", subs / "empty.ipynb")
        prefix: list[str] = []
        if who == "an unprivileged user" and os.geteuid() == 0:
            for d in (work, subs, home):
                os.chown(d, 65534, 65534)
            prefix = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups", "--"]
        python = str(clone / ".venv" / "bin" / "python")
        cmd = [*prefix, python, "-m", "exercises.tools.grade", ASSIGNMENT, str(subs), str(out)]
        env = {"PATH": "/usr/bin:/bin", "HOME": str(home), "LANG": "C.UTF-8"}
        proc = subprocess.run(cmd, cwd=clone, env=env, capture_output=True, text=True, timeout=600)
        assert proc.returncode == 0, proc.stderr + proc.stdout
        rows = h.read_csv(out / "grades.csv")
        total = sum(points.values())
        assert float(rows["solution.ipynb"]["total"]) == total
        assert float(rows["wrong.ipynb"]["total"]) == total - points["q2"]
        assert float(rows["empty.ipynb"]["total"]) == 0
        assert {row["status"] for row in rows.values()} == {"ok"}
        assert all(row["flags"] == "" for row in rows.values())
    finally:
        shutil.rmtree(work, ignore_errors=True)
