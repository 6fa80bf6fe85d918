"""The book's settings in ``_config.yml``, read in one place.

``_config.yml`` is Jupyter Book's configuration, and the repository's: ``repository.url`` (the
GitHub repository), ``repository.branch`` (the launch ref, see ``exercises/tools/launch.py``)
and ``html.baseurl`` (the published book). Whatever needs the published book's address -- the
Colab cells' links (``exercises/tools/launch.py``), the PDF's links (``book/tools/pdf.py``),
the tests -- takes it from :func:`book_url`. The pages of the book, in reading order, are
``_toc.yml``'s (:func:`book_entries`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from book.tools import ROOT


class ConfigError(ValueError):
    """A setting of ``_config.yml`` is missing or malformed; the message names it."""


def load(root: Path = ROOT) -> dict:
    """``_config.yml`` of the repository at ``root``, as a dict."""
    path = root / "_config.yml"
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(config, dict):
        raise ConfigError(f"{path}: not a YAML mapping")
    return config


def book_url(config: dict) -> str:
    """The published book's address: ``html.baseurl``, ending in ``/``.

    Parameters
    ----------
    config : dict
        ``_config.yml`` as :func:`load` returns it.

    Returns
    -------
    str
        e.g. ``"https://dlfs-course.github.io/training-from-scratch/"``.

    Raises
    ------
    ConfigError
        When ``html.baseurl`` is not set to an ``https://`` address.
    """
    url = (config.get("html") or {}).get("baseurl")
    if not isinstance(url, str) or not url.startswith("https://"):
        raise ConfigError(
            f"_config.yml: html.baseurl must be the published book's https:// address, "
            f"found {url!r}"
        )
    return url.rstrip("/") + "/"


@dataclass(frozen=True)
class Entry:
    """One page of the book, in reading order."""

    docname: str  # e.g. "notebooks/01_minibatch", as in _toc.yml without the suffix
    part: str | None  # the caption of its part in _toc.yml, None for the root page
    depth: int = 0  # 0 for a chapter, 1 for its sections, ...


def _chapters(items: list, part: str | None, depth: int) -> list[Entry]:
    entries = []
    for item in items or []:
        if "file" in item:
            entries.append(Entry(_docname(item["file"]), part, depth))
        entries += _chapters(item.get("sections", []), part, depth + 1)
    return entries


def _docname(file: str) -> str:
    return str(Path(file).with_suffix("")) if Path(file).suffix in (".md", ".ipynb") else file


def book_entries(root: Path = ROOT) -> list[Entry]:
    """The pages of ``_toc.yml`` in reading order: the root page, then every part's chapters
    (and their sections)."""
    toc = yaml.safe_load((root / "_toc.yml").read_text(encoding="utf-8"))
    entries = [Entry(_docname(toc["root"]), None)]
    for part in toc.get("parts", []):
        entries += _chapters(part.get("chapters", []), part.get("caption"), 0)
    entries += _chapters(toc.get("chapters", []), None, 0)
    return entries
