"""The built site (`make book` -> _build/html): a page per chapter with Colab and Binder launch
links to that chapter's notebook, the API reference, and the one repository URL of
_config.yml used everywhere (README badges, the notebooks' Colab install cells).

The tests that read the built pages are marked slow (`make book` first); those that read the
sources of the site (``_toc.yml``, ``book/api.md``, the README, the notebooks) are not.
"""

from __future__ import annotations

import importlib
import inspect
import json
import pkgutil
import posixpath
import re
from urllib.parse import urlparse

import _site_helpers as site
import pytest

import scratchlib
from book.tools import config
from exercises.tools import launch
from scratchlib import trainer

CHAPTERS = site.chapters()
# github.com repositories the README may cite besides the course's own (credits, data).
UPSTREAM_REPOS = {
    "oreilly-japan/deep-learning-from-scratch",
    "zalandoresearch/fashion-mnist",
    "d2l-ai/d2l-en",
}


@pytest.mark.slow
def test_site_is_built():
    site_dir = site.require_site()
    assert (site_dir / "book" / "api.html").is_file()


def test_toc_lists_every_chapter_notebook_and_only_those():
    assert CHAPTERS, "_toc.yml lists no chapter notebook"
    missing = [c for c in CHAPTERS if not (site.ROOT / f"{c}.ipynb").is_file()]
    assert not missing, f"_toc.yml lists notebooks that do not exist: {missing}"
    on_disk = {f"notebooks/{p.stem}" for p in (site.ROOT / "notebooks").glob("*.ipynb")}
    assert on_disk <= set(CHAPTERS), f"notebooks not in _toc.yml: {sorted(on_disk - set(CHAPTERS))}"


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_page_launches_its_notebook_on_colab_and_binder(chapter):
    page = site.page_path(chapter)
    assert page.is_file(), f"no page for {chapter}: {page} is missing"
    dom = site.parse_html(page.read_text(encoding="utf-8"))
    hrefs = {a.attrs.get("href", "") for a in dom.find_all("a")}
    expected = site.expected_launch_urls(chapter)
    for service, url in expected.items():
        assert url in hrefs, f"{page.name}: no {service} launch link {url}"
    # and no launch link to anything else (another chapter, another repository)
    launch = {h for h in hrefs if "colab.research.google.com" in h or "mybinder.org" in h}
    assert launch == set(expected.values())
    # the rendered launch menu labels them, in the article header
    header = dom.find_all("div", cls="bd-header-article")
    assert header, f"{page.name}: no article header"
    labels = {
        a.text().strip(): a.attrs["href"]
        for a in header[0].find_all("a")
        if a.attrs.get("href") in expected.values()
    }
    assert labels == {service: url for service, url in expected.items()}


def _described(dom: site.Element, object_id: str) -> site.Element:
    """The <dd> body of an autodoc entry; fails when the object is not documented."""
    for dl in dom.find_all("dl"):
        children = [c for c in dl.children if c.tag in ("dt", "dd")]
        for dt, dd in zip(children, children[1:], strict=False):
            if dt.tag == "dt" and dt.attrs.get("id") == object_id and dd.tag == "dd":
                return dd
    pytest.fail(f"the API page does not document {object_id}")


@pytest.mark.slow
def test_api_page_documents_the_library_from_its_docstrings():
    page = site.require_site() / "book" / "api.html"
    dom = site.parse_html(page.read_text(encoding="utf-8"))
    net = _described(dom, "scratchlib.network.TwoLayerNet")
    train = _described(dom, "scratchlib.trainer.train")
    for name, dd in [("TwoLayerNet", net), ("train", train)]:
        assert len(" ".join(dd.text().split())) > 100, f"{name}: docstring missing"
    # napoleon turned the numpy-style parameter section into a field list naming each one
    field_lists = train.find_all("dl", cls="field-list")
    assert field_lists, "train: no field list (the numpy-style sections were not parsed)"
    documented = {s.text() for s in field_lists[0].find_all("strong")}
    assert set(inspect.signature(trainer.train).parameters) <= documented, documented
    assert "----------" not in train.text(), "numpy section underline rendered as text"
    methods = {dt.attrs.get("id") for dt in net.find_all("dt")}
    assert "scratchlib.network.TwoLayerNet.gradient" in methods


#: The library's modules (a package such as ``scratchlib.data`` counts as one).
MODULES = sorted(m.name for m in pkgutil.iter_modules(scratchlib.__path__) if m.name[0] != "_")


@pytest.mark.parametrize("module", MODULES)
def test_every_module_is_on_the_api_page_and_in_the_package_docstring(module):
    api = (site.ROOT / "book" / "api.md").read_text(encoding="utf-8")
    assert re.search(rf"^\.\. automodule:: scratchlib\.{module}$", api, re.M), (
        f"book/api.md has no section for scratchlib.{module}: add one like the others "
        f"(CONTRIBUTING.md, 'Add a module')"
    )
    assert f":mod:`scratchlib.{module}`" in scratchlib.__doc__, (
        f"scratchlib/__init__.py: the package docstring does not list scratchlib.{module}"
    )


@pytest.mark.parametrize("module", MODULES)
def test_public_names_are_listed_in_all(module):
    """The API page documents a module's ``__all__``: a public name left out is undocumented.
    A package's names are those it takes from its own modules (``scratchlib.data`` imports
    its loaders from ``scratchlib.data.loaders``)."""
    mod = importlib.import_module(f"scratchlib.{module}")
    package = hasattr(mod, "__path__")

    def defined_here(obj: object) -> bool:
        where = obj.__module__
        return where == mod.__name__ or (package and where.startswith(mod.__name__ + "."))

    public = {
        name
        for name, obj in vars(mod).items()
        if name[0] != "_"
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and defined_here(obj)
    }
    unlisted = sorted(public - set(getattr(mod, "__all__", ())))
    assert not unlisted, (
        f"scratchlib.{module} defines {unlisted} outside its __all__: list each one (the API "
        "page then documents it) or rename it with a leading underscore"
    )


def test_readme_chapter_table_lists_every_chapter_in_order():
    readme = (site.ROOT / "README.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\|.*\]\((notebooks/\d\d_\w+)\.ipynb\)", readme, re.M)
    assert tuple(rows) == CHAPTERS, (
        f"README.md's chapter table lists {rows}; _toc.yml's chapters are {list(CHAPTERS)}: "
        "one row per chapter, in the same order"
    )


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_site_links_to_its_own_pages_are_relative(chapter):
    """The chapters link to the published book (``make launch-cells``); the site, relatively."""
    site.require_site()
    book = config.book_url(site.book_config())
    dom = site.parse_html(site.page_path(chapter).read_text(encoding="utf-8"))
    hrefs = [a.attrs.get("href", "") for a in dom.find_all("a")]
    assert not [h for h in hrefs if h.startswith(book)], f"{chapter}: absolute links to the book"
    linked = [
        target
        for cell in site.notebook(chapter)["cells"]
        if cell["cell_type"] == "markdown"
        for target, _title in launch._LINK.findall("".join(cell["source"]))
        if target.startswith(book)
    ]
    for target in linked:
        page = target.removeprefix(book).split("#")[0]
        relative = posixpath.relpath(page, posixpath.dirname(chapter))
        assert any(h.split("#")[0] == relative for h in hrefs), f"{chapter}: no link {relative}"
        assert (site.require_site() / page).is_file()


def _urls(text: str) -> list[str]:
    return re.findall(r"https?://[^\s)\]\"'<>]+", text)


def test_readme_links_use_the_configured_repository():
    readme = site.ROOT / "README.md"
    assert readme.is_file(), "README.md is missing"
    repo = site.repository()
    own = f"{repo.owner}/{repo.name}"
    book = config.book_url(site.book_config())
    kinds = set()
    for url in _urls(readme.read_text(encoding="utf-8")):
        parsed = urlparse(url)
        host, path = parsed.netloc.lower(), parsed.path
        if host == "colab.research.google.com":
            if path.startswith("/assets/"):  # the badge image
                continue
            assert path.startswith(f"/github/{own}/blob/{repo.branch}/"), url
            target = path.split(f"/blob/{repo.branch}/", 1)[1]
            assert (site.ROOT / target).exists(), f"{url}: {target} is not in the repository"
            kinds.add("colab")
        elif host == "mybinder.org":
            if path.startswith("/badge"):  # the badge image
                continue
            assert path.startswith(f"/v2/gh/{own}/{repo.branch}"), url
            kinds.add("binder")
        elif host == "github.com":
            slug = "/".join(path.strip("/").split("/")[:2]).removesuffix(".git")
            assert slug == own or slug in UPSTREAM_REPOS, f"{url}: not {repo.url}"
            if slug == own:
                kinds.add("github")
        elif url.startswith(book):
            kinds.add("site")
        elif host.endswith(".github.io"):
            pytest.fail(f"{url}: not the published book, {book} (html.baseurl)")
        elif repo.name in url:
            pytest.fail(f"{url} names the repository on an unexpected host")
    assert {"colab", "binder"} <= kinds, f"README lacks Colab/Binder launch badges: {kinds}"


def _code_cells(chapter: str) -> list[str]:
    cells = site.notebook(chapter)["cells"]
    return [
        "".join(c["source"]) if isinstance(c["source"], list) else c["source"]
        for c in cells
        if c["cell_type"] == "code"
    ]


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_colab_install_cell_pins_the_launch_ref(chapter):
    repo = site.repository()  # repository.branch is the launch ref (exercises/tools/launch.py)
    code = _code_cells(chapter)
    assert code, f"{chapter} has no code cell"
    first = code[0]
    assert "google.colab" in first, f"{chapter}: the first code cell does not detect Colab"
    pinned = re.compile(rf"git\+{re.escape(repo.url)}(\.git)?@{re.escape(repo.branch)}(?![\w.])")
    assert pinned.search(first), (
        f"{chapter}: the first code cell must install git+{repo.url}@{repo.branch}:\n{first}"
    )
    # no other cell installs the library from elsewhere or at another ref
    for source in code:
        for spec in re.findall(r"git\+\S+", source):
            assert pinned.match(spec.strip("\"'")), f"{chapter}: unpinned install {spec}"


WIDGET_JS = re.compile(r"require\.js|require\.min\.js|@jupyter-widgets|embed-amd|html-manager")


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_chapter_page_loads_no_widget_javascript(chapter):
    # widgets cannot run without a kernel: no widget manager from a CDN (see _config.yml)
    page = site.page_path(chapter).read_text(encoding="utf-8")
    sources = [s.attrs.get("src", "") for s in site.parse_html(page).find_all("script")]
    assert not [s for s in sources if WIDGET_JS.search(s)], f"{chapter}: {sources}"


PROGRESS_OR_WIDGET_REPR = re.compile(
    r"\d+%\|"  # a tqdm bar, e.g. "training:   0%|          | 0/600"
    r"|\b(?:interactive|[A-Z]\w*(?:Slider|Box|Progress|Text|Dropdown|Output))\(\w*[=(]"
)


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_outputs_show_no_progress_bar_or_widget_repr_text(chapter):
    dom = site.parse_html(site.page_path(chapter).read_text(encoding="utf-8"))
    outputs = dom.find_all("div", cls="cell_output")
    for out in outputs:
        text = out.text()
        match = PROGRESS_OR_WIDGET_REPR.search(text)
        assert not match, f"{chapter}: static output shows a widget/progress bar: {text[:200]!r}"
    # every widget view sits directly in an output area (book/_static/course.css hides areas
    # holding nothing but widget views; the browser test checks the rendering)
    for script in dom.find_all("script"):
        if script.attrs.get("type") == site.WIDGET_VIEW_MIME:
            assert "cell_output" in script.parent.classes, script.parent.attrs


def _widget_reprs(chapter: str) -> dict[str, str]:
    """model_id -> text/plain repr of every widget-view output of a chapter notebook."""
    reprs = {}
    for cell in site.notebook(chapter)["cells"]:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if site.WIDGET_VIEW_MIME in data:
                text = data.get("text/plain", "")
                reprs[data[site.WIDGET_VIEW_MIME]["model_id"]] = "".join(text)
    return reprs


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_interactive_figures_have_a_static_figure(chapter):
    """An `interact`/`interactive` figure is drawn only with a kernel: the page must show a
    static figure in the widget's cell or in the code cell after it."""
    reprs = _widget_reprs(chapter)
    dom = site.parse_html(site.page_path(chapter).read_text(encoding="utf-8"))
    cells = dom.find_all("div", cls="cell")
    for i, cell in enumerate(cells):
        for script in cell.find_all("script"):
            if script.attrs.get("type") != site.WIDGET_VIEW_MIME:
                continue
            model_id = json.loads(script.text())["model_id"]
            assert model_id in reprs, f"{chapter}: widget {model_id} not in the notebook"
            if not re.match(r"(interactive|Output)\(", reprs[model_id]):
                continue  # a progress bar or a control: nothing to draw
            nearby = cells[i : i + 2]
            assert any(c.find_all("img") for c in nearby), (
                f"{chapter}: the interactive figure {reprs[model_id][:60]!r}... has no static "
                "figure in its cell or the next code cell: draw one as an ordinary output"
            )


# ---- Nothing from third-party hosts ------------------------------------------------------------
# Whatever a page loads by itself (scripts, stylesheets, fonts, images, frames) must come from
# the site: links the reader clicks (Colab, GitHub, ...) may go anywhere. tests/test_browser.py
# checks the same at run time, with every other host unreachable.
LOADED_BY_TAG = {
    "script": ("src",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "frame": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "track": ("src",),
    "embed": ("src",),
    "object": ("data",),
    "input": ("src",),
}
# <link rel=...> values that make the browser fetch the target
LOADED_LINK_RELS = {
    "stylesheet",
    "preload",
    "modulepreload",
    "prefetch",
    "icon",
    "manifest",
    "apple-touch-icon",
    "shortcut",
    "mask-icon",
    "preconnect",
    "dns-prefetch",
}
CSS_REMOTE = re.compile(r"""url\(\s*['"]?\s*(?:https?:)?//|@import\s+['"](?:https?:)?//""", re.I)


def _remote(url: str) -> bool:
    return any(
        re.match(r"\s*(?:https?:)?//", part.strip())
        for part in url.split(",")  # srcset: "a.png 1x, b.png 2x"
    )


def _site_files(suffix: str) -> list:
    return sorted(site.require_site().rglob(f"*{suffix}"))


@pytest.mark.slow
def test_no_page_loads_anything_from_another_host():
    offenders = []
    pages = _site_files(".html")
    assert len(pages) >= len(CHAPTERS) + 1
    for page in pages:
        text = page.read_text(encoding="utf-8")
        dom = site.parse_html(text)
        name = page.relative_to(site.SITE)
        for element in dom.iter():
            attrs = LOADED_BY_TAG.get(element.tag, ())
            if element.tag == "link":
                rels = set(element.attrs.get("rel", "").lower().split())
                attrs = ("href",) if rels & LOADED_LINK_RELS else ()
            for attr in attrs:
                value = element.attrs.get(attr) or ""
                if _remote(value):
                    offenders.append(f"{name}: <{element.tag} {attr}={value!r}>")
            if CSS_REMOTE.search(element.attrs.get("style", "")):
                offenders.append(f"{name}: <{element.tag} style=...> loads a remote url()")
            if element.tag == "style" and CSS_REMOTE.search(element.text()):
                offenders.append(f"{name}: <style> loads a remote url() or @import")
    for css in _site_files(".css"):
        if CSS_REMOTE.search(css.read_text(encoding="utf-8", errors="replace")):
            offenders.append(f"{css.relative_to(site.SITE)}: remote url() or @import")
    assert not offenders, "the site loads from other hosts:\n" + "\n".join(offenders)


@pytest.mark.slow
def test_mathjax_is_served_by_the_site():
    for chapter in CHAPTERS:
        dom = site.parse_html(site.page_path(chapter).read_text(encoding="utf-8"))
        if not dom.find_all(cls="math"):
            continue
        sources = [s.attrs["src"] for s in dom.find_all("script") if "src" in s.attrs]
        mathjax = [s for s in sources if "mathjax" in s.lower()]
        assert len(mathjax) == 1, f"{chapter}: MathJax scripts {mathjax}"
        assert not _remote(mathjax[0]), f"{chapter}: MathJax from another host: {mathjax[0]}"
        file = (site.page_path(chapter).parent / mathjax[0].split("?")[0]).resolve()
        assert file.is_relative_to(site.SITE.resolve()) and file.is_file(), file
        assert file.stat().st_size > 100_000, f"{file}: not MathJax's combined component"
        # its web fonts are served beside it (CHTML output looks for them there)
        fonts = list(file.parent.glob("output/chtml/fonts/woff-v2/*.woff"))
        assert len(fonts) > 10, f"MathJax fonts missing next to {file}"


# ---- Figures say what they show ----------------------------------------------------------------
GENERIC_ALT = re.compile(
    r"^\W*(?:an?\s+|the\s+)?(?:image|img|figure|fig|plot|graph|chart|picture|output|png|"
    r"matplotlib|untitled|alt|text|todo|tbd|placeholder)s?\b(?:\s*\d+)?\W*$",
    re.I,
)


def _figure_count(chapter: str) -> int:
    return sum(
        1
        for cell in site.notebook(chapter)["cells"]
        for output in cell.get("outputs", [])
        if any(m.startswith("image/") for m in output.get("data", {}))
    )


@pytest.mark.slow
@pytest.mark.parametrize("chapter", CHAPTERS)
def test_every_chapter_figure_has_alt_text_that_says_what_it_shows(chapter):
    dom = site.parse_html(site.page_path(chapter).read_text(encoding="utf-8"))
    article = dom.find_all("article")
    assert article, f"{chapter}: no <article>"
    images = [
        img
        for img in article[0].find_all("img")
        if any("cell_output" in a.classes or a.tag == "figure" for a in img.ancestors())
    ]
    assert len(images) == _figure_count(chapter), (
        f"{chapter}: {len(images)} figures on the page, {_figure_count(chapter)} in the notebook"
    )
    alts = []
    for img in images:
        alt = " ".join(img.attrs.get("alt", "").split())
        src = img.attrs.get("src", "")
        where = f"{chapter}: figure {src}"
        assert alt, f"{where} has no alt text (cell metadata mystnb.image.alt)"
        assert not re.search(r"\.(png|jpe?g|svg|gif)\b|/_images/", alt, re.I), (
            f"{where}: the alt text is a file name, not a description: {alt!r}"
        )
        assert not GENERIC_ALT.match(alt) and not alt.startswith("<Figure"), (
            f"{where}: generic alt text {alt!r}: say what the figure shows"
        )
        assert len(alt.split()) >= 5, f"{where}: alt text too short to say what it shows: {alt!r}"
        alts.append(alt)
    duplicates = {a for a in alts if alts.count(a) > 1}
    assert not duplicates, f"{chapter}: several figures share one alt text: {duplicates}"
