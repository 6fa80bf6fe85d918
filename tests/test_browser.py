"""A real browser on the built site: headless Chromium (the Debian package `make setup`
installs) loads a chapter page over HTTP, as on the web, and the test checks what it rendered:
the title, a figure that loaded, the Colab and Binder entries of the launch menu, and no empty
box where a widget or progress bar was. A screenshot is saved under _build/screenshots/.

Only the standard library: the page is served by http.server on 127.0.0.1 and Chromium is run
with --dump-dom and --screenshot. To read rendering facts (computed styles, sizes, whether an
image decoded) the test server appends a small read-only probe script to the page it serves
when asked for ``?probe``; the probe writes its findings as JSON into the DOM that Chromium
dumps. The published site is not changed."""

from __future__ import annotations

import functools
import html
import json
import re
import shutil
import subprocess
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import _site_helpers as site
import pytest

pytestmark = pytest.mark.timeout(120)

# The hard cases: chapter 3 has an ipywidgets explorer, chapter 4 a tqdm progress bar.
CHAPTERS = ("notebooks/03_update", "notebooks/04_epoch_evaluation")
BROWSER_TIMEOUT = 25  # seconds, per Chromium run

PROBE = r"""
<script>
window.addEventListener("load", () => setTimeout(() => {
  const shown = (e) => {
    const r = e.getBoundingClientRect(), s = getComputedStyle(e);
    return r.width > 0 && r.height > 0 && s.display !== "none" && s.visibility !== "hidden";
  };
  const media = "img, svg, canvas, video, iframe, table, input, button, select";
  const hasContent = (e) => e.innerText.trim().length > 0
    || [...e.querySelectorAll(media)].some(shown) || (e.matches(media) && shown(e));
  const widgetView = 'script[type="application/vnd.jupyter.widget-view+json"]';
  const box = (e) => {
    const r = e.getBoundingClientRect();
    return {html: e.outerHTML.slice(0, 300), width: r.width, height: r.height};
  };
  const probe = {
    title: document.title,
    h1: [...document.querySelectorAll("main h1, article h1")].map((h) => h.textContent.trim()),
    images: [...document.querySelectorAll(".cell_output img")].map((i) => ({
      src: i.getAttribute("src"), complete: i.complete, width: i.naturalWidth,
      height: i.naturalHeight, shown: shown(i)})),
    launch: [...document.querySelectorAll(".bd-header-article a")]
      .filter((a) => /colab|binder/i.test(a.href))
      .map((a) => ({href: a.href, text: a.textContent.trim()})),
    launchButton: [...document.querySelectorAll(".bd-header-article button")]
      .filter((b) => /launch/i.test(b.getAttribute("aria-label") || b.title || ""))
      .map(shown),
    widgetViews: document.querySelectorAll(widgetView).length,
    widgetOnlyOutputs: [...document.querySelectorAll(".cell_output")]
      .filter((o) => o.children.length && [...o.children].every((c) => c.matches(widgetView)))
      .map((o) => ({...box(o), display: getComputedStyle(o).display})),
    widgetElements: [...document.querySelectorAll(
      ".jupyter-widgets, .jupyter-widget, .widget-area, .widget-subarea, .jp-OutputArea")]
      .map(box),
    emptyBoxes: [...document.querySelectorAll(".cell, .cell_output, .cell_output > *")]
      .filter((e) => shown(e) && !hasContent(e)).map(box),
    outputs: document.querySelectorAll(".cell_output").length,
  };
  const pre = document.createElement("pre");
  pre.id = "site-probe";
  pre.textContent = JSON.stringify(probe);
  document.body.appendChild(pre);
}, 0));
</script>
"""


class _Handler(SimpleHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        url = urlsplit(self.path)
        if url.query != "probe" or not url.path.endswith(".html"):
            return super().do_GET()
        page = Path(self.translate_path(url.path))
        body = page.read_text(encoding="utf-8")
        assert "</body>" in body, page
        data = body.replace("</body>", PROBE + "</body>", 1).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):  # keep pytest output clean
        pass


def _chromium() -> str:
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    pytest.fail(
        "No headless Chromium on PATH (chromium / chromium-browser): `make setup` installs the "
        "Debian package `chromium` (as root); elsewhere install Chromium yourself."
    )


@pytest.fixture(scope="module")
def server():
    root = site.require_site()
    handler = functools.partial(_Handler, directory=str(root))
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _run_chromium(tmp_path: Path, *args: str) -> subprocess.CompletedProcess:
    command = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        "--hide-scrollbars",
        # only the local server resolves: the test never waits on the network (MathJax and
        # the launch targets are remote; the checks here need neither)
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        f"--user-data-dir={tmp_path / 'chromium-profile'}",
        "--virtual-time-budget=5000",
        f"--timeout={(BROWSER_TIMEOUT - 5) * 1000}",
        *args,
    ]
    try:
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=BROWSER_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"Chromium did not finish within {BROWSER_TIMEOUT} s: {command}")
    assert result.returncode == 0, f"Chromium failed ({result.returncode}):\n{result.stderr}"
    return result


@pytest.fixture(scope="module", params=CHAPTERS)
def chapter(request) -> str:
    return request.param


@pytest.fixture(scope="module")
def rendered(server, chapter, tmp_path_factory) -> dict:
    """What Chromium rendered for the chapter page, as reported by the probe."""
    assert chapter in site.chapters(), f"{chapter} is not in _toc.yml"
    assert site.page_path(chapter).is_file(), f"no page for {chapter}"
    tmp = tmp_path_factory.mktemp("chromium")
    result = _run_chromium(tmp, "--dump-dom", f"{server}/{chapter}.html?probe")
    match = re.search(r'<pre id="site-probe"[^>]*>(.*?)</pre>', result.stdout, re.S)
    assert match, f"the page did not finish loading in Chromium:\n{result.stdout[-2000:]}"
    return json.loads(html.unescape(match.group(1)))


def _notebook_title(chapter: str) -> str:
    for cell in site.notebook(chapter)["cells"]:
        if cell["cell_type"] == "markdown":
            source = "".join(cell["source"])
            heading = re.search(r"^#\s+(.+?)\s*$", source, re.M)
            if heading:
                return heading.group(1)
    pytest.fail(f"{chapter} has no '# title' heading")


def test_title_is_the_chapter_title(chapter, rendered):
    title = _notebook_title(chapter)
    # the heading as the browser shows it: markdown emphasis/code markers are rendered away
    plain = re.sub(r"[*_`]", "", title).strip()
    assert rendered["h1"], "no <h1> rendered"
    assert re.sub(r"[¶#\s]+$", "", rendered["h1"][0]) == plain
    assert rendered["title"].startswith(plain), rendered["title"]
    assert site.book_config()["title"] in rendered["title"]


def test_a_figure_is_rendered_and_its_png_loads(chapter, rendered):
    pngs = [i for i in rendered["images"] if i["src"].endswith(".png")]
    assert pngs, f"no PNG figure in the chapter's outputs: {rendered['images']}"
    for image in pngs:
        assert image["complete"] and image["width"] > 0, f"the browser failed to load {image}"
        assert image["shown"], f"figure not displayed: {image}"
        file = (site.page_path(chapter).parent / image["src"]).resolve()
        assert file.is_relative_to(site.SITE.resolve()) and file.is_file(), file
        assert site.png_size(file) == (image["width"], image["height"])


def test_launch_menu_offers_colab_and_binder(chapter, rendered):
    expected = site.expected_launch_urls(chapter)
    entries = {entry["text"]: entry["href"] for entry in rendered["launch"]}
    assert entries == expected, rendered["launch"]
    assert rendered["launchButton"] == [True], "the launch (rocket) button is not shown"


def test_no_empty_widget_or_output_box(chapter, rendered):
    assert rendered["outputs"] > 0
    assert rendered["widgetViews"] > 0, (
        f"{chapter} has no widget output any more: the widget checks below test nothing; "
        "list chapters with a progress bar or widget in CHAPTERS"
    )
    # an output area holding nothing but widget views takes no space (book/_static/course.css)
    shown = [o for o in rendered["widgetOnlyOutputs"] if o["display"] != "none"]
    assert not shown, f"widget-only output areas are displayed: {shown}"
    assert not rendered["widgetElements"], f"widget boxes rendered: {rendered['widgetElements']}"
    assert not rendered["emptyBoxes"], f"empty boxes on the page: {rendered['emptyBoxes']}"


def test_screenshot(server, chapter, tmp_path):
    shots = site.ROOT / "_build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    png = shots / f"{Path(chapter).name}.png"
    png.unlink(missing_ok=True)
    _run_chromium(
        tmp_path, f"--screenshot={png}", "--window-size=1280,2000", f"{server}/{chapter}.html"
    )
    assert png.is_file(), "Chromium wrote no screenshot"
    assert site.png_size(png) == (1280, 2000)
    assert png.stat().st_size > 20_000, "the screenshot is (almost) blank"
