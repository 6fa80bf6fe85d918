"""The exercises' checks themselves: each master's checks catch its planted wrong answers.

`exercises/tools/check_planted.py` runs every master's probes, checks (judged by the same
`exercises/tools/judge.py` that grades students) and public tests in-process against its
solution, its planted wrong answers (`exercises/masters/<name>.planted/`) and the unanswered
student notebook. This file runs it per master and checks the checker: a wrong answer that
slips through, a check no plant fails, a plant that only a hidden check catches, a plant for
a question that does not exist, or a solution that fails must each be reported, for a copy of
a master in a temporary folder (never the repository's masters).
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from exercises.tools import build, check_planted, master

NAMES = build.master_names()


@pytest.mark.parametrize("name", NAMES)
def test_every_master_passes_the_planted_answer_check(name):
    assert check_planted.check_master(name) == []


@pytest.mark.parametrize("name", NAMES)
def test_every_graded_question_has_planted_wrong_answers(name):
    graded = master.load_master(name).graded
    planted = {check_planted.planted_question(p) for p in check_planted.planted_files(name)}
    assert graded and set(graded) <= planted


@pytest.mark.parametrize("name", NAMES)
def test_masters_hold_no_hidden_tests(name):
    """Hidden checks live only in the checks file: nothing of them reaches the student build."""
    text = (build.MASTERS / f"{name}.ipynb").read_text(encoding="utf-8")
    assert "# HIDDEN" not in text
    assert (build.MASTERS / f"{name}.checks.py").is_file()


def _copy_master(tmp_path: Path, name: str) -> Path:
    masters = tmp_path / "masters"
    masters.mkdir()
    for suffix in (".ipynb", ".checks.py"):
        shutil.copy(build.MASTERS / f"{name}{suffix}", masters)
    shutil.copytree(build.MASTERS / f"{name}.planted", masters / f"{name}.planted")
    return masters


NAME = "04_epoch_evaluation"


def test_a_table_the_master_shows_that_its_code_does_not_compute_is_reported(tmp_path):
    """Question 4's table is checked by the master-only cell that reruns its training run."""
    masters = _copy_master(tmp_path, NAME)
    path = masters / f"{NAME}.ipynb"
    text = path.read_text(encoding="utf-8")
    row = re.search(r"\| test acc \| [\d.]+ \| ([\d.]+) \|", text)
    changed = text[: row.start(1)] + f"{float(row[1]) - 0.01:.4f}" + text[row.end(1) :]
    path.write_text(changed, encoding="utf-8")
    problems = check_planted.check_master(NAME, masters=masters)
    assert any("master-only cell" in p and "test acc" in p for p in problems), problems


def _plant(masters: Path, file: str, source: str) -> None:
    (masters / f"{NAME}.planted" / file).write_text(source, encoding="utf-8")


def test_a_wrong_answer_the_checks_miss_is_reported(tmp_path):
    masters = _copy_master(tmp_path, NAME)
    # the right answer, planted as if it were wrong: the checks accept it, the check must say so
    _plant(
        masters,
        "q3_actually_right.py",
        '"""q3: not wrong at all."""\n\n\n'
        "def epoch_checkpoints(iters_num, train_size, batch_size):\n"
        "    n = -(-train_size // batch_size)\n"
        "    return [i for i in range(iters_num) if i % n == 0]\n",
    )
    problems = check_planted.check_master(NAME, masters=masters, verify=False)
    assert any("q3_actually_right.py" in p and "accepted" in p for p in problems), problems
    # and the repository's own masters were not what was checked
    assert check_planted.check_master(NAME, verify=False) == []


def test_a_wrong_answer_only_a_hidden_check_catches_is_reported(tmp_path):
    """Wrong for one hidden case only: the student would get no hint before handing in."""
    masters = _copy_master(tmp_path, NAME)
    _plant(
        masters,
        "q3_wrong_when_one_sample_per_batch.py",
        '"""q3: wrong when every batch holds one sample."""\n\n\n'
        "def epoch_checkpoints(iters_num, train_size, batch_size):\n"
        "    if batch_size == 1:\n"
        "        return []\n"
        "    n = -(-train_size // batch_size)\n"
        "    return [i for i in range(iters_num) if i % n == 0]\n",
    )
    problems = check_planted.check_master(NAME, masters=masters, verify=False)
    assert any(
        "q3_wrong_when_one_sample_per_batch.py" in p and "passes every public test" in p
        for p in problems
    ), problems


def test_a_check_no_plant_fails_is_reported(tmp_path):
    masters = _copy_master(tmp_path, NAME)
    checks = masters / f"{NAME}.checks.py"
    checks.write_text(
        checks.read_text(encoding="utf-8") + "\n\nCHECKS.append(\n"
        '    Check("q3", "always true", checkpoints, lambda got: True, "never fails")\n'
        ")\n",
        encoding="utf-8",
    )
    problems = check_planted.check_master(NAME, masters=masters, verify=False)
    assert any("'always true'" in p and "no planted wrong answer fails" in p for p in problems)


def test_a_plant_for_a_question_that_does_not_exist_is_reported(tmp_path):
    masters = _copy_master(tmp_path, NAME)
    _plant(masters, "q9_nowhere.py", '"""q9: no such question."""\n\nx = 1\n')
    problems = check_planted.check_master(NAME, masters=masters, verify=False)
    assert any("q9_nowhere.py" in p and "q9" in p for p in problems), problems
    described = check_planted.describe(NAME, masters=masters)  # no KeyError
    assert any("q9_nowhere.py" in line for line in described)


def test_a_failing_solution_is_reported(tmp_path):
    masters = _copy_master(tmp_path, NAME)
    path = masters / f"{NAME}.ipynb"
    path.write_text(
        path.read_text(encoding="utf-8").replace("t = t.argmax(axis=1)", "t = t.argmax(axis=0)"),
        encoding="utf-8",
    )
    problems = check_planted.check_master(NAME, masters=masters, verify=False)
    assert any("q1" in p and "solution" in p for p in problems), problems


def test_a_hidden_test_left_in_a_master_is_refused(tmp_path):
    masters = _copy_master(tmp_path, NAME)
    path = masters / f"{NAME}.ipynb"
    text = path.read_text(encoding="utf-8")
    marker = '"def test_q1(accuracy):\\n",'
    assert marker in text
    path.write_text(text.replace(marker, '"# HIDDEN\\n",\n' + marker, 1), encoding="utf-8")
    problems = check_planted.check_master(NAME, masters=masters, verify=False)
    assert any("hidden test in the master" in p for p in problems), problems


def test_a_second_question_of_one_name_is_refused(tmp_path):
    """otter would build both; the judge would keep one. The error names both cells and the
    name to give instead."""
    masters = _copy_master(tmp_path, "04_epoch_evaluation")
    path = masters / "04_epoch_evaluation.ipynb"
    text = path.read_text(encoding="utf-8")
    assert text.count('"name: q4\\n",') == 1
    path.write_text(text.replace('"name: q4\\n",', '"name: q3\\n",', 1), encoding="utf-8")
    with pytest.raises(master.MasterError) as refused:
        master.read_master(path)
    message = str(refused.value)
    assert re.search(
        r"cell \d+: a second question named 'q3' \(cell \d+ begins the first\)", message
    )
    assert "name it 'q6'" in message, message  # after q1 to q5, the next free name
