"""`make pdf`: the whole built book as one PDF, printed by the system's headless Chromium (no
LaTeX), with its math typeset, its figures, a title page with a table of contents, page
numbers and PDF bookmarks.

    python -m book.tools.pdf [--site _build/html] [--output _build/pdf/book.pdf]

Every page of ``_toc.yml`` is loaded from the built site (``make book``) over HTTP on
127.0.0.1, as a reader's browser would, with every other host unreachable; once MathJax has
typeset it, Chromium prints it (``page.pdf``). pypdf then puts the title page and contents in
front, stamps the page numbers and adds bookmarks and contents links. Links between the
book's pages point to the published book (``html.baseurl`` in ``_config.yml``, read by
:func:`book.tools.config.book_url`). The PDF is written to ``--output`` and copied into the
site as ``book.pdf``, which the introduction links to. Both files are replaced whole, never
left half-written.
"""

from __future__ import annotations

import argparse
import html
import io
import sys
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import Link

from book.tools import ROOT, browser, config
from book.tools.config import Entry, book_entries
from scratchlib.files import atomic_write

OUTPUT = ROOT / "_build" / "pdf" / "book.pdf"
SITE_COPY = "book.pdf"  # where the site serves it, relative to _build/html

# A4 in PDF points and in CSS pixels (96 per inch, 72 points per inch).
PAGE_WIDTH_PT, PAGE_HEIGHT_PT = 595.28, 841.89
PX_PER_PT = 96 / 72
MARGINS = {"top": "16mm", "bottom": "18mm", "left": "14mm", "right": "14mm"}

#: Print adjustments, added to each page before it is printed: no "on this page" box (the PDF
#: has its own contents), no heading anchors, and code wrapped rather than cut at the margin.
PRINT_CSS = """
@media print {
  .bd-sidebar-secondary, #pst-secondary-sidebar, .headerlink, .copybtn,
  .bd-header-article, .prev-next-footer, .bd-footer-article, .bd-footer {
    display: none !important;
  }
  pre, .highlight pre { white-space: pre-wrap !important; overflow-wrap: anywhere; }
  .cell_output img, figure img { max-width: 100% !important; height: auto !important; }
  h1, h2, h3 { break-after: avoid; }
  img, mjx-container[display="true"], .cell_input, .cell_output { break-inside: avoid; }
}
"""


class PdfBuildError(RuntimeError):
    """The PDF cannot be built; the message says why and what to do."""


#: Points links to the local server at the published site instead.
_REWRITE_LINKS = """([local, published]) => {
  for (const a of document.querySelectorAll("a[href]")) {
    if (a.href.startsWith(local)) a.href = published + a.href.slice(local.length);
  }
}"""


def print_page(page: Page, base: str, entry: Entry, published: str) -> tuple[str, bytes]:
    """Load one page of the book, typeset, and print it; returns its title and the PDF."""
    browser.open_page(page, f"{base}/{entry.docname}.html")
    title = page.evaluate(
        """() => {
          const h = document.querySelector("main h1, article h1");
          if (!h) return null;
          const copy = h.cloneNode(true);
          copy.querySelectorAll(".headerlink").forEach((a) => a.remove());
          return copy.textContent.trim();
        }"""
    )
    if not title:
        raise PdfBuildError(f"{entry.docname}.html has no <h1> title: is the site built?")
    page.add_style_tag(content=PRINT_CSS)
    page.evaluate(_REWRITE_LINKS, [f"{base}/", published])
    pdf = page.pdf(format="A4", margin=MARGINS, print_background=True)
    return title, pdf


def _front_html(settings: dict, sections: list[tuple[Entry, str, int]], published: str) -> str:
    """The title page with the table of contents: (entry, title, first page number) rows."""
    rows, part = [], object()
    for entry, title, number in sections:
        if entry.part != part and entry.part is not None:
            rows.append(f'<li class="part">{html.escape(entry.part)}</li>')
        part = entry.part
        rows.append(
            f'<li class="entry depth{entry.depth}" data-doc="{html.escape(entry.docname)}">'
            f'<span class="title">{html.escape(title)}</span><span class="dots"></span>'
            f'<span class="number">{number}</span></li>'
        )
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(settings["title"])}</title>
<style>
  @page {{ size: A4; margin: 0; }}
  body {{ margin: 0; padding: 30mm 22mm 20mm; font-family: sans-serif; color: #222; }}
  h1 {{ font-size: 26pt; margin: 0 0 6mm; line-height: 1.2; }}
  .author {{ font-size: 13pt; margin: 0 0 4mm; }}
  .online {{ font-size: 10pt; color: #444; margin: 0 0 16mm; }}
  h2 {{ font-size: 16pt; margin: 0 0 5mm; }}
  ol {{ list-style: none; padding: 0; margin: 0; font-size: 11.5pt; }}
  li.part {{ font-weight: bold; margin: 5mm 0 2mm; }}
  li.entry {{ display: flex; align-items: baseline; margin: 1.5mm 0; }}
  li.depth1 {{ padding-left: 8mm; }} li.depth2 {{ padding-left: 16mm; }}
  .dots {{ flex: 1; border-bottom: 1px dotted #888; margin: 0 2mm; }}
</style></head>
<body>
  <h1>{html.escape(settings["title"])}</h1>
  <p class="author">{html.escape(str(settings.get("author", "")))}</p>
  <p class="online">Read online: {html.escape(published)}</p>
  <h2>Contents</h2>
  <ol>{"".join(rows)}</ol>
</body></html>"""


def _render_front(page: Page, content: str) -> tuple[bytes, dict[str, tuple[int, list[float]]]]:
    """Print the title page; returns the PDF and, per docname, the page index (in the front
    matter) and rectangle (PDF points) of its contents line, for the links."""
    page.set_content(content, wait_until="load")
    boxes = page.evaluate(
        """() => Object.fromEntries([...document.querySelectorAll("li.entry")].map((li) => {
          const r = li.getBoundingClientRect(), y = window.scrollY;
          return [li.dataset.doc, [r.left, r.top + y, r.right, r.bottom + y]];
        }))"""
    )
    pdf = page.pdf(format="A4", margin={"top": "0", "bottom": "0", "left": "0", "right": "0"})
    page_height_px = PAGE_HEIGHT_PT * PX_PER_PT
    rects = {}
    for doc, (left, top, right, bottom) in boxes.items():
        index = int(top // page_height_px)
        top, bottom = top - index * page_height_px, bottom - index * page_height_px
        rects[doc] = (
            index,
            [
                left / PX_PER_PT,
                PAGE_HEIGHT_PT - bottom / PX_PER_PT,
                right / PX_PER_PT,
                PAGE_HEIGHT_PT - top / PX_PER_PT,
            ],
        )
    return pdf, rects


def _page_numbers(page: Page, total: int) -> PdfReader:
    """A PDF of ``total`` blank A4 pages, each with its number at the foot (none on the first,
    the title page), to stamp onto the book's pages."""
    pages = "".join(
        f'<div class="p"><span>{n if n > 1 else ""}</span></div>' for n in range(1, total + 1)
    )
    page.set_content(
        "<!DOCTYPE html><html><head><style>"
        "@page { size: A4; margin: 0; } body { margin: 0; }"
        ".p { height: 296mm; position: relative; break-after: page; overflow: hidden; }"
        ".p span { position: absolute; bottom: 8mm; width: 100%; text-align: center;"
        " font: 9pt sans-serif; color: #555; }"
        f"</style></head><body>{pages}</body></html>"
    )
    reader = PdfReader(io.BytesIO(page.pdf(format="A4", margin={"top": "0", "bottom": "0"})))
    if len(reader.pages) != total:
        raise PdfBuildError(f"page-number overlay has {len(reader.pages)} pages, not {total}")
    return reader


def build(site: Path = browser.SITE, output: Path = OUTPUT, root: Path = ROOT) -> Path:
    """Print the built book at ``site`` into ``output`` (and ``site/book.pdf``).

    Returns
    -------
    Path
        ``output``.

    Raises
    ------
    PdfBuildError
        When the site is not built, a page is missing or tries to load anything from another
        host.
    book.tools.config.ConfigError
        When ``html.baseurl`` in ``_config.yml`` is not the book's https:// address.
    browser.BrowserNotFound
        When there is no Chromium.
    """
    if not (site / "index.html").is_file():
        raise PdfBuildError(f"{site}/index.html is missing: build the book first (`make book`)")
    settings = config.load(root)
    entries = book_entries(root)
    missing = [e.docname for e in entries if not (site / f"{e.docname}.html").is_file()]
    if missing:
        raise PdfBuildError(f"pages of _toc.yml missing from {site}: {missing}; run `make book`")
    published = config.book_url(settings)

    blocked: list[str] = []
    with sync_playwright() as playwright, browser.serve(site) as base:
        chromium = browser.launch(playwright)
        try:
            context = browser.offline_context(
                chromium, blocked, color_scheme="light", viewport={"width": 1000, "height": 1400}
            )
            page = context.new_page()
            printed = []
            for entry in entries:
                title, pdf = print_page(page, base, entry, published)
                printed.append((entry, title, PdfReader(io.BytesIO(pdf))))
                print(f"  {entry.docname}: {len(printed[-1][2].pages)} pages", file=sys.stderr)
            if blocked:
                raise PdfBuildError(f"the book's pages tried to load from other hosts: {blocked}")

            # The front matter's length shifts every page number: render until it is stable.
            front_pages = 1
            for _ in range(3):
                number, sections = front_pages + 1, []
                for entry, title, reader in printed:
                    sections.append((entry, title, number))
                    number += len(reader.pages)
                front_pdf, rects = _render_front(page, _front_html(settings, sections, published))
                front = PdfReader(io.BytesIO(front_pdf))
                if len(front.pages) == front_pages:
                    break
                front_pages = len(front.pages)
            else:
                raise PdfBuildError("the table of contents does not settle on a page count")
            total = number - 1
            numbers = _page_numbers(page, total)
        finally:
            chromium.close()

    writer = PdfWriter()
    for source in [front] + [reader for _, _, reader in printed]:
        for source_page in source.pages:
            writer.add_page(source_page)
    for index, stamp in enumerate(numbers.pages):
        writer.pages[index].merge_page(stamp)
    parts: dict[str, object] = {}
    for entry, title, first in sections:
        parent = None
        if entry.part is not None:
            if entry.part not in parts:
                parts[entry.part] = writer.add_outline_item(title=entry.part, page_number=first - 1)
            parent = parts[entry.part]
        writer.add_outline_item(title=title, page_number=first - 1, parent=parent)
        index, rect = rects[entry.docname]
        writer.add_annotation(index, Link(rect=rect, target_page_index=first - 1))
    writer.add_metadata({"/Title": settings["title"], "/Author": str(settings.get("author", ""))})
    writer.page_mode = "/UseOutlines"

    output.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(output, writer.write)
    copy = site / SITE_COPY
    atomic_write(copy, lambda f: f.write(output.read_bytes()))
    print(f"{output.relative_to(root) if output.is_relative_to(root) else output}: {total} pages")
    return output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--site", type=Path, default=browser.SITE, help="the built site")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="the PDF to write")
    args = parser.parse_args(argv)
    try:
        build(args.site.resolve(), args.output.resolve())
    except (PdfBuildError, config.ConfigError, browser.BrowserNotFound) as error:
        print(f"make pdf: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
