"""What `make grade` makes from the verdicts: the students' feedback, grades.csv, the
instructor's manual points and the HTML report (exercises/tools/feedback.py, report.py,
manual_points.py, report_pages.py), from the fixture verdicts of tests/_report_fixtures.py.

The feedback and CSV tests check behaviour: every failed check's message sits under its
question, nothing a verdict holds beside the messages (hidden inputs, expected values, paths)
reaches a student, manual points merge into the totals, a bad manual-points file is refused
with its file, row and value named and nothing written. The browser tests open the report in
the system Chromium (book/tools/browser.py, as tests/test_browser.py does), served on
127.0.0.1 with every other host unreachable: the histogram's bars match the score counts,
the pass rates are shown, the answers page lists every answer (a hostile one stays text),
the download of manual-points.csv feeds the next run, and axe-core finds no serious
violation. Screenshots: _build/screenshots/grading-report-<assignment>.png and
grading-answers-<assignment>-<question>.png.
"""

from __future__ import annotations

import copy
import csv
import io
import math
import os
import re
from collections import Counter
from pathlib import Path

import _report_fixtures as fx
import pytest
from conftest import ROOT

from exercises.tools import judge, report
from exercises.tools.feedback import feedback_text
from exercises.tools.manual_points import MANUAL_FILE, ManualPointsError

MANUAL = "q4_explain"
AUTO = [q for q, d in fx.CONFIG["questions"].items() if not d["manual"]]
SHOTS = ROOT / "_build" / "screenshots"


def blocks(text: str) -> dict[str, str]:
    """The feedback's lines per question: from the line "<q>: ..." to the next question's."""
    found, current = {}, None
    for line in text.splitlines():
        head = line.split(":", 1)[0]
        if head in fx.CONFIG["questions"]:
            current = head
            found[current] = ""
        elif not line.strip() or not line.startswith(" "):
            current = None
        if current:
            found[current] += line + "\n"
    return found


def flat(text: str) -> str:
    """The text with its line wrapping undone (to find a message wrapped over lines)."""
    return " ".join(text.split())


def total_line(text: str) -> tuple[float, float]:
    match = re.search(r"^Total[^:]*: ([\d.]+) of ([\d.]+) points?", text, flags=re.M)
    assert match, text
    return float(match[1]), float(match[2])


def read_csv(path: Path) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def write_manual(path: Path, rows: list[dict[str, str]], delimiter: str = ",") -> None:
    fields = list(rows[0])
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=fields, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    path.write_text(buffer.getvalue(), encoding="utf-8")


# ---- feedback -------------------------------------------------------------------------------


def test_every_failed_check_message_sits_under_its_question():
    failed = (
        ("q1", "integer labels"),
        ("q1", "one sample"),
        ("q3", "x restored"),
        ("q4", "reason"),
    )
    text = feedback_text(fx.make_verdict("bob.ipynb", failed=failed))
    parts = blocks(text)
    for question in AUTO:
        for check in fx.QUESTIONS[question][2]:
            message = fx.message(question, check).removeprefix(f"{question}:").strip()
            shown = {q for q, block in parts.items() if message in block}  # as written
            assert shown == ({question} if (question, check) in failed else set()), (
                f"{question}/{check}: its message is under {shown or 'no question'}\n{text}"
            )


def test_a_wrong_answer_failing_only_hidden_checks_says_why():
    hidden = tuple(("q1", c) for c in fx.hidden_checks("q1"))
    assert hidden, "the fixture's q1 has hidden checks"
    text = feedback_text(fx.make_verdict("bob.ipynb", failed=hidden))
    block = flat(blocks(text)["q1"])
    assert "0 of 3" in block
    for _, check in hidden:
        assert flat(fx.message("q1", check).removeprefix("q1:")) in block


def test_points_and_totals_per_question():
    failed = (("q2", "uses rng"), ("q4", "formula"))
    verdict = fx.make_verdict("cy.ipynb", failed=failed)
    text = feedback_text(verdict)
    parts = blocks(text)
    for question in AUTO:
        points, _, _ = fx.QUESTIONS[question]
        got = 0 if question in {q for q, _ in failed} else points
        assert parts[question].startswith(f"{question}: {got:g} of {points:g} point")
    earned = sum(fx.QUESTIONS[q][0] for q in AUTO if q not in ("q2", "q4"))
    assert total_line(text) == (earned, sum(p for p, _, _ in fx.QUESTIONS.values()))


def test_what_the_judge_met_is_said_under_the_check():
    bob = fx.batch()[2]
    why = {
        (q, c["name"]): c["why"] for q, d in bob["questions"].items() for c in d.get("checks", [])
    }
    assert why[("q1", "one sample")]
    q1 = flat(blocks(feedback_text(bob))["q1"])
    message = flat(fx.message("q1", "one sample").removeprefix("q1:"))
    assert message in q1 and why[("q1", "one sample")] in q1.split(message, 1)[1]


def test_the_judges_problem_text_is_the_students_sentence():
    for verdict in fx.batch():
        problem = verdict["problem"]
        if problem and problem.get("text"):
            text = feedback_text(verdict)
            assert flat(problem["text"])[1:] in flat(text)
            assert problem["text"][0].upper() + problem["text"][1:5] in text


def test_nothing_but_the_messages_reaches_the_student():
    """Hidden inputs, expected values, the judge's details and grading paths stay out."""
    verdicts = [fx.make_verdict("bob.ipynb", failed=(("q1", "integer labels"),))]
    verdicts += [
        fx.make_verdict("x.ipynb", status="error", problem=copy.deepcopy(p))
        for p in fx.PROBLEMS.values()
    ]
    verdicts.append(fx.batch()[3])  # cell errors, one with a path of the sandbox
    for verdict in verdicts:
        text = feedback_text(verdict)
        assert fx.SECRET not in text, text
        assert "/tmp/" not in text and "/srv/" not in text, text
        assert "Traceback" not in text and ">>>" not in text, text


def test_cell_errors_are_named_by_question_and_cell():
    verdict = fx.batch()[3]  # cy: NameError in q2 cell 9, FileNotFoundError in cell 2
    text = feedback_text(verdict)
    q2 = blocks(text)["q2"]
    assert "9" in q2 and "NameError" in q2 and "name 'rng' is not defined" in q2
    outside = text.split("\n\n")
    assert any("cell 2" in part and "FileNotFoundError" in part for part in outside)
    assert "data.npy" in text  # the student's own file name is kept, its folder is not


def test_every_problem_kind_of_the_judge_has_a_fixture():
    """So that the next test gives each kind its own sentence (a new kind without one fails)."""
    assert set(fx.PROBLEMS) == set(judge.PROBLEM_KINDS)


@pytest.mark.parametrize("kind", sorted(fx.PROBLEMS))
def test_every_status_a_student_can_act_on_has_its_own_sentence(kind):
    problem = copy.deepcopy(fx.PROBLEMS[kind])
    status = "timeout" if kind == "timeout" else "error"
    text = feedback_text(fx.make_verdict("x.ipynb", status=status, problem=problem))
    others = {
        k: feedback_text(fx.make_verdict("x.ipynb", status="error", problem=copy.deepcopy(p)))
        for k, p in fx.PROBLEMS.items()
        if k != kind
    }
    first = text.split("\n\n")[1]  # the paragraph after the header and total
    assert all(first not in other for other in others.values()), "sentence shared by kinds"
    # the numbers and places the problem carries are in it
    if "question" in problem:  # "question 3 (cell 12)", as the notebook numbers them
        assert f"question {problem['question'][1:]}" in flat(first)
        assert f"cell {problem['cell']}" in flat(first)
    for key in ("seconds", "limit"):
        if key in problem and kind != "too-large":
            assert f"{problem[key]:g}" in first
    if kind == "too-large":
        assert "600 MB" in flat(first) and "500 MB" in flat(first)
    # nothing was checked: no check message is listed as if the answers were wrong
    for question in AUTO:
        for check in fx.QUESTIONS[question][2]:
            assert flat(fx.message(question, check).removeprefix(f"{question}:")) not in flat(text)


def test_a_timeout_during_the_probes_keeps_the_checks_that_reported():
    verdict = fx.make_verdict("slow.ipynb", failed=(("q4", "formula"), ("q4", "reason")))
    verdict.update(status="timeout", problem={"kind": "timeout", "seconds": 300})
    for check in verdict["questions"]["q4"]["checks"]:
        check["why"] = "your code ran for more than 10 s and was stopped"
    text = feedback_text(verdict)
    q4 = blocks(text)["q4"]
    assert fx.message("q4", "formula").removeprefix("q4:").strip() in q4
    assert "10 s" in q4 and "300 s" in text.split("\n\n")[1]
    assert blocks(text)["q1"].startswith("q1: 3 of 3 points")


def test_manual_question_pending_then_entered():
    verdict = fx.make_verdict("ada.ipynb")
    pending = feedback_text(verdict)
    auto_max = sum(fx.QUESTIONS[q][0] for q in AUTO)
    full = auto_max + fx.QUESTIONS[MANUAL][0]
    assert total_line(pending) == (auto_max, full)
    assert "of" not in blocks(pending)[MANUAL].split(":", 1)[1].split("(")[0]
    merged = report.merge_manual(verdict, {("ada.ipynb", MANUAL): 1.5}, {})
    entered = feedback_text(merged)
    assert total_line(entered) == (auto_max + 1.5, full)
    assert blocks(entered)[MANUAL].startswith(f"{MANUAL}: 1.5 of 2 points")


def test_an_unanswered_question_is_said_so_without_every_check():
    failed = tuple(("q2", c) for c in fx.QUESTIONS["q2"][2])
    verdict = fx.make_verdict("blank.ipynb", failed=failed)
    verdict["questions"]["q2"]["answered"] = False
    q2 = flat(blocks(feedback_text(verdict))["q2"])
    assert q2.startswith("q2: 0 of 2 points")
    for check in fx.QUESTIONS["q2"][2]:
        assert flat(fx.message("q2", check).removeprefix("q2:")) not in q2


def test_a_manual_question_without_points_leaves_the_total_final():
    verdict = fx.make_verdict("ada.ipynb")
    verdict["questions"][MANUAL]["max"] = 0.0
    text = feedback_text(verdict)
    first = text.splitlines()[1]
    assert MANUAL not in first
    assert total_line(text) == (sum(fx.QUESTIONS[q][0] for q in AUTO),) * 2


# ---- grades.csv and manual points -----------------------------------------------------------


def test_csv_fields_follow_the_master():
    assert report.csv_fields(fx.CONFIG) == [
        "file",
        *fx.QUESTIONS,
        "total",
        "max_total",
        "status",
        "detail",
        "flags",
    ]


def test_csv_row_merges_manual_points_into_the_total():
    verdict = fx.make_verdict("bob.ipynb", failed=(("q3", "x restored"),), flags=("ctypes",))
    auto = sum(fx.QUESTIONS[q][0] for q in AUTO if q != "q3")
    row = report.csv_row(verdict, {})
    assert set(row) == set(report.csv_fields(fx.CONFIG))
    assert row[MANUAL] == "" and float(row["total"]) == auto and row["q3"] == "0"
    assert float(row["max_total"]) == sum(p for p, _, _ in fx.QUESTIONS.values())
    assert row["status"] == "ok" and row["detail"] == "" and row["flags"] == "ctypes"
    row = report.csv_row(verdict, {("bob.ipynb", MANUAL): 2.0, ("other.ipynb", MANUAL): 1.0})
    assert row[MANUAL] == "2" and float(row["total"]) == auto + 2


def test_csv_row_of_an_unsandboxed_timeout():
    problem = copy.deepcopy(fx.PROBLEMS["timeout"])
    verdict = fx.make_verdict("dan.ipynb", status="timeout", problem=problem, sandboxed=False)
    row = report.csv_row(verdict, {})
    assert row["status"] == "timeout" and row["total"] == "0"
    assert "timeout" in row["detail"] and "\n" not in row["detail"]
    assert row["flags"].split() == ["unsandboxed"]


def test_write_all_writes_every_file_and_creates_the_manual_points_file(tmp_path):
    verdicts = fx.batch()
    report.write_all(tmp_path, verdicts, fx.CONFIG)
    rows = read_csv(tmp_path / "grades.csv")
    files = sorted(v["file"] for v in verdicts)
    assert [r["file"] for r in rows] == files
    assert list(rows[0]) == report.csv_fields(fx.CONFIG)
    for row, verdict in zip(rows, sorted(verdicts, key=lambda v: v["file"]), strict=True):
        assert row == report.csv_row(verdict, {})
    stems = sorted(p.stem for p in (tmp_path / "feedback").glob("*.txt"))
    assert stems == [Path(f).stem for f in files]
    manual = read_csv(tmp_path / MANUAL_FILE)
    assert [(r["file"], r["question"], r["points"]) for r in manual] == [
        (f, MANUAL, "") for f in files
    ]
    assert (tmp_path / "report" / "index.html").is_file()
    assert (tmp_path / "report" / f"answers-{MANUAL}.html").is_file()


def test_every_file_gets_the_mode_open_would_give_it(tmp_path):
    umask = os.umask(0o002)
    try:
        report.write_all(tmp_path, fx.batch(), fx.CONFIG)
    finally:
        os.umask(umask)
    files = [p for p in tmp_path.rglob("*") if p.is_file()]
    assert len(files) > 10
    assert {p.stat().st_mode & 0o777 for p in files} == {0o664}


def test_entered_points_and_comments_reach_grades_and_feedback(tmp_path):
    verdicts = fx.batch()
    report.write_all(tmp_path, verdicts, fx.CONFIG)
    rows = read_csv(tmp_path / MANUAL_FILE)
    entered = {"ada.ipynb": "2", "bob.ipynb": "0", "cy.ipynb": "1.5"}
    for row in rows:
        row["points"] = entered.get(row["file"], "")
        if row["file"] == "ada.ipynb":
            row["comment"] = "Well argued: the weight scale is the first thing to check."
    write_manual(tmp_path / MANUAL_FILE, rows)
    report.write_all(tmp_path, verdicts, fx.CONFIG)
    grades = {r["file"]: r for r in read_csv(tmp_path / "grades.csv")}
    for verdict in verdicts:
        file = verdict["file"]
        auto = sum(verdict["questions"][q]["points"] for q in AUTO)
        points = float(entered[file]) if file in entered else None
        assert grades[file][MANUAL] == (entered[file] if points is not None else "")
        assert float(grades[file]["total"]) == auto + (points or 0)
        feedback = (tmp_path / "feedback" / f"{Path(file).stem}.txt").read_text()
        assert total_line(feedback)[0] == auto + (points or 0)
    ada = (tmp_path / "feedback" / "ada.txt").read_text()
    assert "Well argued" in blocks(ada)[MANUAL]
    assert report.read_manual_points(tmp_path) == {
        (f, MANUAL): float(p) for f, p in entered.items()
    }


def test_the_manual_points_file_never_loses_what_it_holds(tmp_path):
    """Rows of submissions no longer in the batch, extra columns, comments: all kept; the
    rows of new submissions are added; a spreadsheet's semicolons and decimal commas read."""
    kept = [
        {"file": "old.ipynb", "question": MANUAL, "max": "2", "points": "1,5",
         "comment": "kept", "grader": "TA 1"},
        {"file": "ada.ipynb", "question": MANUAL, "max": "2", "points": "2",
         "comment": "", "grader": "TA 2"},
    ]  # fmt: skip
    write_manual(tmp_path / MANUAL_FILE, kept, delimiter=";")
    before = (tmp_path / MANUAL_FILE).read_text(encoding="utf-8")
    verdicts = fx.batch()
    report.write_all(tmp_path, verdicts, fx.CONFIG)
    text = (tmp_path / MANUAL_FILE).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert rows[: len(kept)] == kept
    assert text.startswith(before)
    added = {r["file"] for r in rows[len(kept) :]}
    assert added == {v["file"] for v in verdicts} - {"ada.ipynb"}
    assert report.read_manual_points(tmp_path) == {
        ("old.ipynb", MANUAL): 1.5,
        ("ada.ipynb", MANUAL): 2.0,
    }
    grades = {r["file"]: r for r in read_csv(tmp_path / "grades.csv")}
    assert grades["ada.ipynb"][MANUAL] == "2" and "old.ipynb" not in grades
    # an unchanged batch adds nothing, so the file is not rewritten
    stamp = (tmp_path / MANUAL_FILE).stat().st_mtime_ns
    report.write_all(tmp_path, verdicts, fx.CONFIG)
    assert (tmp_path / MANUAL_FILE).stat().st_mtime_ns == stamp


BAD_VALUES = [
    ("two", "two"),
    ("-1", "-1"),
    ("3", "3"),  # above the question's 2 points
    ("nan", "nan"),
    ("1.5.2", "1.5.2"),
]


@pytest.mark.parametrize(("points", "named"), BAD_VALUES)
def test_a_bad_manual_value_is_refused_with_file_row_and_value(tmp_path, points, named):
    verdicts = fx.batch()
    report.write_all(tmp_path, verdicts, fx.CONFIG)
    rows = read_csv(tmp_path / MANUAL_FILE)
    rows[2]["points"] = points  # data row 3 is row 4 of a spreadsheet (the header is row 1)
    write_manual(tmp_path / MANUAL_FILE, rows)
    grades_before = (tmp_path / "grades.csv").read_bytes()
    with pytest.raises(ManualPointsError) as error:
        report.write_all(tmp_path, verdicts, fx.CONFIG)
    message = str(error.value)
    assert str(tmp_path / MANUAL_FILE) in message and "row 4" in message
    assert repr(named) in message and rows[2]["file"] in message
    assert (tmp_path / "grades.csv").read_bytes() == grades_before
    with pytest.raises(ManualPointsError):
        report.read_manual_points(tmp_path, fx.CONFIG)


def test_other_malformed_manual_files_are_refused(tmp_path):
    path = tmp_path / MANUAL_FILE
    cases = {
        "header": ("name,score\nada.ipynb,2\n", "row 1"),
        "unknown question": ("file,question,points\nada.ipynb,q9,1\n", "row 2"),
        "auto question": ("file,question,points\nada.ipynb,q1,1\n", "row 2"),
        "no file": (f"file,question,points\n,{MANUAL},1\n", "row 2"),
        "duplicate": (
            f"file,question,points\nada.ipynb,{MANUAL},1\nbob.ipynb,{MANUAL},\n"
            f"ada.ipynb,{MANUAL},2\n",
            "row 4",
        ),
    }
    for name, (text, row) in cases.items():
        path.write_text(text, encoding="utf-8")
        with pytest.raises(ManualPointsError) as error:
            report.read_manual_points(tmp_path, fx.CONFIG)
        assert str(path) in str(error.value) and row in str(error.value), name
    path.write_bytes("file,question,points\nJosé.ipynb,q4_explain,1\n".encode("latin-1"))
    with pytest.raises(ManualPointsError, match="UTF-8") as error:
        report.read_manual_points(tmp_path)
    assert str(path) in str(error.value)


def test_a_verdict_from_another_master_is_refused(tmp_path):
    verdict = fx.make_verdict("ada.ipynb")
    del verdict["questions"]["q4"]
    with pytest.raises(ValueError, match="ada.ipynb"):
        report.write_all(tmp_path, [verdict], fx.CONFIG)
    assert not (tmp_path / "grades.csv").exists()


def test_student_text_stays_text_in_the_html(tmp_path):
    report.write_all(tmp_path, fx.batch(), fx.CONFIG)
    for page in (tmp_path / "report").glob("*.html"):
        html = page.read_text()
        assert html.count("<script") == html.count("</script>")
        assert "window.__injected" not in html.replace("&lt;script&gt;window.__injected", "")
        assert "onerror=" not in html.replace("onerror=&quot;", "")
    answers = (tmp_path / "report" / f"answers-{MANUAL}.html").read_text()
    assert "&lt;script&gt;window.__injected = 1&lt;/script&gt;" in answers


def test_histogram_bins_count_every_total():
    totals = [0, 0, 2.5, 3, 9, 11, 11]
    bins = report.report_pages.histogram_bins(totals, 11)
    assert [label for label, _ in bins] == [str(k) for k in range(12)]
    assert sum(c for _, c in bins) == len(totals)
    assert dict(bins) == {str(k): Counter(math.floor(t) for t in totals)[k] for k in range(12)}
    wide = report.report_pages.histogram_bins(list(range(101)), 100)
    assert len(wide) <= 21 and sum(c for _, c in wide) == 101


# ---- the report in the browser --------------------------------------------------------------

browser_test = pytest.mark.slow


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("grading-output")
    report.write_all(folder, fx.batch(), fx.CONFIG)
    return folder


@pytest.fixture(scope="module")
def served(out):
    from book.tools import browser

    with browser.serve(out) as url:
        yield url


@pytest.fixture(scope="module")
def context():
    from playwright.sync_api import sync_playwright

    from book.tools import browser

    with sync_playwright() as playwright:
        try:
            chromium = browser.launch(playwright)
        except browser.BrowserNotFound as error:
            pytest.fail(str(error))
        blocked: list[str] = []
        ctx = browser.offline_context(
            chromium, blocked, viewport={"width": 1280, "height": 900}, accept_downloads=True
        )
        ctx.blocked = blocked
        yield ctx
        ctx.close()
        chromium.close()


def open_report(context, url: str):
    from book.tools import browser

    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    browser.open_page(page, url)
    return page, errors


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]}).response
    return [
        f"{v['id']} ({v['impact']}): {v['help']}: {[n['target'] for n in v['nodes'][:3]]}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@browser_test
def test_report_page_in_the_browser(context, served):
    page, errors = open_report(context, f"{served}/report/index.html")
    verdicts = fx.batch()
    totals = [sum(q["points"] or 0 for q in v["questions"].values()) for v in verdicts]
    top = sum(p for p, _, _ in fx.QUESTIONS.values())
    counts = Counter(math.floor(t) for t in totals)
    bars = page.evaluate(
        """() => [...document.querySelectorAll("#histogram rect.bar")].map((r) => ({
          label: r.dataset.label, count: Number(r.dataset.count),
          height: r.getBoundingClientRect().height}))"""
    )
    assert [b["label"] for b in bars] == [str(k) for k in range(int(top) + 1)]
    assert {b["label"]: b["count"] for b in bars} == {
        str(k): counts.get(k, 0) for k in range(int(top) + 1)
    }
    tallest = max(b["height"] for b in bars)
    most = max(counts.values())
    for bar in bars:  # drawn to scale
        assert bar["height"] == pytest.approx(tallest * bar["count"] / most, abs=0.6), bar
    SHOTS.mkdir(parents=True, exist_ok=True)
    shot = SHOTS / f"grading-report-{fx.ASSIGNMENT}.png"
    page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 20_000
    page.locator("#histogram + details summary").click()  # the same counts as a table
    fallback = page.locator("#histogram-table tr").all_inner_texts()[1:]
    assert [t.split() for t in fallback] == [[str(k), str(counts.get(k, 0))] for k in range(12)]
    assert page.locator("#histogram").get_attribute("role") == "img"
    # per question: the number of submissions graded to the end with full points
    graded = [v for v in verdicts if v["status"] == "ok"]
    for question in AUTO:
        full = sum(
            v["questions"][question]["points"] == v["questions"][question]["max"] for v in graded
        )
        row = page.locator(f'#questions tr[data-question="{question}"]').inner_text()
        assert f"{full} of {len(graded)}" in row, row
        assert f"{round(100 * full / len(graded))}%" in row, row
    # per check: pass counts, and the most-failed ones with their messages
    for question in AUTO:
        for check in fx.QUESTIONS[question][2]:
            passed = sum(
                next(c for c in v["questions"][question]["checks"] if c["name"] == check)["passed"]
                for v in graded
            )
            row = page.locator(f'#checks tr[data-question="{question}"][data-check="{check}"]')
            assert f"{passed} of {len(graded)}" in row.inner_text()
            assert fx.message(question, check) in row.inner_text()
    failed_most = page.locator("#most-failed tr[data-check]").all()
    counts_failed = [int(r.get_attribute("data-failed")) for r in failed_most]
    assert counts_failed == sorted(counts_failed, reverse=True) and min(counts_failed) > 0
    # the rows to look at: not ok, flagged, unsandboxed, cell errors; with the flags' meaning
    attention = set(page.locator("#attention tr[data-file]").evaluate_all(
        "(rows) => rows.map((r) => r.dataset.file)"
    ))  # fmt: skip
    expected = {
        v["file"]
        for v in verdicts
        if v["status"] != "ok" or v["flags"] or not v["sandboxed"] or v["cell_errors"]
    }
    assert attention == expected
    flags = page.locator("#flags dt").all_inner_texts()
    assert sorted(flags) == sorted({"doctest", "pickle", "unsandboxed"})
    assert page.locator("#flags dd").count() == len(flags)
    assert not serious_violations(page)
    assert not errors and not context.blocked, (errors, context.blocked)
    page.close()


@browser_test
def test_answers_page_lists_every_answer_and_saves_points(context, served, out, tmp_path):
    page, errors = open_report(context, f"{served}/report/answers-{MANUAL}.html")
    verdicts = fx.batch()
    entries = page.locator("section.entry")
    assert entries.count() == len(verdicts)
    shown = {e.get_attribute("data-file"): e.locator(".answer").inner_text() for e in entries.all()}
    for verdict in verdicts:
        answer = verdict["questions"][MANUAL]["answer"]
        assert (shown[verdict["file"]] == answer) if answer else shown[verdict["file"]]
    # the hostile answer stayed text: no element, no script run
    assert page.evaluate("() => [window.__injected, window.__img]") == [None, None]
    assert page.locator("section.entry img").count() == 0
    assert page.locator("script").count() == 2  # the page's data and its own script
    assert not serious_violations(page)
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"grading-answers-{fx.ASSIGNMENT}-{MANUAL}.png", full_page=True)

    downloads = []
    page.on("download", lambda d: downloads.append(d))
    entry = page.locator('section.entry[data-file="bob.ipynb"]')
    entry.locator("input").fill("5")  # above the question's 2 points: refused
    page.locator("button.save").first.click()
    assert page.evaluate("() => document.activeElement.closest('section').dataset.file") == (
        "bob.ipynb"
    )
    assert "bob.ipynb" in page.locator("#save-status").inner_text()
    entry.locator("input").fill("1.5")
    entry.locator("textarea").fill('Good start; "why" needs one more sentence.')
    page.locator('section.entry[data-file="ada.ipynb"] input').fill("2")
    with page.expect_download() as download:
        page.locator("button.save").last.click()
    assert len(downloads) == 1 and download.value.suggested_filename == MANUAL_FILE
    saved = Path(download.value.path()).read_bytes()
    assert saved.startswith(b"\xef\xbb\xbf")
    # the download, saved over manual-points.csv, is merged by the next run
    rerun = tmp_path / "rerun"
    rerun.mkdir()
    (rerun / MANUAL_FILE).write_bytes(saved)
    report.write_all(rerun, verdicts, fx.CONFIG)
    grades = {r["file"]: r for r in read_csv(rerun / "grades.csv")}
    assert grades["bob.ipynb"][MANUAL] == "1.5" and grades["ada.ipynb"][MANUAL] == "2"
    assert grades["cy.ipynb"][MANUAL] == ""
    assert len(read_csv(rerun / MANUAL_FILE)) == len(read_csv(out / MANUAL_FILE))
    assert '"why" needs one more sentence' in (rerun / "feedback" / "bob.txt").read_text()
    assert not errors and not context.blocked, (errors, context.blocked)
    page.close()


def test_the_instructors_page_names_the_files_and_columns_it_explains():
    from exercises.tools import manual_points, report_pages

    page = (ROOT / "book" / "instructors.md").read_text(encoding="utf-8")
    for name in (
        manual_points.MANUAL_FILE,
        "report/index.html",
        "report/" + report_pages.answers_page("<question>"),
        "feedback/<stem>.txt",
    ):
        assert f"OUT/{name}`" in page, name
    for column in manual_points.FIELDS:
        assert f"`{column}`" in page, column


def test_a_manual_question_worth_no_points_takes_only_zero(tmp_path):
    config = copy.deepcopy(fx.CONFIG)
    config["questions"][MANUAL]["points"] = 0.0
    path = tmp_path / MANUAL_FILE
    path.write_text(f"file,question,points\nada.ipynb,{MANUAL},0\nbob.ipynb,{MANUAL},\n")
    assert report.read_manual_points(tmp_path, config) == {("ada.ipynb", MANUAL): 0.0}
    path.write_text(f"file,question,points\nada.ipynb,{MANUAL},1\n")
    with pytest.raises(ManualPointsError) as error:
        report.read_manual_points(tmp_path, config)
    assert str(path) in str(error.value) and "row 2" in str(error.value)
