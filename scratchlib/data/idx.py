"""IDX parsing: one file, compressed (gzip, xz, bzip2) or raw, into a numpy array.

The IDX format (LeCun's, used by MNIST and Fashion-MNIST): a magic number ``0x0000TTNN``, where
``TT`` is the element type and ``NN`` the number of dimensions, then each dimension as a
big-endian uint32, then the data. The container is detected from the file's first bytes, not
its name. While it parses, :func:`read_idx_hashed` also hashes the decompressed bytes, so that
a file is verified by its content in the same pass (:mod:`scratchlib.data.verify`).
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma
import os
import zlib
from pathlib import Path
from typing import IO

import numpy as np

from scratchlib.data.errors import DatasetError, file_error

__all__ = ["open_decompressed", "read_idx", "read_idx_hashed"]

_IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_MAGICS = ((b"\x1f\x8b", gzip.open), (b"\xfd7zXZ\x00", lzma.open), (b"BZh", bz2.open))
_MAX_BYTES = 1 << 32


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read one IDX file, compressed (gzip, xz, bzip2) or raw (detected from its first bytes).

    Parameters
    ----------
    path : str or os.PathLike
        The file, e.g. ``train-images-idx3-ubyte.gz``.

    Returns
    -------
    numpy.ndarray
        A new writable array with the shape given by the header, e.g. (60000, 28, 28) uint8
        for images or (60000,) uint8 for labels; multi-byte types are converted to native
        byte order.

    Raises
    ------
    DatasetError
        If the file cannot be read, is not IDX, or its size disagrees with its header.
    """
    return read_idx_hashed(Path(path))[0]


def open_decompressed(path: Path) -> IO[bytes]:
    """Open ``path`` for reading its decompressed bytes, whatever the container."""
    with open(path, "rb") as raw:
        head = raw.read(6)
    for magic, opener in _MAGICS:
        if head.startswith(magic):
            return opener(path, "rb")
    return open(path, "rb")


class _Hashing:
    """A binary stream wrapper that feeds everything read through it into a SHA-256."""

    def __init__(self, f) -> None:
        self.f = f
        self.sha = hashlib.sha256()

    def read(self, n: int) -> bytes:
        data = self.f.read(n) or b""
        self.sha.update(data)
        return data

    def readinto(self, view: memoryview) -> int:
        n = self.f.readinto(view) or 0
        self.sha.update(view[:n])
        return n


def read_idx_hashed(path: Path) -> tuple[np.ndarray, str]:
    """Parse an IDX file; return the array and the SHA-256 of its decompressed bytes."""
    try:
        with open_decompressed(path) as f:
            stream = _Hashing(f)
            array = _read_array(stream, path)
            return array, stream.sha.hexdigest()
    except DatasetError:
        raise
    except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
        raise file_error(path, f"cannot be read ({exc})") from exc


def _read_header(f, path: Path) -> tuple[np.dtype, tuple[int, ...]]:
    magic = f.read(4)
    if len(magic) < 4 or magic[:2] != b"\x00\x00" or magic[2] not in _IDX_DTYPES:
        raise file_error(
            path,
            "not an IDX file: expected a magic number 0x000008nn..0x00000Enn, "
            f"found {magic.hex() or 'an empty file'}",
        )
    ndim = magic[3]
    raw_dims = f.read(4 * ndim)
    if ndim == 0 or len(raw_dims) < 4 * ndim:
        raise file_error(
            path,
            f"IDX header announces {ndim} dimensions but the header is "
            f"{'empty' if ndim == 0 else 'cut short'}",
        )
    dims = tuple(int(d) for d in np.frombuffer(raw_dims, dtype=">u4"))
    return _IDX_DTYPES[magic[2]], dims


def _read_array(f, path: Path) -> np.ndarray:
    dtype, dims = _read_header(f, path)
    expected = int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    if expected > _MAX_BYTES:
        raise file_error(
            path,
            f"IDX header announces {dims} of {dtype.name} ({expected} bytes), more "
            "than any MNIST-like file; the header is corrupt",
        )
    out = np.empty(dims, dtype=dtype)
    view = memoryview(out.reshape(-1).view(np.uint8))
    got = 0
    while got < expected:
        n = f.readinto(view[got:])
        if not n:
            break
        got += n
    if got < expected:
        raise file_error(
            path,
            f"truncated: got {got} of {expected} bytes of data (IDX header {dims} of {dtype.name})",
        )
    if f.read(1):
        raise file_error(
            path,
            f"IDX header {dims} of {dtype.name} promises {expected} bytes of data, "
            "found more bytes than that. The file is corrupt",
        )
    return out.astype(dtype.newbyteorder("="), copy=False)
