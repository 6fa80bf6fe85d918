"""What a data error says: :class:`DatasetError`, and for a bad file the advice that goes with it.

A message about one file reads ``<path>: <reason>. <what to do>``; the error keeps the path and
the reason as attributes, so that a caller who words it differently (a download that tries the
next mirror) takes the reason instead of cutting up the message.
"""

from __future__ import annotations

import os
from pathlib import Path

from scratchlib.data.registry import DATASETS

__all__ = ["DatasetError", "file_error", "fix_hint"]


class DatasetError(RuntimeError):
    """A dataset file is missing, cannot be downloaded, or is not a valid IDX file.

    The message names the file, the problem and what to do about it.

    Attributes
    ----------
    path : pathlib.Path or None
        The file the error is about, None when it is about none or several.
    reason : str
        The problem alone, without the path and the advice, e.g. ``"truncated: got 11 of 12
        bytes of data (IDX header (3, 4) of uint8)"``; the whole message when there is no
        shorter one.
    """

    def __init__(
        self, message: str, *, path: str | os.PathLike[str] | None = None, reason: str | None = None
    ) -> None:
        super().__init__(message)
        self.path = None if path is None else Path(path)
        self.reason = message if reason is None else reason


def fix_hint(path: str | os.PathLike[str]) -> str:
    """What to do about a bad file: reinstall the system package, else delete and re-download."""
    for spec in DATASETS.values():
        if spec.apt_package and any(d in Path(path).parents for d in spec.system_dirs):
            return f"Reinstall it: sudo apt-get install --reinstall {spec.apt_package}."
    return (
        f"Delete it (rm '{path}') so that it is downloaded again, or replace it with a good "
        "copy of the published file."
    )


def file_error(path: str | os.PathLike[str], reason: str) -> DatasetError:
    """The error for a bad file: ``<path>: <reason>. <what to do>``."""
    return DatasetError(f"{path}: {reason}. {fix_hint(path)}", path=path, reason=reason)
