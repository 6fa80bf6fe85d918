"""Every cross-reference resolves (issue 17, point 15): the chapters' headings are numbered once
and in order, and every "chapter N", "notebook N", "section N.k", "§N.k", "exercise k",
"question k" and "exercise N qK" of a chapter, a book page, the README, an exercise master or a
library docstring ("Used in: chapter N, §N.k") points at a heading, list item or question
that exists. What counts as a reference, and which numbers are the book's (Saito's) and not
the course's, is written in tests/_prose.py. Chapters are also read on Colab, which shows
MyST roles and labels as raw text: their references are plain text, and no MyST markup.

A docstring's "Used in: chapter N, §N.k" must also be true: the section's code uses the
function, class or method, and each chapter's first use of a function or class it imports is
cited ("Named in:" for a section that only names it). The rules are test_used_in_is_true's
docstring."""

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


# --------------------------------------------------------------------------------------------
# "Used in: chapter N, §N.k" is true (issue 17, point 15): the rules are test_used_in_is_true's
# docstring


def _uses_text(book_section: prose.Section) -> str:
    """What a section's code uses of the library, for a message."""
    used = sorted(o.qualname for o in prose.library().values() if o.used_by(book_section.uses))
    return f"its code uses {', '.join(used)}" if used else "its code uses nothing of the library"


def _usage(obj: prose.LibraryObject) -> str:
    return f".{obj.name}" if obj.kind == "method" else obj.name


def _chapter_sections(chapters: tuple[prose.Chapter, ...]) -> dict[int, tuple[prose.Section, ...]]:
    return {c.number: prose.sections(c) for c in chapters}


def statement_findings(
    obj: prose.LibraryObject,
    passage: prose.Passage,
    chapters: tuple[prose.Chapter, ...] | None = None,
) -> list[tuple[str, str]]:
    """The citations of ``passage`` (the docstring of ``obj``) that its chapters do not bear
    out, as (key, message) pairs. A citation of a section or chapter that does not exist is
    left to the resolution check."""
    book = _chapter_sections(prose.chapters() if chapters is None else chapters)
    findings = []
    for citation in prose.cited(passage):
        head = "Named in" if citation.named else "Used in"
        n = citation.number[0]
        if n not in book:
            continue
        if len(citation.number) == 1:
            if citation.named or any(obj.used_by(s.uses) for s in book[n]):
                continue  # a chapter is named wherever a section of it is
            why = f"no code cell of chapter {n} uses {_usage(obj)}"
        else:
            found = next((s for s in book[n] if s.number == citation.number), None)
            if found is None:
                continue
            if citation.named:
                if obj.named_in(found.uses, found.markdown):
                    continue
                why = (
                    f"{found.label} neither uses {_usage(obj)} nor names it (in a comment or in "
                    f"code marks of its markdown); {_uses_text(found)}"
                )
            else:
                if obj.used_by(found.uses):
                    continue
                why = f"the code of {found.label} does not use {_usage(obj)}; {_uses_text(found)}"
                if obj.named_in(found.uses, found.markdown):
                    why += f" (it names {obj.name}: say 'Named in:')"
        key = f"{passage.path} {obj.qualname}: {head.lower()} {citation.label}"
        findings.append((key, f"{citation.ref.where()}: '{head}: {citation.label}', but {why}"))
    return findings


def first_use_findings(
    chapters: tuple[prose.Chapter, ...] | None = None,
    docstring_of=lambda obj: obj.docstring,
) -> list[tuple[str, str]]:
    """Each library function or class a chapter imports whose first use in that chapter its
    docstring's "Used in:" does not cite, as (key, message) pairs."""
    findings = []
    for chapter in prose.chapters() if chapters is None else chapters:
        book_sections = prose.sections(chapter)
        code = [c for c in chapter.cells if c["cell_type"] == "code"]
        for obj, how in prose.imported_objects(prose.CodeUses.of_cells(code, chapter.rel)).items():
            first = next((s for s in book_sections if obj.used_by(s.uses)), None)
            if first is None:
                continue  # imported, never used: not a use
            cell = next(
                c.get("id")
                for c in first.code
                if obj.used_by(prose.CodeUses.of_cells([c], chapter.rel))
            )
            passage = docstring_of(obj)
            key = f"{obj.path} {obj.qualname}: first use in chapter {chapter.number}"
            if passage is None:
                findings.append(
                    (
                        key,
                        f"{obj.path} ({obj.qualname}): {chapter.rel} uses it ({how}, cell "
                        f"{cell}) but it has no docstring to say so",
                    )
                )
                continue
            wanted = {(chapter.number,)} | ({first.number} if first.number else set())
            cites = [c for c in prose.cited(passage) if not c.named]
            if any(c.number in wanted for c in cites):
                continue
            if first.number and len(first.number) == 2:
                add = f"chapter {chapter.number}, {first.label}"
            else:
                add = f"chapter {chapter.number}"
            stated = "; ".join(c.label for c in cites) or "no chapter"
            statement = prose.statements(passage)
            findings.append(
                (
                    key,
                    f"{passage.where(statement[0][1] if statement else 0)}: {chapter.rel} uses "
                    f"{obj.name} first in cell {cell} ({first.label}), but its 'Used in:' does "
                    f"not say so (it cites {stated}): add '{add}'",
                )
            )
    return findings


def misplaced_findings(passages: tuple[prose.Passage, ...] | None = None) -> list[tuple[str, str]]:
    """A statement in the docstring of something that is not a public function, class or
    method (a module, a helper): nothing says what it would be true of."""
    public = {(o.path, o.qualname) for o in prose.library().values()}
    findings = []
    for passage in prose.docstrings() if passages is None else passages:
        if (passage.path, passage.owner) not in public and prose.cited(passage):
            findings.append(
                (
                    f"{passage.path} {passage.owner}: misplaced",
                    f"{passage.where()}: a 'Used in:' or 'Named in:' citing a chapter in the "
                    f"docstring of {passage.owner!r}, which is no public function, class or "
                    "method: say it in the docstring of the function the chapter uses",
                )
            )
    return findings


@cache
def usage_findings() -> dict[str, str]:
    findings = misplaced_findings() + first_use_findings()
    for obj in prose.library().values():
        if obj.docstring is not None:
            findings += statement_findings(obj, obj.docstring)
    merged: dict[str, str] = {}
    for key, message in findings:
        merged.setdefault(key, message)
    return merged


LIBRARY_FILES = sorted({p.path for p in prose.docstrings()})


def test_the_library_and_its_citations_are_read():
    objects = prose.library().values()
    assert {o.kind for o in objects} == {"function", "class", "method"}
    cited = [c for o in objects if o.docstring for c in prose.cited(o.docstring)]
    assert len(cited) > 20, "the docstrings' 'Used in: chapter N, §N.k' were not read"
    for chapter in prose.chapters():
        numbered = [s for s in prose.sections(chapter) if s.number and len(s.number) == 2]
        assert any(s.code for s in numbered), f"{chapter.rel}: sections or code not read"
        code = [c for c in chapter.cells if c["cell_type"] == "code"]
        assert prose.imported_objects(prose.CodeUses.of_cells(code, chapter.rel)), (
            f"{chapter.rel}: its imports of the library were not read"
        )


@pytest.mark.parametrize("path", LIBRARY_FILES)
def test_used_in_is_true(path):
    """What the docstrings of the file's public functions, classes and methods say of the
    chapters is true, and complete for the chapters' first uses.

    A docstring says where the chapters use its object in a "Used in:" statement, and where
    they only name it in a "Named in:" one (each runs to the next statement or the end of its
    paragraph). What each cites is read as the resolution check reads it: the sections of
    "chapter 4, §4.2 and §4.5", "§3.4-3.5" and "sections 1.1 and 1.2", and a chapter cited
    without a section ("chapters 3 and 4"); the book's own numbers are not cited. A section is
    the cells from its "## N.k" heading to the next heading of level 1 or 2.

    - **Used in** §N.k: the section's code cells use the object, as read from their syntax
      tree (nothing runs; an import or a definition is no use): a function by its name, bare
      or after its module's or package's name (``sigmoid(x)``, ``trainer.shuffled_epochs(...)``,
      ``@one_blas_thread()``); a class by its name, or by one of the methods, properties or
      fields its body declares (``history.train_loss``: an instance at work); a method by
      ``.name``, called or not. A chapter cited without a section: some code cell of it does.
    - **Named in** §N.k: the same, or the name (a whole word, ``x_train`` is not ``train``; a
      method's after a dot, ``TwoLayerNet.gradient``, as a function may share it) in a comment
      of the section's code or in code marks of its markdown (``the library's `train```).
    - **The other way**: each library function or class a chapter imports (``from scratchlib
      import sgd_update``, or through ``from scratchlib import trainer``) has its first use in
      that chapter cited by a "Used in:" (that section, or the chapter). Methods are exempt:
      the code does not say whose ``.predict`` it calls (chapter 2's copy of the book's class
      has the same methods).
    - A statement citing a chapter in any other docstring (a module's, a helper's) fails: it
      says nothing checkable.

    A failure names the docstring's file and line, the object, the section, and what that
    section's code uses of the library instead (or the statement to add).
    """
    findings = [m for k, m in usage_findings().items() if k.startswith(path + " ")]
    assert not findings, "\n".join(findings)


# The checker itself, on a chapter made up for the purpose: it finds what it should.

_MADE_UP = prose.NOTEBOOKS_DIR / "99_made_up.ipynb"  # never written


def _cell(kind: str, source: str, cell_id: str) -> dict:
    return {"cell_type": kind, "id": cell_id, "metadata": {}, "source": source}


def _made_up_chapter() -> prose.Chapter:
    cells = (
        _cell("markdown", "# 9. A chapter made up", "m0"),
        _cell("code", "from scratchlib import TwoLayerNet, sgd_update, train, trainer", "c0"),
        _cell(
            "markdown",
            "## 9.1 First\n\nThe network, and its accuracy (`numerical_gradient` checks it).",
            "m1",
        ),
        _cell("code", "net = TwoLayerNet(784, 50, 10, seed=0)\nnet.accuracy(x, t)", "c1"),
        _cell(
            "markdown",
            "Its end.\n\n## 9.2 Second\n\nThe library's `sgd_update` is the update of `x_train`.",
            "m2",
        ),
        _cell(
            "code",
            "%config InlineBackend.figure_formats = ['png']\n"
            "history = train(net, (x, t), (x, t), seed=0)  # like one_blas_thread\n"
            "print(f'{history.train_loss[0]:.2f}')\n"
            "batch = trainer.sample_with_replacement(rng, 10, 2)\n"
            "sgd_update(net.params, grads, 0.1)",
            "c2",
        ),
        _cell("markdown", "## Summary\n\n- `train`", "m3"),
    )
    return prose.Chapter(9, _MADE_UP, cells)


def _object(qualname: str) -> prose.LibraryObject:
    (found,) = [o for o in prose.library().values() if o.qualname == qualname]
    return found


def _statements(qualname: str, docstring: str) -> list[str]:
    passage = prose.Passage("made-up.py", qualname, docstring, 1, qualname)
    return [m for _, m in statement_findings(_object(qualname), passage, (_made_up_chapter(),))]


def test_sections_hold_their_code_and_markdown():
    first, one, two, summary = prose.sections(_made_up_chapter())
    assert (first.number, one.number, two.number, summary.number) == ((9,), (9, 1), (9, 2), None)
    assert [c["id"] for c in two.code] == ["c2"]
    assert "Its end." in one.markdown and "Its end." not in two.markdown
    assert "sgd_update" in two.markdown
    assert "train" in two.uses.names and ("net", "params") in two.uses.attributes
    assert "one_blas_thread" in two.uses.comments and "one_blas_thread" not in two.uses.names


def test_a_use_where_the_section_does_not_use_it_is_named_with_what_it_uses():
    assert _statements("TwoLayerNet.accuracy", "Used in: chapter 9, §9.1.") == []
    (message,) = _statements("TwoLayerNet.accuracy", "Used in: chapter 9, §9.2 (the run).")
    assert message.startswith("made-up.py:1 (TwoLayerNet.accuracy): ")
    assert "§9.2" in message and ".accuracy" in message
    for used in ("History", "train", "sgd_update", "sample_with_replacement"):
        assert used in message, message


def test_ranges_lists_and_whole_chapters_are_each_checked():
    (message,) = _statements("TwoLayerNet", "Used in: chapter 9, §9.1-9.2.")
    assert "§9.2" in message and "§9.1" not in message
    (message,) = _statements("sgd_update", "Used in: sections 9.1 and 9.2.")
    assert "§9.1" in message
    assert _statements("TwoLayerNet.accuracy", "Used in: chapter 9 (somewhere).") == []
    (message,) = _statements("moving_average", "Used in: chapter 9.")
    assert "chapter 9" in message and "moving_average" in message


def test_a_class_is_used_by_its_name_or_its_own_members():
    assert _statements("History", "Used in: chapter 9, §9.2 (``history.train_loss``).") == []
    assert _statements("History", "Used in: chapter 9, §9.1.")


def test_named_in_accepts_comments_and_code_marks_not_parts_of_words():
    assert _statements("one_blas_thread", "Named in: chapter 9, §9.2.") == []
    assert _statements("sgd_update", "Named in: chapter 9, §9.2.") == []
    (message,) = _statements("train", "Named in: chapter 9, §9.1.")
    assert "§9.1" in message and "names" in message
    (message,) = _statements("one_blas_thread", "Used in: chapter 9, §9.2.")
    assert "Named in" in message  # it is named there, not used
    # a method is named after a dot: §9.1's `numerical_gradient` is the function's name
    assert _statements("numerical_gradient", "Named in: chapter 9, §9.1.") == []
    assert _statements("TwoLayerNet.numerical_gradient", "Named in: chapter 9, §9.1.")
    # "Used in:" and "Named in:" in one paragraph: each cites its own
    assert _statements("sgd_update", "Used in: chapter 9, §9.2. Named in: chapter 9, §9.2.") == []
    assert _statements("train", "Used in: chapter 9, §9.2. Named in: chapter 9, §9.1.")


def test_the_books_sections_and_other_paragraphs_are_not_citations():
    assert _statements("sgd_update", "Used in: chapter 9, §9.2 (the book's section 9.1).") == []
    assert _statements("sgd_update", "Used in: chapter 9, §9.2.\n\nSee section 9.1 too.") == []


def test_a_statement_on_no_public_object_fails():
    helper = prose.Passage("scratchlib/trainer.py", "_batches", "Used in: §1.4.", 1, "_batches")
    (message,) = [m for _, m in misplaced_findings((helper,))]
    assert message.startswith("scratchlib/trainer.py:1 (_batches): ") and "'_batches'" in message
    public = prose.Passage("scratchlib/trainer.py", "train", "Used in: §3.4.", 1, "train")
    assert misplaced_findings((public,)) == []


def test_a_chapters_first_use_must_be_cited():
    sgd_update, sample = _object("sgd_update"), _object("sample_with_replacement")
    texts = {
        sgd_update: "Used in: chapter 9, §9.1.",
        sample: "Used in: chapter 9, §9.2 (drawing minibatches).",
    }

    def docstring_of(obj: prose.LibraryObject) -> prose.Passage:
        text = texts.get(obj, "Used in: chapter 9.")
        return prose.Passage("made-up.py", obj.qualname, text, 1, obj.qualname)

    (message,) = [m for _, m in first_use_findings((_made_up_chapter(),), docstring_of)]
    assert message.startswith("made-up.py:1 (sgd_update): ")
    assert "§9.2" in message and "cell c2" in message and "chapter 9, §9.1" in message
    texts[sgd_update] = "Used in: chapter 9, §9.2."
    assert first_use_findings((_made_up_chapter(),), docstring_of) == []
