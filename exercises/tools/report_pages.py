"""The instructor's report in HTML: ``OUT/report/index.html`` and one page per manual question.

Made by :func:`exercises.tools.report.write_all` from the verdicts (manual points merged)
and the assignment's configuration; nothing else is read, so the pages can be made again
without grading anything. Each page is one self-contained HTML file: its style inline, the
histogram an inline SVG (with a title, a description and the same counts as a table), no
JavaScript library and nothing from another host. A Content-Security-Policy lets only the
page's own inline script run, so even text that escaped escaping could not run a script;
every piece of student text (answers, file names, error messages) is escaped with
:func:`html.escape`.

* ``index.html``: the totals' histogram; per question the share of submissions with full
  points; per check its pass rate and the message students see; the most-failed checks;
  the submissions worth a look (not graded to the end, flagged, unsandboxed, or with cell
  errors) and what each flag means; links to the manual questions' pages.
* ``answers-<question>.html`` for each manual question: every submission's answer, with a number
  input (points) and a comment box each, and a button that downloads ``manual-points.csv``
  (every row of the file as it was when the page was made, with this page's points and
  comments) for the instructor to save over ``OUT/manual-points.csv``.

Plain string templates: the pages are small and fixed, and one escaping function applied to
every value is easier to check than a template engine's autoescape settings.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import math
import statistics
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

__all__ = ["FLAG_MEANINGS", "answers_page", "explain_page", "histogram_bins", "index_page"]

#: What each flag of ``grades.csv`` means (flags never change a score), for the report.
FLAG_MEANINGS = {
    "otter-internals": "mentions otter's internals (its checker, results or grading mode)",
    "harness": "mentions the grading harness or the kernel's hooks (display hooks, event "
    "callbacks)",
    "doctest": "uses doctest",
    "pickle": "uses pickle, marshal, copyreg, shelve or dill, or defines __reduce__ or "
    "__setstate__ (code that runs when data is read)",
    "ctypes": "uses ctypes or cffi (calls into C directly)",
    "process-control": "forks, traces, signals or kills processes, or sets signal handlers",
    "patches-library": "assigns to attributes of numpy, math, the course library or other "
    "modules, or calls setattr",
    "builtins": "touches builtins, sys.modules, importlib or __import__",
    "file-access": "opens, lists, moves or removes files, or reads /proc",
    "process-or-network": "starts processes or shell commands, or uses the network",
    "course-library": "takes more from the course library than the handed-out notebook "
    "gives: it may call the library's own implementation instead of writing the answer",
    "unsandboxed": "graded without the sandbox (SANDBOX=none)",
}

STYLE = """
:root { color: #1a1a1a; background: #fff; font: 16px/1.5 system-ui, sans-serif; }
body { margin: 0 auto; padding: 1rem 1.5rem 3rem; max-width: 72rem; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2rem; }
a { color: #0b57a4; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #b8b8b8; padding: 0.25rem 0.6rem; text-align: left;
         vertical-align: top; }
th { background: #eef1f5; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.meter { display: inline-block; width: 6rem; height: 0.7rem; background: #e3e3e3;
         margin-right: 0.4rem; vertical-align: middle; }
.meter span { display: block; height: 100%; background: #2f5d8a; }
.warning { border: 2px solid #a15c00; padding: 0.5rem 1rem; background: #fff7e6; }
svg text { fill: #1a1a1a; font-size: 12px; }
svg .bar { fill: #2f5d8a; }
.answer { white-space: pre-wrap; border-left: 4px solid #8aa4c0; padding: 0.4rem 0.8rem;
          background: #f6f8fa; overflow-wrap: anywhere; }
.empty { font-style: italic; color: #4d4d4d; }
.entry { border-top: 1px solid #cfcfcf; padding: 0.6rem 0 1rem; }
.entry h2 { font-size: 1.05rem; margin: 0.4rem 0; }
label { display: inline-block; margin: 0.4rem 1rem 0 0; }
input[type=number] { width: 5rem; font-size: 1rem; }
textarea { width: 100%; max-width: 40rem; font: inherit; }
button { font-size: 1rem; padding: 0.35rem 1rem; }
code { background: #f0f0f0; padding: 0 0.2rem; }
"""


def esc(value: object) -> str:
    """Text made safe for HTML content and attribute values."""
    return html.escape(str(value), quote=True)


def _pts(value: float | None) -> str:
    return "" if value is None else f"{round(value, 4):g}"


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def _percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "–"


def _meter(part: int, whole: int) -> str:
    width = 100 * part / whole if whole else 0
    return f'<span class="meter" aria-hidden="true"><span style="width:{width:.1f}%"></span></span>'


def _page(title: str, body: str, script: str = "") -> str:
    policy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    if script:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        policy += f"; script-src 'sha256-{digest}'"
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
        f"{body}\n</main>\n"
        + (f"<script>{script}</script>\n" if script else "")
        # the script's text is ours and fixed: it is hashed into the policy above
        + "</body>\n</html>\n"
    )


def answers_page(question: str) -> str:
    """The file name of a manual question's page, inside report/."""
    return f"answers-{question}.html"


def stem_link(file: str) -> str:
    """The relative link from report/ to a submission's feedback file."""
    return "../feedback/" + quote(Path(file).stem + ".txt")


# ---------------------------------------------------------------------------- statistics


def total(verdict: dict) -> float:
    return sum(float(q.get("points") or 0) for q in verdict["questions"].values())


def max_total(config: dict) -> float:
    return sum(float(q.get("points") or 0) for q in config["questions"].values())


def histogram_bins(totals: list[float], top: float) -> list[tuple[str, int]]:
    """(label, count) per bin of total score: one bin per whole point from 0 to ``top``
    (a fractional score counts in the bin of its whole part); bins of several points each
    when ``top`` is above 40, so that there are at most 21 bars."""
    last = max(int(math.floor(top)), 0)
    width = max(1, math.ceil((last + 1) / 21)) if last > 40 else 1
    edges = list(range(0, last + 1, width))
    counts = [0] * len(edges)
    for value in totals:
        index = min(int(math.floor(max(value, 0) + 1e-9)) // width, len(edges) - 1)
        counts[index] += 1
    labels = [str(lo) if width == 1 else f"{lo}–{min(lo + width - 1, last)}" for lo in edges]
    return list(zip(labels, counts, strict=True))


def histogram_svg(bins: list[tuple[str, int]], unit: str = "points") -> str:
    """An accessible inline-SVG bar chart of ``bins`` ((label, count) pairs)."""
    width, height, left, bottom, top = 640, 250, 44, 40, 22
    plot_w, plot_h = width - left - 10, height - bottom - top
    most = max((c for _, c in bins), default=0) or 1
    step = plot_w / max(len(bins), 1)
    described = "; ".join(f"{label} {unit}: {count}" for label, count in bins)
    parts = [
        f'<svg id="histogram" role="img" aria-labelledby="hist-title hist-desc" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'style="max-width:100%;height:auto">',
        '<title id="hist-title">Submissions per total score</title>',
        f'<desc id="hist-desc">Number of submissions per total score: {esc(described)}.</desc>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" '
        'stroke="#1a1a1a"/>',
        f'<text x="{left - 6}" y="{top + 4}" text-anchor="end">{most}</text>',
        f'<text x="{left - 6}" y="{top + plot_h}" text-anchor="end">0</text>',
        f'<text transform="rotate(-90)" x="{-(top + plot_h / 2):.0f}" y="12" '
        'text-anchor="middle">submissions</text>',
    ]
    for i, (label, count) in enumerate(bins):
        bar_h = plot_h * count / most
        x = left + i * step + step * 0.1
        y = top + plot_h - bar_h
        parts.append(
            f'<rect class="bar" data-label="{esc(label)}" data-count="{count}" x="{x:.2f}" '
            f'y="{y:.2f}" width="{step * 0.8:.2f}" height="{bar_h:.2f}">'
            f"<title>{esc(label)} {unit}: {count}</title></rect>"
        )
        centre = x + step * 0.4
        if count:
            parts.append(
                f'<text x="{centre:.2f}" y="{y - 4:.2f}" text-anchor="middle">{count}</text>'
            )
        parts.append(
            f'<text x="{centre:.2f}" y="{top + plot_h + 16}" text-anchor="middle">'
            f"{esc(label)}</text>"
        )
    parts.append(
        f'<text x="{left + plot_w / 2:.0f}" y="{height - 4}" text-anchor="middle">'
        f"total score ({unit})</text></svg>"
    )
    rows = "".join(
        f'<tr><th scope="row">{esc(label)}</th><td class="num">{count}</td></tr>'
        for label, count in bins
    )
    table = (
        "<details><summary>The same counts as a table</summary>"
        '<table id="histogram-table"><caption>Submissions per total score</caption>'
        f'<tr><th scope="col">Total ({unit})</th><th scope="col">Submissions</th></tr>'
        f"{rows}</table></details>"
    )
    return "\n".join(parts) + "\n" + table


@dataclass
class CheckStat:
    question: str
    name: str
    message: str
    passed: int = 0
    failed: int = 0


def check_stats(verdicts: list[dict], config: dict) -> list[CheckStat]:
    """Pass counts of every check over the submissions graded to the end (status ok), in the
    master's order (questions, then each question's checks)."""
    stats: dict[tuple[str, str], CheckStat] = {}
    for name, question in config["questions"].items():
        for check in question.get("checks") or []:
            stats[(name, check)] = CheckStat(name, check, "")
    for verdict in verdicts:
        if verdict.get("status") != "ok":
            continue
        for name, question in verdict["questions"].items():
            for check in question.get("checks") or []:
                stat = stats.setdefault((name, check["name"]), CheckStat(name, check["name"], ""))
                stat.message = stat.message or str(check.get("message") or "")
                if check.get("passed"):
                    stat.passed += 1
                else:
                    stat.failed += 1
    return list(stats.values())


# ---------------------------------------------------------------------------- index.html


def _summary(verdicts: list[dict], config: dict) -> str:
    statuses = {s: sum(v.get("status") == s for v in verdicts) for s in ("ok", "error", "timeout")}
    totals = [total(v) for v in verdicts]
    top = max_total(config)
    parts = [_count(len(verdicts), "submission"), *(f"{n} {s}" for s, n in statuses.items())]
    if totals:
        parts.append(f"median total {statistics.median(totals):g} of {top:g}")
        parts.append(f"mean {statistics.fmean(totals):.1f}")
    return f'<p id="summary">{esc(" · ".join(parts))}</p>'


def _questions_table(verdicts: list[dict], config: dict) -> str:
    graded = [v for v in verdicts if v.get("status") == "ok"]
    rows = []
    for name, question in config["questions"].items():
        points = float(question.get("points") or 0)
        if question.get("manual"):
            entered = sum(v["questions"][name].get("points") is not None for v in verdicts)
            answered = sum(
                bool(str(v["questions"][name].get("answer") or "").strip()) for v in verdicts
            )
            link = quote(answers_page(name))
            rows.append(
                f'<tr data-question="{esc(name)}"><th scope="row"><a href="{link}">'
                f'{esc(name)}</a></th><td class="num">{_pts(points)}</td><td>manual</td>'
                f"<td>{answered} answered; points entered for {entered} of {len(verdicts)} "
                f'(<a href="{link}">read the answers</a>)</td></tr>'
            )
            continue
        full = sum(float(v["questions"][name].get("points") or 0) >= points for v in graded)
        rows.append(
            f'<tr data-question="{esc(name)}" data-full="{full}" data-of="{len(graded)}">'
            f'<th scope="row">{esc(name)}</th><td class="num">{_pts(points)}</td>'
            f"<td>auto</td><td>{_meter(full, len(graded))}{full} of {len(graded)} "
            f'<span class="rate">({_percent(full, len(graded))})</span> full points</td></tr>'
        )
    return (
        '<table id="questions"><caption>Per question, of the submissions graded to the end'
        '</caption><tr><th scope="col">Question</th><th scope="col">Points</th>'
        '<th scope="col">Graded</th><th scope="col">Result</th></tr>' + "".join(rows) + "</table>"
    )


def _check_row(stat: CheckStat, failed: bool) -> str:
    runs = stat.passed + stat.failed
    shown = stat.failed if failed else stat.passed
    return (
        f'<tr data-question="{esc(stat.question)}" data-check="{esc(stat.name)}" '
        f'data-passed="{stat.passed}" data-failed="{stat.failed}">'
        f"<td>{esc(stat.question)}</td><td>{esc(stat.name)}</td>"
        f'<td class="num">{_meter(shown, runs)}{shown} of {runs} '
        f"({_percent(shown, runs)})</td><td>{esc(stat.message)}</td></tr>"
    )


def _checks_table(table_id: str, caption: str, stats: list[CheckStat], failed: bool) -> str:
    head = (
        '<tr><th scope="col">Question</th><th scope="col">Check</th>'
        f'<th scope="col">{"Failed by" if failed else "Passed by"}</th>'
        '<th scope="col">Message students see when it fails</th></tr>'
    )
    return (
        f'<table id="{table_id}"><caption>{esc(caption)}</caption>{head}'
        + "".join(_check_row(s, failed) for s in stats)
        + "</table>"
    )


def _attention(verdicts: list[dict]) -> tuple[str, set[str]]:
    rows, flags_seen = [], set()
    for v in verdicts:
        flags = list(v.get("flags") or [])
        if v.get("sandboxed") is False and "unsandboxed" not in flags:
            flags.append("unsandboxed")
        errors = [e for e in v.get("cell_errors") or [] if isinstance(e, dict)]
        if v.get("status") == "ok" and not flags and not errors:
            continue
        flags_seen.update(flags)
        problem = v.get("problem") or {}
        what = str(problem.get("text") or problem.get("kind") or "") if problem else ""
        cells = "; ".join(
            f"{e.get('question') or 'outside questions'}, cell {e.get('cell')}: {e.get('ename')}"
            for e in errors[:5]
        ) + ("; …" if len(errors) > 5 else "")
        rows.append(
            f'<tr data-file="{esc(v["file"])}"><td><a href="{stem_link(v["file"])}">'
            f"{esc(v['file'])}</a></td><td>{esc(v.get('status'))}</td>"
            f'<td class="num">{_pts(total(v))}</td><td>{esc(what)}</td>'
            f"<td>{esc(' '.join(flags))}</td><td>{esc(cells)}</td></tr>"
        )
    if not rows:
        return "<p>Every submission was graded to the end, without flags or cell errors.</p>", set()
    table = (
        '<table id="attention"><caption>Not graded to the end, flagged, or with cell errors'
        '</caption><tr><th scope="col">Submission (feedback)</th><th scope="col">Status</th>'
        '<th scope="col">Total</th><th scope="col">What happened</th>'
        '<th scope="col">Flags</th><th scope="col">Cell errors</th></tr>'
        + "".join(rows)
        + "</table>"
    )
    return table, flags_seen


def _flag_list(flags: set[str]) -> str:
    if not flags:
        return ""
    items = "".join(
        f"<dt><code>{esc(flag)}</code></dt>"
        f"<dd>{esc(FLAG_MEANINGS.get(flag, 'see exercises/README.md'))}</dd>"
        for flag in sorted(flags)
    )
    return (
        "<p>Flags point at code worth reading yourself; they never change a score.</p>"
        f'<dl id="flags">{items}</dl>'
    )


def index_page(verdicts: list[dict], config: dict, out_label: str) -> str:
    """The report's main page.

    Parameters
    ----------
    verdicts : list of dict
        Every submission's verdict, manual points merged, sorted by file name.
    config : dict
        The assignment's configuration (questions: points, manual, checks).
    out_label : str
        How the output folder is named on the page (e.g. ``grades/01_minibatch``).
    """
    assignment = config["assignment"]
    top = max_total(config)
    stats = check_stats(verdicts, config)
    most = sorted((s for s in stats if s.failed), key=lambda s: -s.failed)[:10]
    attention, flags = _attention(verdicts)
    manual = [q for q, d in config["questions"].items() if d.get("manual")]
    unsandboxed = [v["file"] for v in verdicts if v.get("sandboxed") is False]
    graded = sum(v.get("status") == "ok" for v in verdicts)
    body = [
        f"<h1>Grading report: {esc(assignment)}</h1>",
        _summary(verdicts, config),
        f"<p>Files in <code>{esc(out_label)}</code>: "
        '<a href="../grades.csv">grades.csv</a> (one row per submission), '
        '<a href="../manual-points.csv">manual-points.csv</a> (your points for the manual '
        "questions), <code>feedback/</code> (what each student gets).</p>",
    ]
    if manual:
        links = ", ".join(f'<a href="{quote(answers_page(q))}">{esc(q)}</a>' for q in manual)
        body.append(f"<p>The answers to the manual questions, to read and grade: {links}.</p>")
    if unsandboxed:
        body.append(
            f'<p class="warning">{_count(len(unsandboxed), "submission")} graded without the '
            "sandbox (SANDBOX=none): their code ran as you.</p>"
        )
    body += [
        "<h2>Total scores</h2>",
        histogram_svg(histogram_bins([total(v) for v in verdicts], top)),
        "<h2>Questions</h2>",
        _questions_table(verdicts, config),
        "<h2>Most-failed checks</h2>",
        _checks_table(
            "most-failed",
            f"The checks failed most often, of {graded} submissions graded to the end",
            most,
            failed=True,
        )
        if most
        else "<p>No check failed.</p>",
        "<h2>Submissions to look at</h2>",
        attention,
        _flag_list(flags),
        "<h2>Every check</h2>",
        _checks_table(
            "checks", f"Every check, of {graded} submissions graded to the end", stats, False
        ),
    ]
    return _page(f"Grading report: {assignment}", "\n".join(body))


# ------------------------------------------------------------------- manual questions


DOWNLOAD_SCRIPT = """
(() => {
  const table = JSON.parse(document.getElementById("manual-table").textContent);
  const status = document.getElementById("save-status");
  const quote = (v) => /[",;\\t\\r\\n]/.test(v) ? '"' + v.replaceAll('"', '""') + '"' : v;
  function save() {
    const entries = [...document.querySelectorAll(".entry")];
    for (const entry of entries) {
      const input = entry.querySelector("input");
      if (!input.checkValidity()) {
        status.textContent = "Not saved: " + entry.dataset.file + ": the points must be a " +
          "number from 0 to " + input.max + " (or empty).";
        input.focus();
        return;
      }
    }
    const edits = new Map(entries.map((e) => [e.dataset.file, e]));
    for (const row of table.rows) {
      const entry = row.question === table.question && edits.get(row.file);
      if (entry) {
        row.points = entry.querySelector("input").value.trim();
        row.comment = entry.querySelector("textarea").value;
      }
    }
    const lines = [table.fields, ...table.rows.map((r) => table.fields.map((f) => r[f] ?? ""))];
    const text = "\\ufeff" + lines.map((l) => l.map(quote).join(table.delimiter)).join("\\r\\n")
      + "\\r\\n";
    const link = document.createElement("a");
    link.href = URL.createObjectURL(new Blob([text], {type: "text/csv;charset=utf-8"}));
    link.download = "manual-points.csv";
    document.body.append(link);
    link.click();
    link.remove();
    status.textContent = "Downloaded manual-points.csv: save it over " + table.target +
      " and run make grade again.";
  }
  for (const button of document.querySelectorAll("button.save")) {
    button.addEventListener("click", save);
  }
})();
"""


def _json_for_script(data: object) -> str:
    """JSON that cannot end its <script> element early (every <, > and & escaped)."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def explain_page(
    question: str,
    verdicts: list[dict],
    config: dict,
    table: dict,
    manual_path: str,
) -> str:
    """The page of one manual question: every submission's answer, with inputs for points.

    Parameters
    ----------
    question : str
        The manual question's name.
    verdicts : list of dict
        Every verdict, manual points and comments merged, sorted by file name.
    config : dict
        The assignment's configuration.
    table : dict
        ``manual-points.csv`` as it is now: ``{"fields": [...], "rows": [{...}],
        "delimiter": ","}`` (every value a string); the download holds all of it.
    manual_path : str
        Where ``manual-points.csv`` is, as the instructor would type it.
    """
    maximum = float(config["questions"][question].get("points") or 0)
    entries, answered, entered = [], 0, 0
    for i, verdict in enumerate(verdicts):
        q = verdict["questions"][question]
        answer = str(q.get("answer") or "")
        answered += bool(answer.strip())
        entered += q.get("points") is not None
        shown = (
            f'<div class="answer">{esc(answer)}</div>'
            if answer.strip()
            else '<p class="answer empty">No answer.</p>'
        )
        entries.append(
            f'<section class="entry" data-file="{esc(verdict["file"])}" aria-labelledby="h-{i}">'
            f'<h2 id="h-{i}">{esc(verdict["file"])}</h2>{shown}'
            f'<label for="p-{i}">Points (0 to {_pts(maximum)})</label>'
            f'<input type="number" id="p-{i}" min="0" max="{_pts(maximum)}" step="any" '
            f'value="{esc(_pts(q.get("points")))}"><br>'
            f'<label for="c-{i}">Comment for the student (optional)</label><br>'
            f'<textarea id="c-{i}" rows="2">{esc(q.get("comment") or "")}</textarea>'
            "</section>"
        )
    button = '<p><button type="button" class="save">Download manual-points.csv</button></p>'
    data = {**table, "question": question, "target": manual_path}
    body = [
        f"<h1>{esc(question)}: every answer ({esc(config['assignment'])})</h1>",
        '<p><a href="index.html">Back to the report</a></p>',
        f'<p id="counts">{len(verdicts)} submissions, {answered} with an answer, points '
        f"entered for {entered}. The question is worth {_pts(maximum)} points.</p>",
        ""
        if maximum
        else "<p>Its master gives it no points: you can leave comments for the students; to "
        "give points, set <code>points:</code> in its <code>BEGIN QUESTION</code> cell and run "
        "<code>make assignments</code> and <code>make grade</code> again.</p>",
        "<p>Enter points here, or in the spreadsheet <code>"
        f"{esc(manual_path)}</code> itself. Here: type the points (and a comment the student "
        "will read, if you like), press the button, and save the downloaded "
        f"<code>manual-points.csv</code> over <code>{esc(manual_path)}</code>; the next "
        "<code>make grade</code> merges the points into grades.csv and the feedback. The "
        "download holds every row of that file as it was when this page was made, with this "
        "page's points and comments: if you have edited the file since, run make grade "
        "first to refresh this page.</p>",
        button,
        '<p id="save-status" role="status"></p>',
        *entries,
        button,
        f'<script type="application/json" id="manual-table">{_json_for_script(data)}</script>',
    ]
    return _page(f"{question}: answers ({config['assignment']})", "\n".join(body), DOWNLOAD_SCRIPT)
