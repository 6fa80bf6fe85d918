"""scratchlib: the code of *Deep Learning from Scratch*, chapter 4, done right.

The same names and math as the book's ``common/`` and ``ch04/`` code -- ``sigmoid``,
``softmax``, ``cross_entropy_error``, ``numerical_gradient``, ``TwoLayerNet`` -- tested
against an oracle, numerically stable and fast. Modules:

- :mod:`scratchlib.functions` -- activations and losses
- :mod:`scratchlib.gradient` -- numerical differentiation and gradient descent
- :mod:`scratchlib.network` -- ``TwoLayerNet``
- :mod:`scratchlib.train` -- minibatch SGD with per-epoch evaluation
- :mod:`scratchlib.data` -- MNIST and Fashion-MNIST
- :mod:`scratchlib.plot` -- the book's figures (imported on first use: it loads matplotlib)
"""

import importlib
from importlib.metadata import version

from scratchlib import functions, gradient, train
from scratchlib.functions import cross_entropy_error, sigmoid, softmax
from scratchlib.gradient import numerical_gradient
from scratchlib.network import TwoLayerNet
from scratchlib.train import History, sgd_update

__version__ = version("scratchlib")

# The dataset loader and the plots load on first use: ``import scratchlib`` stays fast (no
# matplotlib), and ``python -m scratchlib.data`` does not find the module imported already.
_LAZY = {
    "load_mnist": "scratchlib.data",
    "load_fashion_mnist": "scratchlib.data",
    "FASHION_MNIST_CLASSES": "scratchlib.data",
    "DatasetError": "scratchlib.data",
    "read_idx": "scratchlib.data",
    "data": "scratchlib.data",
    "plot": "scratchlib.plot",
}


def __getattr__(name: str):
    if name in _LAZY:
        module = importlib.import_module(_LAZY[name])
        return module if name in ("data", "plot") else getattr(module, name)
    raise AttributeError(f"module 'scratchlib' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "FASHION_MNIST_CLASSES",
    "DatasetError",
    "History",
    "TwoLayerNet",
    "cross_entropy_error",
    "functions",
    "gradient",
    "load_fashion_mnist",
    "load_mnist",
    "numerical_gradient",
    "read_idx",
    "sgd_update",
    "sigmoid",
    "softmax",
    "train",
]
