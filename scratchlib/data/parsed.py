"""The parsed cache: the verified arrays of a dataset, kept as one uncompressed ``.npz``.

Local files are verified once. The arrays are then kept in ``<root>/<name>/parsed-<key>.npz``,
where the key is derived from the source files' paths, sizes and modification times and from
the checksums they were verified against, so that a later load reads the cache without
decompressing or hashing anything, and a changed file or checksum makes a new cache. A cache
that cannot be read is simply rebuilt; one that cannot be written is not an error.
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np

from scratchlib.data.locations import data_root
from scratchlib.data.registry import FILES, Dataset
from scratchlib.files import atomic_write

__all__ = ["cache_path", "read_cache", "write_cache"]

_PARSED_VERSION = 2


def cache_path(
    spec: Dataset, data_home: str | os.PathLike[str] | None, paths: dict[str, Path]
) -> Path:
    """Where the parsed cache of the files ``paths`` is (whether or not it exists)."""
    stamp = []
    for base in FILES.values():
        st = paths[base].stat()
        stamp.append([str(paths[base].resolve()), st.st_size, st.st_mtime_ns])
    checks = [[spec.content_sha256.get(b), spec.gz_md5.get(b)] for b in FILES.values()]
    blob = json.dumps([_PARSED_VERSION, spec.name, checks, stamp]).encode()
    key = hashlib.sha256(blob).hexdigest()[:16]
    root, _ = data_root(data_home)
    return root / spec.name / f"parsed-{key}.npz"


def read_cache(path: Path) -> dict[str, np.ndarray] | None:
    """The arrays by role, or None if there is no usable cache at ``path``."""
    if not path.is_file():
        return None
    try:
        # open the file ourselves: np.load leaks its handle when the file is not an archive
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as z:
            arrays = {k: z[k] for k in FILES}
    except Exception:  # whatever is wrong with the cache, it is simply rebuilt
        return None
    ok = (
        arrays["train_img"].dtype == np.uint8
        and arrays["train_img"].ndim == 3
        and arrays["test_img"].ndim == 3
        and arrays["train_label"].shape == arrays["train_img"].shape[:1]
        and arrays["test_label"].shape == arrays["test_img"].shape[:1]
    )
    return arrays if ok else None


def write_cache(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """Write the parsed cache atomically; remove stale ones. Best effort: errors are ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # readable by everyone sharing the cache, as the downloads
        atomic_write(path, lambda f: np.savez(f, **arrays))
    except OSError:
        return
    for old in path.parent.glob("parsed-*.npz"):
        if old != path:
            old.unlink(missing_ok=True)
