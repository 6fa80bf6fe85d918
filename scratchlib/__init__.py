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

from importlib.metadata import version

from scratchlib import functions, gradient, train
from scratchlib.functions import cross_entropy_error, sigmoid, softmax
from scratchlib.gradient import numerical_gradient
from scratchlib.network import TwoLayerNet
from scratchlib.train import History, sgd_update

__version__ = version("scratchlib")

__all__ = [
    "History",
    "TwoLayerNet",
    "cross_entropy_error",
    "functions",
    "gradient",
    "numerical_gradient",
    "sgd_update",
    "sigmoid",
    "softmax",
    "train",
]
