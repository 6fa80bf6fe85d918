"""The built site in the system's headless Chromium, driven by Playwright: one place for how
the browser is started, how the site is served, and how a page is loaded, shared by `make pdf`
(:mod:`book.tools.pdf`) and the browser tests (tests/test_browser.py).

- The browser is the system Chromium (`make setup` installs the Debian package `chromium`);
  Playwright never downloads one. ``CHROMIUM=/path/to/chrome`` picks another executable.
- The site is served over HTTP on 127.0.0.1 by the standard library, as on the web.
- Nothing else is reachable: the browser resolves no other host name, and every request to
  another host is aborted and recorded, so a page that depends on a third-party host (a CDN)
  shows it, and nothing waits on the network.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import threading
from collections.abc import Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, BrowserContext, Page, Playwright, Route

from book.tools import ROOT

SITE = ROOT / "_build" / "html"
LOCAL_HOST = "127.0.0.1"

#: Chromium switches: no background traffic (updates, sync, QUIC probes, first-run pages), and
#: no host name resolves except the local server's address.
CHROMIUM_ARGS = (
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
    "--disable-extensions",
    "--disable-gpu",
    "--hide-scrollbars",
    f"--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE {LOCAL_HOST}",
)

#: How long a page may take to load and typeset its math, in milliseconds.
PAGE_TIMEOUT_MS = 30_000


class BrowserNotFound(RuntimeError):
    """No Chromium executable to drive."""


def chromium_executable() -> str:
    """The Chromium to drive: ``$CHROMIUM`` if set, else ``chromium`` or ``chromium-browser``
    on PATH.

    Raises
    ------
    BrowserNotFound
        When there is none, with what to install.
    """
    configured = os.environ.get("CHROMIUM")
    if configured:
        path = shutil.which(configured)
        if path is None:
            raise BrowserNotFound(f"CHROMIUM={configured!r} is not an executable file")
        return path
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    raise BrowserNotFound(
        "No Chromium on PATH (chromium / chromium-browser): `make setup` installs the Debian "
        "package `chromium` (as root); elsewhere install Chromium, or set CHROMIUM to its path."
    )


def launch(playwright: Playwright) -> Browser:
    """Start the system Chromium headless. As root Chromium refuses to start with its sandbox,
    so it is switched off there (the browser only ever loads the local site)."""
    args = list(CHROMIUM_ARGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--no-sandbox")
    return playwright.chromium.launch(
        executable_path=chromium_executable(), headless=True, args=args
    )


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test and build output clean
        pass


@contextlib.contextmanager
def serve(directory: Path = SITE) -> Iterator[str]:
    """Serve ``directory`` over HTTP on 127.0.0.1 (a free port) while the block runs; yields
    the base URL, without a trailing slash."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = ThreadingHTTPServer((LOCAL_HOST, 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{LOCAL_HOST}:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def is_local(url: str) -> bool:
    """Whether a request URL stays on this machine's server (or is inline: data:, blob:)."""
    parts = urlsplit(url)
    return parts.scheme in ("data", "blob", "about") or parts.hostname == LOCAL_HOST


def offline_context(browser: Browser, blocked: list[str], **options) -> BrowserContext:
    """A browser context in which every request to another host is aborted and its URL
    appended to ``blocked``. ``options`` go to :meth:`Browser.new_context`."""
    context = browser.new_context(**options)
    context.set_default_timeout(PAGE_TIMEOUT_MS)

    def handle(route: Route) -> None:
        url = route.request.url
        if is_local(url):
            route.continue_()
        else:
            blocked.append(url)
            route.abort("blockedbyclient")

    context.route("**/*", handle)
    return context


#: Resolves when the page's math is typeset: MathJax's startup promise, on pages that load
#: MathJax (Sphinx adds it only to pages with math); true on the others.
_MATH_TYPESET = """async (timeout) => {
  if (!document.querySelector('script[src*="mathjax"]')) return true;
  const deadline = Date.now() + timeout;
  while (!(window.MathJax && window.MathJax.startup && window.MathJax.startup.promise)) {
    if (Date.now() > deadline) throw new Error("MathJax did not start");
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  await window.MathJax.startup.promise;
  return true;
}"""


def wait_for_math(page: Page) -> None:
    """Wait until MathJax has typeset the page (no-op on pages without math)."""
    page.evaluate(_MATH_TYPESET, PAGE_TIMEOUT_MS)


def open_page(page: Page, url: str) -> None:
    """Load ``url`` the way a reader sees it: the page, its images and fonts, and its math
    typeset.

    Raises
    ------
    AssertionError
        When the server answers with an error status.
    """
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
    wait_for_math(page)
    page.evaluate("document.fonts.ready.then(() => true)")
