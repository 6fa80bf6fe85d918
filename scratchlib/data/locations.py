"""Where a dataset's files are looked for and downloaded to: the data root and its folders.

The *data root* is the ``data_home`` argument, else ``$SCRATCHLIB_DATA``, else the per-user cache
``$XDG_CACHE_HOME/scratchlib`` (``~/.cache/scratchlib``). A dataset's files are looked for in
``<root>/<name>``, for a root the user chose (``data_home`` or ``$SCRATCHLIB_DATA``) also in the
root itself, then in the dataset's system folders; downloads and the parsed cache go to
``<root>/<name>``. Nothing is ever written inside the installed package.
"""

from __future__ import annotations

import os
from pathlib import Path

from scratchlib.data.registry import FILES, Dataset

__all__ = ["cache_root", "data_root", "find", "search_dirs"]


def cache_root() -> Path:
    """The per-user cache, ``$XDG_CACHE_HOME/scratchlib`` (default ``~/.cache/scratchlib``)."""
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "scratchlib"


def data_root(data_home: str | os.PathLike[str] | None) -> tuple[Path, bool]:
    """Return the data root and whether the user chose it (argument or environment)."""
    if data_home is not None:
        return Path(data_home).expanduser(), True
    env = os.environ.get("SCRATCHLIB_DATA")
    if env:
        return Path(env).expanduser(), True
    return cache_root(), False


def search_dirs(spec: Dataset, root: Path, user_root: bool) -> list[Path]:
    """The folders to look in, in order; the first is where downloads go."""
    dirs = [root / spec.name]
    if user_root:
        dirs.append(root)
    dirs.extend(spec.system_dirs)
    return dirs


def find(dirs: list[Path]) -> dict[str, Path]:
    """Base name -> the first existing file ``<dir>/<base>.gz`` or ``<dir>/<base>``."""
    found = {}
    for base in FILES.values():
        for d in dirs:
            hit = next((d / n for n in (base + ".gz", base) if (d / n).is_file()), None)
            if hit is not None:
                found[base] = hit
                break
    return found
