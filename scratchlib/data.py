"""MNIST and Fashion-MNIST loaders that work offline, behind flaky mirrors and in parallel.

The two public loaders, :func:`load_mnist` and :func:`load_fashion_mnist`, return the
same ``((x_train, t_train), (x_test, t_test))`` tuple as the book's
``dataset.mnist.load_mnist``. The four IDX files of a dataset are looked up, in order, in

1. the *data root*: the ``data_home`` argument, else ``$SCRATCHLIB_DATA``, else the per-user
   cache ``$XDG_CACHE_HOME/scratchlib`` (``~/.cache/scratchlib``); inside it the folder
   ``<root>/mnist`` or ``<root>/fashion-mnist``, and for a root you chose yourself
   (``data_home`` or ``$SCRATCHLIB_DATA``) also the root folder itself;
2. for Fashion-MNIST, the Debian package's folder ``/usr/share/datasets/fashion-mnist``;
3. unless ``download=False``, the mirrors, downloaded into ``<root>/<dataset>``.

A file may be gzip-, xz- or bzip2-compressed or not compressed at all, named with or without
``.gz``. Whatever the container, its *content* is verified: the SHA-256 of the decompressed IDX
bytes must be the published dataset's (:data:`CONTENT_SHA256`). A copy recompressed by a mirror
or a Linux distribution therefore verifies; a file that is exactly the publisher's ``.gz``
(:data:`OFFICIAL_GZ_MD5`) verifies too, which is the only check for the one file whose
content hash is not recorded (MNIST's training images). Local files are verified once: the
parsed arrays are cached as an uncompressed ``.npz`` beside the downloads, under a name derived
from the source files' paths, sizes and modification times, so a later load reads that cache
without decompressing or hashing anything. Nothing is ever written inside the installed package.

Mirrors are tried in order, each file from the first mirror that serves the right content.
Your own mirror (any folder on a web server holding the four files) goes first with the
``mirrors=`` argument or the environment variable ``SCRATCHLIB_MNIST_MIRRORS`` /
``SCRATCHLIB_FASHION_MNIST_MIRRORS`` (comma-separated base URLs). A mirror that cannot be reached
is given ``$SCRATCHLIB_CONNECT_TIMEOUT`` seconds to accept the connection (default 10) and then
``$SCRATCHLIB_READ_TIMEOUT`` seconds for each read (default 30); one that times out or refuses
is not asked again for the other files.

Run ``python -m scratchlib fashion-mnist`` (or ``mnist``) to fetch a dataset ahead of
time.
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import hashlib
import http.client
import json
import lzma
import os
import socket
import sys
import urllib.error
import urllib.request
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from filelock import FileLock

from scratchlib.files import atomic_write

__all__ = [
    "FASHION_MNIST_CLASSES",
    "DatasetError",
    "load_fashion_mnist",
    "load_mnist",
    "read_idx",
]

FASHION_MNIST_CLASSES: tuple[str, ...] = (
    "T-shirt/top",
    "Trouser",
    "Pullover",
    "Dress",
    "Coat",
    "Sandal",
    "Shirt",
    "Sneaker",
    "Bag",
    "Ankle boot",
)
"""The ten Fashion-MNIST class names, indexed by label 0..9."""

#: Seconds a mirror has to accept the connection (``$SCRATCHLIB_CONNECT_TIMEOUT``).
DEFAULT_CONNECT_TIMEOUT = 10.0
#: Seconds a connected mirror may stay silent during a read (``$SCRATCHLIB_READ_TIMEOUT``).
DEFAULT_READ_TIMEOUT = 30.0

#: The debian package folder (Fashion-MNIST only).
DEBIAN_FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")

#: The four files of a dataset, by role; on mirrors they are ``<name>.gz``.
_FILES = {
    "train_img": "train-images-idx3-ubyte",
    "train_label": "train-labels-idx1-ubyte",
    "test_img": "t10k-images-idx3-ubyte",
    "test_label": "t10k-labels-idx1-ubyte",
}

#: SHA-256 of each file's decompressed IDX bytes, by dataset (None: not recorded). Tests
#: replace the entries with their fixtures'.
CONTENT_SHA256: dict[str, dict[str, str | None]] = {
    "mnist": {
        "train-images-idx3-ubyte": None,  # only the official .gz MD5 below verifies it
        "train-labels-idx1-ubyte": (
            "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5"
        ),
        "t10k-images-idx3-ubyte": (
            "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7"
        ),
        "t10k-labels-idx1-ubyte": (
            "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2"
        ),
    },
    "fashion-mnist": {
        "train-images-idx3-ubyte": (
            "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888"
        ),
        "train-labels-idx1-ubyte": (
            "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9"
        ),
        "t10k-images-idx3-ubyte": (
            "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b"
        ),
        "t10k-labels-idx1-ubyte": (
            "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34"
        ),
    },
}

#: MD5 of the publishers' own ``.gz`` files, as they list them: a byte-identical copy verifies.
OFFICIAL_GZ_MD5: dict[str, dict[str, str]] = {
    "mnist": {
        "train-images-idx3-ubyte": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte": "d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte": "ec29112dd5afa0611ce80d1b7f02629c",
    },
    "fashion-mnist": {
        "train-images-idx3-ubyte": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "train-labels-idx1-ubyte": "25c81989df183df01b3e8a0aad5dffbe",
        "t10k-images-idx3-ubyte": "bef4ecab320f06d8554ea6380940ec79",
        "t10k-labels-idx1-ubyte": "bb300cfdad3c16e7a12a480ee83cd310",
    },
}


@dataclass(frozen=True)
class _Dataset:
    name: str
    loader: str
    homepage: str
    mirrors: tuple[str, ...]
    mirrors_env: str
    system_dirs: tuple[Path, ...] = ()
    apt_package: str | None = None


_DATASETS = {
    "mnist": _Dataset(
        name="mnist",
        loader="load_mnist",
        homepage="https://yann.lecun.com/exdb/mnist/",
        mirrors=(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
        ),
        mirrors_env="SCRATCHLIB_MNIST_MIRRORS",
    ),
    "fashion-mnist": _Dataset(
        name="fashion-mnist",
        loader="load_fashion_mnist",
        homepage="https://github.com/zalandoresearch/fashion-mnist",
        mirrors=(
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
        ),
        mirrors_env="SCRATCHLIB_FASHION_MNIST_MIRRORS",
        system_dirs=(DEBIAN_FASHION_MNIST_DIR,),
        apt_package="dataset-fashion-mnist",
    ),
}

_IDX_DTYPES = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_PARSED_VERSION = 2
_CHUNK = 1 << 16
_MAX_BYTES = 1 << 32


class DatasetError(RuntimeError):
    """A dataset file is missing, cannot be downloaded, or is not a valid IDX file.

    The message names the file, the problem and what to do about it.
    """


# --------------------------------------------------------------------------- public API


def load_mnist(
    normalize: bool = True,
    flatten: bool = True,
    one_hot_label: bool = False,
    *,
    data_home: str | os.PathLike[str] | None = None,
    download: bool = True,
    mirrors: Sequence[str] | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load MNIST (handwritten digits), like the book's ``dataset.mnist.load_mnist``.

    Parameters
    ----------
    normalize : bool, default True
        If True the images are float32 in [0, 1] (pixel / 255), else uint8 in 0..255.
    flatten : bool, default True
        If True the images have shape (N, 784), else (N, 1, 28, 28).
    one_hot_label : bool, default False
        If True the labels are one-hot float32 arrays of shape (N, 10), else uint8 class
        indices of shape (N,).
    data_home : str or os.PathLike, optional
        Folder to look in and download into (default ``$SCRATCHLIB_DATA``, else
        ``~/.cache/scratchlib``). The files may sit in ``data_home`` itself or in
        ``data_home/mnist``; downloads go to ``data_home/mnist``.
    download : bool, default True
        If False, never use the network: raise :class:`DatasetError` when files are missing.
    mirrors : sequence of str, optional
        Base URLs to download from, tried in order, e.g. your own copy
        ``["https://example.org/mnist/"]`` (default ``$SCRATCHLIB_MNIST_MIRRORS``,
        comma-separated, else the built-in mirrors). Any copy with the right content verifies,
        whatever its compression.

    Returns
    -------
    tuple
        ``((x_train, t_train), (x_test, t_test))`` with N = 60000 training and 10000 test
        images. Fresh arrays on every call: modifying them does not affect later calls.

    Raises
    ------
    DatasetError
        If a file is missing and cannot be downloaded, or a file is invalid or not the
        published data.
    """
    return _load("mnist", normalize, flatten, one_hot_label, data_home, download, mirrors)


def load_fashion_mnist(
    normalize: bool = True,
    flatten: bool = True,
    one_hot_label: bool = False,
    *,
    data_home: str | os.PathLike[str] | None = None,
    download: bool = True,
    mirrors: Sequence[str] | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load Fashion-MNIST (Zalando's clothing images), with the API of :func:`load_mnist`.

    Besides the data root, the Debian package's folder ``/usr/share/datasets/fashion-mnist``
    (``apt install dataset-fashion-mnist``) is searched. Class names are in
    :data:`FASHION_MNIST_CLASSES`.

    Parameters
    ----------
    normalize : bool, default True
        If True the images are float32 in [0, 1] (pixel / 255), else uint8 in 0..255.
    flatten : bool, default True
        If True the images have shape (N, 784), else (N, 1, 28, 28).
    one_hot_label : bool, default False
        If True the labels are one-hot float32 arrays of shape (N, 10), else uint8 class
        indices of shape (N,).
    data_home : str or os.PathLike, optional
        Folder to look in and download into (default ``$SCRATCHLIB_DATA``, else
        ``~/.cache/scratchlib``). The files may sit in ``data_home`` itself or in
        ``data_home/fashion-mnist``; downloads go to ``data_home/fashion-mnist``.
    download : bool, default True
        If False, never use the network: raise :class:`DatasetError` when files are missing.
    mirrors : sequence of str, optional
        Base URLs to download from, tried in order, e.g. your own copy
        ``["https://example.org/fashion-mnist/"]`` (default
        ``$SCRATCHLIB_FASHION_MNIST_MIRRORS``, comma-separated, else Zalando's hosts). Any copy
        with the right content verifies, whatever its compression.

    Returns
    -------
    tuple
        ``((x_train, t_train), (x_test, t_test))`` with N = 60000 training and 10000 test
        images. Fresh arrays on every call: modifying them does not affect later calls.

    Raises
    ------
    DatasetError
        If a file is missing and cannot be downloaded, or a file is invalid or not the
        published data.
    """
    return _load("fashion-mnist", normalize, flatten, one_hot_label, data_home, download, mirrors)


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
    return _read_idx_hashed(Path(path))[0]


# --------------------------------------------------------------------------- IDX parsing

_MAGICS = ((b"\x1f\x8b", gzip.open), (b"\xfd7zXZ\x00", lzma.open), (b"BZh", bz2.open))


def _open_decompressed(path: Path):
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


def _read_idx_hashed(path: Path) -> tuple[np.ndarray, str]:
    """Parse an IDX file; return the array and the SHA-256 of its decompressed bytes."""
    try:
        with _open_decompressed(path) as f:
            stream = _Hashing(f)
            array = _read_idx_stream(stream, path)
            return array, stream.sha.hexdigest()
    except DatasetError:
        raise
    except (OSError, EOFError, zlib.error, lzma.LZMAError) as exc:
        raise DatasetError(f"{path}: cannot be read ({exc}). {_fix_hint(path)}") from exc


def _read_idx_header(f, path: Path) -> tuple[np.dtype, tuple[int, ...]]:
    magic = f.read(4)
    if len(magic) < 4 or magic[:2] != b"\x00\x00" or magic[2] not in _IDX_DTYPES:
        raise DatasetError(
            f"{path}: not an IDX file: expected a magic number 0x000008nn..0x00000Enn, "
            f"found {magic.hex() or 'an empty file'}. {_fix_hint(path)}"
        )
    ndim = magic[3]
    raw_dims = f.read(4 * ndim)
    if ndim == 0 or len(raw_dims) < 4 * ndim:
        raise DatasetError(
            f"{path}: IDX header announces {ndim} dimensions but the header is "
            f"{'empty' if ndim == 0 else 'cut short'}. {_fix_hint(path)}"
        )
    dims = tuple(int(d) for d in np.frombuffer(raw_dims, dtype=">u4"))
    return _IDX_DTYPES[magic[2]], dims


def _read_idx_stream(f, path: Path) -> np.ndarray:
    dtype, dims = _read_idx_header(f, path)
    expected = int(np.prod(dims, dtype=np.int64)) * dtype.itemsize
    if expected > _MAX_BYTES:
        raise DatasetError(
            f"{path}: IDX header announces {dims} of {dtype.name} ({expected} bytes), more "
            f"than any MNIST-like file; the header is corrupt. {_fix_hint(path)}"
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
        raise DatasetError(
            f"{path}: truncated: got {got} of {expected} bytes of data (IDX header {dims} of "
            f"{dtype.name}). {_fix_hint(path)}"
        )
    if f.read(1):
        raise DatasetError(
            f"{path}: IDX header {dims} of {dtype.name} promises {expected} bytes of data, "
            f"found more bytes than that. The file is corrupt. {_fix_hint(path)}"
        )
    return out.astype(dtype.newbyteorder("="), copy=False)


# --------------------------------------------------------------------------- verification


def _content_problem(spec: _Dataset, base: str, path: Path, content_sha: str, sums) -> str:
    """Why ``path`` is not the published ``base`` (see the module docstring), or ""."""
    expected = sums[0].get(base)
    if expected is not None and content_sha == expected:
        return ""
    official_md5 = sums[1].get(base)
    if official_md5 is not None and _md5(path) == official_md5:
        return ""
    if expected is None:
        return f"not the publisher's {base}.gz (MD5 {_md5(path)}, expected {official_md5})"
    return (
        f"not the published {spec.name} {base}: the SHA-256 of its content is "
        f"{content_sha}, expected {expected}"
    )


def _verify(spec: _Dataset, base: str, path: Path, content_sha: str, sums) -> None:
    problem = _content_problem(spec, base, path, content_sha, sums)
    if problem:
        raise DatasetError(f"{path}: {problem}. {_fix_hint(path)}")


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _sums(name: str) -> tuple[dict[str, str | None], dict[str, str]]:
    return CONTENT_SHA256[name], OFFICIAL_GZ_MD5[name]


# --------------------------------------------------------------------------- locations


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "scratchlib"


def _data_root(data_home) -> tuple[Path, bool]:
    """Return the data root and whether the user chose it (argument or environment)."""
    if data_home is not None:
        return Path(data_home).expanduser(), True
    env = os.environ.get("SCRATCHLIB_DATA")
    if env:
        return Path(env).expanduser(), True
    return _cache_root(), False


def _search_dirs(spec: _Dataset, root: Path, user_root: bool) -> list[Path]:
    dirs = [root / spec.name]
    if user_root:
        dirs.append(root)
    dirs.extend(spec.system_dirs)
    return dirs


def _mirror_list(spec: _Dataset, mirrors: Sequence[str] | None) -> list[str]:
    if mirrors is None:
        env = os.environ.get(spec.mirrors_env, "")
        mirrors = [m.strip() for m in env.split(",") if m.strip()] or list(spec.mirrors)
    if isinstance(mirrors, str):
        mirrors = [mirrors]
    return [m if m.endswith("/") else m + "/" for m in mirrors]


def _seconds(variable: str, default: float) -> float:
    env = os.environ.get(variable)
    try:
        value = float(env) if env else default
    except ValueError:
        value = -1.0
    if not value > 0:
        raise DatasetError(f"${variable} must be a number of seconds > 0, found {env!r}.")
    return value


def _fix_hint(path: Path) -> str:
    """What to do about a bad file: reinstall the Debian package, else delete and re-download."""
    if DEBIAN_FASHION_MNIST_DIR in Path(path).parents:
        return "Reinstall it: sudo apt-get install --reinstall dataset-fashion-mnist."
    return (
        f"Delete it (rm '{path}') so that it is downloaded again, or replace it with a good "
        "copy of the published file."
    )


def _find(dirs: list[Path]) -> dict[str, Path]:
    """base name -> the first existing file ``<dir>/<base>.gz`` or ``<dir>/<base>``."""
    found = {}
    for base in _FILES.values():
        for d in dirs:
            hit = next((d / n for n in (base + ".gz", base) if (d / n).is_file()), None)
            if hit is not None:
                found[base] = hit
                break
    return found


# --------------------------------------------------------------------------- downloads


class _ConnectTimeout(OSError):
    """The mirror did not accept the connection within the connect timeout."""


def _connection(base: type[http.client.HTTPConnection], read_timeout: float):
    class Connection(base):
        """Connect within ``timeout`` (the connect timeout), then allow ``read_timeout``."""

        def connect(self) -> None:
            try:
                super().connect()
            except TimeoutError as exc:
                raise _ConnectTimeout(str(exc)) from exc
            self.sock.settimeout(read_timeout)

    return Connection


def _opener(read_timeout: float) -> urllib.request.OpenerDirector:
    http_conn = _connection(http.client.HTTPConnection, read_timeout)
    https_conn = _connection(http.client.HTTPSConnection, read_timeout)

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req):
            return self.do_open(http_conn, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req):
            return self.do_open(https_conn, req, context=self._context)

    return urllib.request.build_opener(HTTPHandler(), HTTPSHandler())


@dataclass
class _Settings:
    connect: float
    read: float
    opener: urllib.request.OpenerDirector

    @classmethod
    def from_environment(cls) -> _Settings:
        read = _seconds("SCRATCHLIB_READ_TIMEOUT", DEFAULT_READ_TIMEOUT)
        connect = _seconds("SCRATCHLIB_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT)
        return cls(connect, read, _opener(read))


def _progress(total: int | None, dest: Path):
    """A tqdm bar naming the destination if tqdm is installed, else one line per file."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _PlainProgress(dest)
    return tqdm(total=total, desc=f"{dest.parent.name}/{dest.name}", unit="B", unit_scale=True)


class _PlainProgress:
    def __init__(self, dest: Path) -> None:
        self.dest, self.size = dest, 0

    def update(self, n: int) -> None:
        self.size += n

    def close(self) -> None:
        print(f"{self.dest.parent.name}/{self.dest.name}: {self.size / 1e6:.1f} MB", flush=True)


def _fetch(url: str, dest: Path, settings: _Settings) -> None:
    """Download ``url`` into ``dest`` atomically; raise on any failure (nothing left)."""

    def copy(out) -> None:
        with settings.opener.open(url, timeout=settings.connect) as r:
            length = r.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            bar = _progress(total, dest)
            size = 0
            try:
                while chunk := r.read(_CHUNK):
                    out.write(chunk)
                    bar.update(len(chunk))
                    size += len(chunk)
            except http.client.IncompleteRead as exc:
                size += len(exc.partial)
            finally:
                bar.close()
        if total is not None and size != total:
            raise DatasetError(f"truncated: got {size} of {total} bytes")

    atomic_write(dest, copy)


def _describe(exc: BaseException, settings: _Settings) -> str:
    """One short line saying why a download failed."""
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    reason = exc.reason if isinstance(exc, urllib.error.URLError) else exc
    if isinstance(reason, _ConnectTimeout):
        return (
            f"no connection within {settings.connect:g} s "
            f"(raise $SCRATCHLIB_CONNECT_TIMEOUT on a slow network)"
        )
    if isinstance(reason, TimeoutError):
        return f"no data for {settings.read:g} s (raise $SCRATCHLIB_READ_TIMEOUT on a slow network)"
    if isinstance(reason, socket.gaierror):
        return f"unknown host ({reason.strerror})"
    if isinstance(reason, OSError) and reason.strerror:
        return f"cannot connect ({reason.strerror})"
    return str(reason) or type(reason).__name__


def _host_failed(exc: BaseException) -> bool:
    if isinstance(exc, urllib.error.HTTPError):
        return False
    return isinstance(exc, (urllib.error.URLError, TimeoutError, ConnectionError))


def _download(spec, base: str, dest_dir: Path, mirrors, down: dict, settings, sums) -> list:
    """Fetch ``<base>.gz`` from the first good mirror; return the failures (empty: success).

    ``down`` maps a mirror that failed as a host (no connection, timeout) to its failure, so
    it is not asked again for the next files.
    """
    filename = base + ".gz"
    dest = dest_dir / filename
    failures: list[str] = []
    live = [m for m in mirrors if m not in down]
    for i, mirror in enumerate(live):
        url = mirror + filename
        try:
            _fetch(url, dest, settings)
            problem = _downloaded_problem(spec, base, dest, sums)
            if not problem:
                return []
            dest.unlink()
            raise DatasetError(problem)
        except (OSError, DatasetError, http.client.HTTPException, ValueError) as exc:
            reason = _describe(exc, settings)
            if _host_failed(exc):
                down.add(mirror)
            failures.append(f"{url}: {reason}")
            if i + 1 < len(live):
                print(f"{url}: {reason}; trying the next mirror", flush=True)
    failures += [
        f"{m}{filename}: not tried, the mirror failed before" for m in mirrors if m not in live
    ]
    return failures


def _downloaded_problem(spec: _Dataset, base: str, dest: Path, sums) -> str:
    """What is wrong with a fresh download (parse or content), without path and advice."""
    try:
        content_sha = _read_idx_hashed(dest)[1]
    except DatasetError as exc:
        return str(exc).removeprefix(f"{dest}: ").split(". Delete it")[0]
    return _content_problem(spec, base, dest, content_sha, sums)


def _locate(spec: _Dataset, data_home, download: bool, mirrors, sums) -> dict[str, Path]:
    root, user_root = _data_root(data_home)
    dirs = _search_dirs(spec, root, user_root)
    found = _find(dirs)
    missing = [b for b in _FILES.values() if b not in found]
    if not missing:
        return found
    urls = _mirror_list(spec, mirrors)
    if not download:
        raise DatasetError(_missing_message(spec, missing, dirs, None))
    settings = _Settings.from_environment()
    dest_dir = root / spec.name
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
            failures += _download(spec, base, dest_dir, urls, down, settings, sums)
    found = _find(dirs)
    still_missing = [b for b in _FILES.values() if b not in found]
    if still_missing:
        raise DatasetError(_missing_message(spec, still_missing, dirs, failures, settings))
    return found


def _missing_message(spec, missing, dirs, failures, settings=None) -> str:
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


# --------------------------------------------------------------------------- parsed cache


def _source_key(spec: _Dataset, paths: dict[str, Path], sums) -> str:
    """Names the parsed cache after the sources it was verified from and the checksums."""
    stamp = []
    for base in _FILES.values():
        st = paths[base].stat()
        stamp.append([str(paths[base].resolve()), st.st_size, st.st_mtime_ns])
    checks = [[sums[0].get(b), sums[1].get(b)] for b in _FILES.values()]
    blob = json.dumps([_PARSED_VERSION, spec.name, checks, stamp]).encode()
    return hashlib.sha256(blob).hexdigest()[:16]


def _parsed_path(spec: _Dataset, data_home, key: str) -> Path:
    root, _ = _data_root(data_home)
    return root / spec.name / f"parsed-{key}.npz"


def _read_parsed(path: Path) -> dict[str, np.ndarray] | None:
    try:
        # open the file ourselves: np.load leaks its handle when the file is not an archive
        with open(path, "rb") as f, np.load(f, allow_pickle=False) as z:
            arrays = {k: z[k] for k in _FILES}
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


def _write_parsed(path: Path, arrays: dict[str, np.ndarray]) -> None:
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


def _parse(spec: _Dataset, paths: dict[str, Path], sums) -> dict[str, np.ndarray]:
    """Parse and verify the four files."""
    arrays = {}
    for key, base in _FILES.items():
        arrays[key], content_sha = _read_idx_hashed(paths[base])
        _verify(spec, base, paths[base], content_sha, sums)
    for part in ("train", "test"):
        _check_pair(arrays[f"{part}_img"], arrays[f"{part}_label"], paths, part)
    return arrays


def _check_pair(images, labels, paths, part: str) -> None:
    img_path = paths[_FILES[f"{part}_img"]]
    lbl_path = paths[_FILES[f"{part}_label"]]
    if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
        raise DatasetError(
            f"{img_path}: expected uint8 images of shape (N, 28, 28), found {images.dtype} "
            f"{images.shape}. {_fix_hint(img_path)}"
        )
    if labels.dtype != np.uint8 or labels.ndim != 1:
        raise DatasetError(
            f"{lbl_path}: expected uint8 labels of shape (N,), found {labels.dtype} "
            f"{labels.shape}. {_fix_hint(lbl_path)}"
        )
    if len(labels) != len(images):
        raise DatasetError(
            f"{img_path} has {len(images)} images but {lbl_path} has {len(labels)} labels: "
            f"they must agree. One of them is from another dataset or version; "
            f"{_fix_hint(img_path)}"
        )
    if labels.size and labels.max() > 9:
        raise DatasetError(
            f"{lbl_path}: labels must be 0..9, found {int(labels.max())}. {_fix_hint(lbl_path)}"
        )


def _load_arrays(spec, data_home, download, mirrors) -> dict[str, np.ndarray]:
    sums = _sums(spec.name)
    paths = _locate(spec, data_home, download, mirrors, sums)
    cache = _parsed_path(spec, data_home, _source_key(spec, paths, sums))
    arrays = _read_parsed(cache) if cache.is_file() else None
    if arrays is None:
        arrays = _parse(spec, paths, sums)
        _write_parsed(cache, arrays)
    return arrays


# --------------------------------------------------------------------------- conversion


def _to_float(images: np.ndarray) -> np.ndarray:
    """uint8 -> float32 / 255, in one pass, equal to ``x.astype(np.float32) / 255``."""
    out = np.empty(images.shape, dtype=np.float32)
    np.divide(images, np.float32(255), out=out, dtype=np.float32)
    return out


def _one_hot(labels: np.ndarray) -> np.ndarray:
    out = np.zeros((labels.size, 10), dtype=np.float32)
    out[np.arange(labels.size), labels] = 1.0
    return out


def _shape(images: np.ndarray, labels: np.ndarray, normalize, flatten, one_hot_label):
    x = _to_float(images) if normalize else images
    x = x.reshape(len(x), 784) if flatten else x.reshape(len(x), 1, 28, 28)
    t = _one_hot(labels) if one_hot_label else labels
    return x, t


def _load(
    name: str,
    normalize: bool = True,
    flatten: bool = True,
    one_hot_label: bool = False,
    data_home=None,
    download: bool = True,
    mirrors: Sequence[str] | None = None,
):
    spec = _DATASETS[name]
    a = _load_arrays(spec, data_home, download, mirrors)
    train = _shape(a["train_img"], a["train_label"], normalize, flatten, one_hot_label)
    test = _shape(a["test_img"], a["test_label"], normalize, flatten, one_hot_label)
    return train, test


# --------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: make sure a dataset is available and verified; print where it is."""
    parser = argparse.ArgumentParser(
        prog="python -m scratchlib",
        description="Make sure MNIST or Fashion-MNIST is available (download it if needed) "
        "and verify its content.",
    )
    parser.add_argument("dataset", choices=sorted(_DATASETS))
    parser.add_argument("--data-home", default=None, help="folder to look in and download to")
    parser.add_argument("--offline", action="store_true", help="never download")
    parser.add_argument(
        "--mirror",
        action="append",
        help="base URL of a mirror, instead of the built-in ones (repeatable)",
    )
    args = parser.parse_args(argv)
    spec = _DATASETS[args.dataset]
    try:
        _load_arrays(spec, args.data_home, not args.offline, args.mirror)
        paths = _locate(spec, args.data_home, False, args.mirror, _sums(spec.name))
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    folders = sorted({str(p.parent) for p in paths.values()})
    print(f"{spec.name}: {', '.join(folders)}")
    return 0
