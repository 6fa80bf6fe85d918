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
bytes must be the published dataset's (recorded with the dataset, in
:mod:`scratchlib.data.registry`). A copy recompressed by a mirror or a Linux distribution
therefore verifies; a file that is exactly the publisher's ``.gz`` (its MD5, recorded too)
verifies too, which is the only check for the one file whose content hash is not recorded
(MNIST's training images). Local files are verified once: the parsed arrays are cached as an
uncompressed ``.npz`` beside the downloads, under a name derived from the source files' paths,
sizes and modification times, so a later load reads that cache without decompressing or hashing
anything. Nothing is ever written inside the installed package.

Mirrors are tried in order, each file from the first mirror that serves the right content. Your
own mirrors (any folder on a web server holding the four files) replace the built-in ones, given
with the ``mirrors=`` argument or the environment variable ``SCRATCHLIB_MNIST_MIRRORS`` /
``SCRATCHLIB_FASHION_MNIST_MIRRORS`` (comma-separated base URLs). A mirror that cannot be
reached is given ``$SCRATCHLIB_CONNECT_TIMEOUT`` seconds to accept the connection (default 10)
and then ``$SCRATCHLIB_READ_TIMEOUT`` seconds for each read (default 30); one that times out or
refuses is not asked again for the other files.

Run ``python -m scratchlib fashion-mnist`` (or ``mnist``) to fetch a dataset ahead of
time.

The package's modules, each importing only those above it in this list:

- :mod:`scratchlib.data.registry` -- the datasets: their files, mirrors and checksums
- :mod:`scratchlib.data.errors` -- :class:`DatasetError` and the advice for a bad file
- :mod:`scratchlib.data.locations` -- the data root and the folders searched
- :mod:`scratchlib.data.idx` -- IDX parsing (:func:`read_idx`)
- :mod:`scratchlib.data.verify` -- content checksums and the shapes of the arrays
- :mod:`scratchlib.data.parsed` -- the parsed cache
- :mod:`scratchlib.data.web` -- one URL into one file: timeouts, progress, byte counts
- :mod:`scratchlib.data.downloads` -- the missing files from the mirrors, and the messages
- :mod:`scratchlib.data.loaders` -- :func:`load_fashion_mnist`, :func:`load_mnist`
- :mod:`scratchlib.data.cli` -- ``python -m scratchlib``
"""

from scratchlib.data.errors import DatasetError
from scratchlib.data.idx import read_idx
from scratchlib.data.loaders import load_fashion_mnist, load_mnist

__all__ = [
    "FASHION_MNIST_CLASSES",
    "DatasetError",
    "load_fashion_mnist",
    "load_mnist",
    "read_idx",
]

# Defined here, not in a module of its own: no module of the package uses the class names, and
# the API page takes a constant's docstring from the module that assigns it.
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
