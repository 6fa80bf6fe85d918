"""TEMPORARY stand-in for ``feedback.py`` and ``report.py`` (the `report` branch writes them).

The batch (``batch.py``) calls only the interface fixed in /work/design/judge.md:
``feedback_text(verdict)``, ``csv_fields(config)``, ``csv_row(verdict, manual)``,
``read_manual_points(out)`` and ``write_all(out, verdicts, config)``. This module implements
the minimum of it so that ``make grade`` works until the real modules are merged; then the
import in ``batch.py`` changes to ``from exercises.tools import feedback, report`` and this
file is deleted. It writes ``grades.csv`` and ``feedback/<stem>.txt``; no HTML report.
"""

from __future__ import annotations

import csv
import io
import os
from pathlib import Path

from scratchlib.files import atomic_write

AFTER_QUESTIONS = ["total", "max_total", "status", "detail", "flags"]


def _points(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def feedback_text(verdict: dict) -> str:
    """The student's feedback: points per question, each failed check's message, the errors
    of their cells by question and cell, and what to do about a problem."""
    lines = [f"{verdict['file']}: {verdict['assignment']}", ""]
    problem = verdict.get("problem")
    if problem:
        lines += [problem["text"], ""]
    if verdict.get("stripped_bytes", 0) >= 10**6:
        lines += [
            f"(Your notebook held {verdict['stripped_bytes'] / 10**6:.0f} MB of saved outputs; "
            "they were removed before grading and never count.)",
            "",
        ]
    total = maximum = 0.0
    for q, result in verdict["questions"].items():
        if result["manual"]:
            lines.append(f"{q}: read by your instructor")
            continue
        total, maximum = total + result["points"], maximum + result["max"]
        lines.append(f"{q}: {result['points']:g} / {result['max']:g}")
        for check in result["checks"]:
            if not check["passed"]:
                why = f" ({check['why']})" if check.get("why") else ""
                lines.append(f"  - {check['name']}{why}: {check['message']}")
    lines += ["", f"total: {total:g} / {maximum:g}"]
    if verdict["cell_errors"]:
        lines += ["", "Errors raised by your notebook's cells:"]
        for e in verdict["cell_errors"][:20]:
            where = f"question {e['question'][1:]}, " if e.get("question") else ""
            evalue = (str(e["evalue"]).strip().splitlines() or [""])[0][:300]
            lines.append(f"  {where}cell {e['cell']}: {e['ename']}: {evalue}")
    return "\n".join(lines) + "\n"


def csv_fields(config: dict) -> list[str]:
    auto = [q for q, c in config["questions"].items() if not c["manual"]]
    return ["file", *auto, *AFTER_QUESTIONS]


def csv_row(verdict: dict, manual: dict) -> dict:
    auto = {q: r for q, r in verdict["questions"].items() if not r["manual"]}
    problem = verdict.get("problem")
    flags = list(verdict["flags"]) + ([] if verdict["sandboxed"] else ["unsandboxed"])
    return {
        "file": verdict["file"],
        **{q: _points(r["points"]) for q, r in auto.items()},
        "total": _points(sum(r["points"] for r in auto.values())),
        "max_total": _points(sum(r["max"] for r in auto.values())),
        "status": verdict["status"],
        "detail": problem["text"] if problem else "",
        "flags": " ".join(flags),
    }


def read_manual_points(out: Path) -> dict:
    return {}


def _text(path: Path, text: str) -> None:
    umask = os.umask(0)
    os.umask(umask)
    atomic_write(path, lambda f: f.write(text), mode="w", newline="", permissions=0o666 & ~umask)


def csv_text(fields: list[str], rows: list[dict]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=fields)
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue()


def write_all(out: Path, verdicts: list[dict], config: dict) -> None:
    manual = read_manual_points(out)
    rows = [csv_row(v, manual) for v in sorted(verdicts, key=lambda v: v["file"])]
    _text(out / "grades.csv", csv_text(csv_fields(config), rows))
    (out / "feedback").mkdir(parents=True, exist_ok=True)
    for v in verdicts:
        _text(out / "feedback" / f"{Path(v['file']).stem}.txt", feedback_text(v))
