"""The launch ref: where a notebook opened on Colab installs the library and fetches tests.

    python -m exercises.tools.launch           # rewrite every generated cell and link
    python -m exercises.tools.launch --check   # list what is stale, exit 1 (tests run this)
    python -m exercises.tools.launch --ref     # print the ref (the publishing workflow)

One place names it: ``repository.branch`` in ``_config.yml`` (a branch or tag of
``repository.url``). Jupyter Book builds the launch buttons (Colab, Binder) from it, and this
module writes, from the same two settings,

* the first code cell of every chapter notebook (``notebooks/NN_*.ipynb``): on Colab,
  ``%pip install "scratchlib @ git+<url>@<ref>"``; a chapter without it (a new one) gets it
  inserted before its first code cell;
* the first cell of every student exercise notebook (``exercises/student/<name>/<name>.ipynb``):
  on Colab, otter-grader without its dependencies (see :data:`OTTER_EXTRAS`), the library and
  the public tests from ``<ref>``; ``exercises/tools/build.py`` puts the same cell there;
* links from a chapter to the book's own pages: authors write a relative link to the page's
  source (``../book/exercises.md``, ``../notebooks/02_gradient.ipynb``); it becomes the
  published page (:func:`book.tools.config.book_url` + ``book/exercises.html``), so it works on
  Colab; the site turns it back into a relative link (``book/_ext/course_links.py``). A link
  to a file that is not a page of ``_toc.yml`` stops the run, naming the notebook and the link.

With the default ``branch: main`` a notebook opened from ``main`` installs the library from
``main``: notebooks and library stay in step. A course term freezes a tag (README, "Releasing").
Nothing else in these cells is edited by hand: run this module after changing the settings
(``make launch-cells``; ``make assignments`` runs it too).
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import sys
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from book.tools import ROOT, config

#: Installed on Colab with ``--no-deps`` beside otter-grader: the packages ``import otter`` and
#: ``grader.check`` need that Colab does not ship. otter-grader 7.0 declares
#: ``ipywidgets>=8.1.5``, but Colab's kernel has ipywidgets 7 loaded; ``grader.check`` only uses
#: widgets that ipywidgets 7 has (Button, HTML, Output, VBox; ipylab accepts ipywidgets 7), so
#: nothing already imported in the kernel is upgraded and no restart is needed. Its other
#: dependencies (pandas, nbformat, nbconvert, jinja2, click, dill, wrapt, pyyaml, requests)
#: ship with Colab; jupytext and python-on-whales are only used by otter's other commands.
OTTER_EXTRAS = ("fica", "ipylab", "python-frontmatter")

CHAPTER_CELL = """\
# On Colab, install the course library; elsewhere this cell does nothing.
import sys

if "google.colab" in sys.modules:
    %pip install -q "scratchlib @ git+{url}@{ref}\""""

EXERCISE_CELL = """\
# Run this cell first. On Google Colab it installs what grader.check needs and fetches the
# public tests; elsewhere it only installs otter-grader if it is missing.
import importlib.util
import os
import sys

if "google.colab" in sys.modules:
    # --no-deps: Colab's ipywidgets 7 stays (otter asks for 8, which would need a restart)
    %pip install -q --no-deps {otter_pins}
    %pip install -q "scratchlib @ git+{url}@{ref}"
    !rm -rf /tmp/course && git clone -q --depth 1 --branch {ref} {url} /tmp/course && rm -rf tests && cp -r /tmp/course/exercises/student/{name}/tests .
    if not os.path.isdir("tests"):
        print("No tests: run this cell again, or upload the folder exercises/student/{name}/tests "
              "from {url}/tree/{ref} next to this notebook.")
elif importlib.util.find_spec("otter") is None:
    %pip install -q "otter-grader=={otter_version}\""""  # noqa: E501


@dataclass(frozen=True)
class Launch:
    """The settings every generated cell and link is made of."""

    url: str  #: the repository, https://github.com/<owner>/<name>
    ref: str  #: the branch or tag notebooks install from and launch buttons open
    book_url: str  #: the published book, ending in "/"

    @classmethod
    def from_config(cls, root: Path = ROOT) -> Launch:
        path = root / "_config.yml"
        settings = config.load(root)
        repo = settings.get("repository") or {}
        url, ref = repo.get("url"), repo.get("branch")
        for key, value in (("repository.url", url), ("repository.branch", ref)):
            if not isinstance(value, str) or not value.strip():
                raise SystemExit(f"{path}: {key} must be set (found {value!r})")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/-]*", ref) or ".." in ref:
            raise SystemExit(f"{path}: repository.branch must be a branch or tag name, not {ref!r}")
        try:
            book = config.book_url(settings)
        except config.ConfigError as error:
            raise SystemExit(str(error)) from None
        return cls(url.rstrip("/"), ref, book)


def chapter_cell(launch: Launch) -> str:
    return CHAPTER_CELL.format(url=launch.url, ref=launch.ref)


def exercise_cell(name: str, launch: Launch) -> str:
    pins = [f'"otter-grader=={version("otter-grader")}"']
    pins += [f'"{package}=={version(package)}"' for package in OTTER_EXTRAS]
    return EXERCISE_CELL.format(
        name=name,
        url=launch.url,
        ref=launch.ref,
        otter_pins=" ".join(pins),
        otter_version=version("otter-grader"),
    )


# --------------------------------------------------------------------------- links

#: A markdown link or image target: ](target) or ](target "title")
_LINK = re.compile(r"\]\((?P<target>[^)\s]+)(?P<title>\s+\"[^\"]*\")?\)")


def published_url(target: str, launch: Launch) -> str | None:
    """The book's URL for a relative link leaving notebooks/ (None: leave it alone)."""
    if not target.startswith("../") or "://" in target:
        return None
    path, _, fragment = target.partition("#")
    path = path.removeprefix("../")
    for suffix in (".md", ".ipynb"):
        if path.endswith(suffix):
            path = path.removesuffix(suffix) + ".html"
    return launch.book_url + path + (f"#{fragment}" if fragment else "")


def absolute_links(text: str, launch: Launch) -> str:
    def replace(match: re.Match) -> str:
        url = published_url(match["target"], launch)
        return match[0] if url is None else f"]({url}{match['title'] or ''})"

    return _LINK.sub(replace, text)


def relative_links_leaving(text: str) -> list[str]:
    """Relative link targets in markdown ``text`` that leave the notebook's folder."""
    return [m["target"] for m in _LINK.finditer(text) if m["target"].startswith("../")]


# --------------------------------------------------------------------------- notebooks


def chapter_notebooks(root: Path = ROOT) -> list[Path]:
    return sorted((root / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def student_notebooks(root: Path = ROOT) -> list[Path]:
    return sorted(
        p for p in (root / "exercises" / "student").glob("*/*.ipynb") if p.stem == p.parent.name
    )


def _source(cell: dict) -> str:
    source = cell["source"]
    return "".join(source) if isinstance(source, list) else source


def _lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


#: The id of a Colab cell inserted into a chapter that had none.
INSERTED_CELL_ID = "colab-install"


def _is_colab_cell(cell: dict) -> bool:
    return cell["cell_type"] == "code" and "google.colab" in _source(cell)


def _new_code_cell(nb: dict, source: str) -> dict:
    cell = {"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": []}
    cell["source"] = _lines(source)
    if (nb.get("nbformat"), nb.get("nbformat_minor", 0)) >= (4, 5):  # cells have ids
        taken = {c.get("id") for c in nb["cells"]}
        ids = (f"{INSERTED_CELL_ID}-{n}" if n else INSERTED_CELL_ID for n in itertools.count())
        cell["id"] = next(i for i in ids if i not in taken)
    return cell


def _check_link(target: str, notebook: Path, pages: set[str], root: Path) -> None:
    """Stop unless ``target`` (a relative link leaving notebooks/) is a page of the book."""
    path = (notebook.parent / target.partition("#")[0]).resolve()
    docname = path.relative_to(root).with_suffix("").as_posix() if path.is_relative_to(root) else ""
    if path.suffix not in (".md", ".ipynb") or not path.is_file() or docname not in pages:
        raise SystemExit(
            f"{notebook.relative_to(root)}: the link {target!r} is not a page of the book "
            f"(a .md or .ipynb file listed in _toc.yml). Link to a page by its source file "
            f"(../book/exercises.md), or to anything else by its full https:// address."
        )


def _updated_chapter(nb: dict, launch: Launch, path: Path, root: Path) -> dict:
    cells = nb["cells"]
    code = [i for i, c in enumerate(cells) if c["cell_type"] == "code"]
    late = [n for n, i in enumerate(code) if n and _is_colab_cell(cells[i])]
    if late:
        raise SystemExit(
            f"{path.relative_to(root)}: code cell {late[0] + 1} is a Colab install cell; it "
            "must be the first code cell: delete it and run `make launch-cells` again"
        )
    if code and _is_colab_cell(cells[code[0]]):
        cells[code[0]]["source"] = _lines(chapter_cell(launch))
    else:  # a new chapter: insert its Colab cell before its first code cell
        cells.insert(code[0] if code else len(cells), _new_code_cell(nb, chapter_cell(launch)))
    pages = {entry.docname for entry in config.book_entries(root)}
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            text = _source(cell)
            for target in relative_links_leaving(text):
                _check_link(target, path, pages, root)
            new = absolute_links(text, launch)
            if new != text:
                cell["source"] = _lines(new)
    return nb


def _updated_exercise(nb: dict, launch: Launch, path: Path, root: Path) -> dict:
    first = nb["cells"][0]
    if not _is_colab_cell(first):
        raise SystemExit(
            f"{path.relative_to(root)}: the first cell is not the Colab cell; student notebooks "
            "are generated: run `make assignments` (do not edit exercises/student/ by hand)"
        )
    first["source"] = _lines(exercise_cell(path.stem, launch))
    return nb


def _dump(nb: dict) -> str:
    """The layout Jupyter and nbformat write (one-space indent, non-ASCII kept)."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def generate(root: Path = ROOT, write: bool = True) -> list[Path]:
    """Bring every generated cell and link up to date; return the files that were stale."""
    launch = Launch.from_config(root)
    stale = []
    targets = [(p, _updated_chapter) for p in chapter_notebooks(root)]
    targets += [(p, _updated_exercise) for p in student_notebooks(root)]
    for path, update in targets:
        text = path.read_text(encoding="utf-8")
        nb = update(json.loads(text), launch, path, root)
        new = _dump(nb)
        if new != text:
            stale.append(path)
            if write:
                path.write_text(new, encoding="utf-8")
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--check", action="store_true", help="only list stale files; exit 1")
    group.add_argument("--ref", action="store_true", help="print the launch ref and exit")
    args = parser.parse_args(argv)
    if args.ref:
        print(Launch.from_config().ref)
        return 0
    stale = generate(write=not args.check)
    for path in stale:
        verb = "stale" if args.check else "updated"
        print(f"{verb}: {path.relative_to(ROOT)}")
    if args.check and stale:
        print("Run `make launch-cells` (python -m exercises.tools.launch) and commit the result.")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
