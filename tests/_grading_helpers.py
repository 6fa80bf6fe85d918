"""Planted submissions for tests/test_grading.py, generated from the built solution notebooks.

Each planted notebook is the solution (or the empty student notebook) with one specific edit,
so that a change to a master that breaks an edit fails loudly (``replace`` insists on exactly
one match) instead of silently planting the wrong thing.
"""

from __future__ import annotations

import copy
import csv
import json
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]


def load(path: Path) -> nbformat.NotebookNode:
    return nbformat.read(path, as_version=4)


def replace(nb: nbformat.NotebookNode, old: str, new: str) -> nbformat.NotebookNode:
    """A copy of nb with `old` replaced by `new` in the one code cell that contains it once."""
    nb = copy.deepcopy(nb)
    hits = [c for c in nb.cells if c.cell_type == "code" and old in c.source]
    assert len(hits) == 1 and hits[0].source.count(old) == 1, f"{old!r} is not in exactly one cell"
    hits[0].source = hits[0].source.replace(old, new)
    return nb


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


def forward(wrong: dict[str, tuple[str, str]], nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    for old, new in wrong.values():
        nb = replace(nb, old, new)
    return nb


def plant_02_gradient(solution: Path, student: Path, folder: Path, dropbox: Path) -> dict:
    """Write the planted 02_gradient submissions into folder; return {file: expected}.

    expected: dict with the per-question points (q1, q2, q3), and status.
    """
    sol, empty = load(solution), load(student)
    full = {"q1": 2, "q2": 3, "q3": 3}
    zero = dict.fromkeys(full, 0)
    # The typical wrong answers, each as (text in the solution, wrong text).
    wrong = {
        "q1_forward": (
            "return (f(x + h) - f(x - h)) / (2 * h)",
            "return (f(x + h) - f(x)) / h",
        ),
        "q2_forward": (
            "x[idx] = tmp - h\n        fxh2 = f(x)\n        grad[idx] = (fxh1 - fxh2) / (2 * h)",
            "x[idx] = tmp\n        fxh2 = f(x)\n        grad[idx] = (fxh1 - fxh2) / h",
        ),
        "q2_not_restored": (
            "grad[idx] = (fxh1 - fxh2) / (2 * h)\n        x[idx] = tmp\n",
            "grad[idx] = (fxh1 - fxh2) / (2 * h)\n",
        ),
        "q3_lr_plus_grad": ("x -= lr * grad", "x -= lr + grad"),
    }
    plants: dict[str, tuple[nbformat.NotebookNode | str, dict]] = {
        "solution": (sol, {**full, "status": "ok"}),
        "q1_forward": (replace(sol, *wrong["q1_forward"]), {**full, "q1": 0, "status": "ok"}),
        "q2_forward": (replace(sol, *wrong["q2_forward"]), {**full, "q2": 0, "status": "ok"}),
        "q2_not_restored": (
            replace(sol, *wrong["q2_not_restored"]),
            {**full, "q2": 0, "status": "ok"},
        ),
        "q3_lr_plus_grad": (
            replace(sol, *wrong["q3_lr_plus_grad"]),
            {**full, "q3": 0, "status": "ok"},
        ),
        "empty": (empty, {**zero, "status": "ok"}),
        "infinite_loop": (
            insert_cell(sol, first_answer_cell(sol), "while True:\n    pass"),
            {**zero, "status": "timeout"},
        ),
        # otter runs every cell even after one raised (as on Gradescope): the answers count.
        "raises_first": (
            insert_cell(sol, 0, 'raise RuntimeError("broken on purpose")'),
            {**full, "status": "ok"},
        ),
        "not_a_notebook": ('{"cells": [', {**zero, "status": "error"}),
    }

    # --- cheats: each starts from wrong answers, so any point gained is a point stolen.
    all_wrong = forward({k: v for k, v in wrong.items() if k != "q2_forward"}, sol)
    always_pass = {
        "name": "q",
        "points": 3,
        "suites": [{"cases": [{"code": ">>> True\nTrue", "hidden": False}], "type": "doctest"}],
    }
    meta = copy.deepcopy(all_wrong)
    meta.metadata["otter"] = {
        "assignment_name": "02_gradient",
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
        insert_cell(all_wrong, first_answer_cell(all_wrong), fake_grader),
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
        insert_cell(all_wrong, first_answer_cell(all_wrong), patch_libs),
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
        insert_cell(all_wrong, first_answer_cell(all_wrong), edit_tests),
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
    swapped = insert_cell(all_wrong, first_answer_cell(all_wrong), swap)
    plants["cheat_swap_and_restore_tests"] = (
        insert_cell(swapped, len(swapped.cells), restore),
        {**zero, "status": "error"},
    )

    # Reads what it can outside its folder and reports it through a file the test provides
    # (which is itself a write outside the folder: containerless grading cannot stop either).
    probe = (
        "import json, os\n"
        "\n"
        "seen = {\n"
        '    "env_secret": os.environ.get("GRADING_TEST_SECRET"),\n'
        '    "home": os.path.expanduser("~"),\n'
        '    "cwd": os.getcwd(),\n'
        '    "siblings": sorted(os.listdir("..")),\n'
        '    "parent_siblings": sorted(os.listdir("../..")),\n'
        "}\n"
        "try:\n"
        f'    seen["secret_file"] = open({str(dropbox.parent / "secret.txt")!r}).read()\n'
        "except OSError as e:\n"
        '    seen["secret_file"] = repr(e)\n'
        "try:\n"
        "    big = np.ones(2**30)  # 8 GiB\n"
        '    seen["memory"] = "allocated"\n'
        "    del big\n"
        "except MemoryError:\n"
        '    seen["memory"] = "MemoryError"\n'
        f"with open({str(dropbox)!r}, 'w') as f:\n"
        "    json.dump(seen, f)"
    )
    plants["cheat_read_outside"] = (
        insert_cell(all_wrong, first_answer_cell(all_wrong), probe),
        {**zero, "status": "ok"},
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
        insert_cell(all_wrong, first_answer_cell(all_wrong), forge),
        None,  # checked separately (documented limit)
    )

    expected = {}
    for name, (nb, exp) in plants.items():
        path = folder / f"{name}.ipynb"
        if isinstance(nb, str):
            path.write_text(nb)
        else:
            write(nb, path)
        expected[path.name] = exp
    return expected


def plant_wrong_answers(name: str, solution: Path, folder: Path) -> dict:
    """Solution + the typical wrong answers of the other assignments; return {file: expected}."""
    sol = load(solution)
    cases = {
        "01_minibatch": (
            {"q1": 3, "q2": 2, "q3": 2},
            {
                # one-hot formula used for integer labels too
                "q1_onehot_only": (
                    "q1",
                    "    if t.shape == y.shape:  # one-hot labels -> integer labels\n"
                    "        t = t.argmax(axis=1)\n"
                    "    batch_size = y.shape[0]\n"
                    "    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size",
                    "    return -np.sum(t * np.log(y + 1e-7)) / y.shape[0]",
                ),
                "q2_with_replacement": (
                    "q2",
                    "rng.choice(train_size, batch_size, replace=False)",
                    "rng.choice(train_size, batch_size)",
                ),
                "q3_unmatched_rows": (
                    "q3",
                    "return x[idx], t[idx]",
                    "return x[idx], t[sample_batch_indices(len(t), batch_size, rng)]",
                ),
            },
        ),
        "03_update": (
            {"q1": 3, "q2": 1, "q3": 3},
            {
                "q1_lr_plus_grad": (
                    "q1",
                    "params[key] -= lr * grads[key]",
                    "params[key] -= lr + grads[key]",
                ),
                "q1_not_in_place": (
                    "q1",
                    "params[key] -= lr * grads[key]",
                    "params[key] = params[key] - lr * grads[key]",
                ),
                "q2_floor": (
                    "q2",
                    "return -(-train_size // batch_size)",
                    "return max(train_size // batch_size, 1)",
                ),
                "q3_loss_before_update": (
                    "q3",
                    "        grads = mse_grads(params, x, t)\n"
                    "        sgd_update_lib(params, grads, lr)\n"
                    "        losses.append(mse(params, x, t))",
                    "        losses.append(mse(params, x, t))\n"
                    "        grads = mse_grads(params, x, t)\n"
                    "        sgd_update_lib(params, grads, lr)",
                ),
            },
        ),
        "04_epoch_evaluation": (
            {"q1": 2, "q2": 3, "q3": 2},
            {
                "q1_onehot_confusion": (
                    "q1",
                    "    if t.ndim == 2:\n        t = t.argmax(axis=1)\n",
                    "",
                ),
                "q2_drops_last_batch": (
                    "q2",
                    "range(0, len(x), batch_size)",
                    "range(0, len(x) - batch_size + 1, batch_size)",
                ),
                "q3_skips_iteration_0": (
                    "q3",
                    "if i % iter_per_epoch == 0]",
                    "if i % iter_per_epoch == 0 and i > 0]",
                ),
            },
        ),
    }
    full, wrongs = cases[name]
    expected = {"solution.ipynb": {**full, "status": "ok"}}
    write(sol, folder / "solution.ipynb")
    for plant, (question, old, new) in wrongs.items():
        write(replace(sol, old, new), folder / f"{plant}.ipynb")
        expected[f"{plant}.ipynb"] = {**full, question: 0, "status": "ok"}
    return expected


def otter_metadata(path: Path) -> dict:
    return json.loads(path.read_text())["metadata"].get("otter", {})
