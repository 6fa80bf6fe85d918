"""The instructor's points for the manual (*Explain*) questions: ``OUT/manual-points.csv``.

The file is the one place manual points are entered; ``make grade`` reads it and merges the
points into ``grades.csv`` and the students' feedback. Format (a CSV a spreadsheet opens):

* UTF-8 (written with a byte-order mark, so that Excel reads it as UTF-8; read with or
  without one), comma-separated; a file saved back with ``;`` or tabs is read too, and
  rewritten with the delimiter it has.
* A header row, then one row per submission and manual question. Columns:

  ``file``
      the submission's file name, as in ``grades.csv`` (``ada.ipynb``);
  ``question``
      the manual question's name (``q4_explain``);
  ``max``
      the question's points in the master (for information; the master's value is used);
  ``points``
      the instructor's points: empty (not read yet) or a number from 0 to ``max``
      (``1.5``; a decimal comma, ``1,5``, is read too);
  ``comment``
      optional: a note for the student, shown under the question in the feedback file.

  Other columns the instructor adds are kept as they are.

``make grade`` creates the file on its first run (every row's ``points`` empty) and adds rows
for new submissions on later runs; it never removes a row, a column or a value, and writes
only when it adds rows (atomically). A value it cannot use stops the run with
:class:`ManualPointsError`, which names the file, the row (as a spreadsheet numbers it: the
header is row 1) and the value.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass, field
from pathlib import Path

from scratchlib.files import atomic_write

__all__ = [
    "FIELDS",
    "MANUAL_FILE",
    "ManualPointsError",
    "ManualTable",
    "add_rows",
    "to_csv",
    "manual_questions",
    "read_table",
    "write_table",
]

MANUAL_FILE = "manual-points.csv"
FIELDS = ("file", "question", "max", "points", "comment")
REQUIRED = ("file", "question", "points")
DELIMITERS = (",", ";", "\t")
_DECIMAL_COMMA = re.compile(r"[+-]?\d+,\d+")


class ManualPointsError(ValueError):
    """``manual-points.csv`` holds something that cannot be used (the message says where)."""


@dataclass
class ManualTable:
    """The rows of ``manual-points.csv`` as read (every value a string), and how to write
    them back: the columns in the file's order (``FIELDS`` first when the file is new) and
    its delimiter."""

    path: Path
    fields: list[str] = field(default_factory=lambda: list(FIELDS))
    rows: list[dict[str, str]] = field(default_factory=list)
    delimiter: str = ","

    def key(self, row: dict[str, str]) -> tuple[str, str]:
        return row["file"], row["question"]

    def points(self) -> dict[tuple[str, str], float]:
        """(file, question) -> points, for the rows whose points are filled in."""
        found = {}
        for row in self.rows:
            value = _number(row.get("points", ""))
            if value is not None:
                found[self.key(row)] = value
        return found

    def comments(self) -> dict[tuple[str, str], str]:
        """(file, question) -> the instructor's comment, for the rows that have one."""
        return {
            self.key(row): row["comment"].strip()
            for row in self.rows
            if (row.get("comment") or "").strip()
        }


def manual_questions(config: dict) -> dict[str, float]:
    """The assignment's manual questions and their points, in the master's order."""
    return {
        name: float(q.get("points") or 0)
        for name, q in config["questions"].items()
        if q.get("manual")
    }


def _number(text: str) -> float | None:
    """The number in a points cell, None when empty; ValueError when it is not a number."""
    text = text.strip()
    if not text:
        return None
    if _DECIMAL_COMMA.fullmatch(text):
        text = text.replace(",", ".")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(text)
    return value


def _delimiter(path: Path, header: str) -> str:
    for delimiter in DELIMITERS:
        names = {c.strip().lower() for c in next(csv.reader([header], delimiter=delimiter))}
        if set(REQUIRED) <= names:
            return delimiter
    raise ManualPointsError(
        f"{path}, row 1: the header must hold the columns {', '.join(REQUIRED)} "
        f"(comma-separated); found {header.strip()!r}. Fix the header, or delete the file and "
        "run make grade again to get a fresh one (every points cell empty)."
    )


def read_table(path: Path, config: dict | None = None) -> ManualTable:
    """Read and check ``manual-points.csv`` (an empty table when the file does not exist).

    Parameters
    ----------
    path : Path
        The file, usually ``OUT/manual-points.csv``.
    config : dict, optional
        The assignment's configuration (``{"assignment", "questions": {q: {"points",
        "manual", ...}}}``). When given, every row's question must be one of its manual
        questions and every points value must lie between 0 and that question's points.

    Returns
    -------
    ManualTable

    Raises
    ------
    ManualPointsError
        The file is not UTF-8, has no ``file``/``question``/``points`` header, a row has no
        file or question, a points value is not a number (or is out of range), or one
        submission and question has two rows with points. The message names the file, the
        row and the value, and says what to write instead.
    """
    table = ManualTable(path)
    if not path.is_file():
        return table
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ManualPointsError(
            f"{path} is not UTF-8 text (byte {error.start}); save it as UTF-8 CSV (Excel: "
            "File > Save As > CSV UTF-8; LibreOffice: character set Unicode (UTF-8))."
        ) from None
    if not text.strip():
        return table
    table.delimiter = _delimiter(path, text.splitlines()[0])
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=table.delimiter)
    canonical = {name.lower(): name for name in FIELDS}
    rename = {h: canonical.get(h.strip().lower(), h) for h in reader.fieldnames or []}
    table.fields = [rename[h] for h in reader.fieldnames or []]
    manual = manual_questions(config) if config is not None else None
    seen: dict[tuple[str, str], int] = {}
    for number, raw in enumerate(reader, start=2):
        row = {rename.get(k, k): (v or "") for k, v in raw.items() if k is not None}
        if not any(v.strip() for v in row.values()):
            continue  # a blank line a spreadsheet left
        row["file"], row["question"] = row["file"].strip(), row["question"].strip()
        _check_row(path, number, row, manual, seen)
        table.rows.append(row)
    return table


def _check_row(
    path: Path,
    number: int,
    row: dict[str, str],
    manual: dict[str, float] | None,
    seen: dict[tuple[str, str], int],
) -> None:
    where = f"{path}, row {number}"
    if not row["file"] or not row["question"]:
        raise ManualPointsError(
            f"{where}: the file and question columns must both be filled in; found file "
            f"{row['file']!r}, question {row['question']!r}."
        )
    what = f"{row['file']} {row['question']}"
    if manual is not None and row["question"] not in manual:
        known = ", ".join(manual) or "none"
        raise ManualPointsError(
            f"{where}: {row['question']!r} ({row['file']}) is not a manual question of this "
            f"assignment (its manual questions: {known}). Correct the question name or "
            "delete the row."
        )
    value = row.get("points", "")
    top = manual[row["question"]] if manual is not None else None
    takes = (
        "a number of points, 0 or more (e.g. 1.5)"
        if top is None
        else "no points in its master: leave the cell empty or write 0"
        if top == 0
        else f"a number from 0 to {top:g} (e.g. 1.5)"
    )
    try:
        points = _number(value)
    except ValueError:
        raise ManualPointsError(
            f"{where}: points {value!r} for {what} is not a number; {row['question']} takes "
            f"{takes}, or an empty cell."
        ) from None
    if points is None:
        return
    if points < 0 or (top is not None and points > top):
        raise ManualPointsError(
            f"{where}: points {value!r} for {what} is out of range: {row['question']} takes "
            f"{takes}."
        )
    key = (row["file"], row["question"])
    if key in seen:
        raise ManualPointsError(
            f"{where}: points {value!r} for {what}, which row {seen[key]} already has points "
            "for; keep one of the two rows."
        )
    seen[key] = number


def add_rows(table: ManualTable, files: list[str], config: dict) -> int:
    """Add an empty row for every (file, manual question) the table lacks; return how many.

    Rows are only ever added, after the existing ones, sorted by file then question order.
    """
    manual = manual_questions(config)
    for name in FIELDS:
        if name not in table.fields:
            table.fields.append(name)
    have = {table.key(row) for row in table.rows}
    added = 0
    for file in sorted(files):
        for question, points in manual.items():
            if (file, question) not in have:
                row = dict.fromkeys(table.fields, "")
                row.update(file=file, question=question, max=f"{points:g}")
                table.rows.append(row)
                added += 1
    return added


def to_csv(table: ManualTable) -> str:
    """The table as CSV text (header first, the table's delimiter, CRLF line ends)."""
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=table.fields, delimiter=table.delimiter)
    writer.writeheader()
    writer.writerows({k: row.get(k, "") for k in table.fields} for row in table.rows)
    return buffer.getvalue()


def write_table(table: ManualTable, permissions: int = 0o644) -> None:
    """Write the table to its file, atomically, UTF-8 with a byte-order mark, with the mode
    bits ``permissions``."""
    text = to_csv(table)
    atomic_write(
        table.path,
        lambda f: f.write(text),
        mode="w",
        encoding="utf-8-sig",
        newline="",
        permissions=permissions,
    )
