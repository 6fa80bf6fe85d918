"""Every number a sentence restates from an output agrees with that output (issue 17, point 16).

Each chapter ``notebooks/NN_name.ipynb`` has a claims file ``tests/claims/NN_name.yml``, and
each book page ``book/name.md`` (and the README) that has numbers one in ``tests/claims/pages/``
(a page's claims restate outputs of the chapters' cells):

- ``claims``: the sentences that restate a number printed by a code cell: the sentence (an
  excerpt of the markdown, as written), the number as the sentence writes it, the id of the
  code cell whose committed output it restates, a regular expression that finds the number in
  that output, and how close it must be. The test reads the committed outputs (nothing is
  executed) and names the sentence when the two disagree.
- ``constants``: every other number of the chapter's prose that the completeness guard asks
  about (a decimal point, a percent sign, a thousands separator, or three digits or more,
  outside code, links and references), each with the reason it is not an output: "784": the
  pixels of an image. A new number in the prose is either a claim or a constant, or the guard
  fails.

Timings differ from machine to machine, and nbval does not compare them: a claim may restate
a number of such an output only as a ``ratio`` (a quotient every machine shares) or a
``quote`` of what "the machine that ran this page" printed, and no sentence of a chapter or
an exercise states a duration (seconds, hours, "a few seconds", ...) except such a quote or a
constant with its reason (a time budget, say).

The format is written out in CONTRIBUTING.md ("Add a chapter") and tests/claims/README.md.
A claim that today's text gets wrong carries ``xfail: <the finding>``: its test is an
``xfail(strict=True)`` until the text is fixed, and then fails until the line is deleted.
"""

from __future__ import annotations

import ast
import math
import operator
import re
from dataclasses import dataclass
from functools import cache

import _prose as prose
import pytest
import yaml
from conftest import ROOT

CLAIMS_DIR = ROOT / "tests" / "claims"
PAGES_DIR = CLAIMS_DIR / "pages"
#: The phrase with which a sentence quotes a timing of its own page's run.
THIS_MACHINE = "the machine that ran this page"

# --------------------------------------------------------------------------------------------
# The claims files

CLAIM_KEYS = {"sentence", "number", "cell", "find", "value", "every", "tolerance", "kind", "xfail"}
REQUIRED_KEYS = {"sentence", "number", "cell", "find"}
KINDS = ("value", "ratio", "quote")


class StaleClaim(Exception):
    """The claim no longer fits the chapter (its sentence, number, cell or pattern is gone):
    the claims file needs updating, whatever the text says."""


class ClaimFailed(AssertionError):
    """The sentence disagrees with the output, or restates a number that no machine
    reproduces."""


@dataclass(frozen=True)
class Claim:
    """One sentence's number and the output it restates (see the module docstring)."""

    source: prose.Chapter | prose.Page
    index: int
    sentence: str
    number: str
    cell: str
    find: str
    value: str = "x"
    every: bool = False
    tolerance: float | str | None = None
    kind: str = "value"
    xfail: str | None = None

    @property
    def label(self) -> str:
        words = " ".join(re.sub(r"[*_`$\\]", "", self.sentence).split()[:5])
        return f"{self.source.stem}: {self.number} in '{words}'"


@dataclass(frozen=True)
class ClaimsFile:
    source: prose.Chapter | prose.Page
    claims: tuple[Claim, ...]
    constants: dict[str, str]  # normalised number or lower-case time phrase -> reason
    errors: tuple[str, ...]

    @property
    def rel(self) -> str:
        return self.path.relative_to(ROOT).as_posix()

    @property
    def path(self):
        return claims_path(self.source)


def claims_path(source: prose.Chapter | prose.Page):
    """tests/claims/NN_name.yml for a chapter, tests/claims/pages/name.yml for a page."""
    if isinstance(source, prose.Page):
        return PAGES_DIR / f"{source.stem}.yml"
    return CLAIMS_DIR / f"{source.stem}.yml"


def _claim(source: prose.Chapter | prose.Page, index: int, entry: object, where: str) -> Claim:
    if not isinstance(entry, dict):
        raise ValueError(f"{where}: a claim is a mapping with {sorted(REQUIRED_KEYS)}")
    unknown = set(entry) - CLAIM_KEYS
    missing = REQUIRED_KEYS - set(entry)
    if unknown or missing:
        raise ValueError(
            f"{where}: unknown keys {sorted(unknown)} / missing keys {sorted(missing)}; a claim "
            f"has {sorted(REQUIRED_KEYS)} and may have {sorted(CLAIM_KEYS - REQUIRED_KEYS)}"
        )
    values = {key: entry[key] for key in entry}
    for key in ("sentence", "number", "cell", "find", "value", "kind", "xfail"):
        if key in values and not isinstance(values[key], str):
            raise ValueError(f"{where}: {key} must be a string (quote it); got {values[key]!r}")
    if values.get("kind", "value") not in KINDS:
        raise ValueError(f"{where}: kind must be one of {KINDS}; got {values['kind']!r}")
    if "every" in values and not isinstance(values["every"], bool):
        raise ValueError(f"{where}: every is true or false; got {values['every']!r}")
    try:
        re.compile(values["find"])
        _stated(values["number"])
        _tolerance(values.get("tolerance"), _stated(values["number"]))
        _evaluate(values.get("value", "x"), {}, check_only=True)
    except (re.error, ValueError) as error:
        raise ValueError(f"{where}: {error}") from None
    return Claim(source, index, **values)


@cache
def claims_file(source: prose.Chapter | prose.Page) -> ClaimsFile:
    path = claims_path(source)
    rel = path.relative_to(ROOT).as_posix()
    if not path.is_file() and isinstance(source, prose.Page):
        return ClaimsFile(source, (), {}, ())  # a page without numbers needs none
    if not path.is_file():
        error = f"{rel} is missing: every chapter declares its claims and constants there"
        return ClaimsFile(source, (), {}, (error,))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        return ClaimsFile(source, (), {}, (f"{rel}: not valid YAML: {error}",))
    errors: list[str] = []
    if not isinstance(data, dict) or set(data) - {"claims", "constants"}:
        keys = sorted(data) if isinstance(data, dict) else type(data).__name__
        errors.append(f"{rel}: the file has two keys, claims and constants; found {keys}")
        data = data if isinstance(data, dict) else {}
    claims = []
    for index, entry in enumerate(data.get("claims") or []):
        try:
            claims.append(_claim(source, index, entry, f"{rel}, claim {index + 1}"))
        except ValueError as error:
            errors.append(str(error))
    constants: dict[str, str] = {}
    raw_constants = data.get("constants") or {}
    if not isinstance(raw_constants, dict):
        errors.append(f"{rel}: constants is a mapping, number: reason")
        raw_constants = {}
    for literal, reason in raw_constants.items():
        key = prose.normalise(str(literal)).lower()
        if not isinstance(reason, str) or not reason.strip():
            errors.append(f"{rel}: constant {literal!r} needs a reason (one line)")
        elif key in constants:
            errors.append(f"{rel}: constant {literal!r} is listed twice")
        else:
            constants[key] = reason
    labels = [c.label for c in claims]
    errors += [
        f"{rel}: two claims {label!r}" for label in {x for x in labels if labels.count(x) > 1}
    ]
    return ClaimsFile(source, tuple(claims), constants, tuple(errors))


# --------------------------------------------------------------------------------------------
# Checking one claim


def _stated(number: str) -> list[prose.Number]:
    """The number a sentence states, one value or a range "10 to 12"."""
    pieces = re.split(r"\s+to\s+|\s*–\s*", number.strip())
    if len(pieces) > 2:
        raise ValueError(f"number {number!r}: one number or a range 'A to B'")
    return [prose.parse_number(piece) for piece in pieces]


def _tolerance(tolerance: float | str | None, stated: list[prose.Number]) -> float:
    """The difference allowed: half a unit of the stated number's last digit by default (what
    rounding allows), ``exact``, an absolute number, or "N%" of the stated value."""
    scale = max(abs(n.value) for n in stated)
    if tolerance is None:
        return max(n.half_unit for n in stated)
    if tolerance == "exact":
        return 1e-12 * max(1.0, scale)
    if isinstance(tolerance, int | float) and not isinstance(tolerance, bool) and tolerance >= 0:
        return float(tolerance)
    if isinstance(tolerance, str) and re.fullmatch(r"\d+(\.\d+)?%", tolerance):
        return float(tolerance[:-1]) / 100 * scale
    raise ValueError(f"tolerance is exact, a number or 'N%'; got {tolerance!r}")


_OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.Pow: operator.pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}
_FUNCTIONS = {"abs": abs, "min": min, "max": max, "log10": math.log10}


def _evaluate(expression: str, variables: dict[str, float], check_only: bool = False) -> float:
    """Arithmetic on the numbers the pattern found: + - * / **, abs, min, max, log10."""
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError:
        raise ValueError(f"value {expression!r} is not an arithmetic expression") from None

    def ev(node: ast.AST) -> float:
        if isinstance(node, ast.Expression):
            return ev(node.body)
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float):
            return float(node.value)
        if isinstance(node, ast.Name):
            if node.id not in variables:
                raise StaleClaim(f"value {expression!r}: no group {node.id!r} in the pattern")
            return variables[node.id]
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](ev(node.left), ev(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in _OPERATORS:
            return _OPERATORS[type(node.op)](ev(node.operand))
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id in _FUNCTIONS
            and not node.keywords
        ):
            return float(_FUNCTIONS[node.func.id](*(ev(arg) for arg in node.args)))
        raise ValueError(f"value {expression!r}: only + - * / **, abs, min, max and log10")

    if check_only:
        for node in ast.walk(tree):
            allowed = (ast.Expression, ast.Constant, ast.Name, ast.Load, ast.BinOp, ast.UnaryOp)
            allowed += (ast.Call, *_OPERATORS)
            if not isinstance(node, allowed) or (
                isinstance(node, ast.Call)
                and not (isinstance(node.func, ast.Name) and node.func.id in _FUNCTIONS)
            ):
                raise ValueError(f"value {expression!r}: only + - * / **, abs, min, max and log10")
        return 0.0
    try:
        return ev(tree)
    except (ZeroDivisionError, ValueError, OverflowError) as error:
        raise StaleClaim(f"value {expression!r}: {error}") from None


def _sentence_pattern(sentence: str) -> re.Pattern:
    return re.compile(r"\s+".join(re.escape(word) for word in sentence.split()))


@dataclass(frozen=True)
class Located:
    passage: prose.Passage
    start: int
    end: int


def locate(claim: Claim) -> Located:
    """Where the claim's sentence is; StaleClaim when it is not (exactly once) there."""
    pattern = _sentence_pattern(claim.sentence)
    hits = [
        Located(p, m.start(), m.end())
        for p in claim.source.passages
        for m in pattern.finditer(p.text)
    ]
    if not hits:
        raise StaleClaim(
            f"{claim.source.rel}: the sentence {claim.sentence!r} is not there any more: update "
            f"the claim in {claims_path(claim.source).relative_to(ROOT).as_posix()} (its sentence and "
            "number) or delete it if no sentence restates that output now"
        )
    if len(hits) > 1:
        cells = ", ".join(h.passage.key for h in hits)
        raise StaleClaim(f"{claim.source.rel}: {claim.sentence!r} is in {cells}: quote more of it")
    hit = hits[0]
    text = hit.passage.text[hit.start : hit.end]
    for piece in _stated(claim.number):
        literal = re.escape(piece.literal.strip())
        if not re.search(rf"(?<![\d.,]){literal}(?![\d])", text):
            raise StaleClaim(
                f"{hit.passage.where(hit.start)}: the sentence {claim.sentence!r} does not write "
                f"{piece.literal!r}: give the number as the sentence writes it"
            )
    return hit


def code_cell(cell_id: str, home: prose.Chapter | prose.Page) -> tuple[object, dict]:
    """The cell ``cell_id`` whose text a claim restates: a code cell of the claim's own chapter
    or of another one (a page's claims name a chapter's cell), or a markdown cell of an
    exercise master, for the table a question shows (``make assignments`` recomputes each such
    table in the master's ``# IGNORE`` cell and fails when they differ)."""
    if home.code_cell(cell_id) is not None:
        return home, home.code_cell(cell_id)
    found = [(c, c.code_cell(cell_id)) for c in prose.chapters()]
    found = [(c, cell) for c, cell in found if cell is not None]
    found += [
        (master, cell)
        for master in prose.masters()
        for cell in master.cells
        if cell["cell_type"] == "markdown" and cell.get("id") == cell_id
    ]
    if len(found) != 1:
        where = "no chapter or master" if not found else f"{len(found)} notebooks"
        raise StaleClaim(
            f"{where} has a code cell (or a master a markdown cell) with id {cell_id!r}"
        )
    return found[0]


def _group_values(match: re.Match) -> dict[str, float]:
    values = {}
    for index, text in enumerate(match.groups(), start=1):
        if text is not None:
            values[f"x{index}"] = prose.parse_number(text).value
    for name, text in match.groupdict().items():
        if text is not None:
            values[name] = prose.parse_number(text).value
    if "x1" in values:
        values["x"] = values["x1"]
    return values


def check_claim(claim: Claim) -> str:
    """Check one claim against the committed output; returns what matched.

    Raises
    ------
    StaleClaim
        When the sentence, the number, the cell or the pattern is not found.
    ClaimFailed
        When the output says otherwise, or the output is not one any machine reproduces.
    """
    hit = locate(claim)
    home, cell = code_cell(claim.cell, claim.source)
    what = "output" if cell["cell_type"] == "code" else "table"
    output = prose.output_text(cell) if what == "output" else prose.source(cell)
    matches = list(re.finditer(claim.find, output, re.M))
    if not matches:
        raise StaleClaim(
            f"{claim.label}: the pattern {claim.find!r} finds nothing in the {what} of cell "
            f"{claim.cell} ({home.rel}): {output[:400]!r}"
        )
    if len(matches) > 1 and not claim.every:
        raise StaleClaim(
            f"{claim.label}: the pattern {claim.find!r} matches {len(matches)} times in the "
            f"output of cell {claim.cell}: make it match once, or set every: true"
        )
    stated = _stated(claim.number)
    low, high = stated[0].value, stated[-1].value
    allowed = _tolerance(claim.tolerance, stated)
    says = (
        f"{hit.passage.where(hit.start)}: the sentence «{' '.join(claim.sentence.split())}» says "
        f"{claim.number}"
    )
    sentence_text = hit.passage.text[
        slice(*prose.sentence_at(hit.passage.text, hit.start, hit.end))
    ]
    for match in matches:
        try:
            variables = _group_values(match)
        except ValueError as error:
            raise StaleClaim(f"{claim.label}: {error} (in {match.group(0)!r})") from None
        span = match.span(1) if match.re.groups else match.span()
        value = _evaluate(claim.value, variables)
        found = (
            f"the {what} of cell {claim.cell} gives {value:.6g} (the pattern {claim.find!r} "
            f"matched {match.group(0)!r}"
            + (f", value {claim.value}" if claim.value != "x" else "")
            + ")"
        )
        unchecked = prose.unchecked_reason(cell, output, *span)
        problems = []
        if claim.kind == "quote":
            allowed = _tolerance("exact", stated)
            if THIS_MACHINE not in " ".join(sentence_text.split()):
                problems.append(f"a quoted timing says it was measured on {THIS_MACHINE}")
        if claim.kind == "ratio" and _TIME.search(prose.mask(sentence_text)):
            problems.append("the sentence of a ratio claim states a duration")
        if not low - allowed <= value <= high + allowed:
            problems.append(f"allowed: {claim.number} ± {allowed:.3g}")
        if claim.kind == "value" and unchecked:
            problems.append(
                f"and nbval does not compare that output ({unchecked}): it differs from "
                "machine to machine. Restate what every machine shares (kind: ratio), or quote "
                f"it as measured on {THIS_MACHINE} (kind: quote)"
            )
        if problems:
            raise ClaimFailed(f"{says}, but {found}; " + "; ".join(problems) + ".")
    return f"{claim.label}: {[m.group(0) for m in matches]}"


# --------------------------------------------------------------------------------------------
# The completeness guard and the timing guard


def uncovered(claims: ClaimsFile) -> tuple[list[str], list[str]]:
    """The chapter's or page's numbers that are neither claims nor constants (a message each, with the
    stub to add), and the constants that no longer appear."""
    covered: dict[str, list[tuple[int, int, set[str]]]] = {}
    for claim in claims.claims:
        try:
            hit = locate(claim)
        except StaleClaim:
            continue  # its own test says so
        covered.setdefault(hit.passage.key, []).append(
            (hit.start, hit.end, prose.literals(claim.number))
        )
    messages, used = [], set()
    for passage in claims.source.passages:
        refs = [(r.start, r.end) for r in prose.references(passage)]
        for token in prose.tokens(passage, refs):
            if not prose.policed(token.literal):
                continue
            if token.norm.lower() in claims.constants:
                used.add(token.norm.lower())
                continue
            spans = covered.get(passage.key, [])
            if any(s <= token.start < e and token.norm in numbers for s, e, numbers in spans):
                continue
            sentence = prose.excerpt(passage.text, token.start, token.end)
            messages.append(
                f"{token.where()}: {token.literal!r} in «{sentence}» is neither a claim nor a "
                f"constant. If it restates an output, add to {claims.rel}:\n"
                f"  - sentence: {sentence!r}\n    number: {token.literal!r}\n"
                "    cell: <the id of the code cell that prints it>\n"
                "    find: '<a regex whose first group is the number in that output>'\n"
                f"  otherwise, under constants:  {token.literal!r}: <why it is not an output>"
            )
    for passage in claims.source.passages:
        for match in _TIME.finditer(prose.mask(passage.text)):
            phrase = _phrase(match)
            if phrase in claims.constants:
                used.add(phrase)
    stale = [
        f"{claims.rel}: the constant {key!r} is not in {claims.source.rel} any more: delete it"
        for key in claims.constants
        if key not in used
    ]
    return messages, stale


_QUANTITY = (
    r"(?:\d[\d,]*(?:\.\d+)?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve"
    r"|fifteen|twenty|thirty|forty|fifty|sixty|a hundred|a thousand|hundreds of|thousands of"
    r"|a few|several|a couple of)"
)
_UNIT = r"(?:(?:milli|micro|nano)?seconds?|minutes?|hours?|days?|weeks?)"
#: A duration: "28.2 s", "10 to 12 seconds", "two to three days", "about a second".
_TIME = re.compile(
    rf"(?<![\w.]){_QUANTITY}(?:\s*(?:to|–|-|or)\s*{_QUANTITY})?\s+{_UNIT}\b"
    rf"|(?<![\w.])\d[\d,]*(?:\.\d+)?(?:\s(?:s|min)|\s?(?:ms|µs))\b"
    rf"|\b(?:about|under|over|than|within|in|takes?|took|only|nearly|almost)\s+an?\s+"
    r"(?:second|minute|hour|day|week)\b",
    re.I,
)


def _phrase(match: re.Match) -> str:
    return " ".join(match.group(0).lower().split()).replace("**", "")


def timing_findings(passages: list[prose.Passage], constants: dict[str, str]) -> dict[str, str]:
    """Durations stated as facts: not in a sentence that quotes '{THIS_MACHINE}', not a
    constant. Key -> message."""
    findings = {}
    for passage in passages:
        text = prose.mask(passage.text)
        for match in _TIME.finditer(text):
            begin, end = prose.sentence_at(text, match.start(), match.end())
            phrase = _phrase(match)
            if THIS_MACHINE in " ".join(text[begin:end].split()) or phrase in constants:
                continue
            key = f"{passage.path} {passage.key}: {phrase}"
            findings.setdefault(
                key,
                f"{passage.where(match.start())}: «{prose.excerpt(passage.text, *match.span())}» "
                f"states a duration, {match.group(0)!r}, which depends on the machine and its "
                "load. Say what every machine shares (a ratio, a count of operations), or quote "
                f"the output as measured on {THIS_MACHINE}.",
            )
    return findings


@cache
def all_timing_findings() -> dict[str, str]:
    findings = {}
    for source in prose.chapters() + prose.book_pages():
        findings |= timing_findings(source.passages, claims_file(source).constants)
    for master in prose.masters():
        findings |= timing_findings(list(master.passages), {})
    return findings


# --------------------------------------------------------------------------------------------
# The tests

CHAPTERS = prose.chapters()
PAGES = prose.book_pages()


def _claim_params():
    params = []
    for source in CHAPTERS + PAGES:
        for claim in claims_file(source).claims:
            marks = (
                [pytest.mark.xfail(strict=True, raises=ClaimFailed, reason=claim.xfail)]
                if claim.xfail
                else []
            )
            params.append(pytest.param(claim, id=claim.label, marks=marks))
    return params


def test_every_chapter_has_claims():
    assert CHAPTERS
    for chapter in CHAPTERS:
        assert claims_file(chapter).claims, f"{chapter.rel} has no claims: is its file empty?"
    names = {p.stem for p in CLAIMS_DIR.glob("*.yml")}
    orphans = names - {c.stem for c in CHAPTERS}
    assert not orphans, f"claims files of no chapter: {sorted(orphans)}: rename or delete them"
    names = {p.stem for p in PAGES_DIR.glob("*.yml")}
    orphans = names - {p.stem for p in PAGES}
    assert not orphans, f"claims files of no page: {sorted(orphans)}: rename or delete them"


@pytest.mark.parametrize("source", CHAPTERS + PAGES, ids=lambda c: c.rel)
def test_claims_file_is_well_formed(source):
    errors = claims_file(source).errors
    assert not errors, "\n".join(errors)


@pytest.mark.parametrize("claim", _claim_params())
def test_claim_agrees_with_the_output(claim):
    check_claim(claim)


@pytest.mark.parametrize("source", CHAPTERS + PAGES, ids=lambda c: c.rel)
def test_every_number_in_the_prose_is_a_claim_or_a_constant(source):
    messages, stale = uncovered(claims_file(source))
    assert not messages and not stale, "\n".join(messages + stale)


SOURCES = [c.rel for c in CHAPTERS + PAGES] + [m.rel for m in prose.masters()]


@pytest.mark.parametrize("source", SOURCES)
def test_no_sentence_states_a_duration_of_one_machine(source):
    unexpected = [
        message for key, message in all_timing_findings().items() if key.startswith(source + " ")
    ]
    assert not unexpected, "\n".join(unexpected)


# The checker itself, on a made-up chapter: it finds what it should, and says where.


def _chapter(markdown: str, output: str, tags: tuple[str, ...] = ()) -> prose.Chapter:
    cells = (
        {"cell_type": "markdown", "id": "md-1", "metadata": {}, "source": markdown},
        {
            "cell_type": "code",
            "id": "code-1",
            "metadata": {"tags": list(tags)},
            "source": "",
            "outputs": [{"output_type": "stream", "name": "stdout", "text": output}],
        },
    )
    return prose.Chapter(99, ROOT / "notebooks" / "99_made_up.ipynb", cells)


def _made_up(chapter: prose.Chapter, sentence: str, number: str, find: str, **more) -> Claim:
    return Claim(chapter, 0, sentence, number, "code-1", find, **more)


ACCURACY = "final test accuracy: 80.2%\n"


def test_a_claim_that_disagrees_fails_naming_its_sentence():
    chapter = _chapter("Intro.\n\nThe network is right **85%** of the time.", ACCURACY)
    claim = _made_up(chapter, "right **85%** of the time", "85%", r"accuracy: ([\d.]+)%")
    with pytest.raises(ClaimFailed) as failed:
        check_claim(claim)
    message = str(failed.value)
    assert "99_made_up.ipynb, cell md-1" in message and "«right **85%** of the time»" in message
    assert "80.2" in message and "code-1" in message


def test_a_claim_is_as_precise_as_its_sentence():
    for printed, agrees in (("84.6", True), ("85.4", True), ("85.6", False), ("84.4", False)):
        chapter = _chapter("It is right 85% of the time.", f"accuracy: {printed}%\n")
        claim = _made_up(chapter, "right 85% of the time", "85%", r"accuracy: ([\d.]+)%")
        if agrees:
            check_claim(claim)
        else:
            with pytest.raises(ClaimFailed):
                check_claim(claim)
    chapter = _chapter("The gap grows from 0.6 points.", "gap 0.58\n")
    check_claim(_made_up(chapter, "from 0.6 points", "0.6", r"gap ([\d.]+)"))
    with pytest.raises(ClaimFailed):
        check_claim(_made_up(chapter, "from 0.6 points", "0.6", r"gap ([\d.]+)", tolerance="exact"))


def test_a_rewritten_sentence_makes_a_claim_stale_not_failed():
    """xfail(raises=ClaimFailed) hides a wrong number, never a claim whose sentence is gone."""
    chapter = _chapter("The network is right most of the time.", ACCURACY)
    claim = _made_up(chapter, "right **85%** of the time", "85%", r"accuracy: ([\d.]+)%")
    with pytest.raises(StaleClaim, match="is not there any more"):
        check_claim(claim)
    assert not issubclass(StaleClaim, ClaimFailed)
    claim = _made_up(chapter, "right most of the time", "85%", r"accuracy: ([\d.]+)%")
    with pytest.raises(StaleClaim, match="does not write '85%'"):
        check_claim(claim)
    chapter = _chapter("The network is right 85% of the time.", ACCURACY)
    claim = _made_up(chapter, "right 85% of the time", "85%", r"precision: ([\d.]+)")
    with pytest.raises(StaleClaim, match="finds nothing"):
        check_claim(claim)


TIMING = "one numerical gradient: 28.2 seconds\none backprop gradient: 0.79 milliseconds\n"
BOTH = r"gradient: ([\d.]+) seconds\n.*gradient: ([\d.]+) milliseconds"


def test_a_timing_is_restated_only_as_a_ratio_or_a_quote():
    tagged = _chapter(
        "Backprop is about 36,000 times faster. On the machine that ran this page, one "
        "numerical gradient took 28.2 seconds. One numerical gradient takes 28.2 seconds.",
        TIMING,
        tags=("nbval-ignore-output",),
    )
    with pytest.raises(ClaimFailed, match="nbval does not compare"):
        check_claim(_made_up(tagged, "takes 28.2 seconds", "28.2", r"gradient: ([\d.]+) s"))
    check_claim(
        _made_up(
            tagged,
            "about 36,000 times",
            "36,000",
            BOTH,
            value="x1 / x2 * 1000",
            tolerance="5%",
            kind="ratio",
        )
    )
    check_claim(
        _made_up(tagged, "took 28.2 seconds", "28.2", r"gradient: ([\d.]+) s", kind="quote")
    )
    with pytest.raises(ClaimFailed, match="measured on the machine that ran this page"):
        check_claim(
            _made_up(tagged, "takes 28.2 seconds", "28.2", r"gradient: ([\d.]+) s", kind="quote")
        )
    # untagged, but nbval's sanitizer hides "28.2 seconds" all the same
    untagged = _chapter("One numerical gradient takes 28.2 seconds.", TIMING)
    with pytest.raises(ClaimFailed, match="sanitizer"):
        check_claim(_made_up(untagged, "takes 28.2 seconds", "28.2", r"gradient: ([\d.]+) s"))


def test_the_completeness_guard_sees_every_new_number():
    chapter = _chapter(
        "It ends at 86.8% after 10,000 steps (section 4.2), with `lr = 0.25`, in 28 × 28.",
        ACCURACY,
    )
    bare = ClaimsFile(chapter, (), {}, ())
    messages, stale = uncovered(bare)
    assert [m.split(" in «")[0] for m in messages] == [
        "notebooks/99_made_up.ipynb, cell md-1: '86.8%'",
        "notebooks/99_made_up.ipynb, cell md-1: '10,000'",
    ]
    assert "number: '86.8%'" in messages[0] and not stale
    claim = _made_up(chapter, "It ends at 86.8%", "86.8%", r"accuracy: ([\d.]+)%")
    listed = ClaimsFile(chapter, (claim,), {"10000": "steps", "42": "gone"}, ())
    messages, stale = uncovered(listed)
    assert messages == [] and stale == [
        f"{listed.rel}: the constant '42' is not in {chapter.rel} any more: delete it"
    ]


def test_the_timing_guard_accepts_only_shared_facts():
    def durations(text: str) -> list[str]:
        return list(timing_findings([prose.Passage("x.ipynb", "c", text)], {}))

    assert durations("At best it takes 28 to 33 hours.") == ["x.ipynb c: 28 to 33 hours"]
    assert durations("It takes about a second; 0.79 ms in all.") == [
        "x.ipynb c: about a second",
        "x.ipynb c: 0.79 ms",
    ]
    assert durations("On the machine that ran this page it took 28.2 seconds.") == []
    assert durations("A second forward pass, the numbers of 6s, 36,000 times faster.") == []
    budget = [prose.Passage("x.ipynb", "c", "Each chapter runs in under a minute.")]
    assert list(timing_findings(budget, {})) == ["x.ipynb c: under a minute"]
    assert timing_findings(budget, {"under a minute": "the chapters' time budget"}) == {}
