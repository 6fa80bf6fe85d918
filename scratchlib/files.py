"""Writing a file all at once: a reader sees the old file or the new one, never half of one.

The one place the course writes files that something else may read while they are written
(downloads and the parsed dataset cache in :mod:`scratchlib.data`, the verdicts, grades,
feedback and report of ``make grade``, the book's PDF): the content goes to a temporary file
in the same folder, which then replaces the target in one step (``os.replace``). When writing
fails, the temporary file is removed and the target is left as it was.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any, TypeVar

__all__ = ["atomic_write"]

T = TypeVar("T")


def atomic_write(
    path: str | os.PathLike[str],
    write: Callable[[IO[Any]], T],
    *,
    mode: str = "wb",
    encoding: str | None = None,
    newline: str | None = None,
    permissions: int = 0o644,
) -> T:
    """Create or replace ``path`` with what ``write(f)`` writes to an open file ``f``.

    ``write`` fills a temporary file ``.<name>.<random>.part`` next to ``path``; only when it
    returns is the file given ``permissions`` and moved onto ``path``. If ``write`` raises
    (any exception, also ``KeyboardInterrupt``), the temporary file is deleted, ``path`` keeps
    its old content (or stays absent), and the exception propagates.

    Parameters
    ----------
    path : str or path-like
        The file to create or replace. Its folder must exist.
    write : callable
        ``write(f)`` writes the whole content to ``f``; it may raise to abandon the write.
    mode : {"wb", "w"}, default "wb"
        Binary or text, as for :func:`open`.
    encoding, newline : str, optional
        As for :func:`open`, text mode only (``encoding`` defaults to ``"utf-8"`` there).
    permissions : int, default 0o644
        The finished file's mode bits (readable by everyone, writable by the owner).

    Returns
    -------
    object
        Whatever ``write`` returns (e.g. the number of bytes it copied).

    Raises
    ------
    ValueError
        If ``mode`` is neither ``"wb"`` nor ``"w"``, or ``encoding`` / ``newline`` are given
        in binary mode.
    FileNotFoundError
        If the folder of ``path`` does not exist.
    """
    if mode not in ("wb", "w"):
        raise ValueError(f"atomic_write: mode must be 'wb' or 'w', got {mode!r}")
    if mode == "wb" and (encoding is not None or newline is not None):
        raise ValueError("atomic_write: encoding and newline are for text mode (mode='w') only")
    path = Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(
            f"atomic_write: cannot write {path}: the folder {path.parent} does not exist; "
            f"create it first (e.g. Path({str(path.parent)!r}).mkdir(parents=True))"
        )
    if mode == "w" and encoding is None:
        encoding = "utf-8"
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, mode, encoding=encoding, newline=newline) as f:
            result = write(f)
        os.chmod(tmp, permissions)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return result
