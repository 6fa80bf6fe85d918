"""Every cross-reference resolves (issue 17, point 15): the chapters' headings are numbered once
and in order, and every "chapter N", "notebook N", "section N.k", "§N.k", "exercise k",
"question k" and "exercise N qK" of a chapter, a book page, the README, an exercise master or a
library docstring ("Used in: chapter N, §N.k") points at a heading, list item or question
that exists. What counts as a reference, and which numbers are the book's (Saito's) and not
the course's, is written in tests/_prose.py. Chapters are also read on Colab, which shows
MyST roles and labels as raw text: their references are plain text, and no MyST markup."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

import _prose as prose
import pytest


@dataclass(frozen=True)
class Book:
    """What references can point at: each chapter's sections and headings and the length of
    its "## Exercises" list, and each master's questions."""

    sections: dict[int, dict[int, prose.Heading]]
    headings: dict[int, list[prose.Heading]]
    exercises: dict[int, int]
    questions: dict[int, tuple[str, ...]]


def _exercise_count(chapter: prose.Chapter) -> int:
    """How many items the chapter's "## Exercises" list has (0 without one)."""
    for passage in chapter.passages:
        match = re.search(r"^##[ \t]+Exercises[ \t]*$(.*?)(?=^#|\Z)", passage.text, re.M | re.S)
        if match:
            return len(re.findall(r"^\d+\.[ \t]", match.group(1), re.M))
    return 0


@cache
def the_book() -> Book:
    sections, headings, exercises = {}, {}, {}
    for chapter in prose.chapters():
        found = [h for p in chapter.passages for h in prose.headings(p)]
        headings[chapter.number] = found
        sections[chapter.number] = {
            h.number[1]: h
            for h in found
            if h.level == 2 and h.number and len(h.number) == 2 and h.number[0] == chapter.number
        }
        exercises[chapter.number] = _exercise_count(chapter)
    questions = {m.number: m.questions for m in prose.masters()}
    return Book(sections, headings, exercises, questions)


def _sections_of(book: Book, n: int) -> str:
    numbers = sorted(book.sections.get(n, {}))
    if not numbers:
        return f"chapter {n} has no numbered sections"
    return f"chapter {n} has §{n}.{numbers[0]}-{n}.{numbers[-1]}"


def _chapter_list(book: Book) -> str:
    return ", ".join(str(n) for n in sorted(book.sections))


def check_passage(
    passage: prose.Passage, book: Book, chapter: int | None = None, master: int | None = None
) -> list[tuple[str, str]]:
    """The broken references of one passage, as (key, message) pairs. ``chapter`` or
    ``master`` is the number of the chapter or master the passage is part of."""
    findings = []
    refs = prose.references(passage)

    def broken(ref: prose.Ref, target: str, why: str) -> None:
        if ref.books:  # the sentence says it is the book's chapter or section, not ours
            return
        key = f"{passage.path} {passage.key}: {target}"
        findings.append((key, f"{ref.where()}: {ref.text!r} points at nothing: {why}"))

    for index, ref in enumerate(refs):
        if ref.kind == "chapter":
            for (n,) in ref.numbers:
                if n not in book.sections:
                    broken(ref, f"chapter {n}", f"the chapters are {_chapter_list(book)}")
        elif ref.kind == "section":
            # "chapter 2, §2.5" and "notebook 1, section 1.4": the numbers must agree
            previous = refs[index - 1] if index else None
            joined = previous and re.fullmatch(
                r",?\s*", prose.mask(passage.text)[previous.end : ref.start]
            )
            for number in ref.numbers:
                label = ".".join(map(str, number))
                if previous and joined and previous.kind == "chapter" and not previous.books:
                    (n,) = previous.numbers[-1]
                    if number[0] != n:
                        broken(ref, f"section {label}", f"§{label} is not a section of chapter {n}")
                        continue
                if len(number) != 2:
                    broken(
                        ref,
                        f"section {label}",
                        "the course's sections are numbered N.k; if the book's section is "
                        "meant, say so ('the book's section …')",
                    )
                elif number[0] not in book.sections:
                    broken(ref, f"section {label}", f"the chapters are {_chapter_list(book)}")
                elif number[1] not in book.sections[number[0]]:
                    broken(ref, f"section {label}", _sections_of(book, number[0]))
        elif ref.kind == "title":
            (n,) = ref.numbers[0]
            wanted = prose.plain(ref.title)
            titles = [prose.plain(h.title) for h in book.headings.get(n, [])]
            if not any(t.startswith(wanted) for t in titles):
                broken(
                    ref,
                    f"chapter {n}, *{ref.title}*",
                    f"no heading of chapter {n} starts with {ref.title!r}",
                )
        elif ref.kind == "exercise" and chapter is not None:
            (k,) = ref.numbers[0]
            count = book.exercises.get(chapter, 0)
            if not 1 <= k <= count:
                broken(ref, f"exercise {k}", f"chapter {chapter}'s Exercises list has {count}")
        elif ref.kind == "exercise" or ref.kind == "assignment":
            (n,) = ref.numbers[0]
            if n not in book.questions:
                broken(ref, f"exercises {n}", f"the assignments are {sorted(book.questions)}")
                continue
            for q in ref.questions:
                if f"q{q}" not in book.questions[n]:
                    broken(
                        ref,
                        f"exercises {n} q{q}",
                        f"assignment {n} has {', '.join(book.questions[n])}",
                    )
        elif ref.kind == "question" and master is not None:
            for (q,) in ref.numbers:
                if f"q{q}" not in book.questions.get(master, ()):
                    broken(
                        ref,
                        f"question {q}",
                        f"this assignment has {', '.join(book.questions.get(master, ()))}",
                    )
    return findings


def heading_findings(book: Book) -> list[tuple[str, str]]:
    """Chapter titles "# N. Title" matching the file's NN, sections "## N.k" numbered 1, 2, ...
    once each, and no two headings of a page with the same title (they would share an
    anchor)."""
    findings = []
    numbers = [c.number for c in prose.chapters()]
    for chapter in prose.chapters():
        if numbers.count(chapter.number) > 1:
            findings.append(
                (
                    f"{chapter.rel}: chapter number",
                    f"{chapter.rel}: another notebook is also chapter {chapter.number}: one "
                    "NN_ prefix per chapter",
                )
            )
        found = book.headings[chapter.number]
        titles = [h for h in found if h.level == 1]
        if len(titles) != 1 or titles[0].number != (chapter.number,):
            labels = [f"# {'.'.join(map(str, h.number or ()))} {h.title}" for h in titles]
            findings.append(
                (
                    f"{chapter.rel}: title",
                    f"{chapter.rel}: a chapter has one title '# {chapter.number}. Title' (its "
                    f"number from the file name); found {labels}",
                )
            )
        numbered = [h for h in found if h.level == 2 and h.number]
        seen: dict[tuple[int, ...], prose.Heading] = {}
        for position, heading in enumerate(numbered, start=1):
            label = heading.label
            if heading.number in seen:
                findings.append(
                    (
                        f"{chapter.rel}: {label} twice",
                        f"{heading.passage.where(heading.offset)}: a second '{label}' "
                        f"('{heading.title}'; the first is in "
                        f"{seen[heading.number].passage.where()})",
                    )
                )
                continue
            seen[heading.number] = heading
            if heading.number != (chapter.number, len(seen)):
                findings.append(
                    (
                        f"{chapter.rel}: {label} out of order",
                        f"{heading.passage.where(heading.offset)}: section {position} of "
                        f"chapter {chapter.number} is numbered '{label}', not "
                        f"'## {chapter.number}.{len(seen)}'",
                    )
                )
        findings += _same_titles(chapter.rel, found)
    for page in prose.pages():
        findings += _same_titles(page.path, prose.headings(page))
    return findings


def _same_titles(path: str, found: list[prose.Heading]) -> list[tuple[str, str]]:
    findings, seen = [], {}
    for heading in found:
        title = prose.plain(heading.title)
        if heading.number is None and title in seen:
            findings.append(
                (
                    f"{path}: two headings {heading.title!r}",
                    f"{heading.passage.where(heading.offset)}: a second heading "
                    f"{heading.title!r} on the page: give it another title",
                )
            )
        seen[title] = heading
    return findings


@cache
def all_findings() -> dict[str, str]:
    """Every finding of the book, key -> message (one message per key, the first)."""
    book = the_book()
    findings: list[tuple[str, str]] = heading_findings(book)
    for chapter in prose.chapters():
        for passage in chapter.passages:
            findings += check_passage(passage, book, chapter=chapter.number)
    for master in prose.masters():
        for passage in master.passages:
            findings += check_passage(passage, book, master=master.number)
    for passage in prose.pages() + prose.docstrings():
        findings += check_passage(passage, book)
    merged: dict[str, str] = {}
    for key, message in findings:
        merged.setdefault(key, message)
    return merged


SOURCES = sorted(
    {c.rel for c in prose.chapters()}
    | {m.rel for m in prose.masters()}
    | {p.path for p in prose.pages()}
    | {p.path for p in prose.docstrings()}
)


def test_there_is_prose_to_check():
    book = the_book()
    assert len(book.sections) >= 4 and all(book.sections.values()), book.sections
    assert prose.masters() and prose.docstrings()
    used_in = [p for p in prose.docstrings() if "Used in:" in p.text]
    assert len(used_in) > 10, "the library's docstrings say 'Used in: chapter N, §N.k'"
    assert sum(len(prose.references(p)) for p in used_in) > 20


@pytest.mark.parametrize("source", SOURCES)
def test_every_reference_and_heading_resolves(source):
    findings = {
        key: message
        for key, message in all_findings().items()
        if key.startswith(source + " ") or key.startswith(source + ":")
    }
    assert not findings, "\n".join(findings.values())


#: MyST markup that Colab shows as raw text: roles, labels, directives.
MYST = re.compile(
    r"\{(?:ref|doc|numref|eq|cite(?::\w+)?|term|download|py:\w+)\}`|^\([\w-]+\)=[ \t]*$"
    r"|^[ \t]*(?:```|:::)\{",
    re.M,
)


@pytest.mark.parametrize("chapter", [c.rel for c in prose.chapters()])
def test_chapters_use_no_myst_markup(chapter):
    (found,) = [c for c in prose.chapters() if c.rel == chapter]
    raw = [f"{p.where()}: {m.group(0)!r}" for p in found.passages for m in MYST.finditer(p.text)]
    assert not raw, (
        "Colab shows MyST roles, labels and directives as raw text; write plain references "
        "('section 2.4', 'chapter 3') and absolute links in chapters:\n" + "\n".join(raw)
    )


# The checker itself, on sentences made up for the purpose: it finds what it should.


def _check(text: str, **where) -> list[str]:
    passage = prose.Passage("made-up.md", "page", text, 1)
    return [message for _, message in check_passage(passage, the_book(), **where)]


def test_a_missing_section_or_chapter_is_named_with_its_place():
    last = max(the_book().sections[2])
    messages = _check(f"Intro.\n\nAs section 2.{last + 1} shows, and chapter 9 too.")
    assert len(messages) == 2, messages
    assert messages[0].startswith("made-up.md:3: ")
    assert f"'section 2.{last + 1}'" in messages[0] and f"§2.1-2.{last}" in messages[0]
    assert "'chapter 9'" in messages[1]


def test_ranges_lists_and_docstring_pairs_are_each_checked():
    assert _check("Used in: chapter 1, §1.1-1.2; chapter 3, §3.1 and §3.2.") == []
    (message,) = _check("Used in: chapter 2, §3.1.")
    assert "§3.1 is not a section of chapter 2" in message
    last = max(the_book().sections[4])
    (message,) = _check(f"See sections 4.1 and 4.{last + 1}.")
    assert f"4.{last + 1}" in message


def test_the_books_own_numbers_are_not_the_courses():
    for sentence in (
        "The book's section 4.4.1 names it.",
        "Book sections 4.3 and 4.9 cover this.",
        "The book introduces the word with the learning rate (its section 4.4.1).",
        "Chapter 6 of the book returns to it.",
        "It follows chapter 9 of *Deep Learning from Scratch*.",
    ):
        assert _check(sentence) == [], sentence
    # and a course reference next to the book is still checked
    assert _check("The book's class is in section 2.5; section 2.9 derives it.")


def test_exercises_and_questions_resolve_against_the_masters():
    book = the_book()
    n = min(book.questions)
    questions = book.questions[n]
    assert _check(f"Exercise {n} {questions[0]} asks it.") == []
    (message,) = _check(f"Exercises {n}, question 99 asks it.")
    assert "question 99" in message and questions[0] in message
    assert _check("Question 99 asks it.", master=n)
    assert _check("Question 1 asks it.", master=n) == []
    count = book.exercises[1]
    assert _check(f"Try exercise {count} below.", chapter=1) == []
    assert _check(f"Try exercise {count + 1} below.", chapter=1)


def test_a_heading_cited_by_title_must_exist():
    first = next(h for h in the_book().headings[1] if h.level == 2 and h.number)
    words = " ".join(first.title.split()[:2])
    assert _check(f"Drawn as in chapter 1, *{words}*.") == []
    (message,) = _check("Drawn as in chapter 1, *No such heading*.")
    assert "No such heading" in message


def test_code_and_links_are_not_references():
    assert (
        _check("Run `section 9.9` or see [it](https://example.org/notebook-9/section 9.9).") == []
    )
