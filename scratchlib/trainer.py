"""Minibatch SGD training: sample a minibatch, compute the gradient, update, evaluate per epoch.

The loop is the book's ch04 ``train_neuralnet.py``, made reusable and reproducible:

1. **minibatch** -- :func:`sample_with_replacement` (the book's ``np.random.choice``) or
   :func:`shuffled_epochs` (every sample once per epoch);
2. **gradient** -- backpropagation (``network.loss_and_gradient``) or numerical
   differentiation (``network.numerical_gradient``, two forward passes per parameter);
3. **update** -- :func:`sgd_update`, ``W -= learning_rate * dW``;
4. **epoch evaluation** -- train and test accuracy every ``eval_interval`` iterations.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal, Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from scratchlib.threads import one_blas_thread

__all__ = [
    "History",
    "Network",
    "sample_with_replacement",
    "shuffled_epochs",
    "sgd_update",
    "train",
]

Sampling = Literal["replacement", "shuffle"]
GradientMethod = Literal["backprop", "numerical"]


class Network(Protocol):
    """What :func:`train` needs of a network (``TwoLayerNet`` has it all)."""

    params: dict[str, NDArray]

    def loss(self, x: NDArray, t: NDArray) -> float: ...
    def accuracy(self, x: NDArray, t: NDArray) -> float: ...
    def numerical_gradient(self, x: NDArray, t: NDArray) -> dict[str, NDArray]: ...
    def loss_and_gradient(self, x: NDArray, t: NDArray) -> tuple[float, dict[str, NDArray]]: ...


def sample_with_replacement(
    rng: np.random.Generator, train_size: int, batch_size: int
) -> NDArray[np.int64]:
    """One minibatch the book's way: ``batch_size`` indices drawn independently.

    Like ``np.random.choice(train_size, batch_size)``: the same sample can appear twice in a
    batch, and over an "epoch" of ``train_size / batch_size`` batches about 1 - 1/e = 63% of
    the samples are seen.

    Used in: chapter 1, §1.4 (drawing minibatches); chapter 2, §2.5; chapter 3, §3.1-3.3;
    chapter 4, §4.2 (the full run) and §4.7 (its minibatches drawn again, to count them).

    Parameters
    ----------
    rng : numpy.random.Generator
    train_size : int
        ``N``, the number of training samples.
    batch_size : int

    Returns
    -------
    ndarray of int64, shape (batch_size,), values in ``[0, train_size)``
    """
    return rng.integers(0, train_size, size=batch_size)


def shuffled_epochs(
    rng: np.random.Generator, train_size: int, batch_size: int
) -> Iterator[NDArray[np.int64]]:
    """Minibatches without replacement: each epoch visits every sample exactly once.

    Every epoch reshuffles ``range(train_size)`` and cuts it into ``ceil(N / batch_size)``
    batches; the last batch of an epoch is smaller when ``batch_size`` does not divide ``N``.

    Used in: chapter 1, §1.4 (how much of the training set each scheme covers);
    :func:`train` (``sampling="shuffle"``).

    Parameters
    ----------
    rng : numpy.random.Generator
    train_size : int
    batch_size : int

    Yields
    ------
    ndarray of int64, shape (batch_size,) (or shorter at the end of an epoch)
    """
    while True:
        order = rng.permutation(train_size)
        for start in range(0, train_size, batch_size):
            yield order[start : start + batch_size]


def sgd_update(params: dict[str, NDArray], grads: dict[str, NDArray], lr: float) -> None:
    """Stochastic gradient descent step, in place: ``params[key] -= lr * grads[key]``.

    Used in: chapter 3, §3.1 (one step); chapter 4, §4.2 (the full run's loop); :func:`train`.
    Named in: chapter 3, §3.3 (the same line with a ``+``).

    Parameters
    ----------
    params : dict of str to ndarray
        The network's parameters (e.g. ``network.params``); updated in place.
    grads : dict of str to ndarray
        Gradients with the same keys and shapes.
    lr : float
        The learning rate.
    """
    for key, param in params.items():
        param -= lr * grads[key]


@dataclass
class History:
    """What :func:`train` measured.

    Used in: chapter 3, §3.4 (``train_loss``, the curves of :func:`scratchlib.plot.plot_loss`)
    and §3.5 (``train_loss``, smoothed).

    Attributes
    ----------
    train_loss : ndarray of float64, shape (iters_num,)
        The loss of each iteration's minibatch, computed in the forward pass of that
        iteration's gradient, so before its update. (The book calls ``network.loss`` again
        after the update, which costs a second forward pass; this loss comes free.)
    iterations : ndarray of int, shape (E,)
        The iteration after whose update each evaluation ran: 0, then every ``eval_interval``.
    train_acc, test_acc : ndarray of float64, shape (E,)
        Accuracy on the whole training and test set at those iterations.
    eval_interval : int
        Iterations between evaluations.
    iter_per_epoch : int
        ``ceil(N / batch_size)``: the iterations one pass over the training set takes. (The
        book writes ``max(train_size / batch_size, 1)``, a float: 600.0 for MNIST.)
    """

    train_loss: NDArray[np.float64]
    iterations: NDArray[np.int64]
    train_acc: NDArray[np.float64]
    test_acc: NDArray[np.float64]
    eval_interval: int
    iter_per_epoch: int

    @property
    def epochs(self) -> NDArray[np.float64]:
        """The evaluation points in epochs: ``iterations / iter_per_epoch``."""
        return self.iterations / self.iter_per_epoch

    def table(self) -> str:
        """The evaluations as a plain-text table (epoch, iteration, train acc, test acc)."""
        lines = [f"{'epoch':>6} {'iteration':>9} {'train acc':>9} {'test acc':>9}"]
        for epoch, it, tr, te in zip(
            self.epochs, self.iterations, self.train_acc, self.test_acc, strict=True
        ):
            lines.append(f"{epoch:6.2f} {it:9d} {tr:9.4f} {te:9.4f}")
        return "\n".join(lines)


def _check_data(name: str, data: tuple[ArrayLike, ArrayLike]) -> tuple[NDArray, NDArray]:
    try:
        x, t = data
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a pair (x, t) of images and labels") from None
    x, t = np.asarray(x), np.asarray(t)
    if len(x) != len(t):
        raise ValueError(f"{name}: x has {len(x)} samples but t has {len(t)} labels")
    if len(x) == 0:
        raise ValueError(f"{name} is empty")
    return x, t


def _batches(
    sampling: str, rng: np.random.Generator, train_size: int, batch_size: int
) -> Iterator[NDArray[np.int64]]:
    if sampling == "shuffle":
        yield from shuffled_epochs(rng, train_size, batch_size)
    while True:
        yield sample_with_replacement(rng, train_size, batch_size)


def _progress_bar(total: int):
    try:
        from tqdm.auto import tqdm
    except ImportError:
        raise ImportError("progress=True needs tqdm: pip install tqdm") from None
    return tqdm(total=total, unit="it", desc="training")


@one_blas_thread()
def train(
    network: Network,
    train_data: tuple[ArrayLike, ArrayLike],
    test_data: tuple[ArrayLike, ArrayLike],
    *,
    iters_num: int = 10_000,
    batch_size: int = 100,
    learning_rate: float = 0.1,
    sampling: Sampling = "replacement",
    gradient: GradientMethod = "backprop",
    seed: int | np.random.Generator | None = None,
    eval_interval: int | None = None,
    progress: bool = False,
) -> History:
    """Train ``network`` by minibatch SGD, evaluating train and test accuracy per epoch.

    Each iteration samples a minibatch, computes the loss and gradient, and applies
    :func:`sgd_update`. After the update of iteration ``i``, when ``i % eval_interval == 0``,
    the accuracy on the whole training and test sets is recorded -- the book's schedule,
    which evaluates after the first update (iteration 0) and then once per epoch. The loss
    recorded for each iteration is its minibatch's, from before the update (see
    :class:`History`).

    Used in: chapter 3, §3.4 (the learning rate and the batch size; its ``train_on_fit``
    trains the networks of the next section too).
    Named in: chapter 1, §1.4 (its two samplings); chapter 3, §3.2 (it records the loss as
    the loop written out there does); chapter 4, §4.2 (its loop, written out there to record
    losses and weights too) and §4.7 (``sampling="shuffle"``).

    Parameters
    ----------
    network : TwoLayerNet
        Trained in place (its ``params`` change).
    train_data, test_data : tuple of (x, t)
        Images ``x`` of shape (N, input_size) (float32 is fine for a float64 network: it is
        converted in blocks, never copied whole) and one-hot or integer labels ``t``.
    iters_num : int, default 10000
    batch_size : int, default 100
    learning_rate : float, default 0.1
    sampling : {"replacement", "shuffle"}, default "replacement"
        The book's independent draws, or shuffled epochs without replacement.
    gradient : {"backprop", "numerical"}, default "backprop"
        ``"numerical"`` is the study notebook's choice: correct, but it costs two forward passes
        per parameter every iteration (chapter 2, §2.5 counts them).
    seed : int or numpy.random.Generator, optional
        Seeds the minibatch sampling.
    eval_interval : int, optional
        Iterations between evaluations; default one epoch, ``ceil(N / batch_size)``.
    progress : bool, default False
        Show a tqdm progress bar. Raises ImportError if ``tqdm`` is not installed: the bar
        was asked for (downloads, which nobody asks a bar of, print a line instead).

    Returns
    -------
    History
    """
    x_train, t_train = _check_data("train_data", train_data)
    x_test, t_test = _check_data("test_data", test_data)
    if iters_num < 0:
        raise ValueError(f"iters_num must be >= 0, got {iters_num}")
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    if sampling not in ("replacement", "shuffle"):
        raise ValueError(f"sampling must be 'replacement' or 'shuffle', got {sampling!r}")
    if gradient not in ("backprop", "numerical"):
        raise ValueError(f"gradient must be 'backprop' or 'numerical', got {gradient!r}")
    train_size = len(x_train)
    iter_per_epoch = max(math.ceil(train_size / batch_size), 1)
    if eval_interval is None:
        eval_interval = iter_per_epoch
    if eval_interval < 1:
        raise ValueError(f"eval_interval must be >= 1, got {eval_interval}")

    batches = _batches(sampling, np.random.default_rng(seed), train_size, batch_size)

    train_loss = np.empty(iters_num, dtype=np.float64)
    iterations: list[int] = []
    train_acc: list[float] = []
    test_acc: list[float] = []
    bar = _progress_bar(iters_num) if progress else None
    try:
        for i in range(iters_num):
            batch = next(batches)
            x_batch, t_batch = x_train[batch], t_train[batch]
            if gradient == "backprop":
                loss, grads = network.loss_and_gradient(x_batch, t_batch)
            else:
                loss = network.loss(x_batch, t_batch)
                grads = network.numerical_gradient(x_batch, t_batch)
            sgd_update(network.params, grads, learning_rate)
            train_loss[i] = loss
            if i % eval_interval == 0:
                iterations.append(i)
                train_acc.append(network.accuracy(x_train, t_train))
                test_acc.append(network.accuracy(x_test, t_test))
                if bar is not None:
                    bar.set_postfix(
                        train_acc=f"{train_acc[-1]:.3f}", test_acc=f"{test_acc[-1]:.3f}"
                    )
            if bar is not None:
                bar.update()
    finally:
        if bar is not None:
            bar.close()

    return History(
        train_loss=train_loss,
        iterations=np.array(iterations, dtype=np.int64),
        train_acc=np.array(train_acc, dtype=np.float64),
        test_acc=np.array(test_acc, dtype=np.float64),
        eval_interval=eval_interval,
        iter_per_epoch=iter_per_epoch,
    )
