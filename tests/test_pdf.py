"""The book as a PDF (`make pdf` -> _build/pdf/book.pdf, also served as _build/html/book.pdf):
read back with poppler's pdftotext/pdfimages and pypdf, it has a contents page whose page
numbers point at the chapters, every chapter, typeset math (no raw TeX), the figures, and
bookmarks; the introduction links to it."""

from __future__ import annotations

import re
import shutil
import subprocess
from functools import cache
from pathlib import Path

import _site_helpers as site
import pytest
from pypdf import PdfReader

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
