"""The student's feedback file, ``OUT/feedback/<stem>.txt``, made from one verdict.

:func:`feedback_text` turns the judge's verdict for one submission (the schema is documented
in ``exercises/tools/judge.py``) into plain UTF-8 text for the student:

* a first line naming the file and the exercise, then the total;
* when the notebook could not be graded to the end (``status`` ``error`` or ``timeout``), one
  plain sentence saying what happened and what to do (:func:`problem_sentence`);
* per question, in the notebook's order: the points, and under a question that lost its
  points, the errors its cells raised (by cell number) and the message of each check it
  failed (written for that check: what was expected and a hint), or "not answered yet"
  when the verdict says the question was not answered (``answered: false``);
* the errors of cells outside any question;
* manual (*Explain*) questions: "read by your instructor", or, once entered in
  ``manual-points.csv``, the points and the instructor's comment.

What it never shows: hidden inputs, expected values, test code, paths of the grading machine,
flags (those are for the instructor) or anything of otter's transcripts. Only the check
messages (the instructor's words) and the student's own errors (first line, shortened) are
quoted.
"""

from __future__ import annotations

import math
import re

__all__ = ["feedback_text", "kind_sentence", "problem_sentence"]

#: At most this many characters of an error's message, and this many cell errors per file.
MAX_ERROR_CHARS = 200
MAX_CELL_ERRORS = 10

_ABSOLUTE_PATH = re.compile(r"(?<![\w.~])/(?:[^\s'\"/:,()\[\]]+/)+([^\s'\"/:,()\[\]]*)")

#: The closing paragraph when a question lost points to its checks.
AGAIN = (
    "A question earns its points only when all of its checks pass. Some checks use inputs "
    "that grader.check does not show you, so read each message above: it says what was "
    "expected. To test a fix, run the whole notebook from the top (Kernel > Restart & Run "
    "All in Jupyter, Runtime > Run all on Colab) and read every grader.check output."
)


#: The closing line when the only questions that lost points were not answered.
UNANSWERED = (
    "Answer the questions marked 'not answered yet', run the whole notebook from the top and "
    "read every grader.check output."
)


def _fill(text: str, first: str = "", rest: str = "") -> list[str]:
    """A paragraph as one line (never wrapped, so that a message can be found as written),
    indented with ``first``; ``rest`` indents the lines of a text that has several."""
    head, *more = text.splitlines() or [""]
    return [f"{first}{head}".rstrip(), *(f"{rest}{line}" for line in more)]


def _points(value: float | None) -> str:
    """A number of points as a person writes it: 3, 1.5, 0."""
    if value is None or not math.isfinite(value):
        return "?"
    return f"{round(value, 4):g}"


def _of(points: float | None, maximum: float) -> str:
    unit = "point" if maximum == 1 else "points"
    return f"{_points(points)} of {_points(maximum)} {unit}"


def _megabytes(size: float) -> str:
    """Bytes in decimal megabytes, as file browsers show a notebook's size: 75 MB, 0.5 MB."""
    mb = size / 10**6
    return f"{mb:.1f} MB" if mb < 10 else f"{mb:.0f} MB"


def _question(name: str) -> str:
    """'question 3' for q3 (as the notebook numbers its questions), else 'question <name>'."""
    return f"question {name[1:]}" if re.fullmatch(r"q\d+", name) else f"question {name}"


def _where(problem: dict) -> str:
    """' in question 3 (cell 12)', ' in cell 4', ' while the grader called your code for
    question 3' (``during: "checks"``), or ''."""
    question, cell = problem.get("question"), problem.get("cell")
    if problem.get("during") == "checks":
        return " while the grader called your code" + (
            f" for {_question(question)}" if question else ""
        )
    if question and cell is not None:
        return f" in {_question(question)} (cell {cell})"
    if question:
        return f" in {_question(question)}"
    if cell is not None:
        return f" in cell {cell}"
    return ""


def problem_sentence(problem: dict) -> str:
    """What went wrong with a submission as a whole, and what to do, for the student: the
    problem's ``text`` (written by :func:`kind_sentence` when the verdict was made), or the
    sentence :func:`kind_sentence` writes for it now.

    Parameters
    ----------
    problem : dict
        A verdict's ``problem`` (``kind``, ``question``, ``cell``, ``text``, ...).

    Returns
    -------
    str
        One paragraph, without a trailing newline.
    """
    text = " ".join(str(problem.get("text") or "").split())
    if not text:
        return kind_sentence(problem)
    text = _ABSOLUTE_PATH.sub(lambda m: m.group(1) or "...", text)
    text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?")) else text + "."


def kind_sentence(problem: dict) -> str:
    """The student's sentence for a problem, from its kind and the facts it carries: the one
    place these sentences are written (the batch stores it as the problem's ``text``).

    Parameters
    ----------
    problem : dict
        ``kind`` (one of ``judge.PROBLEM_KINDS``), optionally ``question`` and ``cell`` (where
        it happened), ``during`` (``"checks"``: while the grader called the student's code),
        ``seconds`` (the time limit), ``size`` and ``limit`` (bytes for ``too-large``, a
        process count for ``too-many-processes``), ``why`` (``unreadable``: what is wrong
        with the file), ``found`` and ``expected`` (``other-assignment``: the names).

    Returns
    -------
    str
        One paragraph, without a trailing newline.
    """
    kind = problem.get("kind")
    where = _where(problem)
    limit = problem.get("limit")
    if kind == "too-large":
        size = problem.get("size")
        held = f"Your notebook is {_megabytes(size)}" if size else "Your notebook is"
        cap = f" than the {_megabytes(limit)} the grader reads" if limit else " to be read"
        return (
            f"{held}, larger{cap}, so none of it could be graded. Saved outputs (plots, "
            "long printouts) are what make a notebook this large, and they are never graded: "
            "clear them (Edit > Clear Outputs of All Cells in Jupyter, Edit > Clear all "
            "outputs on Colab), save, and hand the notebook in again. Your answers stay in "
            "the cells."
        )
    if kind == "unreadable":
        why = f" ({problem['why']})" if problem.get("why") else ""
        return (
            f"Your file could not be read as a Jupyter notebook{why}, so none of it could be "
            "graded. Open it in Jupyter or Colab, save it (File > Save, or File > Download > "
            "Download .ipynb on Colab) and hand in that .ipynb file."
        )
    if kind == "other-assignment":
        found, expected = problem.get("found"), problem.get("expected")
        this = f"the notebook of exercise {found}" if found else "not the notebook"
        of = f" of {expected}" if expected else " of this exercise"
        return (
            f"This is {this}, not the one{of}, so it could not be graded. Hand in your "
            f"notebook{of}."
        )
    if kind == "timeout":
        limit_s = problem.get("seconds")
        longer = f"more than {_points(limit_s)} s" if limit_s else "too long"
        return (
            f"Your code ran for {longer}{where}, so the grader stopped it there; questions "
            "not checked by then get 0 points. Look there for a loop that never ends or a "
            "computation much larger than the question asks: every cell of this exercise "
            "runs in a few seconds."
        )
    if kind == "crashed":
        return (
            f"The Python kernel running your notebook stopped{where} (it may have run out of "
            "memory or been ended by your code, e.g. exit(), sys.exit() or os._exit(), or a "
            "crash in compiled code), so what came after it could not run. Run the notebook "
            "from the top and see what happens there."
        )
    if kind == "ended":
        return (
            f"Grading stopped before your notebook finished{where}: something in it ended "
            "the grading process (os.kill, signals?). Remove that code and hand the notebook "
            "in again."
        )
    if kind == "too-many-processes":
        most = f" (at most {_points(limit)} are allowed)" if limit else ""
        return (
            f"Your notebook started too many processes{where}{most}, so the grader stopped "
            "them all and graded nothing. This exercise needs no extra processes: remove code "
            "that starts them (a loop of os.fork, multiprocessing, subprocess)."
        )
    if kind == "no-data":
        return (
            "Your notebook ran, but what it sent back is data the grader cannot read, so it "
            "could not check your answers. Something in it changed how Python or the grader "
            "works: remove such code, run the notebook from the top, and check that every "
            "grader.check runs."
        )
    if kind == "sandbox":
        return (
            "Your notebook could not be graded because of a problem on the grading side, not "
            "in your work. Your instructor sees it in the grading report and will grade it "
            "again."
        )
    return "Your notebook could not be graded to the end."


def _short(text: object) -> str:
    """The first line of an error message, paths shortened, at most MAX_ERROR_CHARS."""
    lines = str(text).strip().splitlines()
    first = _ABSOLUTE_PATH.sub(lambda m: m.group(1) or "...", lines[0] if lines else "")
    return first if len(first) <= MAX_ERROR_CHARS else first[: MAX_ERROR_CHARS - 3] + "..."


def _error_line(error: dict) -> str:
    evalue = _short(error.get("evalue", ""))
    name = str(error.get("ename") or "an error")
    return f"Your cell {error.get('cell', '?')} raised {name}" + (f": {evalue}" if evalue else "")


def _message(question: str, message: object, why: object = None) -> list[str]:
    """A check's message as bullet lines, without a leading "q2: " (it sits under q2), and
    what the judge met, when it says (``why``: "your code raised IndexError")."""
    text = str(message or "").strip()
    text = text.removeprefix(f"{question}:").strip() or "this check failed."
    first, *rest = text.splitlines()
    lines = [*_fill(first, "  - ", "    "), *(f"    {line}" for line in rest)]
    if why:
        lines += _fill(f"({_short(why)})", "    ", "    ")
    return lines


def _manual_lines(name: str, question: dict) -> list[str]:
    maximum = float(question.get("max") or 0)
    points = question.get("points")
    if points is None or not maximum:
        upto = f" (up to {_points(maximum)} points)" if maximum else ""
        lines = [f"{name}: read by your instructor{upto}"]
    else:
        lines = [f"{name}: {_of(points, maximum)}, from your instructor"]
    comment = str(question.get("comment") or "").strip()
    if comment:
        first, *rest = comment.splitlines()
        lines += _fill(f"Your instructor: {first}", "  ", "    ")
        lines += [f"    {line}" for line in rest]
    return lines


def _auto_lines(name: str, question: dict, errors: list[dict], checked: bool) -> list[str]:
    maximum = float(question.get("max") or 0)
    points = question.get("points") or 0.0
    passed = checked and points >= maximum
    blank = checked and not passed and question.get("answered") is False
    state = ", every check passed" if passed else "" if checked else " (not checked)"
    state = ": not answered yet" if blank else state
    lines = [f"{name}: {_of(points, maximum)}{state}"]
    for error in errors:
        lines += _fill(_error_line(error), "  ", "    ")
    if checked and not passed and not blank:
        seen = set()
        for check in question.get("checks") or []:
            said = (str(check.get("message") or ""), str(check.get("why") or ""))
            if not check.get("passed") and said not in seen:
                seen.add(said)
                lines += _message(name, *said)
    return lines


def feedback_text(verdict: dict) -> str:
    """The student's feedback for one graded submission.

    Parameters
    ----------
    verdict : dict
        One verdict (``OUT/verdicts/<stem>.json``): ``file``, ``assignment``, ``status``,
        ``problem``, ``questions`` (name -> ``points``, ``max``, ``manual``, and ``checks``
        or ``answer``; a manual question may carry the instructor's ``comment``), and
        ``cell_errors``. Manual points entered by the instructor must already be merged
        into ``questions[q]["points"]`` (:func:`exercises.tools.report.write_all` does).

    Returns
    -------
    str
        The feedback file's text, ending with a newline.
    """
    questions: dict[str, dict] = verdict.get("questions") or {}
    ok = verdict.get("status") == "ok"
    errors = [e for e in verdict.get("cell_errors") or [] if isinstance(e, dict)]
    errors = errors[:MAX_CELL_ERRORS]
    auto = {q: d for q, d in questions.items() if not d.get("manual")}
    pending = [
        q
        for q, d in questions.items()
        if d.get("manual") and d.get("points") is None and float(d.get("max") or 0) > 0
    ]
    earned = sum(float(d.get("points") or 0) for d in questions.values())
    maximum = sum(float(d.get("max") or 0) for d in questions.values())

    file, assignment = verdict.get("file", "your notebook"), verdict.get("assignment")
    lines = [f"Feedback on {file} (exercise {assignment})"]
    total = f"Total{' so far' if pending else ''}: {_of(earned, maximum)}"
    if pending:
        total += f" ({', '.join(pending)}: still to be read by your instructor)"
    lines += [total, ""]
    problem = verdict.get("problem")
    # checks are judged when the code reached the probes (a time-out during the probes
    # keeps the results of the probes that reported)
    checked = ok or any(d.get("checks") for d in auto.values())
    if isinstance(problem, dict) and not ok:
        lines += [*_fill(problem_sentence(problem)), ""]
    for name, question in questions.items():
        if question.get("manual"):
            lines += _manual_lines(name, question)
        else:
            mine = [e for e in errors if e.get("question") == name]
            lines += _auto_lines(name, question, mine, checked)
    elsewhere = [e for e in errors if e.get("question") not in auto]
    if elsewhere:
        lines += ["", "Errors in cells outside the questions:"]
        for error in elsewhere:
            lines += _fill(_error_line(error), "  ", "    ")
    if errors:
        lines += ["", "(Cells are counted from the top of the notebook, text cells included.)"]
    lost = [q for q, d in auto.items() if float(d.get("points") or 0) < float(d.get("max") or 0)]
    if checked and any(auto[q].get("answered") is not False for q in lost):
        lines += ["", *_fill(AGAIN)]
    elif checked and lost:
        lines += ["", UNANSWERED]
    return "\n".join(lines) + "\n"
