"""The built site in a real browser, as a reader uses it: the system's headless Chromium driven
by Playwright (book/tools/browser.py), the site served on 127.0.0.1, and every other host
unreachable, as on an offline laptop.

- each chapter page: its title, its math typeset by MathJax (no raw TeX left in what the reader
  sees), its figures loaded, nothing requested from another host, no empty widget boxes, and
  its launch menu opened to show the Colab and Binder targets;
- the reader's journeys: the search box landing on a chapter, the theme switched to dark and
  back, "next" followed from the first page to the last with no broken link, every page at a
  phone's width without horizontal scrolling;
- accessibility: axe-core (axe-playwright-python) on every page, no "serious" or "critical"
  violation, and code cells with enough colour contrast in the dark theme too.

Screenshots go to _build/screenshots/ (<chapter>.png, <chapter>-phone.png, <chapter>-dark.png);
the axe results to _build/screenshots/axe.json. One browser and one server serve all tests.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from urllib.parse import unquote, urlsplit

import _site_helpers as site
import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright

from book.tools import browser
from book.tools.pdf import book_entries

pytestmark = pytest.mark.timeout(300)

CHAPTERS = site.chapters()
PAGES = tuple(entry.docname for entry in book_entries(site.ROOT))  # reading order
# chapters whose committed outputs hold a widget or progress bar (inert without a kernel)
WIDGET_CHAPTERS = tuple(
    chapter
    for chapter in CHAPTERS
    if any(
        site.WIDGET_VIEW_MIME in output.get("data", {})
        for cell in site.notebook(chapter)["cells"]
        for output in cell.get("outputs", [])
    )
)
SHOTS = site.ROOT / "_build" / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}
BLOCKING_IMPACTS = ("serious", "critical")


# ---- one server, one browser ----------------------------------------------------------------


@pytest.fixture(scope="module")
def base_url() -> str:
    with browser.serve(site.require_site()) as url:
        yield url


@pytest.fixture(scope="module")
def chromium() -> Browser:
    with sync_playwright() as playwright:
        try:
            instance = browser.launch(playwright)
        except browser.BrowserNotFound as error:
            pytest.fail(str(error))
        yield instance
        instance.close()


@pytest.fixture(scope="module")
def desktop(chromium) -> BrowserContext:
    context = browser.offline_context(chromium, [], viewport=DESKTOP, color_scheme="light")
    yield context
    context.close()


@pytest.fixture(scope="module")
def phone(chromium) -> BrowserContext:
    context = browser.offline_context(
        chromium, [], viewport=PHONE, is_mobile=True, has_touch=True, color_scheme="light"
    )
    yield context
    context.close()


class Reader:
    """A tab with what it requested from other hosts and the script errors it saw."""

    def __init__(self, context: BrowserContext, base_url: str):
        self.page: Page = context.new_page()
        self.base_url = base_url
        self.remote: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", self._request)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _request(self, request) -> None:
        if not browser.is_local(request.url):
            self.remote.append(request.url)

    def open(self, docname: str) -> Page:
        browser.open_page(self.page, f"{self.base_url}/{docname}.html")
        return self.page

    def docname(self) -> str:
        """The page shown, as a docname ("notebooks/01_minibatch")."""
        path = unquote(urlsplit(self.page.url).path).lstrip("/")
        return path.removesuffix(".html")


@pytest.fixture(scope="module")
def reader(desktop, base_url) -> Reader:
    tab = Reader(desktop, base_url)
    yield tab
    tab.page.close()


@pytest.fixture(scope="module", params=CHAPTERS)
def chapter(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def chapter_page(desktop, base_url, chapter) -> Reader:
    """The chapter, loaded once in its own tab (math typeset), for the tests below."""
    tab = Reader(desktop, base_url)
    tab.open(chapter)
    yield tab
    tab.page.close()


# ---- each chapter page -----------------------------------------------------------------------


def _notebook_title(chapter: str) -> str:
    for cell in site.notebook(chapter)["cells"]:
        if cell["cell_type"] == "markdown":
            heading = re.search(r"^#\s+(.+?)\s*$", "".join(cell["source"]), re.M)
            if heading:
                return re.sub(r"[*_`]", "", heading.group(1)).strip()
    pytest.fail(f"{chapter} has no '# title' heading")


def _h1(page: Page) -> str:
    return re.sub(r"[¶#\s]+$", "", page.locator("article h1").first.inner_text()).strip()


def test_chapter_title(chapter, chapter_page):
    page = chapter_page.page
    title = _notebook_title(chapter)
    assert _h1(page) == title
    assert page.title().startswith(title) and site.book_config()["title"] in page.title()


def test_screenshot(chapter, chapter_page):
    SHOTS.mkdir(parents=True, exist_ok=True)
    png = SHOTS / f"{Path(chapter).name}.png"
    png.unlink(missing_ok=True)
    chapter_page.page.screenshot(
        path=png, full_page=True, clip={"x": 0, "y": 0, "width": 1280, "height": 2000}
    )
    assert site.png_size(png) == (1280, 2000)
    assert png.stat().st_size > 20_000, "the screenshot is (almost) blank"


def test_chapter_loads_nothing_from_other_hosts(chapter, chapter_page):
    assert not chapter_page.remote, f"{chapter} requested from other hosts: {chapter_page.remote}"
    assert not chapter_page.errors, f"{chapter}: script errors {chapter_page.errors}"


#: What the reader sees of the prose (not code, not typeset math): visible text nodes.
VISIBLE_PROSE = """() => {
  const skip = "pre, code, script, style, mjx-container, .highlight, .cell_input";
  const walker = document.createTreeWalker(document.querySelector("article"),
                                           NodeFilter.SHOW_TEXT);
  const parts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (!parent || parent.closest(skip)) continue;
    if (!parent.getClientRects().length) continue;  // not displayed
    parts.push(node.textContent);
  }
  return parts.join(" ");
}"""
RAW_TEX = re.compile(
    r"\\\[|\\\]|\\\(|\\\)|\$\$|\\(?:frac|partial|sum|log|leftarrow|eta|nabla|mathbf|cdot)\b"
)

MATH_STATE = """() => ({
  math: document.querySelectorAll("article .math").length,
  typeset: [...document.querySelectorAll("article .math")]
    .filter((m) => m.querySelector("mjx-container")).length,
  shown: [...document.querySelectorAll("article mjx-container")]
    .filter((c) => c.getBoundingClientRect().width > 0).length,
  fonts: [...document.fonts].filter((f) => f.family.startsWith("MJX") && f.status === "loaded")
    .map((f) => f.family),
})"""


def test_chapter_math_is_typeset(chapter, chapter_page):
    page = chapter_page.page
    state = page.evaluate(MATH_STATE)
    assert state["math"] > 0, f"{chapter} has no math: the chapter pages all should"
    assert state["typeset"] == state["math"], f"{chapter}: not all formulas typeset: {state}"
    assert state["shown"] >= state["math"], f"{chapter}: typeset math not displayed: {state}"
    assert state["fonts"], f"{chapter}: MathJax's web fonts did not load: {state}"
    raw = sorted(set(RAW_TEX.findall(page.evaluate(VISIBLE_PROSE))))
    assert not raw, f"{chapter}: raw TeX visible to the reader: {raw}"


def test_chapter_figures_load(chapter, chapter_page):
    images = chapter_page.page.evaluate(
        """() => [...document.querySelectorAll(".cell_output img")].map((i) => ({
          src: i.getAttribute("src"), complete: i.complete, width: i.naturalWidth,
          height: i.naturalHeight, alt: i.alt,
          shown: i.getBoundingClientRect().width > 0 && getComputedStyle(i).visibility !== "hidden",
        }))"""
    )
    pngs = [i for i in images if i["src"].endswith(".png")]
    assert pngs, f"no PNG figure in {chapter}'s outputs: {images}"
    for image in pngs:
        assert image["complete"] and image["width"] > 0, f"the browser failed to load {image}"
        assert image["shown"], f"figure not displayed: {image}"
        assert image["alt"].strip(), f"figure without alt text: {image}"
        file = (site.page_path(chapter).parent / image["src"]).resolve()
        assert file.is_relative_to(site.SITE.resolve()) and file.is_file(), file
        assert site.png_size(file) == (image["width"], image["height"])


def test_launch_menu_opens_on_colab_and_binder(chapter, chapter_page):
    page = chapter_page.page
    expected = site.expected_launch_urls(chapter)
    button = page.locator(".bd-header-article button[aria-label*='Launch' i]")
    assert button.count() == 1 and button.is_visible(), "no launch (rocket) button"
    menu = page.locator(".dropdown-launch-buttons .dropdown-menu")
    assert not menu.is_visible(), "the launch menu is open before it is clicked"
    button.click()
    menu.wait_for(state="visible")
    entries = {}
    for link in menu.locator("a").all():
        assert link.is_visible()
        entries[link.inner_text().strip()] = link.get_attribute("href")
    assert entries == expected
    # and closed again (the theme also opens it while the pointer hovers the button)
    page.keyboard.press("Escape")
    page.mouse.move(DESKTOP["width"] // 2, DESKTOP["height"] - 10)
    menu.wait_for(state="hidden")


WIDGET_STATE = """() => {
  const shown = (e) => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.display !== "none" && s.visibility !== "hidden";
  };
  const media = "img, svg, canvas, video, iframe, table, input, button, select";
  const hasContent = (e) => e.innerText.trim().length > 0
    || [...e.querySelectorAll(media)].some(shown) || (e.matches(media) && shown(e));
  const view = 'script[type="application/vnd.jupyter.widget-view+json"]';
  const box = (e) => e.outerHTML.slice(0, 200);
  return {
    views: document.querySelectorAll(view).length,
    widgetOnlyShown: [...document.querySelectorAll(".cell_output")]
      .filter((o) => o.children.length && [...o.children].every((c) => c.matches(view)))
      .filter((o) => getComputedStyle(o).display !== "none").map(box),
    widgetElements: [...document.querySelectorAll(
      ".jupyter-widgets, .jupyter-widget, .widget-area, .widget-subarea, .jp-OutputArea")]
      .map(box),
    emptyBoxes: [...document.querySelectorAll(".cell, .cell_output, .cell_output > *")]
      .filter((e) => shown(e) && !hasContent(e)).map(box),
  };
}"""


def test_no_empty_widget_or_output_box(chapter, chapter_page):
    state = chapter_page.page.evaluate(WIDGET_STATE)
    if chapter in WIDGET_CHAPTERS:
        assert state["views"] > 0, (
            f"{chapter}: the notebook has widget outputs, the page shows no widget view"
        )
    # an output area holding nothing but widget views takes no space (book/_static/course.css)
    assert not state["widgetOnlyShown"], f"widget-only output areas shown: {state}"
    assert not state["widgetElements"], f"widget boxes rendered: {state['widgetElements']}"
    assert not state["emptyBoxes"], f"empty boxes on the page: {state['emptyBoxes']}"


# ---- the reader's journeys -------------------------------------------------------------------


def test_search_box_lands_on_a_chapter(reader):
    page = reader.open(PAGES[0])
    page.locator("button.search-button-field:visible, button.search-button:visible").first.click()
    field = page.locator("#pst-search-dialog input[type=search]")
    field.wait_for(state="visible")
    field.fill("backpropagation")
    field.press("Enter")
    page.wait_for_url(re.compile(r"/search\.html\?q=backpropagation"))
    results = page.locator("#search-results ul.search li a")
    results.first.wait_for(state="visible")
    hrefs = [unquote(urlsplit(a.get_attribute("href")).path) for a in results.all()]
    chapters = [i for i, h in enumerate(hrefs) if h.removesuffix(".html") in CHAPTERS]
    assert chapters, f"searching 'backpropagation' finds no chapter: {hrefs}"
    results.nth(chapters[0]).click()
    page.wait_for_load_state("load")
    landed = reader.docname()
    assert landed in CHAPTERS, page.url
    assert _h1(page) == _notebook_title(landed)
    assert "backpropagation" in page.locator("article").inner_text().lower()
    assert not reader.remote, f"requests to other hosts: {reader.remote}"


def _background_luminance(page: Page) -> float:
    """Relative luminance (0 black .. 1 white) of the page background."""
    rgb = page.evaluate(
        """() => getComputedStyle(document.body).backgroundColor.match(/\\d+(\\.\\d+)?/g)
             .slice(0, 3).map(Number)"""
    )
    channel = [c / 255 for c in rgb]
    channel = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channel]
    return 0.2126 * channel[0] + 0.7152 * channel[1] + 0.0722 * channel[2]


def _switch_theme_to(page: Page, mode: str) -> None:
    button = page.locator(".theme-switch-button:visible").first
    for _ in range(3):  # the button cycles light -> dark -> auto
        if page.evaluate("document.documentElement.dataset.mode") == mode:
            return
        button.click()
    assert page.evaluate("document.documentElement.dataset.mode") == mode


def test_dark_theme_and_back(reader):
    page = reader.open(CHAPTERS[0])
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    light = _background_luminance(page)
    assert light > 0.8
    _switch_theme_to(page, "dark")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert _background_luminance(page) < 0.05, "the dark theme did not darken the page"
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / f"{Path(CHAPTERS[0]).name}-dark.png")
    # code cells stay readable in the dark theme (light theme: the axe run below)
    sampled, contrast = _contrast(page, scope=".cell")
    assert sampled["code"] > 0, f"no code cell text checked: {sampled}"
    assert not contrast["violations"], _report(contrast, "dark theme, code cells")
    # the choice is remembered on the next page, then switched back
    page.locator("a.right-next").click()
    page.wait_for_load_state("load")
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    _switch_theme_to(page, "light")
    assert page.evaluate("document.documentElement.dataset.theme") == "light"
    assert abs(_background_luminance(page) - light) < 0.01


def _local_target(base_url: str, href: str) -> tuple[Path, str] | None:
    """The file and fragment a link on the site points to, None for other hosts."""
    parts = urlsplit(href)
    if f"{parts.scheme}://{parts.netloc}" != base_url:
        return None
    path = unquote(parts.path).lstrip("/")
    file = site.SITE / path
    if not path or path.endswith("/"):
        file = file / "index.html"
    return file, parts.fragment


def _broken_links(base_url: str, docname: str, hrefs: list[str]) -> list[str]:
    broken = []
    for href in sorted(set(hrefs)):
        target = _local_target(base_url, href)
        if target is None:
            continue
        file, fragment = target
        if not file.is_file():
            broken.append(f"{docname}: {href} (no {file.relative_to(site.SITE)})")
        elif (
            fragment
            and file.suffix == ".html"
            and not re.search(rf'\bid="{re.escape(unquote(fragment))}"', file.read_text())
        ):
            broken.append(f"{docname}: {href} (no #{fragment})")
    return broken


@pytest.fixture(scope="module")
def book_walk(reader) -> dict:
    """A reader's walk through the book: index.html, then "next" until there is none. On each
    page: where it is, its links that lead nowhere, and what axe-core finds (run here so each
    page is loaded once)."""
    page = reader.page
    response = page.goto(f"{reader.base_url}/index.html", wait_until="load")
    assert response.ok
    page.wait_for_url(re.compile(rf"/{re.escape(PAGES[0])}\.html"))  # index.html redirects
    walk = {"visited": [], "broken": [], "axe": {}, "failed": []}
    for _ in range(len(PAGES) + 1):
        browser.wait_for_math(page)
        docname = reader.docname()
        walk["visited"].append(docname)
        hrefs = page.evaluate("() => [...document.querySelectorAll('a[href]')].map((a) => a.href)")
        walk["broken"] += _broken_links(reader.base_url, docname, hrefs)
        walk["axe"][docname] = _axe_page(page, docname)
        following = page.locator("a.right-next")
        if not following.count():
            break
        target = following.get_attribute("href")
        with page.expect_navigation(wait_until="load") as navigation:
            following.click()
        if navigation.value is None or not navigation.value.ok:
            walk["failed"].append(f"{docname}: next -> {target}")
            break
    walk["remote"] = list(reader.remote)
    return walk


def test_next_leads_through_the_whole_book_without_a_broken_link(book_walk):
    assert not book_walk["failed"], f"a 'next' link failed: {book_walk['failed']}"
    assert book_walk["visited"] == list(PAGES), "'next' does not follow _toc.yml's order"
    broken = book_walk["broken"]
    assert not broken, "broken links (run `make pdf` for book.pdf):\n" + "\n".join(broken)
    assert not book_walk["remote"], f"requests to other hosts: {book_walk['remote']}"


PHONE_LAYOUT = """() => {
  const width = document.documentElement.clientWidth;
  const prose = [...document.querySelectorAll(
      "article p, article li, article h1, article h2, article h3, article dt")]
    .filter((e) => !e.closest("pre, table, .highlight, mjx-container"))
    .filter((e) => e.getBoundingClientRect().right > width + 1)
    .map((e) => e.outerHTML.slice(0, 120));
  return {width, scrollWidth: document.documentElement.scrollWidth,
          bodyScroll: document.body.scrollWidth, prose};
}"""


def test_every_page_fits_a_phone_without_horizontal_scrolling(phone, base_url):
    tab = Reader(phone, base_url)
    problems = []
    try:
        for docname in PAGES:
            page = tab.open(docname)
            layout = page.evaluate(PHONE_LAYOUT)
            assert layout["width"] == PHONE["width"], layout
            if max(layout["scrollWidth"], layout["bodyScroll"]) > layout["width"]:
                problems.append(f"{docname}: the page scrolls sideways: {layout}")
            if layout["prose"]:
                problems.append(f"{docname}: prose wider than the screen: {layout['prose'][:3]}")
            if docname in CHAPTERS:
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=SHOTS / f"{Path(docname).name}-phone.png")
    finally:
        tab.page.close()
    assert not problems, "\n".join(problems)
    assert not tab.remote, f"requests to other hosts: {tab.remote}"


# ---- accessibility ---------------------------------------------------------------------------
# axe-core runs every rule on every page. Its colour-contrast rule is the slow one (minutes for
# the whole site on 2 cores: it works out the background behind every piece of text), so it
# checks one element for each distinct text style of the page: the text's colour, size, weight
# and opacity and the background behind it. Text of the same style has the same contrast; the
# code cells' syntax colours are styles like any other, so each one is checked in each cell
# type (input, output) and theme.

AXE = Axe()

#: Marks, inside ``scope``, one element per distinct text style with data-axe-sample; returns
#: how many elements hold text and how many were marked (in code and elsewhere).
MARK_TEXT_STYLES = """(scope) => {
  document.querySelectorAll("[data-axe-sample]").forEach((e) => e.removeAttribute("data-axe-sample"));
  const background = (e) => {
    for (let n = e; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      if (c !== "rgba(0, 0, 0, 0)" && c !== "transparent") return c;
    }
    return "none";
  };
  const seen = new Set(), counts = {text: 0, samples: 0, code: 0};
  for (const root of document.querySelectorAll(scope)) {
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const e = node.parentElement;
      if (!e || !node.textContent.trim() || e.hasAttribute("data-axe-sample")) continue;
      counts.text++;
      const s = getComputedStyle(e);
      const key = [s.color, s.fontSize, s.fontWeight, s.opacity, background(e),
                   e.closest(".cell_input, .cell_output, .highlight")?.className].join("|");
      if (seen.has(key)) continue;
      seen.add(key);
      e.setAttribute("data-axe-sample", "");
      counts.samples++;
      if (e.closest(".highlight, .cell_output")) counts.code++;
    }
  }
  return counts;
}"""


def _axe(
    page: Page,
    context: object = None,
    rules: list[str] | None = None,
    disable: list[str] | None = None,
) -> dict:
    options: dict = {"resultTypes": ["violations"]}
    if rules:
        options["runOnly"] = {"type": "rule", "values": rules}
    if disable:
        options["rules"] = {rule: {"enabled": False} for rule in disable}
    return AXE.run(page, context=context, options=options).response


def _contrast(page: Page, scope: str = "body") -> tuple[dict, dict]:
    """axe-core's color-contrast rule on one element of each text style inside ``scope``."""
    counts = page.evaluate(MARK_TEXT_STYLES, scope)
    assert counts["samples"] > 0, f"no text in {scope}"
    return counts, _axe(page, {"include": [["[data-axe-sample]"]]}, rules=["color-contrast"])


def _report(results: dict, where: str) -> str:
    lines = [f"axe-core on {where}:"]
    for violation in results["violations"]:
        lines.append(f"  {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"][:5]:
            detail = (node.get("any") or node.get("all") or [{}])[0].get("message", "")
            lines.append(
                f"    {' '.join(map(str, node['target']))}: {detail or node['html'][:150]}"
            )
    return "\n".join(lines)


def _all_pages() -> list[str]:
    """Every page of the site: the book's, search, the indexes and the highlighted sources
    (not index.html, which only redirects, nor the theme's template fragments in _static/)."""
    root = site.require_site()
    names = [str(p.relative_to(root).with_suffix("")) for p in sorted(root.rglob("*.html"))]
    return [n for n in names if n != "index" and not n.startswith("_static/")]


def _axe_page(page: Page, docname: str) -> list[dict]:
    """Every axe-core rule on the loaded page (colour contrast on each text style)."""
    results = _axe(page, disable=["color-contrast"])
    sampled, contrast = _contrast(page)
    if docname in CHAPTERS:
        assert sampled["code"] > 0, f"{docname}: no code cell text checked for contrast"
    return results["violations"] + contrast["violations"]


def test_axe_finds_no_serious_or_critical_violation_on_any_page(book_walk, reader):
    pages = _all_pages()
    assert set(PAGES) <= set(pages)
    found = dict(book_walk["axe"])  # the book's pages, checked on the walk
    for docname in pages:
        if docname not in found:  # search, indexes, highlighted sources
            reader.open(docname)
            found[docname] = _axe_page(reader.page, docname)
    counts, blocking, summary = Counter(), [], {}
    for docname, violations in sorted(found.items()):
        summary[docname] = [
            {"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])} for v in violations
        ]
        counts.update(v["impact"] for v in violations)
        if any(v["impact"] in BLOCKING_IMPACTS for v in violations):
            blocking.append(_report({"violations": violations}, docname))
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "axe.json").write_text(
        json.dumps({"violations_by_impact": dict(counts), "pages": summary}, indent=1)
    )
    print(f"axe-core on {len(found)} pages, violations by impact: {dict(counts)}")
    assert set(found) == set(pages)
    assert not blocking, "\n".join(blocking)
