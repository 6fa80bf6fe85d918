"""Activation and loss functions, by the names the book's ``common/functions.py`` uses.

Every function takes numpy arrays; the array-valued ones keep a floating input's dtype (float32
in gives float32 out), except ``step_function``, which returns integers, and the losses return a
Python float. Compared with the book's versions, ``sigmoid`` prints no overflow
``RuntimeWarning`` for any finite input (the book's formula, with that warning silenced) and
``softmax`` / ``cross_entropy_error`` accept one sample (1-D) or a batch (2-D), with one-hot or
integer labels.

The chapters use ``sigmoid``, ``sigmoid_grad``, ``softmax``, ``sum_squared_error`` and
``cross_entropy_error``; ``identity_function``, ``step_function``, ``relu``, ``relu_grad`` and
``softmax_loss`` complete the book's ``common/functions.py``. ``label_indices`` and
``mean_log_loss`` are the two steps of ``cross_entropy_error``, which ``TwoLayerNet`` calls
one at a time (it needs the class indices for its gradient too).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "identity_function",
    "step_function",
    "sigmoid",
    "sigmoid_grad",
    "relu",
    "relu_grad",
    "softmax",
    "sum_squared_error",
    "cross_entropy_error",
    "softmax_loss",
    "label_indices",
    "mean_log_loss",
]

#: Added inside the log of ``cross_entropy_error`` so that ``log(0)`` never happens (the
#: book's ``delta``).
CROSS_ENTROPY_DELTA = 1e-7


def _as_float(x: ArrayLike) -> NDArray[np.floating]:
    """``x`` as an array of its own floating dtype, or float64 (integers, booleans)."""
    x = np.asarray(x)
    return x if np.issubdtype(x.dtype, np.floating) else x.astype(np.float64)


def identity_function(x: ArrayLike) -> NDArray:
    """Return ``x`` unchanged (the output activation of a regression network).

    Parameters
    ----------
    x : array_like, any shape

    Returns
    -------
    ndarray
        ``x`` as an array, same shape and dtype.
    """
    return np.asarray(x)


def step_function(x: ArrayLike) -> NDArray[np.int_]:
    """Step function: 1 where ``x > 0``, else 0.

    Parameters
    ----------
    x : array_like, any shape

    Returns
    -------
    ndarray of int, same shape as ``x``
    """
    return (np.asarray(x) > 0).astype(np.int_)


def sigmoid(x: ArrayLike) -> NDArray:
    """Logistic sigmoid ``1 / (1 + exp(-x))``, without the book's overflow warning.

    The book's one-liner warns "overflow encountered in exp" for ``x < -709`` (float64) or
    ``x < -88`` (float32), where ``exp(-x)`` exceeds the largest float and becomes ``inf``.
    The result is still right: ``1 / (1 + inf)`` is 0, and the true value there is below the
    smallest normal float. So this is the book's formula with that one overflow silenced,
    which keeps full relative precision for tiny results such as ``sigmoid(-40)``.

    Used in: chapter 2, §2.1 (a function to differentiate); chapter 3, §3.3 (the hidden
    outputs after one update with the bug, and no overflow warning) and §3.5 (saturated hidden
    units); the hidden layer of :class:`~scratchlib.network.TwoLayerNet`.

    Parameters
    ----------
    x : array_like, any shape
        Floating arrays keep their dtype (float32 stays float32); integers and booleans give
        float64.

    Returns
    -------
    ndarray, same shape as ``x``, values in ``[0, 1]``
    """
    x = _as_float(x)
    with np.errstate(over="ignore"):  # exp(-x) = inf for very negative x: 1 / (1 + inf) = 0
        return 1 / (1 + np.exp(-x))


def sigmoid_grad(x: ArrayLike) -> NDArray:
    """Derivative of the sigmoid at ``x``: ``sigmoid(x) * (1 - sigmoid(x))``.

    Used in: chapter 2, §2.1 (the exact derivative the differences are measured against).

    Parameters
    ----------
    x : array_like, any shape
        The sigmoid's *input* (the book's ``a1``), not its output.

    Returns
    -------
    ndarray, same shape and floating dtype as ``sigmoid(x)``, values in ``[0, 0.25]``
    """
    s = sigmoid(x)
    return s * (1 - s)


def relu(x: ArrayLike) -> NDArray:
    """Rectified linear unit ``max(0, x)``.

    Parameters
    ----------
    x : array_like, any shape

    Returns
    -------
    ndarray, same shape and dtype as ``x``
    """
    x = np.asarray(x)
    return np.maximum(x, 0, dtype=x.dtype)


def relu_grad(x: ArrayLike) -> NDArray:
    """Derivative of ReLU: 1 where ``x >= 0``, else 0 (the book's convention at 0).

    Parameters
    ----------
    x : array_like, any shape

    Returns
    -------
    ndarray, same shape and dtype as ``x`` (float64 for integer input)
    """
    x = _as_float(x)
    return (x >= 0).astype(x.dtype)


def softmax(x: ArrayLike) -> NDArray:
    """Softmax over the last axis, shifted by the maximum so ``exp`` never overflows.

    Used in: chapter 1, §1.2 (scores to probabilities); chapter 2, §2.4.

    Parameters
    ----------
    x : array_like, shape (C,) or (N, C)
        Scores of one sample, or of a batch of ``N`` samples over ``C`` classes.

    Returns
    -------
    ndarray, same shape as ``x``
        Probabilities: each row is positive and sums to 1. Floating dtype is kept.
    """
    x = _as_float(x)
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def sum_squared_error(y: ArrayLike, t: ArrayLike) -> float:
    """Sum of squared errors ``0.5 * sum((y - t)**2)``, summed over the whole batch.

    Used in: chapter 1, §1.2 (the first loss function).

    Parameters
    ----------
    y : array_like, shape (C,) or (N, C)
        Network outputs.
    t : array_like, same shape as ``y``
        One-hot targets.

    Returns
    -------
    float
    """
    y, t = np.asarray(y), np.asarray(t)
    if y.shape != t.shape:
        raise ValueError(
            f"sum_squared_error: y and t must have the same shape (one-hot t); "
            f"got y {y.shape} and t {t.shape}"
        )
    return float(0.5 * np.sum((y - t) ** 2))


def label_indices(t: ArrayLike, num_classes: int, batch_size: int) -> NDArray[np.intp]:
    """Turn labels, one-hot or integer, into a vector of class indices.

    Used in: :func:`cross_entropy_error`, :meth:`~scratchlib.network.TwoLayerNet.accuracy` and
    :meth:`~scratchlib.network.TwoLayerNet.loss_and_gradient` (both label forms).

    Parameters
    ----------
    t : array_like, shape (N, C) one-hot or (N,) integer class labels
        For a single sample (N = 1) also shape (C,) one-hot or a scalar label.
    num_classes : int
        ``C``, the number of classes (the width of the network's output).
    batch_size : int
        ``N``, the number of samples the labels must describe.

    Returns
    -------
    ndarray of intp, shape (N,)

    Raises
    ------
    ValueError
        When ``t`` has neither shape, or an integer label is outside ``[0, C)``.
    """
    t = np.asarray(t)
    if batch_size == 1 and t.ndim <= 1 and t.size in (1, num_classes):
        t = t.reshape(1, -1) if t.size == num_classes and num_classes > 1 else t.reshape(1)
    if t.shape == (batch_size, num_classes):
        return t.argmax(axis=1)
    if t.shape != (batch_size,):
        raise ValueError(
            f"labels must be one-hot with shape ({batch_size}, {num_classes}) or integer "
            f"class indices with shape ({batch_size},); got shape {t.shape}"
        )
    if not np.issubdtype(t.dtype, np.integer):
        if not np.all(np.mod(t, 1) == 0):
            raise ValueError(f"integer labels expected, got non-integer values of dtype {t.dtype}")
        t = t.astype(np.intp)
    if batch_size and (t.min() < 0 or t.max() >= num_classes):
        raise ValueError(
            f"labels must lie in [0, {num_classes}); got values from {t.min()} to {t.max()}"
        )
    return t


def cross_entropy_error(y: ArrayLike, t: ArrayLike) -> float:
    """Mean cross-entropy ``-log(y[true class] + 1e-7)`` over a batch, as in the book.

    Used in: chapter 1, §1.2 (the loss the course trains with); chapter 2, §2.4; chapter 4,
    §4.2 (the loss on the whole training and validation sets) and §4.5 (on the images the
    network gets right and on those it gets wrong).

    Parameters
    ----------
    y : array_like, shape (C,) or (N, C)
        Predicted probabilities (softmax outputs) of one sample or a batch.
    t : array_like, shape (C,)/(N, C) one-hot, or () / (N,) integer labels
        The correct classes.

    Returns
    -------
    float
        The loss averaged over the ``N`` samples (for one sample: its loss).

    Raises
    ------
    ValueError
        When ``t`` matches neither layout, or holds a label outside ``[0, C)``.
    """
    y = np.asarray(y)
    t = np.asarray(t)
    if y.ndim == 1:
        y = y.reshape(1, -1)  # one sample; label_indices accepts its one-hot or scalar label
    if y.ndim != 2:
        raise ValueError(f"y must have shape (C,) or (N, C); got shape {y.shape}")
    batch_size, num_classes = y.shape
    if batch_size == 0:
        raise ValueError("cross_entropy_error: the batch is empty (y has shape (0, C))")
    return mean_log_loss(y, label_indices(t, num_classes, batch_size))


def mean_log_loss(y: NDArray, idx: NDArray[np.intp]) -> float:
    """``mean(-log(y[i, idx[i]] + 1e-7))``: the cross-entropy once labels are indices.

    Used in: :func:`cross_entropy_error`,
    :meth:`~scratchlib.network.TwoLayerNet.loss_and_gradient`.

    Parameters
    ----------
    y : ndarray, shape (N, C)
        Predicted probabilities.
    idx : ndarray of int, shape (N,)
        The correct class of each sample (see :func:`label_indices`).

    Returns
    -------
    float
    """
    picked = y[np.arange(len(y)), idx]
    return float(-np.sum(np.log(picked + CROSS_ENTROPY_DELTA)) / len(y))


def softmax_loss(x: ArrayLike, t: ArrayLike) -> float:
    """Cross-entropy of the softmax of scores ``x``: ``cross_entropy_error(softmax(x), t)``.

    Parameters
    ----------
    x : array_like, shape (C,) or (N, C)
        Scores (logits).
    t : array_like
        One-hot or integer labels, as for :func:`cross_entropy_error`.

    Returns
    -------
    float
    """
    return cross_entropy_error(softmax(x), t)
