"""The launch ref: where a notebook opened on Colab installs the library and fetches tests.

    python -m exercises.tools.launch           # rewrite every generated cell and link
    python -m exercises.tools.launch --check   # list what is stale, exit 1 (tests run this)
    python -m exercises.tools.launch --ref     # print the ref (the publishing workflow)

One place names it: ``repository.branch`` in ``_config.yml`` (a branch or tag of
``repository.url``). Jupyter Book builds the launch buttons (Colab, Binder) from it, and this
module writes, from the same two settings,

* the first code cell of every chapter notebook (``notebooks/NN_*.ipynb``): on Colab,
  ``%pip install "scratchlib @ git+<url>@<ref>"``;
* the first cell of every student exercise notebook (``exercises/student/<name>/<name>.ipynb``):
  on Colab, otter-grader without its dependencies (see :data:`OTTER_EXTRAS`), the library and
  the public tests from ``<ref>``; ``exercises/tools/build.py`` puts the same cell there;
* links from a chapter to the book's own pages: a relative link leaving ``notebooks/``
  (``../book/exercises.md``) becomes the published page (``html.baseurl`` +
  ``book/exercises.html``), so it works on Colab; the site turns it back into a relative link
  (``book/_ext/course_links.py``).

With the default ``branch: main`` a notebook opened from ``main`` installs the library from
``main``: notebooks and library stay in step. A course term freezes a tag (README, "Releasing").
Nothing else in these cells is edited by hand: run this module after changing the settings
(``make launch-cells``; ``make assignments`` runs it too).
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import yaml

from exercises.tools import ROOT

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
        config = yaml.safe_load(path.read_text(encoding="utf-8"))
        repo, html = config.get("repository") or {}, config.get("html") or {}
        url, ref, book = repo.get("url"), repo.get("branch"), html.get("baseurl")
        for key, value in (("repository.url", url), ("repository.branch", ref)):
            if not isinstance(value, str) or not value.strip():
                raise SystemExit(f"{path}: {key} must be set (found {value!r})")
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._/-]*", ref) or ".." in ref:
            raise SystemExit(f"{path}: repository.branch must be a branch or tag name, not {ref!r}")
        if not isinstance(book, str) or not book.startswith("https://"):
            raise SystemExit(f"{path}: html.baseurl must be the published book's https URL")
        return cls(url.rstrip("/"), ref, book.rstrip("/") + "/")


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


def _updated_chapter(nb: dict, launch: Launch) -> dict:
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    if not code or "google.colab" not in _source(code[0]):
        raise SystemExit("a chapter's first code cell must be the Colab install cell")
    code[0]["source"] = _lines(chapter_cell(launch))
    for cell in nb["cells"]:
        if cell["cell_type"] == "markdown":
            text = _source(cell)
            new = absolute_links(text, launch)
            if new != text:
                cell["source"] = _lines(new)
    return nb


def _updated_exercise(nb: dict, name: str, launch: Launch) -> dict:
    first = nb["cells"][0]
    if first["cell_type"] != "code" or "google.colab" not in _source(first):
        raise SystemExit(f"{name}: the first cell must be the Colab cell (make assignments)")
    first["source"] = _lines(exercise_cell(name, launch))
    return nb


def _dump(nb: dict) -> str:
    """The layout Jupyter and nbformat write (one-space indent, non-ASCII kept)."""
    return json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def generate(root: Path = ROOT, write: bool = True) -> list[Path]:
    """Bring every generated cell and link up to date; return the files that were stale."""
    launch = Launch.from_config(root)
    stale = []
    targets = [(p, None) for p in chapter_notebooks(root)]
    targets += [(p, p.stem) for p in student_notebooks(root)]
    for path, name in targets:
        text = path.read_text(encoding="utf-8")
        nb = json.loads(text)
        nb = _updated_exercise(nb, name, launch) if name else _updated_chapter(nb, launch)
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
