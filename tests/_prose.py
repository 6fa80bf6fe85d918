"""The book's prose as tests/test_crossrefs.py and tests/test_claims.py read it: headings,
cross-references and the numbers sentences state.

The prose lives in the chapters (``notebooks/NN_*.ipynb``: markdown cells, and the committed
outputs they describe), the book pages (``book/*.md``) and the README, the exercise masters
(``exercises/masters/NN_*.ipynb``) and the library's docstrings (``scratchlib/*.py``). Each is
read as :class:`Passage`\\ s (a markdown cell, a page, a docstring) that know their file and
their cell or line, so that every finding names where it is.

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
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
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


def _source(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def _markdown_passages(rel: str, cells: Iterable[dict]) -> list[Passage]:
    """A notebook's markdown cells, each a passage keyed by its cell id."""
    return [
        Passage(rel, cell.get("id") or f"#{index}", _source(cell))
        for index, cell in enumerate(cells)
        if cell["cell_type"] == "markdown"
    ]


@dataclass(frozen=True)
class Chapter:
    """A chapter notebook: its number (from ``NN_``), markdown passages and code cells."""

    number: int
    path: Path
    cells: tuple = field(repr=False, compare=False)

    @property
    def rel(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    @property
    def stem(self) -> str:
        return self.path.stem

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
class Master:
    """An exercise master: its number, markdown passages and question names."""

    number: int
    path: Path
    passages: tuple[Passage, ...]
    questions: tuple[str, ...]

    @property
    def rel(self) -> str:
        return self.path.relative_to(ROOT).as_posix()


@cache
def masters() -> tuple[Master, ...]:
    found = []
    for path in sorted(MASTERS_DIR.glob("[0-9][0-9]_*.ipynb")):
        names = []
        for cell in _cells(path):
            source = _source(cell)
            if cell["cell_type"] == "raw" and source.lstrip().startswith("# BEGIN QUESTION"):
                name = re.search(r"^name:\s*(\S+)", source, re.M)
                if name:
                    names.append(name.group(1))
        passages = tuple(_markdown_passages(path.relative_to(ROOT).as_posix(), _cells(path)))
        found.append(Master(int(path.name[:2]), path, passages, tuple(names)))
    return tuple(found)


@cache
def pages() -> tuple[Passage, ...]:
    """The book's markdown pages and the README, one passage each."""
    paths = sorted((ROOT / "book").glob("*.md")) + [ROOT / "README.md"]
    return tuple(
        Passage(p.relative_to(ROOT).as_posix(), "page", p.read_text(encoding="utf-8"), 1)
        for p in paths
    )


@cache
def docstrings() -> tuple[Passage, ...]:
    """Every docstring of the library (modules, classes, functions, methods)."""
    found = []
    for path in sorted((ROOT / "scratchlib").glob("*.py")):
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
