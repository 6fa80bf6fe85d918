"""Verdicts for tests/test_report.py: one assignment's configuration and a batch of verdicts
in the judge's schema (exercises/tools/judge.py), covering what a real batch holds: full
marks, a wrong public answer, a wrong answer that fails only hidden checks, cell errors, each
status a student can act on, flags, an unsandboxed row, and Explain answers (one of them
hostile HTML).

``SECRET`` marks data a verdict may carry that a student must never see (hidden inputs,
expected values, grading paths): the tests check that it never reaches a feedback file.
"""

from __future__ import annotations

ASSIGNMENT = "01_minibatch"
SECRET = "HIDDEN-7f3a"

#: question -> (points, manual, {check name: (public?, message for the student)})
QUESTIONS: dict[str, tuple[float, bool, dict[str, tuple[bool, str]]]] = {
    "q1": (
        3,
        False,
        {
            "answered": (True, "q1: not answered yet — write cross_entropy_error and run its cell"),
            "one-hot labels": (True, "q1: the mean loss over the batch, for one-hot labels t"),
            "integer labels": (
                False,
                "q1: labels given as integers (t = [2, 0, ...]) must give the same loss as "
                "one-hot labels; hint: pick y[np.arange(batch_size), t]",
            ),
            "one sample": (
                False,
                "q1: a single sample y of shape (10,) must work too; reshape it to (1, 10) first",
            ),
        },
    ),
    "q2": (
        2,
        False,
        {
            "shape": (True, "q2: a batch of batch_size rows of x_train, with their labels"),
            "uses rng": (
                False,
                "q2: draw the batch indices from the rng you are given (rng.choice), not from "
                "np.random",
            ),
        },
    ),
    "q3": (
        2,
        False,
        {
            "value": (True, "q3: the central difference (f(x+h) - f(x-h)) / (2h)"),
            "x restored": (
                False,
                "q3: x must hold exactly its old values after the call: restore each element "
                "with the value you saved, not by adding h back",
            ),
        },
    ),
    "q4": (
        2,
        False,
        {
            "formula": (False, "q4: start_loss(num_classes) is -log(1 / num_classes)"),
            "reason": (False, "q4: the reason: with tiny weights every class gets about 1/C"),
        },
    ),
    "q4_explain": (2, True, {}),
}

CONFIG = {
    "assignment": ASSIGNMENT,
    "questions": {
        name: {"points": float(points), "manual": manual, "checks": list(checks)}
        for name, (points, manual, checks) in QUESTIONS.items()
    },
}

ANSWERS = {
    "ada.ipynb": "8.0 is far above log 10 ≈ 2.30: the weights are too large; check their scale.",
    "bob.ipynb": "",
    "eve.ipynb": '<script>window.__injected = 1</script><img src=x onerror="window.__img=1">',
}


def message(question: str, check: str) -> str:
    return QUESTIONS[question][2][check][1]


def hidden_checks(question: str) -> list[str]:
    return [name for name, (public, _) in QUESTIONS[question][2].items() if not public]


def make_verdict(
    file: str,
    *,
    failed: tuple[tuple[str, str], ...] = (),
    status: str = "ok",
    problem: dict | None = None,
    cell_errors: tuple[dict, ...] = (),
    flags: tuple[str, ...] = (),
    sandboxed: bool = True,
    answer: str | None = None,
    why: dict[tuple[str, str], str] | None = None,
) -> dict:
    """A verdict in the judge's schema. ``failed``: the (question, check) pairs that fail,
    ``why``: what the judge met for some of them; a verdict whose status is not ``ok`` has
    no check results (its code never reached the probes) and 0 points."""
    questions = {}
    for name, (points, manual, checks) in QUESTIONS.items():
        if manual:
            text = ANSWERS.get(file, "An answer.") if answer is None else answer
            questions[name] = {"points": None, "max": float(points), "manual": True}
            questions[name]["answer"] = text
            continue
        results = []
        for check, (_, text) in checks.items():
            if status != "ok":
                continue
            passed = (name, check) not in failed
            results.append(
                {
                    "name": check,
                    "passed": passed,
                    "message": text,
                    "why": None if passed else (why or {}).get((name, check)),
                    # what a judge might keep beside: never for the student's eyes
                    "got": f"{SECRET} got",
                    "expected": f"{SECRET} expected",
                    "detail": f"raised ValueError: shapes (7,3) {SECRET}",
                }
            )
        all_passed = bool(results) and all(r["passed"] for r in results)
        questions[name] = {
            "points": float(points) if all_passed else 0.0,
            "max": float(points),
            "manual": False,
            "checks": results,
        }
    return {
        "file": file,
        "assignment": ASSIGNMENT,
        "sha256": "0" * 64,
        "grading_key": "1" * 64,
        "status": status,
        "problem": problem,
        "questions": questions,
        "cell_errors": [dict(e) for e in cell_errors],
        "flags": list(flags),
        "stripped_bytes": 0,
        "sandboxed": sandboxed,
    }


#: One problem of each kind a student can act on, with the numbers a sentence needs and no
#: ``text`` (feedback.kind_sentence writes it); the judge's own texts are in JUDGE_TEXTS.
PROBLEMS = {
    "too-large": {"kind": "too-large", "size": 600 * 10**6, "limit": 500 * 10**6},
    "unreadable": {"kind": "unreadable"},
    "other-assignment": {"kind": "other-assignment"},
    "timeout": {"kind": "timeout", "question": "q3", "cell": 12, "seconds": 300},
    "crashed": {"kind": "crashed", "question": "q2", "cell": 9},
    "ended": {"kind": "ended", "question": "q3", "cell": 11},
    "too-many-processes": {"kind": "too-many-processes", "question": "q1", "cell": 5, "limit": 64},
    "no-data": {"kind": "no-data"},
    "sandbox": {"kind": "sandbox"},
}

JUDGE_TEXTS = {
    "timeout": "your code ran for more than 300 s in question q3 (cell 12) and was stopped: "
    "look for a loop that never ends",
    "too-large": "your notebook holds 600 MB, more than the 500 MB that can be graded: clear "
    "its outputs and hand it in again",
}


def batch() -> list[dict]:
    """A small batch: the verdicts of one run (names sorted differently from their order)."""
    verdicts = [
        make_verdict("eve.ipynb", failed=(("q4", "reason"),), flags=("doctest", "pickle")),
        make_verdict("ada.ipynb"),
        make_verdict(
            "bob.ipynb",
            failed=(("q1", "integer labels"), ("q1", "one sample"), ("q3", "x restored")),
            why={("q1", "one sample"): "your code raised IndexError"},
        ),
        make_verdict(
            "cy.ipynb",
            failed=(("q2", "shape"), ("q2", "uses rng")),
            cell_errors=(
                {
                    "question": "q2",
                    "cell": 9,
                    "ename": "NameError",
                    "evalue": "name 'rng' is not defined",
                },
                {
                    "question": None,
                    "cell": 2,
                    "ename": "FileNotFoundError",
                    "evalue": "[Errno 2] No such file or directory: '/tmp/grade-x1/home/data.npy'",
                },
            ),
        ),
        make_verdict(
            "dan.ipynb",
            status="timeout",
            problem={**PROBLEMS["timeout"], "text": JUDGE_TEXTS["timeout"]},
        ),
        make_verdict(
            "fay.ipynb",
            status="error",
            problem={**PROBLEMS["too-large"], "text": JUDGE_TEXTS["too-large"]},
        ),
        make_verdict("gus.ipynb", failed=(("q4", "formula"),), sandboxed=False),
    ]
    return verdicts
