"""A submitted notebook, read outside the sandbox: stripped, and what is read from it.

:func:`strip` parses the submitted bytes (up to :data:`MAX_BYTES`) and keeps only the cells:
every output, execution count, attachment and all metadata (otter's included) are dropped
before anything runs, so a notebook's saved plots never cost its answers and tests hidden in
its metadata never run. The cells handed out with the assignment that only help the student
(the Colab install cell, otter's init cell, the ``grader.check("qN")`` cells), when unchanged,
are emptied: they are not run during grading (their numbering stays). From the stripped cells
this module also reads which question a cell belongs to (for messages) and the answers to the
*Explain* questions (for the instructor); ``flags.py`` reads the code.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from exercises.tools.build import COLAB_CELL, INIT_CELL

#: Notebooks larger than this are not parsed (an `error` row that says what to do).
MAX_BYTES = 500 * 10**6

_CHECK = re.compile(r"""\s*grader\.check\(\s*["'](?P<q>\w+)["']\s*\)\s*""")
_COLAB = re.compile(re.escape(COLAB_CELL.rstrip("\n")))
for _field in ("{otter_version}", "{url}", "{version}", "{name}", "{ref}"):
    _COLAB = re.compile(_COLAB.pattern.replace(re.escape(_field), r"[\w.:/@+-]+"))
_COLAB = re.compile(_COLAB.pattern.replace(re.escape("{otter_pins}"), r'[\w.:/@+=" -]+'))
_BEGIN_MANUAL, _END_MANUAL = "<!-- BEGIN QUESTION -->", "<!-- END QUESTION -->"


class Unreadable(Exception):
    """The submission cannot be graded: ``kind`` (the verdict's problem kind, ``too-large`` or
    ``unreadable``) and ``why`` (what is wrong, a few words: "not valid JSON"). The student's
    sentence is written from these by ``feedback.kind_sentence``."""

    def __init__(self, kind: str, why: str = ""):
        super().__init__(why or kind)
        self.kind, self.why = kind, why


@dataclass
class Cell:
    number: int  # 1-based position in the submitted notebook
    kind: str  # "code", "markdown" or "raw"
    source: str
    generated: bool  # an unchanged handed-out helper cell (emptied, not run)


@dataclass
class Submission:
    cells: list[Cell]
    stripped_bytes: int  # the size of what was removed (saved outputs, attachments, metadata)
    assignment: str | None = None  # the assignment otter's metadata names, if any

    @property
    def notebook(self) -> dict:
        """The notebook that runs: the cells only (generated ones emptied), no outputs."""
        cells = []
        for c in self.cells:
            cell = {
                "cell_type": c.kind,
                "id": f"cell-{c.number}",
                "metadata": {},
                "source": "" if c.generated else c.source,
            }
            if c.kind == "code":
                cell.update(outputs=[], execution_count=None)
            cells.append(cell)
        return {
            "nbformat": 4,
            "nbformat_minor": 5,
            "metadata": {
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
            },
            "cells": cells,
        }

    @property
    def code_cells(self) -> list[str]:
        """The submission's own code cells (generated cells left out), for the flags."""
        return [c.source for c in self.cells if c.kind == "code" and not c.generated]

    @property
    def code(self) -> str:
        return "\n".join(self.code_cells)

    def question_of(self, number: int) -> str | None:
        """The question a cell belongs to: that of the next ``grader.check("qN")`` cell at or
        after it (None after the last one, or when the notebook has none)."""
        for c in self.cells[number - 1 :]:
            if c.kind == "code" and (m := _CHECK.fullmatch(c.source)):
                return m.group("q")
        return None

    def answered(self, handed_out: set[str], names: dict[str, set[str]]) -> dict[str, bool]:
        """Question -> whether the student wrote anything for it: False when every cell that
        defines one of its names (names[q]: the answer's functions and variables) is still the
        handed-out cell (handed_out: those cells' sources), or none defines them."""
        defining = {
            q: [c for c in self.cells if c.kind == "code" and _defines(c.source, qnames)]
            for q, qnames in names.items()
        }
        return {q: any(c.source not in handed_out for c in cells) for q, cells in defining.items()}

    def answers(self, manual: list[str]) -> dict[str, str]:
        """The Explain answers: the cells between the k-th pair of manual-question markers,
        for the k-th manual question (as otter lays them out)."""
        found: list[str] = []
        inside: list[str] | None = None
        for c in self.cells:
            if _END_MANUAL in c.source and inside is not None:
                found.append("\n\n".join(s.strip() for s in inside if s.strip()))
                inside = None
            if _BEGIN_MANUAL in c.source:
                inside = []
            elif inside is not None:
                inside.append(c.source)
        return {q: found[k] if k < len(found) else "" for k, q in enumerate(manual)}


def _defines(source: str, names: set[str]) -> bool:
    """Does this cell define (def, class, assignment, import) one of names?"""
    return any(
        re.search(
            rf"^\s*(def|class)\s+{re.escape(n)}\b|^\s*{re.escape(n)}\s*[:=]"
            rf"|\bimport\b.*\b{re.escape(n)}\b",
            source,
            re.M,
        )
        for n in names
    )


def _source(cell: dict) -> str:
    source = cell.get("source", "")
    if isinstance(source, list) and all(isinstance(s, str) for s in source):
        return "".join(source)
    if isinstance(source, str):
        return source
    raise ValueError("a cell's source is neither text nor a list of lines")


def strip(data: bytes) -> Submission:
    """The submission's cells without outputs or metadata (raises Unreadable)."""
    if len(data) > MAX_BYTES:
        raise Unreadable("too-large")
    try:
        nb = json.loads(data.decode("utf-8"))
    except UnicodeDecodeError:
        raise Unreadable("unreadable", "not UTF-8 text") from None
    except (ValueError, RecursionError):
        raise Unreadable("unreadable", "not valid JSON") from None
    if not isinstance(nb, dict) or not isinstance(nb.get("cells"), list):
        raise Unreadable("unreadable", "it has no list of cells")
    if nb.get("nbformat") != 4:
        why = f"notebook format {nb.get('nbformat')!r}, not 4"
        raise Unreadable("unreadable", why)
    cells = []
    try:
        for number, raw in enumerate(nb["cells"], start=1):
            if not isinstance(raw, dict):
                raise ValueError(f"cell {number} is not an object")
            kind = raw.get("cell_type")
            kind = kind if kind in ("code", "markdown") else "raw"
            source = _source(raw)
            generated = kind == "code" and (
                source.strip() == INIT_CELL
                or bool(_COLAB.fullmatch(source.rstrip("\n")))
                or bool(_CHECK.fullmatch(source))
            )
            cells.append(Cell(number, kind, source, generated))
    except ValueError as e:
        raise Unreadable("unreadable", str(e)) from None
    otter = nb.get("metadata", {}).get("otter") if isinstance(nb.get("metadata"), dict) else None
    name = otter.get("assignment_name") if isinstance(otter, dict) else None
    submission = Submission(cells, 0, name if isinstance(name, str) else None)
    kept = len(json.dumps(submission.notebook).encode("utf-8"))
    submission.stripped_bytes = max(len(data) - kept, 0)
    return submission
