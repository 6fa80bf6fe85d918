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

Downloads are checked against the published MD5 of each ``.gz`` file and renamed into place
only when complete. The parsed arrays are cached as an uncompressed ``.npz`` next to the
downloads, so that a second load skips the gzip parse. Nothing is ever written inside the
installed package.

Run ``python -m scratchlib fashion-mnist`` (or ``mnist``) to fetch a dataset ahead of
time.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import http.client
import json
import os
import sys
import tempfile
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

try:  # Optional: a progress bar for downloads.
    from tqdm.auto import tqdm as _tqdm
except ImportError:  # pragma: no cover - exercised only without tqdm
    _tqdm = None

try:  # Optional: an advisory lock so that two processes do not download the same file.
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

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

#: Seconds allowed for connecting and for each read from a mirror
#: (overridden by ``$SCRATCHLIB_TIMEOUT``).
DEFAULT_TIMEOUT = 30.0

#: The debian package folder (Fashion-MNIST only).
DEBIAN_FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")

_FILES = {
    "train_img": "train-images-idx3-ubyte.gz",
    "train_label": "train-labels-idx1-ubyte.gz",
    "test_img": "t10k-images-idx3-ubyte.gz",
    "test_label": "t10k-labels-idx1-ubyte.gz",
}

#: Published MD5 of each ``.gz`` file, by dataset. Tests replace entries with their fixtures'.
CHECKSUMS: dict[str, dict[str, str]] = {
    "mnist": {
        "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
    },
    "fashion-mnist": {
        "train-images-idx3-ubyte.gz": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
        "train-labels-idx1-ubyte.gz": "25c81989df183df01b3e8a0aad5dffbe",
        "t10k-images-idx3-ubyte.gz": "bef4ecab320f06d8554ea6380940ec79",
        "t10k-labels-idx1-ubyte.gz": "bb300cfdad3c16e7a12a480ee83cd310",
    },
}


@dataclass(frozen=True)
class _Dataset:
    name: str
    mirrors: tuple[str, ...]
    mirrors_env: str
    system_dirs: tuple[Path, ...] = ()
    apt_package: str | None = None


_DATASETS = {
    "mnist": _Dataset(
        name="mnist",
        mirrors=(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
        ),
        mirrors_env="SCRATCHLIB_MNIST_MIRRORS",
    ),
    "fashion-mnist": _Dataset(
        name="fashion-mnist",
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
_PARSED_VERSION = 1
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
        Base URLs to download from, tried in order (default ``$SCRATCHLIB_MNIST_MIRRORS``,
        comma-separated, else the built-in mirrors).

    Returns
    -------
    tuple
        ``((x_train, t_train), (x_test, t_test))`` with N = 60000 training and 10000 test
        images. Fresh arrays on every call: modifying them does not affect later calls.

    Raises
    ------
    DatasetError
        If a file is missing and cannot be downloaded, or a file is invalid.
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
        Base URLs to download from, tried in order (default
        ``$SCRATCHLIB_FASHION_MNIST_MIRRORS``, comma-separated, else Zalando's hosts).

    Returns
    -------
    tuple
        ``((x_train, t_train), (x_test, t_test))`` with N = 60000 training and 10000 test
        images. Fresh arrays on every call: modifying them does not affect later calls.

    Raises
    ------
    DatasetError
        If a file is missing and cannot be downloaded, or a file is invalid.
    """
    return _load("fashion-mnist", normalize, flatten, one_hot_label, data_home, download, mirrors)


def read_idx(path: str | os.PathLike[str]) -> np.ndarray:
    """Read one IDX file, gzip-compressed or raw (detected from its first bytes).

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
        If the file cannot be read, is not gzip/IDX, or its size disagrees with its header.
    """
    path = Path(path)
    try:
        with _open_maybe_gzip(path) as f:
            return _read_idx_stream(f, path)
    except DatasetError:
        raise
    except (OSError, EOFError, zlib.error) as exc:
        raise DatasetError(f"{path}: cannot be read ({exc}). {_fix_hint(path)}") from exc


# --------------------------------------------------------------------------- IDX parsing


def _open_maybe_gzip(path: Path):
    with open(path, "rb") as raw:
        gzipped = raw.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if gzipped else open(path, "rb")


def _read_exactly(f, n: int) -> bytes:
    data = f.read(n)
    return data if data is not None else b""


def _read_idx_header(f, path: Path) -> tuple[np.dtype, tuple[int, ...]]:
    magic = _read_exactly(f, 4)
    if len(magic) < 4 or magic[:2] != b"\x00\x00" or magic[2] not in _IDX_DTYPES:
        raise DatasetError(
            f"{path}: not an IDX file: expected a magic number 0x000008nn..0x00000Enn, "
            f"found {magic.hex() or 'an empty file'}. {_fix_hint(path)}"
        )
    ndim = magic[3]
    raw_dims = _read_exactly(f, 4 * ndim)
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
    extra = len(_read_exactly(f, 1)) if got == expected else 0
    if got != expected or extra:
        found = f"{got} bytes" if got < expected else "more bytes than that"
        raise DatasetError(
            f"{path}: IDX header {dims} of {dtype.name} promises {expected} bytes of data, "
            f"found {found}. The file is truncated or corrupt. {_fix_hint(path)}"
        )
    return out.astype(dtype.newbyteorder("="), copy=False)


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


def _timeout() -> float:
    env = os.environ.get("SCRATCHLIB_TIMEOUT")
    try:
        return float(env) if env else DEFAULT_TIMEOUT
    except ValueError as exc:
        raise DatasetError(f"$SCRATCHLIB_TIMEOUT must be seconds, found {env!r}.") from exc


def _fix_hint(path: Path) -> str:
    """What to do about a bad file: reinstall the Debian package, else delete and re-download."""
    if DEBIAN_FASHION_MNIST_DIR in Path(path).parents:
        return "Reinstall it: sudo apt-get install --reinstall dataset-fashion-mnist."
    return (
        f"Delete it (rm '{path}') so that it is downloaded again, or replace it with a good "
        "copy of the published file."
    )


# --------------------------------------------------------------------------- downloads


@contextlib.contextmanager
def _locked(directory: Path) -> Iterator[None]:
    """Hold an advisory lock on ``directory/.lock`` (no-op where fcntl is missing)."""
    if fcntl is None:  # pragma: no cover
        yield
        return
    with open(directory / ".lock", "a+b") as lock:
        fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock.fileno(), fcntl.LOCK_UN)


def _progress(total: int | None, desc: str):
    if _tqdm is not None:
        return _tqdm(total=total, desc=desc, unit="B", unit_scale=True, leave=False)
    return _NoProgress()


class _NoProgress:
    def update(self, n: int) -> None:
        pass

    def close(self) -> None:
        pass


def _fetch(url: str, dest: Path, md5: str | None, timeout: float) -> None:
    """Download ``url`` into ``dest`` atomically, checking length and MD5; raise on failure."""
    fd, tmp_name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".part")
    tmp = Path(tmp_name)
    try:
        digest = hashlib.md5(usedforsecurity=False)
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=timeout) as resp:
            length = resp.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
            bar = _progress(total, dest.name)
            try:
                size = _copy(resp, out, digest, bar)
            finally:
                bar.close()
        if total is not None and size != total:
            raise DatasetError(f"truncated: got {size} of {total} bytes")
        if md5 is not None and digest.hexdigest() != md5:
            raise DatasetError(f"checksum mismatch: MD5 {digest.hexdigest()}, expected {md5}")
        os.chmod(tmp, 0o644)
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _copy(resp, out, digest, bar) -> int:
    size = 0
    while chunk := resp.read(_CHUNK):
        out.write(chunk)
        digest.update(chunk)
        bar.update(len(chunk))
        size += len(chunk)
    return size


def _describe(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        reason = exc.reason
        return f"timed out ({reason})" if isinstance(reason, TimeoutError) else str(reason)
    if isinstance(exc, TimeoutError):
        return "timed out"
    if isinstance(exc, http.client.IncompleteRead):
        return f"truncated: connection closed after {len(exc.partial)} more bytes"
    return str(exc) or type(exc).__name__


def _download(filename: str, dest_dir: Path, mirrors: list[str], md5: str | None) -> list[str]:
    """Try each mirror in order; return the list of failure lines (empty on success)."""
    dest = dest_dir / filename
    failures: list[str] = []
    timeout = _timeout()
    for base in mirrors:
        url = base + filename
        try:
            _fetch(url, dest, md5, timeout)
            return []
        except (OSError, DatasetError, http.client.HTTPException, ValueError) as exc:
            line = f"scratchlib.data: {url}: {_describe(exc)}"
            print(line, file=sys.stderr, flush=True)
            failures.append(line)
    return failures


# --------------------------------------------------------------------------- locating


def _find(dirs: list[Path]) -> dict[str, Path]:
    found = {}
    for filename in _FILES.values():
        for d in dirs:
            if (d / filename).is_file():
                found[filename] = d / filename
                break
    return found


def _locate(spec, data_home, download, mirrors, checksums) -> dict[str, Path]:
    root, user_root = _data_root(data_home)
    dirs = _search_dirs(spec, root, user_root)
    found = _find(dirs)
    missing = [f for f in _FILES.values() if f not in found]
    if not missing:
        return found
    urls = _mirror_list(spec, mirrors)
    if not download:
        raise DatasetError(_missing_message(spec, missing, dirs, urls, None))
    dest_dir = root / spec.name
    try:
        dest_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatasetError(
            f"Cannot create the download folder {dest_dir} ({exc}). Pass data_home= or set "
            "$SCRATCHLIB_DATA to a writable folder."
        ) from exc
    failures: list[str] = []
    with _locked(dest_dir):
        for filename in missing:
            if (dest_dir / filename).is_file():  # another process got it meanwhile
                continue
            failures += _download(filename, dest_dir, urls, checksums.get(filename))
    found = _find(dirs)
    still_missing = [f for f in _FILES.values() if f not in found]
    if still_missing:
        raise DatasetError(_missing_message(spec, still_missing, dirs, urls, failures))
    return found


def _missing_message(spec, missing, dirs, urls, failures) -> str:
    lines = [f"{spec.name}: missing file(s): {', '.join(missing)}.", "Looked in:"]
    lines += [f"  {d}" for d in dirs]
    if failures is None:
        lines.append("Not downloading (download=False). Fetch them from:")
    else:
        lines.append("Download failed:")
        lines += [f"  {f.removeprefix('scratchlib.data: ')}" for f in failures]
        lines.append("Fetch them by hand from:")
    lines += [f"  {base}{name}" for name in missing for base in urls]
    lines.append(f"and put them in {dirs[0]} (or pass data_home=).")
    if spec.apt_package:
        lines.append(f"On Debian/Ubuntu: sudo apt-get install {spec.apt_package}")
    return "\n".join(lines)


# --------------------------------------------------------------------------- parsed cache


def _source_key(paths: dict[str, Path]) -> str:
    stamp = []
    for filename in _FILES.values():
        st = paths[filename].stat()
        stamp.append([str(paths[filename].resolve()), st.st_size, st.st_mtime_ns])
    blob = json.dumps([_PARSED_VERSION, stamp]).encode()
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
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".part")
    except OSError:
        return
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as f:
            np.savez(f, **arrays)
        os.chmod(tmp, 0o644)  # as the downloads: readable by everyone sharing the cache
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)
        return
    for old in path.parent.glob("parsed-*.npz"):
        if old != path:
            old.unlink(missing_ok=True)


def _parse(paths: dict[str, Path]) -> dict[str, np.ndarray]:
    arrays = {key: read_idx(paths[filename]) for key, filename in _FILES.items()}
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


def _load_arrays(spec, data_home, download, mirrors, checksums) -> dict[str, np.ndarray]:
    paths = _locate(spec, data_home, download, mirrors, checksums)
    cache = _parsed_path(spec, data_home, _source_key(paths))
    arrays = _read_parsed(cache) if cache.is_file() else None
    if arrays is None:
        arrays = _parse(paths)
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
    *,
    checksums: dict[str, str] | None = None,
):
    spec = _DATASETS[name]
    sums = CHECKSUMS[name] if checksums is None else checksums
    a = _load_arrays(spec, data_home, download, mirrors, sums)
    train = _shape(a["train_img"], a["train_label"], normalize, flatten, one_hot_label)
    test = _shape(a["test_img"], a["test_label"], normalize, flatten, one_hot_label)
    return train, test


# --------------------------------------------------------------------------- CLI


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: make sure a dataset is available and print where its files are."""
    parser = argparse.ArgumentParser(
        prog="python -m scratchlib",
        description="Make sure MNIST or Fashion-MNIST is available (download it if needed).",
    )
    parser.add_argument("dataset", choices=sorted(_DATASETS))
    parser.add_argument("--data-home", default=None, help="folder to look in and download to")
    parser.add_argument("--offline", action="store_true", help="never download")
    parser.add_argument("--mirror", action="append", help="base URL (repeatable)")
    args = parser.parse_args(argv)
    spec = _DATASETS[args.dataset]
    try:
        paths = _locate(
            spec, args.data_home, not args.offline, args.mirror, CHECKSUMS[args.dataset]
        )
        _load(args.dataset, data_home=args.data_home, download=False)
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    folders = sorted({str(p.parent) for p in paths.values()})
    print(f"{spec.name}: {', '.join(folders)}")
    return 0
