"""scratchlib: the code of *Deep Learning from Scratch*, chapter 4, done right.

The same names and math as the book's ``common/`` and ``ch04/`` code -- ``sigmoid``,
``softmax``, ``cross_entropy_error``, ``numerical_gradient``, ``TwoLayerNet`` -- tested
against an oracle and numerically stable. Modules:

- :mod:`scratchlib.functions` -- activations and losses
- :mod:`scratchlib.gradient` -- numerical differentiation and gradient descent
- :mod:`scratchlib.network` -- ``TwoLayerNet``
- :mod:`scratchlib.trainer` -- minibatch SGD with per-epoch evaluation (:func:`train`)
- :mod:`scratchlib.data` -- MNIST and Fashion-MNIST (a package: registry, IDX parsing, locations,
  verification, the parsed cache, downloads, the loaders)
- :mod:`scratchlib.threads` -- one BLAS thread where threads cannot pay off
  (``one_blas_thread``, used by the training path)
- :mod:`scratchlib.files` -- writing a file all at once (downloads, caches, grades)
- :mod:`scratchlib.plot` -- the book's figures; import it yourself
  (``from scratchlib.plot import plot_loss``): it loads matplotlib, the rest does not.

On the command line, ``python -m scratchlib fashion-mnist`` downloads a dataset ahead of time.
"""

from importlib.metadata import version

from scratchlib import data, functions, gradient, network, trainer
from scratchlib.data import (
    FASHION_MNIST_CLASSES,
    DatasetError,
    load_fashion_mnist,
    load_mnist,
    read_idx,
)
from scratchlib.functions import cross_entropy_error, sigmoid, softmax
from scratchlib.gradient import numerical_gradient
from scratchlib.network import TwoLayerNet
from scratchlib.trainer import History, sgd_update, train

__version__ = version("scratchlib")

__all__ = [
    "FASHION_MNIST_CLASSES",
    "DatasetError",
    "History",
    "TwoLayerNet",
    "cross_entropy_error",
    "data",
    "functions",
    "gradient",
    "load_fashion_mnist",
    "load_mnist",
    "network",
    "numerical_gradient",
    "read_idx",
    "sgd_update",
    "sigmoid",
    "softmax",
    "train",
    "trainer",
]
