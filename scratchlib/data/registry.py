"""The datasets the loaders know: their files, where they are published, and their checksums.

One record per dataset, :class:`Dataset`, holds every fact the other modules need to find,
download and verify it, so that they take the record and nothing else. Two checksums per file:
the SHA-256 of its decompressed IDX bytes, which does not depend on how a mirror compressed it,
and the MD5 of the publisher's own ``.gz`` file, as the publisher lists it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

__all__ = ["DATASETS", "DEBIAN_FASHION_MNIST_DIR", "FILES", "Dataset"]

#: The four files of a dataset, by role; on mirrors they are ``<name>.gz``.
FILES = {
    "train_img": "train-images-idx3-ubyte",
    "train_label": "train-labels-idx1-ubyte",
    "test_img": "t10k-images-idx3-ubyte",
    "test_label": "t10k-labels-idx1-ubyte",
}

#: The Debian package's folder (Fashion-MNIST only).
DEBIAN_FASHION_MNIST_DIR = Path("/usr/share/datasets/fashion-mnist")


@dataclass(frozen=True)
class Dataset:
    """Everything known about one dataset.

    Attributes
    ----------
    name : str
        ``"mnist"`` or ``"fashion-mnist"``: the folder under the data root, and the argument of
        ``python -m scratchlib``.
    loader : str
        The public function that loads it, as the messages name it.
    homepage : str
        The publisher's page, for a download by hand.
    mirrors : tuple of str
        The built-in base URLs, tried in order; the messages point a download by hand at the
        first one.
    mirrors_env : str
        The environment variable that replaces ``mirrors`` (comma-separated base URLs).
    content_sha256 : mapping of str to str or None
        Base name (``"train-images-idx3-ubyte"``) to the SHA-256 of its decompressed IDX bytes;
        None where it is not recorded.
    gz_md5 : mapping of str to str
        Base name to the MD5 of the publisher's own ``.gz`` file: a byte-identical copy
        verifies, and it is the only check of a file whose content hash is not recorded.
    system_dirs : tuple of pathlib.Path, default ()
        Folders a system package installs the files into, searched after the data root.
    apt_package : str or None, default None
        The Debian package that installs them there.
    """

    name: str
    loader: str
    homepage: str
    mirrors: tuple[str, ...]
    mirrors_env: str
    content_sha256: Mapping[str, str | None]
    gz_md5: Mapping[str, str]
    system_dirs: tuple[Path, ...] = ()
    apt_package: str | None = None


#: The datasets by name. Tests replace a record with ``dataclasses.replace``.
DATASETS = {
    "mnist": Dataset(
        name="mnist",
        loader="load_mnist",
        homepage="https://yann.lecun.com/exdb/mnist/",
        mirrors=(
            "https://ossci-datasets.s3.amazonaws.com/mnist/",
            "https://storage.googleapis.com/cvdf-datasets/mnist/",
        ),
        mirrors_env="SCRATCHLIB_MNIST_MIRRORS",
        content_sha256={
            "train-images-idx3-ubyte": None,  # only the publisher's .gz MD5 below verifies it
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
        gz_md5={
            "train-images-idx3-ubyte": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
            "train-labels-idx1-ubyte": "d53e105ee54ea40749a09fcbcd1e9432",
            "t10k-images-idx3-ubyte": "9fb629c4189551a2d022fa330f9573f3",
            "t10k-labels-idx1-ubyte": "ec29112dd5afa0611ce80d1b7f02629c",
        },
    ),
    "fashion-mnist": Dataset(
        name="fashion-mnist",
        loader="load_fashion_mnist",
        homepage="https://github.com/zalandoresearch/fashion-mnist",
        mirrors=(
            "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
            "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
        ),
        mirrors_env="SCRATCHLIB_FASHION_MNIST_MIRRORS",
        content_sha256={
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
        gz_md5={
            "train-images-idx3-ubyte": "8d4fb7e6c68d591d4c3dfef9ec88bf0d",
            "train-labels-idx1-ubyte": "25c81989df183df01b3e8a0aad5dffbe",
            "t10k-images-idx3-ubyte": "bef4ecab320f06d8554ea6380940ec79",
            "t10k-labels-idx1-ubyte": "bb300cfdad3c16e7a12a480ee83cd310",
        },
        system_dirs=(DEBIAN_FASHION_MNIST_DIR,),
        apt_package="dataset-fashion-mnist",
    ),
}
