"""Shared helpers of tests/test_site.py and tests/test_browser.py: the book's configuration,
its chapters, and the built site in ``_build/html`` (built by ``make book``)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from conftest import ROOT

SITE = ROOT / "_build" / "html"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
WIDGET_VIEW_MIME = "application/vnd.jupyter.widget-view+json"


@dataclass(frozen=True)
class Repo:
    url: str  # https://github.com/<owner>/<name>, as written in _config.yml
    owner: str
    name: str
    branch: str


@cache
def book_config() -> dict:
    return yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))


@cache
def repository() -> Repo:
    repo = book_config()["repository"]
    url = repo["url"].rstrip("/")
    parsed = urlparse(url)
    assert parsed.scheme == "https" and parsed.netloc == "github.com", url
    owner, name = parsed.path.strip("/").removesuffix(".git").split("/")
    return Repo(url=url, owner=owner, name=name, branch=repo.get("branch", "main"))


def _toc_files(node) -> list[str]:
    files = []
    if isinstance(node, dict):
        if "file" in node:
            files.append(str(node["file"]))
        for value in node.values():
            if isinstance(value, list | dict):
                files += _toc_files(value)
    elif isinstance(node, list):
        for item in node:
            files += _toc_files(item)
    return files


@cache
def chapters() -> tuple[str, ...]:
    """The chapter notebooks listed in _toc.yml, as toc paths without suffix, in toc order."""
    toc = yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))
    files = [f.removesuffix(".ipynb") for f in _toc_files(toc)]
    return tuple(f for f in files if f.startswith("notebooks/"))


def require_site() -> Path:
    """The built site; a test FAILS (never skips) when it is missing."""
    if not (SITE / "index.html").is_file():
        pytest.fail(
            f"The built site {SITE.relative_to(ROOT)}/index.html is missing: run `make book` "
            "first (`make test` does it)."
        )
    return SITE


def page_path(chapter: str) -> Path:
    return require_site() / f"{chapter}.html"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG file; AssertionError when it is not a valid PNG."""
    data = path.read_bytes()
    assert data[:8] == PNG_SIGNATURE, f"{path} is not a PNG"
    assert data[12:16] == b"IHDR", f"{path}: PNG without IHDR chunk"
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert width > 0 and height > 0, f"{path}: empty PNG ({width}x{height})"
    assert data.rstrip(b"\0").endswith(b"IEND\xaeB`\x82"), f"{path}: truncated PNG"
    return width, height


def notebook(chapter: str) -> dict:
    return json.loads((ROOT / f"{chapter}.ipynb").read_text(encoding="utf-8"))


class Element:
    """A parsed HTML element: tag, attributes, children and text (a tiny DOM)."""

    def __init__(self, tag: str, attrs: dict[str, str], parent: Element | None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element] = []
        self.text_parts: list[str] = []

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def text(self) -> str:
        return "".join(self.text_parts) + "".join(c.text() for c in self.children)

    def iter(self):
        yield self
        for child in self.children:
            yield from child.iter()

    def find_all(self, tag: str | None = None, cls: str | None = None) -> list[Element]:
        return [
            e
            for e in self.iter()
            if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)
        ]

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


class _TreeBuilder(HTMLParser):
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in self.VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:  # close it (and anything left open inside it)
            self.current = node.parent

    def handle_data(self, data):
        self.current.text_parts.append(data)


def parse_html(text: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(text)
    builder.close()
    return builder.root


def expected_launch_urls(chapter: str) -> dict[str, str]:
    """The Colab and Binder URLs of a chapter, derived from _config.yml alone, in the form
    Jupyter Book 1.x (sphinx-book-theme) writes them."""
    repo = repository()
    launch = book_config()["launch_buttons"]
    notebook_path = f"{chapter}.ipynb"
    interface = launch.get("notebook_interface", "classic")
    urlpath = {"classic": "tree/", "jupyterlab": "lab/tree/"}[interface] + notebook_path
    colab = launch["colab_url"].rstrip("/")
    binder = launch["binderhub_url"].rstrip("/")
    return {
        "Colab": f"{colab}/github/{repo.owner}/{repo.name}/blob/{repo.branch}/{notebook_path}",
        "Binder": f"{binder}/v2/gh/{repo.owner}/{repo.name}/{repo.branch}?urlpath={urlpath}",
    }
