"""The book's prose as tests/test_crossrefs.py and tests/test_claims.py read it: headings,
cross-references and the numbers sentences state; and what each section's code uses of the
library, for the docstrings' "Used in: chapter N, §N.k".

The prose lives in the chapters (``notebooks/NN_*.ipynb``: markdown cells, and the committed
outputs they describe), the book pages (``book/*.md``) and the README, the exercise masters
(``exercises/masters/NN_*.ipynb``) and the library's docstrings (``scratchlib/**/*.py``, the
data package's too). Each is read as :class:`Passage`\\ s (a markdown cell, a page, a
docstring) that know their file and their cell or line, so that every finding names where it
is. What a chapter's code uses of the library is read from its syntax tree
(:class:`CodeUses`, per :class:`Section`), and the library's public objects from theirs
(:func:`library`): nothing is imported or run.

What counts as a reference (plain text, because Colab shows a chapter's markdown without
MyST's roles): "chapter N", "notebook N", "section N.k", "sections N.a and N.b", "§N.k",
"§N.a-N.b", "chapter N, *Title*" (a heading of chapter N that starts with Title), in a
chapter "exercise k" (item k of its own "## Exercises" list), in a master "question k", and
anywhere "exercise N qK" or "Exercises N, question K" (question qK of master N). Each must
resolve in the course, unless the sentence says that the chapter or section is the *book's*
(Saito's *Deep Learning from Scratch*): "book", "book's", "Saito" or "Deep Learning from
Scratch" among the six words before it ("the book's section 4.4.1", "Book sections 4.3 and
4.4"), "its" right before it in a sentence that names the book ("The book ... (its section
4.4.1)"), or "of ... book" right after it ("chapter 6 of the book").
"""

from __future__ import annotations

import ast
import configparser
import io
import json
import re
import tokenize
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from conftest import ROOT

NOTEBOOKS_DIR = ROOT / "notebooks"
MASTERS_DIR = ROOT / "exercises" / "masters"
SANITIZE_CFG = ROOT / "tests" / "nbval_sanitize.cfg"
#: Tags with which nbval runs a cell without comparing its output (see tests/test_notebooks.py).
UNCHECKED_TAGS = {"nbval-ignore-output", "nbval-skip"}


# --------------------------------------------------------------------------------------------
# Passages: where the prose is


@dataclass(frozen=True)
class Passage:
    """One piece of prose: a markdown cell, a page or a docstring.

    ``path`` is relative to the repository root; ``key`` a location that survives edits
    elsewhere in the file (the cell id, the docstring's owner); ``first_line`` the line of
    ``text``'s first character in the file (0 for a notebook cell).
    """

    path: str
    key: str
    text: str
    first_line: int = 0
    owner: str = ""  # the documented object, for a docstring

    def where(self, offset: int = 0) -> str:
        """Where ``offset`` of the text is, for a message: "notebooks/x.ipynb, cell id" or
        "book/x.md:12" or "scratchlib/x.py:35 (TwoLayerNet)"."""
        if self.first_line == 0:
            return f"{self.path}, cell {self.key}"
        line = self.first_line + self.text.count("\n", 0, offset)
        return f"{self.path}:{line}" + (f" ({self.owner})" if self.owner else "")


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell: dict) -> str:
    """A cell's text (nbformat stores it as one string or a list of lines)."""
    text = cell["source"]
    return "".join(text) if isinstance(text, list) else text


def _markdown_passages(rel: str, cells: Iterable[dict]) -> list[Passage]:
    """A notebook's markdown cells, each a passage keyed by its cell id."""
    return [
        Passage(rel, cell.get("id") or f"#{index}", source(cell))
        for index, cell in enumerate(cells)
        if cell["cell_type"] == "markdown"
    ]


class _InRepository:
    """``rel`` and ``stem`` of a file's ``path``."""

    path: Path

    @property
    def rel(self) -> str:
        """The path relative to the repository root, with forward slashes."""
        return self.path.relative_to(ROOT).as_posix()

    @property
    def stem(self) -> str:
        return self.path.stem


@dataclass(frozen=True)
class Chapter(_InRepository):
    """A chapter notebook: its number (from ``NN_``), markdown passages and code cells."""

    number: int
    path: Path
    cells: tuple = field(repr=False, compare=False)

    @property
    def passages(self) -> list[Passage]:
        return _markdown_passages(self.rel, self.cells)

    def code_cell(self, cell_id: str) -> dict | None:
        for cell in self.cells:
            if cell["cell_type"] == "code" and cell.get("id") == cell_id:
                return cell
        return None


@cache
def chapters() -> tuple[Chapter, ...]:
    """Every chapter, ``notebooks/NN_name.ipynb``, in order (the files tests/test_notebooks.py
    runs under nbval)."""
    found = []
    for path in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")):
        found.append(Chapter(int(path.name[:2]), path, tuple(_cells(path))))
    return tuple(found)


@dataclass(frozen=True)
class Master(_InRepository):
    """An exercise master: its number, markdown passages, question names and cells."""

    number: int
    path: Path
    passages: tuple[Passage, ...]
    questions: tuple[str, ...]
    cells: tuple = field(repr=False, compare=False)


@cache
def masters() -> tuple[Master, ...]:
    found = []
    for path in sorted(MASTERS_DIR.glob("[0-9][0-9]_*.ipynb")):
        cells = tuple(_cells(path))
        names = []
        for cell in cells:
            text = source(cell)
            if cell["cell_type"] == "raw" and text.lstrip().startswith("# BEGIN QUESTION"):
                name = re.search(r"^name:\s*(\S+)", text, re.M)
                if name:
                    names.append(name.group(1))
        passages = tuple(_markdown_passages(path.relative_to(ROOT).as_posix(), cells))
        found.append(Master(int(path.name[:2]), path, passages, tuple(names), cells))
    return tuple(found)


@dataclass(frozen=True)
class Page(_InRepository):
    """A markdown page of the book, or the README: one passage and no code cells (what its
    sentences restate are the chapters' outputs)."""

    path: Path
    text: str = field(repr=False, compare=False)

    @property
    def passages(self) -> list[Passage]:
        return [Passage(self.rel, "page", self.text, 1)]

    def code_cell(self, cell_id: str) -> None:
        return None


@cache
def book_pages() -> tuple[Page, ...]:
    """The book's markdown pages (``book/*.md``) and the README."""
    paths = sorted((ROOT / "book").glob("*.md")) + [ROOT / "README.md"]
    return tuple(Page(p, p.read_text(encoding="utf-8")) for p in paths)


@cache
def pages() -> tuple[Passage, ...]:
    """The book's markdown pages and the README, one passage each."""
    return tuple(page.passages[0] for page in book_pages())


LIBRARY_DIR = ROOT / "scratchlib"


@cache
def docstrings() -> tuple[Passage, ...]:
    """Every docstring of the library (modules, classes, functions, methods), the data
    package's (``scratchlib/data/``) included."""
    found = []
    for path in sorted(LIBRARY_DIR.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))

        def visit(node, prefix: str, rel: str = rel) -> None:
            body = getattr(node, "body", [])
            if (
                body
                and isinstance(body[0], ast.Expr)
                and isinstance(body[0].value, ast.Constant)
                and isinstance(body[0].value.value, str)
            ):
                owner = prefix or "module"
                text = body[0].value.value
                found.append(Passage(rel, owner, text, body[0].value.lineno, owner))
            for child in body:
                if isinstance(child, ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
                    visit(child, f"{prefix}.{child.name}" if prefix else child.name)

        visit(tree, "")
    return tuple(found)


# --------------------------------------------------------------------------------------------
# Masking: what is not prose (code, link targets, markup) is blanked, offsets kept

_FENCE = re.compile(r"^[ \t]*(```|~~~).*?^[ \t]*\1[^\n]*$", re.M | re.S)
_INLINE_CODE = re.compile(r"``.+?``|`[^`\n]+`", re.S)
_LINK_TARGET = re.compile(r"\]\([^)\s]*\)|<https?://[^>\s]*>|https?://\S+")
_HTML_TAG = re.compile(r"<[A-Za-z/][^<>\n]*>")
_HEADING_NUMBER = re.compile(r"^(#{1,6}[ \t]+)(\d+(?:\.\d+)*\.?)", re.M)


def _blank(match: re.Match) -> str:
    return re.sub(r"[^\n]", " ", match.group(0))


def mask(text: str) -> str:
    """``text`` with code (fenced and inline), link targets, HTML tags and the numbers of
    headings replaced by spaces: same length, same lines, only prose and math left."""
    text = _FENCE.sub(_blank, text)
    text = _INLINE_CODE.sub(_blank, text)
    text = _LINK_TARGET.sub(lambda m: "]" + " " * (len(m.group(0)) - 1), text)
    text = _HTML_TAG.sub(_blank, text)
    return _HEADING_NUMBER.sub(lambda m: m.group(1) + " " * len(m.group(2)), text)


_SENTENCE_END = re.compile(r"[.!?;](?=\s)|\n[ \t]*\n")


def sentence_at(text: str, start: int, end: int | None = None) -> tuple[int, int]:
    """The span of the sentence (or clause, ended by ``;``) around ``text[start:end]``."""
    end = start if end is None else end
    begin = 0
    for match in _SENTENCE_END.finditer(text, 0, start):
        begin = match.end()
    stop = _SENTENCE_END.search(text, end)
    return begin, (stop.start() + 1 if stop else len(text))


def excerpt(text: str, start: int, end: int, width: int = 110) -> str:
    """The sentence around a span, on one line, shortened to about ``width`` characters."""
    begin, stop = sentence_at(text, start, end)
    sentence = " ".join(text[begin:stop].split())
    if len(sentence) <= width:
        return sentence
    focus = " ".join(text[begin:start].split())
    left = max(0, len(focus) - width // 2)
    return ("…" if left else "") + sentence[left : left + width] + "…"


# --------------------------------------------------------------------------------------------
# Headings


@dataclass(frozen=True)
class Heading:
    passage: Passage
    offset: int
    level: int
    title: str  # without the number
    number: tuple[int, ...] | None  # (N,) for "# N. Title", (N, k) for "## N.k Title"

    @property
    def label(self) -> str:
        if self.number is None:
            return "#" * self.level + " " + self.title
        return "#" * self.level + " " + ".".join(map(str, self.number))


_HEADING = re.compile(r"^(#{1,6})[ \t]+(.+?)[ \t#]*$", re.M)


def headings(passage: Passage) -> list[Heading]:
    found = []
    code_free = _FENCE.sub(_blank, passage.text)
    for match in _HEADING.finditer(code_free):
        level, text = len(match.group(1)), match.group(2).strip()
        numbered = re.match(r"(\d+(?:\.\d+)*)\.?[ \t]+(.*)", text)
        number = tuple(int(n) for n in numbered.group(1).split(".")) if numbered else None
        title = numbered.group(2) if numbered else text
        found.append(Heading(passage, match.start(), level, title, number))
    return found


def plain(title: str) -> str:
    """A heading or title without markdown emphasis and code marks, lower case."""
    return " ".join(re.sub(r"[*_`]", "", title).split()).lower()


# --------------------------------------------------------------------------------------------
# References


@dataclass(frozen=True)
class Ref:
    """One cross-reference. ``kind``: "chapter", "section", "title", "exercise" (item of a
    chapter's own list), "question" (of the master it is in) or "assignment" (a master, with
    ``questions`` of it)."""

    passage: Passage
    start: int
    end: int
    kind: str
    numbers: tuple[tuple[int, ...], ...]
    books: bool = False  # a number of Saito's book, not of the course
    title: str = ""
    questions: tuple[int, ...] = ()

    @property
    def text(self) -> str:
        return " ".join(self.passage.text[self.start : self.end].split())

    def where(self) -> str:
        return self.passage.where(self.start)


_SEC = r"\d+\.\d+(?:\.\d+)*"
_SECTION = re.compile(
    rf"(?:(?<![\w§])[Ss]ections?\s+|§\s?)(?P<list>{_SEC}(?:\s*(?:,|and|or|to|–|-)\s*(?:§\s?)?{_SEC})*)"
)
_CHAPTER = re.compile(
    r"(?<![\w-])(?P<kw>[Cc]hapters?|[Nn]otebooks?)\s+"
    r"(?P<list>\d+(?:\s*(?:and|or|to|–|-)\s*\d+)*)(?!\w|\.\d)"
)
_TITLE = re.compile(r"(?<![\w-])[Cc]hapter\s+(?P<n>\d+),\s*\*(?P<title>[^*\n]+)\*")
_ASSIGNMENT_QUESTION = re.compile(
    r"(?<![\w-])[Ee]xercises?\s+(?P<n>\d+),?\s+(?:questions?\s+|q)"
    r"(?P<list>\d+(?:\s*(?:,|and|to)\s*q?\d+)*)"
)
_EXERCISE = re.compile(r"(?<![\w-])(?P<kw>[Ee]xercises?)\s+(?P<n>\d+)(?!\w|\.\d)")
_QUESTION = re.compile(r"(?<![\w-])[Qq]uestions?\s+(?P<list>\d+(?:\s*(?:,|and|or|to)\s*\d+)*)")
_LIST_END = re.compile(rf"(?:and|or)\s*(?:§\s?)?{_SEC}$")
_BOOK = re.compile(r"\bbook\b|\bbook's|Deep Learning from Scratch|\bSaito\b", re.I)
_RANGE_WORD = re.compile(r"\s*(?:to|–|-)\s*")


def _numbers(listed: str) -> list[tuple[int, ...]]:
    """The numbers of a list such as "4.1 and 4.2", "1.1-1.2" or "1 to 3" (ranges filled in)."""
    pieces = re.split(r"(\s*(?:,|and|or|to|–|-)\s*)", listed)
    numbers: list[tuple[int, ...]] = []
    pending_range = False
    for piece in pieces:
        if not piece.strip():
            continue
        if re.fullmatch(r"\s*(?:,|and|or|to|–|-)\s*", piece):
            pending_range = bool(_RANGE_WORD.fullmatch(piece))
            continue
        number = tuple(int(n) for n in re.findall(r"\d+", piece))
        if pending_range and numbers and len(numbers[-1]) == len(number):
            low = numbers[-1]
            if number[:-1] == low[:-1]:
                numbers += [(*low[:-1], k) for k in range(low[-1] + 1, number[-1])]
        numbers.append(number)
        pending_range = False
    return numbers


def _is_books(text: str, start: int, end: int) -> bool:
    """Whether the reference ``text[start:end]`` names a part of Saito's book."""
    begin, _ = sentence_at(text, start)
    before = text[begin:start]
    words = [w.strip("*_()[]") for w in before.split()]
    if _BOOK.search(" ".join(words[-6:])):
        return True
    if words and words[-1].lower() == "its" and _BOOK.search(before):
        return True
    after = text[end : end + 80].split()[:5]
    return bool(after) and after[0].lower() == "of" and bool(_BOOK.search(" ".join(after)))


def references(passage: Passage) -> list[Ref]:
    """The cross-references of a passage, in order; the book's own numbers are marked
    ``books``."""
    text = mask(passage.text)
    taken: list[tuple[int, int]] = []
    refs: list[Ref] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    def add(ref: Ref) -> None:
        taken.append((ref.start, ref.end))
        refs.append(ref)

    for m in _ASSIGNMENT_QUESTION.finditer(text):
        questions = tuple(n[0] for n in _numbers(re.sub(r"q", "", m.group("list"))))
        add(
            Ref(
                passage,
                m.start(),
                m.end(),
                "assignment",
                ((int(m.group("n")),),),
                questions=questions,
            )
        )
    for m in _TITLE.finditer(text):
        if free(m.start(), m.end()):
            n = int(m.group("n"))
            books = _is_books(text, m.start(), m.end())
            add(Ref(passage, m.start(), m.end(), "title", ((n,),), books, m.group("title").strip()))
    for m in _SECTION.finditer(text):
        listed, end = m.group("list"), m.end()
        if "," in listed and not _LIST_END.search(listed):
            # "section 3.1, 2.3047 before ...": a comma joins sections only in "A, B and C"
            listed = listed[: listed.index(",")]
            end = m.start("list") + len(listed)
        if free(m.start(), end):
            numbers = tuple(_numbers(listed))
            add(Ref(passage, m.start(), end, "section", numbers, _is_books(text, m.start(), end)))
    for m in _CHAPTER.finditer(text):
        if free(m.start(), m.end()):
            numbers = tuple(_numbers(m.group("list")))
            books = m.group("kw").lower().startswith("chapter") and _is_books(
                text, m.start(), m.end()
            )
            add(Ref(passage, m.start(), m.end(), "chapter", numbers, books))
    for m in _EXERCISE.finditer(text):
        if free(m.start(), m.end()):
            add(Ref(passage, m.start(), m.end(), "exercise", ((int(m.group("n")),),)))
    for m in _QUESTION.finditer(text):
        if free(m.start(), m.end()):
            add(Ref(passage, m.start(), m.end(), "question", tuple(_numbers(m.group("list")))))
    return sorted(refs, key=lambda r: r.start)


# --------------------------------------------------------------------------------------------
# Numbers in prose

#: A number as prose writes it: 784, 60,000, 0.6, 63%, 8\%, 2.2e-16.
_TOKEN = re.compile(
    r"(?<![\w.,])(?:\d+(?:\.\d+)?e[-+]?\d+|(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:\\?%)?)"
    r"(?![\w%])(?!\.\d)(?!,\d{3})"
)


def literals(text: str) -> set[str]:
    """The numbers written in ``text``, normalised ("10 to 12" -> {"10", "12"})."""
    return {normalise(m.group(0)) for m in _TOKEN.finditer(text)}


@dataclass(frozen=True)
class Token:
    passage: Passage
    start: int
    end: int
    literal: str  # as written

    @property
    def norm(self) -> str:
        return normalise(self.literal)

    def where(self) -> str:
        return self.passage.where(self.start)


def normalise(literal: str) -> str:
    """A number's identity: thousands separators and TeX's backslash dropped ("60,000" ->
    "60000", "8\\%" -> "8%"), the minus sign made ASCII."""
    return str(literal).replace(",", "").replace("\\%", "%").replace("−", "-").strip()


def policed(literal: str) -> bool:
    """The numbers the completeness guard asks about: a decimal point, a percent sign, a
    thousands separator, or three digits or more ("784", "0.6", "63%", "6,000")."""
    mantissa = literal.split("e")[0]
    return any(c in literal for c in ".%,") or len(re.sub(r"\D", "", mantissa)) >= 3


def tokens(passage: Passage, exclude: Iterable[tuple[int, int]] = ()) -> list[Token]:
    """The numbers of a passage's prose and math, outside code, links, heading numbers, the
    spans in ``exclude`` (its references), and exponents (``10^{-16}``)."""
    text = mask(passage.text)
    spans = list(exclude)
    found = []
    for m in _TOKEN.finditer(text):
        if any(s <= m.start() < e for s, e in spans):
            continue
        if re.search(r"\^\{?-?$", text[max(0, m.start() - 3) : m.start()]):
            continue  # an exponent
        found.append(Token(passage, m.start(), m.end(), m.group(0)))
    return found


@dataclass(frozen=True)
class Number:
    """A number as a sentence states it: its value, and half a unit of its last digit (what
    rounding to the written precision allows)."""

    literal: str
    value: float
    half_unit: float


_WORDS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
    "twenty",
]


def parse_number(literal: str) -> Number:
    """Parse "6,000", "63%", "0.6", "2.2e-16", "7.8 \\times 10^{-8}" or "one" to "twenty".

    Raises
    ------
    ValueError
        When ``literal`` is not one number.
    """
    text = normalise(literal).rstrip("%").strip()
    if text.lower() in _WORDS:
        return Number(literal, float(_WORDS.index(text.lower())), 0.5)
    m = re.fullmatch(r"(-?\d+(?:\.(\d+))?)(?:\s*(?:e|\\times\s*10\^\{?)([-+]?\d+)\}?)?", text)
    if not m:
        raise ValueError(f"{literal!r} is not a number (write it as the sentence does: 6,000, 63%)")
    decimals = len(m.group(2) or "")
    exponent = int(m.group(3) or 0)
    value = float(m.group(1)) * 10.0**exponent
    return Number(literal, value, 0.5 * 10.0 ** (exponent - decimals))


# --------------------------------------------------------------------------------------------
# Outputs


def output_text(cell: dict) -> str:
    """The text a code cell printed: its streams and the plain-text results, in order."""
    parts = []
    for output in cell.get("outputs", []):
        if output["output_type"] == "stream":
            text = output["text"]
        elif output["output_type"] in ("execute_result", "display_data"):
            text = output.get("data", {}).get("text/plain", "")
        else:
            continue
        parts.append("".join(text) if isinstance(text, list) else text)
    return "".join(parts)


@cache
def sanitizers() -> tuple[tuple[str, re.Pattern], ...]:
    """nbval's sanitizers (tests/nbval_sanitize.cfg): what they match is not compared."""
    config = configparser.ConfigParser()
    config.read(SANITIZE_CFG, encoding="utf-8")
    return tuple((name, re.compile(config[name]["regex"])) for name in config.sections())


def unchecked_reason(cell: dict, output: str, start: int, end: int) -> str | None:
    """Why nbval does not compare ``output[start:end]`` of ``cell``, or None when it does."""
    tags = set(cell.get("metadata", {}).get("tags", [])) & UNCHECKED_TAGS
    if tags:
        return f"the cell is tagged {sorted(tags)[0]}"
    for name, pattern in sanitizers():
        for m in pattern.finditer(output):
            if m.start() < end and start < m.end():
                return f"nbval's sanitizer [{name}] replaces it ({pattern.pattern!r})"
    return None


# --------------------------------------------------------------------------------------------
# Sections: the cells of a chapter between two headings, and what their code uses


@dataclass(frozen=True)
class Section:
    """The cells of a chapter from one heading of level 1 or 2 to the next: ``number`` is
    (N, k) for "## N.k Title", (N,) for the chapter's title and the cells under it before its
    first section, None for an unnumbered one ("## Summary", "## Exercises"). A markdown cell
    that holds a heading is split there: its text before the heading ends the previous
    section."""

    chapter: Chapter
    number: tuple[int, ...] | None
    title: str
    code: tuple[dict, ...] = field(repr=False, compare=False)
    markdown: str = field(repr=False, compare=False)

    @property
    def label(self) -> str:
        """ "§4.2", "chapter 4 before §4.1" or "chapter 4's 'Summary'", for a message."""
        if self.number is None:
            return f"chapter {self.chapter.number}'s {self.title!r}"
        if len(self.number) == 1:
            return f"chapter {self.number[0]}, before §{self.number[0]}.1"
        return "§" + ".".join(map(str, self.number))

    @cached_property
    def uses(self) -> CodeUses:
        return CodeUses.of_cells(self.code, self.chapter.rel)


@cache
def sections(chapter: Chapter) -> tuple[Section, ...]:
    """The chapter's sections, in order (see :class:`Section`)."""
    found: list[Section] = []
    number: tuple[int, ...] | None = (chapter.number,)
    title, code, markdown = "", [], []

    def close() -> None:
        found.append(Section(chapter, number, title, tuple(code), "".join(markdown)))

    for cell in chapter.cells:
        if cell["cell_type"] == "code":
            code.append(cell)
            continue
        if cell["cell_type"] != "markdown":
            continue
        text = source(cell)
        passage = Passage(chapter.rel, cell.get("id") or "", text)
        start = 0
        for heading in headings(passage):
            if heading.level > 2:
                continue
            markdown.append(text[start : heading.offset])
            if found or code or "".join(markdown).strip() or title:
                close()
            number = heading.number if heading.level == 2 else (chapter.number,)
            if heading.level == 2 and (not heading.number or len(heading.number) != 2):
                number = None
            title, code, markdown, start = heading.title, [], [], heading.offset
        markdown.append(text[start:] + "\n\n")
    close()
    return tuple(found)


#: An IPython line magic or shell escape (``%config ...``, ``!pip ...``): not Python.
_MAGIC = re.compile(r"^([ \t]*)[%!].*$", re.M)


def _dotted(node: ast.AST) -> str:
    """``a.b.c`` for a chain of names and attributes, else ""."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        base = _dotted(node.value)
        return f"{base}.{node.attr}" if base else ""
    return ""


@dataclass(frozen=True)
class CodeUses:
    """What some code cells use, read from their syntax tree (nothing is run).

    ``names``: names read (``sigmoid`` in ``sigmoid(a1)``, ``one_blas_thread`` in a decorator),
    not those defined or imported. ``attributes``: ``(base, attr)`` for every attribute read
    or written, ``base`` the dotted name before it or "" (``("trainer",
    "sample_with_replacement")``, ``("net", "predict")``, ``("", "accuracy")`` in
    ``nets[lr].accuracy``). ``comments``: the text of the comments. ``imports``: ``(local
    name, module, name)`` of each import, name "" for ``import module``.
    """

    names: frozenset[str]
    attributes: frozenset[tuple[str, str]]
    comments: str
    imports: tuple[tuple[str, str, str], ...]

    @classmethod
    def of_source(cls, source: str, where: str) -> CodeUses:
        code = _MAGIC.sub(lambda m: m.group(1) + "pass", source)
        try:
            tree = ast.parse(code)
        except SyntaxError as error:
            raise ValueError(f"{where}: the code cell is not Python ({error})") from None
        names, attributes, imports = set(), set(), []
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
                names.add(node.id)
            elif isinstance(node, ast.Attribute):
                attributes.add((_dotted(node.value), node.attr))
            elif isinstance(node, ast.Import):
                imports += [(a.asname or a.name, a.name, "") for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                imports += [(a.asname or a.name, node.module, a.name) for a in node.names]
        comments = []
        try:
            for token in tokenize.generate_tokens(io.StringIO(code).readline):
                if token.type == tokenize.COMMENT:
                    comments.append(token.string)
        except (tokenize.TokenError, SyntaxError):  # ast.parse read it: not expected
            pass
        return cls(frozenset(names), frozenset(attributes), "\n".join(comments), tuple(imports))

    @classmethod
    def of_cells(cls, cells: Iterable[dict], path: str) -> CodeUses:
        parts = [cls.of_source(source(c), f"{path}, cell {c.get('id')}") for c in cells]
        return cls(
            frozenset().union(*(p.names for p in parts)),
            frozenset().union(*(p.attributes for p in parts)),
            "\n".join(p.comments for p in parts),
            tuple(i for p in parts for i in p.imports),
        )


# --------------------------------------------------------------------------------------------
# The library: its public functions, classes and methods, found in its files


@dataclass(frozen=True)
class LibraryObject:
    """A public function, class or method of ``scratchlib`` (no leading underscore, in a
    module without one). ``module`` is dotted (``scratchlib.data.loaders``), ``qualname``
    ``train`` or ``TwoLayerNet.accuracy``; ``members`` are the public methods, properties
    and fields a class declares in its body."""

    module: str
    qualname: str
    kind: str  # "function", "class" or "method"
    path: str
    members: frozenset[str] = frozenset()

    @property
    def name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]

    @property
    def docstring(self) -> Passage | None:
        for passage in docstrings():
            if passage.path == self.path and passage.owner == self.qualname:
                return passage
        return None

    def used_by(self, uses: CodeUses) -> bool:
        """Whether code with these uses uses the object. A function: its name read, bare
        (``sigmoid(x)``) or after its module's or package's name (``trainer.shuffled_epochs``,
        ``scratchlib.plot.moving_average``). A class: the same, or one of its own members
        read or written (``history.train_loss``: its instance at work). A method:
        ``.name``, called or not (which class's it is, the code does not say)."""
        if self.kind == "method":
            return any(attr == self.name for _, attr in uses.attributes)
        packages = set(self.module.split("."))
        if self.name in uses.names or any(
            attr == self.name and base.rsplit(".", 1)[-1] in packages
            for base, attr in uses.attributes
        ):
            return True
        return self.kind == "class" and any(attr in self.members for _, attr in uses.attributes)

    def named_in(self, uses: CodeUses, markdown: str) -> bool:
        """Whether code with these uses uses the object, or names it (as a word: ``train``
        in ``train_size`` is no name of it; a method after a dot, ``TwoLayerNet.gradient``,
        since a function may have its name) in a comment of the code or in code marks of the
        markdown (``the library's `train```, a fenced block)."""
        if self.used_by(uses):
            return True
        before = r"\." if self.kind == "method" else r"(?<!\w)"
        word = re.compile(rf"{before}{re.escape(self.name)}(?!\w)")
        spans = [m.group(0) for m in _FENCE.finditer(markdown)]
        spans += [m.group(0) for m in _INLINE_CODE.finditer(_FENCE.sub(_blank, markdown))]
        return bool(word.search(uses.comments)) or any(word.search(s) for s in spans)


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _module_path(module: str) -> Path | None:
    base = ROOT.joinpath(*module.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


@cache
def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"))


def _members(node: ast.ClassDef) -> frozenset[str]:
    """A class's public members declared in its body: methods, properties, fields. (Not
    what ``__init__`` assigns to ``self``: ``dtype`` or ``params`` would match any array or
    network.) A ``Protocol`` has none: no instance of it exists."""
    if any(_dotted(base).rsplit(".", 1)[-1] == "Protocol" for base in node.bases):
        return frozenset()
    found = set()
    for child in node.body:
        if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef):
            found.add(child.name)
        elif isinstance(child, ast.AnnAssign) and isinstance(child.target, ast.Name):
            found.add(child.target.id)
        elif isinstance(child, ast.Assign):
            found |= {t.id for t in child.targets if isinstance(t, ast.Name)}
    return frozenset(name for name in found if not name.startswith("_"))


@cache
def library() -> dict[str, LibraryObject]:
    """Every public function, class and method of the library, by ``module.qualname``."""
    found = {}
    for path in sorted(LIBRARY_DIR.rglob("*.py")):
        module = _module_name(path)
        if any(part.startswith("_") for part in module.split(".")[1:]):
            continue
        rel = path.relative_to(ROOT).as_posix()
        for node in _tree(path).body:
            if not isinstance(node, ast.FunctionDef | ast.ClassDef) or node.name[0] == "_":
                continue
            if isinstance(node, ast.FunctionDef):
                found[f"{module}.{node.name}"] = LibraryObject(module, node.name, "function", rel)
                continue
            members = _members(node)
            found[f"{module}.{node.name}"] = LibraryObject(module, node.name, "class", rel, members)
            for child in node.body if members else ():  # a Protocol's methods are declarations
                if isinstance(child, ast.FunctionDef) and child.name[0] != "_":
                    qualname = f"{node.name}.{child.name}"
                    found[f"{module}.{qualname}"] = LibraryObject(module, qualname, "method", rel)
    return found


def resolve(module: str, name: str) -> LibraryObject | str | None:
    """What ``from module import name`` imports of the library: a :class:`LibraryObject`,
    the dotted name of a module (``from scratchlib import trainer``), or None (a constant,
    or not the library's). Re-exports (``from scratchlib import train``) are followed through
    the package's ``__init__.py``, read, not imported."""
    if module.split(".")[0] != LIBRARY_DIR.name:
        return None
    if _module_path(f"{module}.{name}") is not None:
        return f"{module}.{name}"
    if f"{module}.{name}" in library():
        return library()[f"{module}.{name}"]
    path = _module_path(module)
    if path is None:
        return None
    for node in _tree(path).body:
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            for alias in node.names:
                if (alias.asname or alias.name) == name and node.module != module:
                    return resolve(node.module, alias.name)
    return None


def imported_objects(uses: CodeUses) -> dict[LibraryObject, str]:
    """The library's functions and classes that code imports, directly (``from scratchlib
    import sigmoid``) or through an imported module (``from scratchlib import trainer`` and
    then ``trainer.shuffled_epochs``), each with the import that brings it."""
    found: dict[LibraryObject, str] = {}
    modules: dict[str, str] = {}  # local name -> module
    for local, module, name in uses.imports:
        if not name:
            if module.split(".")[0] == LIBRARY_DIR.name:
                modules[local.split(".")[0]] = local.split(".")[0]
            continue
        target = resolve(module, name)
        if isinstance(target, LibraryObject) and target.kind != "method":
            found.setdefault(target, f"from {module} import {name}")
        elif isinstance(target, str):
            modules[local] = target
    for base, attr in sorted(uses.attributes):
        first = base.split(".")[0]
        if first in modules:
            target = resolve(modules[first] + base[len(first) :], attr)
            if isinstance(target, LibraryObject) and target.kind != "method":
                found.setdefault(target, f"{base}.{attr}")
    return found


# --------------------------------------------------------------------------------------------
# "Used in:" and "Named in:": where a docstring says a chapter uses or names its object

_STATEMENT = re.compile(r"(?:(?<=\n)|(?<=\A)|(?<=\.\s))[ \t]*(?P<head>Used|Named) in:")


@dataclass(frozen=True)
class Cited:
    """A chapter or section that a docstring's "Used in:" (``named`` False) or "Named in:"
    (True) statement cites: ``number`` (N, k) for a section, (N,) for a whole chapter."""

    ref: Ref
    number: tuple[int, ...]
    named: bool

    @property
    def label(self) -> str:
        if len(self.number) == 1:
            return f"chapter {self.number[0]}"
        return f"chapter {self.number[0]}, §{self.number[0]}.{self.number[1]}"


def statements(passage: Passage) -> list[tuple[str, int, int]]:
    """The "Used in: ..." and "Named in: ..." statements of a docstring, as (head, start,
    end): each runs from its head to the next statement's or to the end of its paragraph."""
    text = passage.text
    heads = list(_STATEMENT.finditer(text))
    found = []
    for index, match in enumerate(heads):
        stop = heads[index + 1].start() if index + 1 < len(heads) else len(text)
        blank = re.search(r"\n[ \t]*\n", text[match.start() : stop])
        end = match.start() + blank.start() if blank else stop
        found.append((match.group("head"), match.start("head"), end))
    return found


def cited(passage: Passage) -> list[Cited]:
    """What the docstring's statements cite, in order: each section of "chapter 4, §4.2 and
    §4.5", "§3.4-3.5" or "sections 1.1 and 1.2", and each chapter cited without a section
    ("chapters 3 and 4"). The book's numbers ("the book's section 5.7") are not cited."""
    refs = references(passage)
    masked = mask(passage.text)
    found = []
    for head, start, end in statements(passage):
        inside = [r for r in refs if start <= r.start < end and not r.books]
        for index, ref in enumerate(inside):
            if ref.kind == "section":
                found += [Cited(ref, n, head == "Named") for n in ref.numbers if len(n) == 2]
            elif ref.kind == "chapter":
                following = inside[index + 1] if index + 1 < len(inside) else None
                if (
                    following is not None
                    and following.kind == "section"
                    and re.fullmatch(r",?\s*", masked[ref.end : following.start])
                ):
                    continue  # "chapter 4, §4.2": the section is what is cited
                found += [Cited(ref, n, head == "Named") for n in ref.numbers]
    return found
