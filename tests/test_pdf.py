"""The book as a PDF (`make pdf` -> _build/pdf/book.pdf, also served as _build/html/book.pdf):
read back with poppler's pdftotext/pdfimages/pdffonts and pypdf, it has a contents page whose
page numbers point at the chapters, every chapter, typeset math (no raw TeX), the figures, and
bookmarks; the introduction links to it. It prints every character (issue 17, point 18):
every font is embedded, and no text is drawn with a font's .notdef glyph, the empty box a
font shows for a character it lacks (how Chromium writes that is described at
``missing_glyphs``)."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import _site_helpers as site
import pytest
from playwright.sync_api import sync_playwright
from pypdf import PdfReader
from pypdf.generic import (
    ContentStream,
    DictionaryObject,
    IndirectObject,
    StreamObject,
    TextStringObject,
)

from book.tools import browser

PDF = site.ROOT / "_build" / "pdf" / "book.pdf"
CHAPTERS = site.chapters()


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"{name} is missing: `make setup` installs the Debian package poppler-utils (as "
            "root); elsewhere install poppler-utils."
        )
    return path


def _require_pdf() -> Path:
    if not PDF.is_file():
        pytest.fail(f"{PDF.relative_to(site.ROOT)} is missing: run `make pdf` (`make test` does)")
    return PDF


@cache
def _text(first: int | None = None, last: int | None = None) -> str:
    """pdftotext of the PDF (or of pages first..last, 1-based), whitespace collapsed."""
    pages = [*(["-f", str(first)] if first else []), *(["-l", str(last)] if last else [])]
    result = subprocess.run(
        [_tool("pdftotext"), "-enc", "UTF-8", *pages, str(_require_pdf()), "-"],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return " ".join(result.stdout.split())


def _title(chapter: str) -> str:
    for cell in site.notebook(chapter)["cells"]:
        if cell["cell_type"] == "markdown":
            heading = re.search(r"^#\s+(.+?)\s*$", "".join(cell["source"]), re.M)
            if heading:
                return " ".join(re.sub(r"[*_`]", "", heading.group(1)).split())
    pytest.fail(f"{chapter} has no '# title' heading")


@pytest.fixture(scope="module")
def reader() -> PdfReader:
    return PdfReader(_require_pdf())


def test_pdf_is_the_whole_book_with_a_contents_page(reader):
    assert len(reader.pages) > 10 * len(CHAPTERS), f"only {len(reader.pages)} pages"
    contents = _text(1, 2)
    assert "Contents" in contents
    for chapter in CHAPTERS:
        title = _title(chapter)
        match = re.search(re.escape(title) + r"\s*(\d+)", contents)
        assert match, f"the contents page does not list {title!r}: {contents[:1500]}"
        first = int(match.group(1))
        assert 1 < first <= len(reader.pages)
        # the listed page is where the chapter starts
        assert title in _text(first, first), f"{title!r} is not on page {first}"


def test_pdf_has_every_chapter_and_its_figures():
    text = _text()
    for chapter in CHAPTERS:
        assert text.count(_title(chapter)) >= 2, f"{_title(chapter)!r}: not in the PDF"
    result = subprocess.run(
        [_tool("pdfimages"), "-list", str(_require_pdf())],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    images = [line for line in result.stdout.splitlines()[2:] if line.split()[2] == "image"]
    figures = 0
    for chapter in CHAPTERS:
        page = site.parse_html(site.page_path(chapter).read_text(encoding="utf-8"))
        figures += sum(
            1 for o in page.find_all("div", cls="cell_output") for _ in o.find_all("img")
        )
    assert figures > 0
    assert len(images) >= figures, f"{len(images)} images in the PDF, {figures} chapter figures"


MATH = re.compile(r"\$\$(.+?)\$\$|\$(.+?)\$", re.S)


def _tex_fragments() -> set[str]:
    """The TeX of the chapters' prose math that uses a command (\\frac, \\log, ...): what
    a reader would see instead of a formula if MathJax had not typeset it."""
    fragments = set()
    for chapter in CHAPTERS:
        for cell in site.notebook(chapter)["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            for match in MATH.finditer("".join(cell["source"])):
                tex = " ".join((match.group(1) or match.group(2)).split())
                if re.search(r"\\[A-Za-z]+", tex) and len(tex) >= 6:
                    fragments.add(tex)
    return fragments


def test_pdf_math_is_typeset_not_raw_tex():
    text = _text()
    # the update rule of gradient descent, as MathJax sets it: x ← x − η ∇f(x), W ← W − η ∂L/∂W
    assert re.search(r"(\w)\s*←\s*\1\s*−\s*η", text), "no typeset update rule (… ← … − η …)"
    assert "∑" in text and "∂" in text, "no typeset sum or partial derivative"
    assert not re.search(r"\\\[|\\\]|\$\$", text), "raw TeX display delimiters in the PDF"
    fragments = _tex_fragments()
    assert len(fragments) > 10, "the chapters have (almost) no math: this test tests nothing"
    raw = [f for f in fragments if re.search(r"(?<!\\)" + re.escape(f), text)]
    assert not raw, f"formulas left as raw TeX in the PDF: {raw[:10]}"


def test_pdf_has_bookmarks_for_the_chapters(reader):
    titles = []

    def walk(items):
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                titles.append(" ".join(item.title.split()))

    walk(reader.outline)
    for chapter in CHAPTERS:
        assert _title(chapter) in titles, f"no bookmark for {_title(chapter)!r}: {titles}"


def test_introduction_links_to_the_pdf_and_the_site_serves_it():
    intro = site.require_site() / "book" / "intro.html"
    links = [a.attrs.get("href", "") for a in site.parse_html(intro.read_text()).find_all("a")]
    pdf_links = [h for h in links if h.split("#")[0].endswith(".pdf")]
    assert pdf_links, "the introduction does not link to the PDF"
    for href in pdf_links:
        target = (intro.parent / href).resolve()
        assert target.is_file(), f"{href}: {target} is missing: run `make pdf`"
        assert target.read_bytes() == _require_pdf().read_bytes(), f"{target} is out of date"


# Every character printed: fonts embedded, no glyph missing.

#: How to get a font for the characters the system's fonts lack (CJK: the Japanese title).
FONT_HINT = (
    "Install a font that covers them and run `make pdf` again: `make setup` as root installs "
    "Debian's fonts-noto-cjk; otherwise `sudo apt-get install fonts-noto-cjk` "
    "(Debian/Ubuntu) or `sudo dnf install google-noto-sans-cjk-fonts` (Fedora), or, without "
    "administrator rights, put a font file such as NotoSansCJK-Regular.ttc in "
    "~/.local/share/fonts and run `fc-cache -f`."
)
#: CJK characters: the ones the book's Japanese title needs a font for.
CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]+")


def _raw(string) -> bytes:
    return string.original_bytes if isinstance(string, TextStringObject) else bytes(string)


class _Font:
    """Which codes of a PDF font draw glyph 0 (.notdef). Chromium writes TrueType/OpenType
    fonts as Type0 fonts (Identity-H: two-byte codes that are glyph ids, or mapped to them by
    CIDToGIDMap) and other fonts as Type 3 fonts (one-byte codes, glyphs named g<hex id>)."""

    def __init__(self, font: DictionaryObject):
        self.name = str(font.get("/BaseFont", "[no name]")).lstrip("/")
        self.subtype = font["/Subtype"]
        if self.subtype == "/Type0":
            encoding = font["/Encoding"]
            if encoding not in ("/Identity-H", "/Identity-V"):
                pytest.fail(f"font {self.name}: encoding {encoding} is not read by this test")
            descendant = font["/DescendantFonts"][0].get_object()
            to_gid = descendant.get("/CIDToGIDMap", "/Identity")
            self.gids = (
                to_gid.get_object().get_data()
                if isinstance(to_gid.get_object(), StreamObject)
                else None
            )
        elif self.subtype == "/Type3":
            names, code = {}, 0
            for item in font.get("/Encoding", {}).get_object().get("/Differences", []):
                if isinstance(item, int):
                    code = item
                else:
                    names[code], code = str(item), code + 1
            procs = set(font["/CharProcs"].keys())
            self.notdef = {
                c
                for c in range(256)
                if names.get(c) in (None, "/.notdef", "/g0") or names[c] not in procs
            }
        else:
            pytest.fail(
                f"font {self.name} ({self.subtype}): this test reads Chromium's Type0 and Type 3 "
                "fonts; extend it for this kind"
            )

    def missing(self, string: bytes) -> int:
        """How many codes of ``string`` this font draws as .notdef."""
        if self.subtype == "/Type3":
            return sum(1 for code in string if code in self.notdef)
        count = 0
        for i in range(0, len(string) - 1, 2):
            cid = string[i] << 8 | string[i + 1]
            if self.gids is None:
                gid = cid
            else:
                gid = int.from_bytes(self.gids[2 * cid : 2 * cid + 2] or b"\0\0", "big")
            count += gid == 0
        return count


def missing_glyphs(reader: PdfReader) -> list[tuple[int, str, str]]:
    """Every character the PDF draws with its font's .notdef glyph: (page, font, character).

    That is how a Chromium PDF shows a character no installed font has (found by printing
    the book's Japanese title with and without a CJK font, and with the font hidden by a
    fontconfig rule): the text run stays in the page's font (DejaVu Sans here) and the
    character is drawn as glyph 0, .notdef, an empty box; the intended character is kept
    only as ``/Span <</ActualText ...>> BDC ... EMC`` around it (not for the first one of a
    run: that one is reported as "?"). pdftotext shows most such characters, so reading the
    text back cannot tell; the glyph ids can."""
    found = []
    fonts: dict[int, _Font] = {}

    def scan(content, resources, page: int) -> None:
        font_dict = resources.get("/Font")
        font_dict = font_dict.get_object() if font_dict is not None else {}
        font, actual, saved = None, [], []
        for operands, operator in ContentStream(content, reader).operations:
            if operator == b"q":  # the font is part of the graphics state
                saved.append(font)
            elif operator == b"Q" and saved:
                font = saved.pop()
            elif operator == b"Tf":
                ref = font_dict[operands[0]]
                key = (ref.idnum, ref.generation) if isinstance(ref, IndirectObject) else id(ref)
                if key not in fonts:
                    fonts[key] = _Font(ref.get_object())
                font = fonts[key]
            elif operator == b"BMC":
                actual.append(None)
            elif operator == b"BDC":
                properties = operands[1] if len(operands) > 1 else {}
                text = properties.get("/ActualText") if isinstance(properties, dict) else None
                actual.append(str(text) if text is not None else None)
            elif operator == b"EMC":
                if actual:
                    actual.pop()
            elif operator in (b"Tj", b"'", b'"', b"TJ"):
                if font is None:
                    pytest.fail(f"page {page}: text drawn before a font is chosen (Tf)")
                items = operands[0] if operator == b"TJ" else [operands[-1]]
                for item in items:
                    if isinstance(item, int | float):
                        continue
                    for _ in range(font.missing(_raw(item))):
                        character = actual[-1] if actual and actual[-1] else "?"
                        found.append((page, font.name, character))
            elif operator == b"Do":
                xobject = resources["/XObject"][operands[0]].get_object()
                if xobject.get("/Subtype") == "/Form":
                    scan(xobject, xobject.get("/Resources", resources), page)

    for number, page in enumerate(reader.pages, start=1):
        scan(page.get_contents(), page["/Resources"], number)
    return found


def _describe(missing: list[tuple[int, str, str]]) -> str:
    by_page: dict[tuple[int, str], list[str]] = {}
    for page, font, character in missing:
        by_page.setdefault((page, font), []).append(character)
    return "; ".join(
        f"page {page}, font {font}: {len(chars)} as empty boxes ({''.join(chars)})"
        for (page, font), chars in sorted(by_page.items())
    )


def test_pdf_embeds_every_font():
    result = subprocess.run(
        [_tool("pdffonts"), str(_require_pdf())],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    rows = [line.split() for line in result.stdout.splitlines()[2:] if line.strip()]
    assert rows, "pdffonts lists no font: the PDF has no text?"
    # columns from the right: ... emb sub uni object-number generation
    not_embedded = [" ".join(row[:-5]) for row in rows if row[-5] != "yes"]
    assert not not_embedded, f"fonts not embedded in the PDF (pdffonts): {not_embedded}"


def test_pdf_draws_no_character_as_a_missing_glyph(reader):
    missing = missing_glyphs(reader)
    assert not missing, (
        f"{len(missing)} characters of the PDF have no glyph in their font and print as empty "
        f"boxes: {_describe(missing)}. {FONT_HINT}"
    )


def test_pdf_has_the_books_japanese_title_as_text():
    sources = [site.ROOT / "book" / "intro.md", site.ROOT / "book" / "references.bib"]
    runs = {run for path in sources for run in CJK.findall(path.read_text(encoding="utf-8"))}
    assert runs, "the credits and references have no Japanese title any more: update this test"
    text = "".join(_text().split())
    absent = sorted(run for run in runs if run not in text)
    assert not absent, f"not in the PDF's text: {absent}. {FONT_HINT}"


HIDE_CJK_FONTS = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>
  <selectfont><rejectfont>
    <pattern><patelt name="lang"><string>ja</string></patelt></pattern>
  </rejectfont></selectfont>
</fontconfig>
"""


def test_missing_glyphs_are_found_where_chromium_prints_them(tmp_path, monkeypatch):
    """The check above is no formality: print the book's Japanese title as `make pdf` does,
    with every font that covers Japanese hidden from Chromium, and it finds each character."""
    title = " ".join(CJK.findall((site.ROOT / "book" / "intro.md").read_text(encoding="utf-8")))
    assert title, "book/intro.md has no Japanese title any more: update this test"
    config = tmp_path / "fonts.conf"
    config.write_text(HIDE_CJK_FONTS, encoding="utf-8")
    monkeypatch.setenv("FONTCONFIG_FILE", str(config))
    html = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"></head><body>'
        f"<p>Koki Saito</p><p><em>{title}</em> Deep Learning</p></body></html>"
    )
    with sync_playwright() as playwright:
        chromium = browser.launch(playwright)
        try:
            page = chromium.new_page()
            page.set_content(html)
            pdf = tmp_path / "probe.pdf"
            pdf.write_bytes(page.pdf(format="A4"))
        finally:
            chromium.close()
    missing = missing_glyphs(PdfReader(pdf))
    wanted = [c for c in title if not c.isspace()]
    assert len(missing) == len(wanted), (len(missing), wanted, missing)
    named = {character for _, _, character in missing} - {"?"}
    assert named and named <= set(wanted), missing
