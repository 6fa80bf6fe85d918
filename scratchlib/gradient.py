"""Numerical differentiation and gradient descent (the book's ``numerical_diff``,
``numerical_gradient`` and ``gradient_descent``).

The functions are the book's, with two defects fixed: ``numerical_gradient`` refuses integer
arrays (``x + h`` would be rounded back to the integer and every difference would be wrong;
the book's version turns ``[1, 2]`` into ``[5000, 15000]``) and it always puts ``x`` back, even
when ``f`` raises. ``gradient_descent`` no longer overwrites the caller's starting point, and
its history holds every point visited, the start and the end included (``step_num + 1`` rows,
where the book records the ``step_num`` points before each step).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray

from scratchlib.threads import one_blas_thread

__all__ = ["numerical_diff", "numerical_gradient", "gradient_descent"]


def numerical_diff(f: Callable[[float], float], x: float, h: float = 1e-4) -> float:
    """Derivative of a one-variable function by the central difference.

    ``(f(x + h) - f(x - h)) / (2 h)``: its error shrinks like ``h**2``, against ``h`` for the
    forward difference ``(f(x + h) - f(x)) / h``.

    Used in: chapter 2, §2.1 (central against forward differences) and §2.2.

    Parameters
    ----------
    f : callable
        A function of one real number returning a real number.
    x : float
        Where to differentiate.
    h : float, default 1e-4
        The step. Much smaller steps lose to rounding error (see chapter 2).

    Returns
    -------
    float
    """
    return (f(x + h) - f(x - h)) / (2 * h)


def _check_float_array(x: object) -> NDArray[np.floating]:
    if not isinstance(x, np.ndarray):
        raise TypeError(
            "numerical_gradient: x must be a numpy array of floats that f reads, "
            f"got {type(x).__name__}; wrap it, e.g. np.array(x, dtype=float)"
        )
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(
            f"numerical_gradient: x has dtype {x.dtype}, but it must be floating point: "
            "x[i] + h with h = 1e-4 would be stored back as an integer and every difference "
            "would be wrong. Pass x.astype(float) instead."
        )
    return x


@one_blas_thread()
def numerical_gradient(
    f: Callable[[NDArray], float], x: NDArray[np.floating], h: float = 1e-4
) -> NDArray[np.floating]:
    """Gradient of a scalar function ``f`` at ``x`` by central differences, for any shape.

    Each element ``x[i]`` is perturbed *in place* to ``x[i] + h`` and ``x[i] - h`` in turn,
    exactly as the book does, so ``f`` may read ``x`` through a closure (this is how
    ``TwoLayerNet.numerical_gradient`` differentiates the loss with respect to its weights).
    The original value is always restored, also when ``f`` raises.

    Used in: chapter 2, §2.2 (the gradient of a function of two variables), §2.4 (of a
    loss with respect to a weight matrix) and §2.7 (of the loss computed from the logits,
    without the delta).

    Parameters
    ----------
    f : callable
        ``f(x) -> float``. It receives ``x`` itself (not a copy).
    x : ndarray of float, any shape
        The point. Integer arrays raise ``TypeError``.
    h : float, default 1e-4

    Returns
    -------
    ndarray, same shape and dtype as ``x``

    Raises
    ------
    TypeError
        If ``x`` is not a floating-point numpy array.
    """
    x = _check_float_array(x)
    grad = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        original = x[idx]
        try:
            x[idx] = original + h
            fxh1 = f(x)
            x[idx] = original - h
            fxh2 = f(x)
        finally:
            x[idx] = original
        grad[idx] = (fxh1 - fxh2) / (2 * h)
    return grad


def gradient_descent(
    f: Callable[[NDArray], float],
    init_x: ArrayLike,
    lr: float = 0.01,
    step_num: int = 100,
) -> tuple[NDArray[np.floating], NDArray[np.floating]]:
    """Minimise ``f`` by ``step_num`` steps of ``x -= lr * numerical_gradient(f, x)``.

    Used in: chapter 2, §2.3 (gradient descent and the learning rate).

    Parameters
    ----------
    f : callable
        ``f(x) -> float``.
    init_x : array_like, any shape
        The starting point; it is copied (as float64 unless already floating), never modified.
    lr : float, default 0.01
        The learning rate.
    step_num : int, default 100
        The number of steps.

    Returns
    -------
    x : ndarray, shape of ``init_x``
        The point after the last step.
    history : ndarray, shape (step_num + 1, *init_x.shape)
        Every point visited: ``history[0]`` is the start, ``history[-1]`` equals ``x``.
    """
    if step_num < 0:
        raise ValueError(f"step_num must be >= 0, got {step_num}")
    x = np.array(init_x, copy=True)
    if not np.issubdtype(x.dtype, np.floating):
        x = x.astype(np.float64)
    history = np.empty((step_num + 1, *x.shape), dtype=x.dtype)
    history[0] = x
    for i in range(step_num):
        x -= lr * numerical_gradient(f, x)
        history[i + 1] = x
    return x, history
