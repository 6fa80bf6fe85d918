"""What ``make grade`` makes from the verdicts: ``grades.csv``, the feedback files, the report.

Everything here is made from the verdicts (``OUT/verdicts/<stem>.json``, the schema is in
``exercises/tools/judge.py``), the assignment's configuration (read from its master) and the
instructor's ``OUT/manual-points.csv`` (:mod:`exercises.tools.manual_points`), so it can be
made again at any time without grading anything.

``OUT/grades.csv``
    UTF-8, comma-separated, one row per submission, sorted by file name. Columns
    (:func:`csv_fields`): ``file``; one per question in the master's order (points, e.g.
    ``3`` or ``1.5``; a manual question's cell is empty until its points are entered);
    ``total`` (the points so far, manual ones included once entered); ``max_total``;
    ``status`` (``ok``: graded to the end; ``error``; ``timeout``); ``detail`` (why, for
    ``error`` and ``timeout``); ``flags`` (space-separated: code worth a look, never a
    score change; ``unsandboxed`` when graded with ``SANDBOX=none``).
``OUT/feedback/<stem>.txt``
    For the student (:func:`exercises.tools.feedback.feedback_text`).
``OUT/manual-points.csv``
    The instructor's points for the manual questions (created with empty points, extended
    with rows for new submissions, never shortened).
``OUT/report/index.html``, ``OUT/report/answers-<question>.html``
    The instructor's report and one page per manual question
    (:mod:`exercises.tools.report_pages`).
"""

from __future__ import annotations

import copy
import csv
import io
import os
from pathlib import Path

from exercises.tools import report_pages
from exercises.tools.feedback import feedback_text, problem_sentence
from exercises.tools.manual_points import (
    MANUAL_FILE,
    ManualPointsError,
    add_rows,
    read_table,
    write_table,
)
from scratchlib.files import atomic_write

__all__ = [
    "ManualPointsError",
    "csv_fields",
    "csv_row",
    "csv_text",
    "merge_manual",
    "read_manual_points",
    "write_all",
]

FIELDS_AFTER_QUESTIONS = ("total", "max_total", "status", "detail", "flags")
MAX_DETAIL_CHARS = 300


def _points(value: float) -> str:
    return f"{round(value, 4):g}"


def csv_fields(config: dict) -> list[str]:
    """The columns of ``grades.csv``: ``file``, the questions in the master's order, then
    ``total``, ``max_total``, ``status``, ``detail``, ``flags``.

    Parameters
    ----------
    config : dict
        The assignment's configuration: ``{"assignment": str, "questions": {name:
        {"points": float, "manual": bool, "checks": [str, ...]}}}``.
    """
    return ["file", *config["questions"], *FIELDS_AFTER_QUESTIONS]


def _detail(verdict: dict) -> str:
    """Why a submission was not graded to the end, on one line, for the instructor."""
    problem = verdict.get("problem")
    if verdict.get("status") == "ok" or not isinstance(problem, dict):
        return ""
    text = str(problem.get("text") or "").strip() or problem_sentence(problem)
    kind = str(problem.get("kind") or "")
    line = " ".join(text.split())
    if kind and not line.startswith(kind):
        line = f"{kind}: {line}"
    return line[:MAX_DETAIL_CHARS]


def csv_row(verdict: dict, manual: dict[tuple[str, str], float]) -> dict[str, str]:
    """One ``grades.csv`` row, every value a string (the columns of :func:`csv_fields`).

    Parameters
    ----------
    verdict : dict
        One submission's verdict (``file``, ``status``, ``problem``, ``questions``,
        ``flags``, ``sandboxed``).
    manual : dict
        The instructor's points, (file, question) -> points, as :func:`read_manual_points`
        returns them; a manual question without an entry keeps an empty cell.
    """
    file = verdict["file"]
    row = {"file": file}
    earned = 0.0
    for name, question in verdict["questions"].items():
        points = question.get("points")
        if question.get("manual"):
            points = manual.get((file, name), points)
        if points is None:
            row[name] = ""
            continue
        row[name] = _points(float(points))
        earned += float(points)
    flags = list(verdict.get("flags") or [])
    if verdict.get("sandboxed") is False and "unsandboxed" not in flags:
        flags.append("unsandboxed")
    row.update(
        total=_points(earned),
        max_total=_points(sum(float(q.get("max") or 0) for q in verdict["questions"].values())),
        status=str(verdict.get("status")),
        detail=_detail(verdict),
        flags=" ".join(flags),
    )
    return row


def read_manual_points(out: Path, config: dict | None = None) -> dict[tuple[str, str], float]:
    """The instructor's manual points from ``OUT/manual-points.csv`` ({} when it is absent).

    Parameters
    ----------
    out : Path
        The output folder of ``make grade``.
    config : dict, optional
        The assignment's configuration; when given, each row's question must be a manual
        question of it and its points between 0 and the question's points. Call it with the
        configuration before a batch starts, so that a typo stops the run at once.

    Returns
    -------
    dict
        (file, question) -> points, for every row whose points cell is filled in.

    Raises
    ------
    ManualPointsError
        A value in the file cannot be used: the message names the file, the row and the
        value (see :func:`exercises.tools.manual_points.read_table`).
    """
    return read_table(Path(out) / MANUAL_FILE, config).points()


def merge_manual(
    verdict: dict,
    points: dict[tuple[str, str], float],
    comments: dict[tuple[str, str], str],
) -> dict:
    """A copy of ``verdict`` whose manual questions hold the instructor's points and comment."""
    merged = copy.deepcopy(verdict)
    for name, question in merged["questions"].items():
        if question.get("manual"):
            key = (merged["file"], name)
            question["points"] = points.get(key, question.get("points"))
            if key in comments:
                question["comment"] = comments[key]
    return merged


def _check_against_config(verdicts: list[dict], config: dict) -> None:
    expected = list(config["questions"])
    for verdict in verdicts:
        if list(verdict.get("questions") or {}) != expected:
            raise ValueError(
                f"the verdict of {verdict.get('file')} has the questions "
                f"{list(verdict.get('questions') or {})}, but {config['assignment']}'s master "
                f"has {expected}: the verdict is from another version of the master; delete "
                "OUT/verdicts and grade again."
            )


def new_file_mode() -> int:
    """The mode ``open()`` would give a new file (0o666 less the umask), for every file
    written here. Reading the umask sets it for a moment: call it when no other thread
    creates files (``write_all`` runs after the batch)."""
    umask = os.umask(0)
    os.umask(umask)
    return 0o666 & ~umask


def _write_text(path: Path, text: str, mode: int) -> None:
    atomic_write(path, lambda f: f.write(text), mode="w", newline="", permissions=mode)


def csv_text(fields: list[str], rows: list[dict[str, str]], header: bool = True) -> str:
    """Rows of ``grades.csv`` as CSV text (the header first unless ``header`` is False):
    what the batch appends as each row comes, and :func:`write_all` writes at the end."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=fields)
    if header:
        writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def grades_csv(verdicts: list[dict], config: dict, manual: dict[tuple[str, str], float]) -> str:
    """The whole ``grades.csv`` as text, sorted by file name."""
    rows = [csv_row(v, manual) for v in sorted(verdicts, key=lambda v: v["file"])]
    return csv_text(csv_fields(config), rows)


def write_all(out: Path, verdicts: list[dict], config: dict) -> None:
    """Write ``grades.csv``, the feedback files, ``manual-points.csv`` and the report.

    The instructor's ``manual-points.csv`` is read (and checked) first: nothing is written
    when it holds a value that cannot be used. It then gets an empty row for every
    submission and manual question it lacks; its other rows, columns and values are kept.
    Every file is written atomically, with the mode ``open()`` would give it.

    Parameters
    ----------
    out : Path
        The output folder (created if missing).
    verdicts : list of dict
        One verdict per submission (any order).
    config : dict
        The assignment's configuration (see :func:`csv_fields`).

    Raises
    ------
    ManualPointsError
        ``manual-points.csv`` holds a value that cannot be used (file, row and value named).
    ValueError
        A verdict's questions are not the master's (a verdict left from another version).
    """
    out = Path(out)
    _check_against_config(verdicts, config)
    table = read_table(out / MANUAL_FILE, config)
    for sub in ("feedback", "report"):
        (out / sub).mkdir(parents=True, exist_ok=True)
    mode = new_file_mode()
    if add_rows(table, [v["file"] for v in verdicts], config) or not table.path.is_file():
        write_table(table, mode)
    points, comments = table.points(), table.comments()
    merged = [merge_manual(v, points, comments) for v in sorted(verdicts, key=lambda v: v["file"])]
    _write_text(out / "grades.csv", grades_csv(verdicts, config, points), mode)
    for verdict in merged:
        text = feedback_text(verdict)
        _write_text(out / "feedback" / f"{Path(verdict['file']).stem}.txt", text, mode)
    label = str(out)
    _write_text(out / "report" / "index.html", report_pages.index_page(merged, config, label), mode)
    snapshot = {"fields": table.fields, "rows": table.rows, "delimiter": table.delimiter}
    for name, question in config["questions"].items():
        if question.get("manual"):
            page = report_pages.explain_page(name, merged, config, snapshot, str(out / MANUAL_FILE))
            _write_text(out / "report" / report_pages.answers_page(name), page, mode)
