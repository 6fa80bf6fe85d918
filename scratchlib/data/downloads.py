"""A dataset's missing files, downloaded from its mirrors in order, and what is said on the way.

Each file comes from the first mirror that serves the right content: a mirror that answers with
an error, a broken file or other content is followed by the next, with one line saying why; a
mirror that cannot be reached (no connection, a timeout) is not asked again for the other files.
Your own mirrors (any folder on a web server holding the four files) replace the built-in ones,
given with the ``mirrors=`` argument or the dataset's environment variable
(``SCRATCHLIB_MNIST_MIRRORS``, ``SCRATCHLIB_FASHION_MNIST_MIRRORS``; comma-separated base URLs).
A file lock keeps two processes from downloading the same files at once. When files stay
missing, the error lists every URL tried and why it failed, where the files were looked for, and
what to do.
"""

from __future__ import annotations

import http.client
import os
from collections.abc import Sequence
from pathlib import Path

from filelock import FileLock

from scratchlib.data import idx, locations, verify, web
from scratchlib.data.errors import DatasetError
from scratchlib.data.registry import FILES, Dataset

__all__ = ["download_missing", "mirror_list", "missing_message"]


def mirror_list(spec: Dataset, mirrors: Sequence[str] | None) -> list[str]:
    """The base URLs to try, in order, each ending in ``/``: ``mirrors``, else the environment
    variable, else the built-in ones."""
    if mirrors is None:
        env = os.environ.get(spec.mirrors_env, "")
        mirrors = [m.strip() for m in env.split(",") if m.strip()] or list(spec.mirrors)
    if isinstance(mirrors, str):
        mirrors = [mirrors]
    return [m if m.endswith("/") else m + "/" for m in mirrors]


def download_missing(
    spec: Dataset,
    missing: list[str],
    dirs: list[Path],
    mirrors: Sequence[str] | None,
) -> dict[str, Path]:
    """Download the ``missing`` files into ``dirs[0]``; return the four files, found in ``dirs``.

    Raises
    ------
    DatasetError
        If a file is still missing afterwards, naming every URL tried and its failure.
    """
    urls = mirror_list(spec, mirrors)
    settings = web.Settings.from_environment()
    dest_dir = dirs[0]
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatasetError(
            f"Cannot create the download folder {dest_dir} ({exc}). Pass data_home= or set "
            "$SCRATCHLIB_DATA to a writable folder."
        ) from exc
    failures: list[str] = []
    down: set[str] = set()
    with FileLock(dest_dir / ".lock"):
        todo = [b for b in missing if not (dest_dir / (b + ".gz")).is_file()]  # another process
        if todo:
            print(f"Downloading {spec.name} into {dest_dir}", flush=True)
        for base in todo:
            failures += _download(spec, base, dest_dir, urls, down, settings)
    found = locations.find(dirs)
    still_missing = [b for b in FILES.values() if b not in found]
    if still_missing:
        raise DatasetError(missing_message(spec, still_missing, dirs, failures, settings))
    return found


def _download(
    spec: Dataset,
    base: str,
    dest_dir: Path,
    mirrors: list[str],
    down: set[str],
    settings: web.Settings,
) -> list[str]:
    """Fetch ``<base>.gz`` from the first good mirror; return the failures (empty: success).

    ``down`` is the set of mirrors that failed as a host (no connection, a timeout): they are
    skipped here, and a mirror that fails so now is added, so that the next files skip it too.
    """
    filename = base + ".gz"
    dest = dest_dir / filename
    failures: list[str] = []
    live = [m for m in mirrors if m not in down]
    for i, mirror in enumerate(live):
        url = mirror + filename
        try:
            web.fetch(url, dest, settings)
        except (OSError, DatasetError, http.client.HTTPException, ValueError) as exc:
            reason = web.describe(exc, settings)
            if web.host_failed(exc):
                down.add(mirror)
        else:
            reason = _downloaded_problem(spec, base, dest)
            if not reason:
                return []
            dest.unlink()
        failures.append(f"{url}: {reason}")
        if i + 1 < len(live):
            print(f"{url}: {reason}; trying the next mirror", flush=True)
    failures += [
        f"{m}{filename}: not tried, the mirror failed before" for m in mirrors if m not in live
    ]
    return failures


def _downloaded_problem(spec: Dataset, base: str, dest: Path) -> str:
    """What is wrong with a fresh download (parse or content), without path and advice."""
    try:
        content_sha = idx.read_idx_hashed(dest)[1]
    except DatasetError as exc:
        return exc.reason
    return verify.content_problem(spec, base, dest, content_sha)


def missing_message(
    spec: Dataset,
    missing: list[str],
    dirs: list[Path],
    failures: list[str] | None,
    settings: web.Settings | None = None,
) -> str:
    """The message for files that are missing: offline (``failures`` None) or not downloaded."""
    names = [b + ".gz" for b in missing]
    if failures is None:
        lines = [
            f"{spec.name}: missing file(s): {', '.join(names)}. Not downloading (download=False)."
        ]
    else:
        lines = [f"{spec.name}: could not download {', '.join(names)}.", "Tried:"]
        lines += [f"  {f}" for f in failures]
    lines.append("Looked for the files in:")
    lines += [f"  {d}" for d in dirs]
    lines.append("What to do:")
    if failures is not None:
        lines.append("  - check the internet connection and run this again;")
    lines.append(
        f"  - use a mirror you trust: {spec.loader}(mirrors=['https://host/path/']) "
        f"or the environment variable {spec.mirrors_env}=https://host/path/ (comma-separated); "
        "any copy of the published data verifies, compressed or not;"
    )
    if settings is not None:
        lines.append(
            f"  - on a slow network raise $SCRATCHLIB_CONNECT_TIMEOUT (now {settings.connect:g} s) "
            f"or $SCRATCHLIB_READ_TIMEOUT (now {settings.read:g} s);"
        )
    lines.append(f"  - or download the file(s) by hand (see {spec.homepage}):")
    lines += [f"      {spec.mirrors[0]}{name}" for name in names]
    lines.append(f"    and put them in {dirs[0]} (or pass data_home=).")
    if spec.apt_package:
        lines.append(f"  - on Debian/Ubuntu: sudo apt-get install {spec.apt_package}")
    return "\n".join(lines)
