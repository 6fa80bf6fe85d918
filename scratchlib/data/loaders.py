"""The two loaders, :func:`load_fashion_mnist` and :func:`load_mnist`, and the steps they share.

Both return the book's ``((x_train, t_train), (x_test, t_test))``: the four files located
(found, else downloaded), read from the parsed cache or else parsed and verified, and shaped as
the arguments ask.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from scratchlib.data import downloads, locations, parsed, verify
from scratchlib.data.errors import DatasetError
from scratchlib.data.registry import DATASETS, FILES, Dataset

__all__ = ["load_arrays", "load_fashion_mnist", "load_mnist", "locate"]


def load_fashion_mnist(
    normalize: bool = True,
    flatten: bool = True,
    one_hot_label: bool = False,
    *,
    data_home: str | os.PathLike[str] | None = None,
    download: bool = True,
    mirrors: Sequence[str] | None = None,
) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Load Fashion-MNIST (Zalando's clothing images), with the arguments of the book's loader.

    The course's dataset, in the layout of the book's ``dataset.mnist.load_mnist``.
    :func:`load_mnist` loads the book's dataset with the same arguments. Besides the data root,
    the Debian package's folder ``/usr/share/datasets/fashion-mnist``
    (``apt install dataset-fashion-mnist``) is searched. Class names are in
    :data:`FASHION_MNIST_CLASSES`.

    Used in: chapter 1, §1.1 (the data); chapter 2, §2.5 (a minibatch for the network);
    chapters 3 and 4 (loaded at the top).

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
        ``data_home/<dataset>``; downloads go to ``data_home/<dataset>``, where ``<dataset>`` is
        ``fashion-mnist`` (``mnist`` for :func:`load_mnist`).
    download : bool, default True
        If False, never use the network: raise :class:`DatasetError` when files are missing.
    mirrors : sequence of str, optional
        Base URLs to download from, tried in order, e.g. your own copy
        ``["https://example.org/fashion-mnist/"]`` (default
        ``$SCRATCHLIB_FASHION_MNIST_MIRRORS``, for :func:`load_mnist`
        ``$SCRATCHLIB_MNIST_MIRRORS``, comma-separated, else the built-in mirrors). Any copy with
        the right content verifies, whatever its compression.

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

    The parameters, the result and the errors are those of :func:`load_fashion_mnist`: only the
    dataset differs. Its folder under the data root is ``mnist``, it has no system folder, its
    mirrors come from ``$SCRATCHLIB_MNIST_MIRRORS``, else two copies of the publisher's files,
    and its labels are the digits 0..9.

    Named in: chapter 1, §1.1 (the one-line switch to the book's dataset, written there as a
    comment).

    See Also
    --------
    load_fashion_mnist : The parameters, the result and the errors, which are the same.
    """
    return _load("mnist", normalize, flatten, one_hot_label, data_home, download, mirrors)


def locate(
    spec: Dataset,
    data_home: str | os.PathLike[str] | None,
    download: bool,
    mirrors: Sequence[str] | None,
) -> dict[str, Path]:
    """The four files of ``spec`` by base name: found locally, else downloaded if allowed."""
    root, user_root = locations.data_root(data_home)
    dirs = locations.search_dirs(spec, root, user_root)
    found = locations.find(dirs)
    missing = [b for b in FILES.values() if b not in found]
    if not missing:
        return found
    if not download:
        raise DatasetError(downloads.missing_message(spec, missing, dirs, None))
    return downloads.download_missing(spec, missing, dirs, mirrors)


def load_arrays(
    spec: Dataset,
    data_home: str | os.PathLike[str] | None,
    download: bool,
    mirrors: Sequence[str] | None,
) -> dict[str, np.ndarray]:
    """The verified uint8 arrays by role: from the parsed cache, else parsed and cached."""
    paths = locate(spec, data_home, download, mirrors)
    cache = parsed.cache_path(spec, data_home, paths)
    arrays = parsed.read_cache(cache)
    if arrays is None:
        arrays = verify.read_verified(spec, paths)
        parsed.write_cache(cache, arrays)
    return arrays


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


def _load(name, normalize, flatten, one_hot_label, data_home, download, mirrors):
    a = load_arrays(DATASETS[name], data_home, download, mirrors)
    train = _shape(a["train_img"], a["train_label"], normalize, flatten, one_hot_label)
    test = _shape(a["test_img"], a["test_label"], normalize, flatten, one_hot_label)
    return train, test
