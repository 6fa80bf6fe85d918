"""Is it the published dataset? The content checksums, the publisher's ``.gz``, the shapes.

A file verifies when the SHA-256 of its decompressed IDX bytes is the one on the dataset's
record, whatever its container: a copy recompressed by a mirror or a Linux distribution
verifies. A file that is exactly the publisher's ``.gz`` (its MD5) verifies too, which is the
only check for a file whose content hash is not recorded (MNIST's training images). Then the
parsed arrays must be images and labels that belong together, which also holds a dataset of
one's own to the format.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np

from scratchlib.data import idx
from scratchlib.data.errors import DatasetError, file_error, fix_hint
from scratchlib.data.registry import FILES, Dataset

__all__ = ["content_problem", "md5", "read_verified"]


def content_problem(spec: Dataset, base: str, path: Path, content_sha: str) -> str:
    """Why ``path`` is not the published ``base`` of ``spec``, or "" if it is."""
    expected = spec.content_sha256.get(base)
    if expected is not None and content_sha == expected:
        return ""
    official_md5 = spec.gz_md5.get(base)
    if official_md5 is not None and md5(path) == official_md5:
        return ""
    if expected is None:
        return f"not the publisher's {base}.gz (MD5 {md5(path)}, expected {official_md5})"
    return (
        f"not the published {spec.name} {base}: the SHA-256 of its content is "
        f"{content_sha}, expected {expected}"
    )


def md5(path: Path) -> str:
    """The MD5 of the file's bytes as they are (not decompressed)."""
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def read_verified(spec: Dataset, paths: dict[str, Path]) -> dict[str, np.ndarray]:
    """Parse and verify the four files; return the arrays by role (the keys of ``FILES``)."""
    arrays = {}
    for role, base in FILES.items():
        arrays[role], content_sha = idx.read_idx_hashed(paths[base])
        problem = content_problem(spec, base, paths[base], content_sha)
        if problem:
            raise file_error(paths[base], problem)
    for part in ("train", "test"):
        _check_pair(arrays[f"{part}_img"], arrays[f"{part}_label"], paths, part)
    return arrays


def _check_pair(images: np.ndarray, labels: np.ndarray, paths: dict[str, Path], part: str) -> None:
    img_path = paths[FILES[f"{part}_img"]]
    lbl_path = paths[FILES[f"{part}_label"]]
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise file_error(
            img_path,
            f"expected uint8 images of shape (N, 28, 28), found {images.dtype} {images.shape}",
        )
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise file_error(
            lbl_path, f"expected uint8 labels of shape (N,), found {labels.dtype} {labels.shape}"
        )
    if len(labels) != len(images):
        raise DatasetError(
            f"{img_path} has {len(images)} images but {lbl_path} has {len(labels)} labels: "
            f"they must agree. One of them is from another dataset or version; "
            f"{fix_hint(img_path)}",
            path=img_path,
            reason=f"{len(images)} images but {len(labels)} labels in {lbl_path}",
        )
    if labels.size and labels.max() > 9:
        raise file_error(lbl_path, f"labels must be 0..9, found {int(labels.max())}")
