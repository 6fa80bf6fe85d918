"""The exercises' tests themselves: each master's hidden tests reject its planted wrong answers.

`exercises/tools/check_planted.py` runs every master's tests in-process (no kernel, no otter
build) against its solution, its planted wrong answers (`exercises/masters/<name>.planted/`),
the unanswered student notebook, and, in a subprocess, against patched builtins. This file
runs it per master and also checks the checker: a wrong answer that slips through, or a
solution that fails, must be reported.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from exercises.tools import build, check_planted

NAMES = build.master_names()


@pytest.mark.parametrize("name", NAMES)
def test_hidden_tests_reject_every_planted_wrong_answer(name):
    assert check_planted.check_master(name) == []


@pytest.mark.parametrize("name", NAMES)
def test_every_graded_question_has_planted_wrong_answers(name):
    master = check_planted.read_master(check_planted.MASTERS / f"{name}.ipynb")
    planted = {check_planted.planted_question(p) for p in check_planted.planted_files(name)}
    assert set(master.graded) <= planted


def test_every_hidden_test_avoids_names_a_submission_can_rebind():
    """Hidden tests judge with operators on genuine values, never with builtins like abs."""
    for name in NAMES:
        master = check_planted.read_master(check_planted.MASTERS / f"{name}.ipynb")
        for q, question in master.graded.items():
            for source in question.hidden:
                for name_used in ("abs(", "all(", "any(", "isclose", "allclose", "import builtins"):
                    assert name_used not in source, f"{name} {q}: hidden test uses {name_used}"


def _copy_master(tmp_path: Path, name: str) -> Path:
    masters = tmp_path / "masters"
    masters.mkdir()
    shutil.copy(check_planted.MASTERS / f"{name}.ipynb", masters)
    shutil.copytree(check_planted.MASTERS / f"{name}.planted", masters / f"{name}.planted")
    return masters


def test_a_wrong_answer_the_tests_miss_is_reported(tmp_path):
    masters = _copy_master(tmp_path, "04_epoch_evaluation")
    # the right answer, planted as if it were wrong: the tests accept it, the check must say so
    (masters / "04_epoch_evaluation.planted" / "q3_actually_right.py").write_text(
        '"""q3: not wrong at all."""\n\n\n'
        "def epoch_checkpoints(iters_num, train_size, batch_size):\n"
        "    n = -(-train_size // batch_size)\n"
        "    return [i for i in range(iters_num) if i % n == 0]\n"
    )
    problems = check_planted.check_master("04_epoch_evaluation", masters=masters)
    assert any("q3_actually_right.py" in p for p in problems), problems


def test_a_failing_solution_is_reported(tmp_path):
    masters = _copy_master(tmp_path, "04_epoch_evaluation")
    path = masters / "04_epoch_evaluation.ipynb"
    path.write_text(
        path.read_text().replace("t = t.argmax(axis=1)", "t = t.argmax(axis=0)"), "utf-8"
    )
    problems = check_planted.check_master("04_epoch_evaluation", masters=masters)
    assert any("q1" in p and "solution" in p for p in problems), problems


def test_the_cheats_fool_tests_written_the_usual_way():
    """The patched-builtins check can fail: the same cheats fool abs, np.isclose, math.isclose."""
    assert check_planted.naive_tests_fooled_by_cheats() == [True] * len(check_planted.NAIVE_TESTS)
