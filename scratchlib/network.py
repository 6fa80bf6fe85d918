"""``TwoLayerNet``: the book's two-layer network (affine → sigmoid → affine → softmax)."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray

from scratchlib.functions import (
    cross_entropy_error,
    label_indices,
    mean_log_loss,
    sigmoid,
    softmax,
)
from scratchlib.gradient import numerical_gradient
from scratchlib.threads import one_blas_thread

__all__ = ["TwoLayerNet"]

#: Rows per block when ``accuracy`` scores a large set, so that a float32 dataset is never
#: copied whole into the network's dtype (60,000 MNIST images in float64 would be 376 MB; a
#: block is 6.4 MB and stays in cache between its conversion and its matrix product, which
#: makes float64 evaluation about 1.3x faster than with 4096-row blocks).
EVAL_BLOCK_ROWS = 1024


class TwoLayerNet:
    """A two-layer network: ``softmax(sigmoid(x @ W1 + b1) @ W2 + b2)``.

    The names follow the book's ch04 ``TwoLayerNet``: the parameters live in the dict
    ``params`` under ``'W1'``, ``'b1'``, ``'W2'``, ``'b2'``, and ``gradient`` /
    ``numerical_gradient`` return dicts with the same keys.

    Parameters
    ----------
    input_size : int
        Inputs per sample (784 for 28x28 images).
    hidden_size : int
        Sigmoid units in the hidden layer (50 in the book).
    output_size : int
        Classes (10).
    weight_init_std : float, default 0.01
        Standard deviation of the Gaussian initial weights; biases start at 0.
    seed : int or numpy.random.Generator, optional
        Seed for the initial weights. ``None`` draws fresh entropy.
    dtype : numpy dtype, default numpy.float64
        Floating dtype of the parameters and of every result (``np.float32`` is about twice
        as fast and accurate enough to train).

    Attributes
    ----------
    params : dict of str to ndarray
        ``W1`` (input_size, hidden_size), ``b1`` (hidden_size,), ``W2`` (hidden_size,
        output_size), ``b2`` (output_size,), all of ``dtype``.
    """

    def __init__(
        self,
        input_size: int,
        hidden_size: int,
        output_size: int,
        weight_init_std: float = 0.01,
        *,
        seed: int | np.random.Generator | None = None,
        dtype: DTypeLike = np.float64,
    ) -> None:
        for name, size in (
            ("input_size", input_size),
            ("hidden_size", hidden_size),
            ("output_size", output_size),
        ):
            if not isinstance(size, (int, np.integer)) or size < 1:
                raise ValueError(f"{name} must be a positive integer, got {size!r}")
        self.dtype = np.dtype(dtype)
        if not np.issubdtype(self.dtype, np.floating):
            raise TypeError(f"dtype must be a floating dtype such as np.float32, got {self.dtype}")
        rng = np.random.default_rng(seed)
        self.params: dict[str, NDArray] = {
            "W1": (weight_init_std * rng.standard_normal((input_size, hidden_size))).astype(
                self.dtype
            ),
            "b1": np.zeros(hidden_size, dtype=self.dtype),
            "W2": (weight_init_std * rng.standard_normal((hidden_size, output_size))).astype(
                self.dtype
            ),
            "b2": np.zeros(output_size, dtype=self.dtype),
        }

    @property
    def input_size(self) -> int:
        """Inputs per sample, from ``params['W1']``."""
        return self.params["W1"].shape[0]

    @property
    def output_size(self) -> int:
        """Classes, from ``params['W2']``."""
        return self.params["W2"].shape[1]

    def __repr__(self) -> str:
        hidden = self.params["W1"].shape[1]
        return (
            f"TwoLayerNet({self.input_size}, {hidden}, {self.output_size}, "
            f"dtype=np.{self.dtype.name})"
        )

    # -- input checks -------------------------------------------------------------------
    def _as_batch(self, x: ArrayLike) -> NDArray:
        """``x`` as a (N, input_size) array, dtype unchanged (1-D: one sample)."""
        x = np.asarray(x)
        if x.ndim == 1 and x.shape[0] == self.input_size:
            x = x.reshape(1, -1)
        if x.ndim != 2 or x.shape[1] != self.input_size:
            raise ValueError(
                f"x must have shape (N, {self.input_size}) or ({self.input_size},); "
                f"got shape {x.shape}. Flatten images first, e.g. "
                f"load_fashion_mnist(flatten=True) or x.reshape(len(x), -1)."
            )
        return x

    def _as_input(self, x: ArrayLike) -> NDArray:
        """``x`` as a (N, input_size) array of the network's dtype (1-D: one sample)."""
        return self._as_batch(x).astype(self.dtype, copy=False)

    # -- the book's methods -------------------------------------------------------------
    def _hidden(self, x: NDArray) -> NDArray:
        return sigmoid(x @ self.params["W1"] + self.params["b1"])

    def _scores(self, z1: NDArray) -> NDArray:
        return z1 @ self.params["W2"] + self.params["b2"]

    def predict(self, x: ArrayLike) -> NDArray:
        """Class probabilities for a batch (or one sample).

        Parameters
        ----------
        x : array_like, shape (N, input_size) or (input_size,)

        Returns
        -------
        ndarray, shape (N, output_size) or (output_size,), the network's dtype
            Rows are probabilities (softmax outputs).
        """
        single = np.ndim(x) == 1
        x = self._as_input(x)
        y = softmax(self._scores(self._hidden(x)))
        return y[0] if single else y

    def loss(self, x: ArrayLike, t: ArrayLike) -> float:
        """Mean cross-entropy of the predictions for ``x`` against labels ``t``.

        Parameters
        ----------
        x : array_like, shape (N, input_size) or (input_size,)
        t : array_like, shape (N, output_size) one-hot or (N,) integer labels

        Returns
        -------
        float
        """
        return cross_entropy_error(self.predict(x), t)

    @one_blas_thread()
    def predict_labels(self, x: ArrayLike) -> NDArray[np.intp]:
        """The most probable class of each sample, scored in blocks of rows.

        Softmax does not change which score is largest, so it is skipped; large sets are
        converted to the network's dtype ``EVAL_BLOCK_ROWS`` rows at a time.

        Parameters
        ----------
        x : array_like, shape (N, input_size) or (input_size,)

        Returns
        -------
        ndarray of intp, shape (N,) (N = 1 for a single sample)
        """
        x = self._as_batch(x)
        labels = np.empty(len(x), dtype=np.intp)
        for start in range(0, len(x), EVAL_BLOCK_ROWS):
            block = x[start : start + EVAL_BLOCK_ROWS].astype(self.dtype, copy=False)
            scores = self._scores(self._hidden(block))
            labels[start : start + len(block)] = scores.argmax(axis=1)
            del block, scores  # free this block before the next one is converted
        return labels

    def accuracy(self, x: ArrayLike, t: ArrayLike) -> float:
        """Fraction of samples whose most probable class is the label.

        Parameters
        ----------
        x : array_like, shape (N, input_size)
        t : array_like, shape (N, output_size) one-hot or (N,) integer labels

        Returns
        -------
        float in [0, 1]
        """
        predicted = self.predict_labels(x)
        expected = label_indices(t, self.output_size, len(predicted))
        return float(np.mean(predicted == expected)) if len(predicted) else 0.0

    def numerical_gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, NDArray]:
        """Gradient of ``loss(x, t)`` for every parameter by central differences (slow).

        Two forward passes per parameter: 39,760 parameters for 784-50-10, so one call
        costs 79,520 forward passes. Use it to check :meth:`gradient`.

        Parameters
        ----------
        x : array_like, shape (N, input_size)
        t : array_like, one-hot (N, output_size) or integer (N,) labels

        Returns
        -------
        dict of str to ndarray
            Keys ``W1``, ``b1``, ``W2``, ``b2``, each shaped like its parameter.
        """
        x = self._as_input(x)

        def loss_w(_: NDArray) -> float:
            return self.loss(x, t)

        return {key: numerical_gradient(loss_w, param) for key, param in self.params.items()}

    @one_blas_thread()
    def loss_and_gradient(self, x: ArrayLike, t: ArrayLike) -> tuple[float, dict[str, NDArray]]:
        """The loss and its gradient by backpropagation, from one forward pass.

        Parameters
        ----------
        x : array_like, shape (N, input_size) or (input_size,)
        t : array_like, one-hot (N, output_size) or integer (N,) labels

        Returns
        -------
        loss : float
            Mean cross-entropy, as :meth:`loss` returns.
        grads : dict of str to ndarray
            As :meth:`gradient` returns.
        """
        x = self._as_input(x)
        W2 = self.params["W2"]
        batch_num = x.shape[0]
        idx = label_indices(t, self.output_size, batch_num)
        rows = np.arange(batch_num)

        # forward
        z1 = self._hidden(x)
        y = softmax(self._scores(z1))
        loss = mean_log_loss(y, idx)

        # backward: d(loss)/d(a2) = (y - t) / N
        dy = y
        dy[rows, idx] -= 1
        dy /= batch_num
        da1 = dy @ W2.T
        da1 *= z1 * (1 - z1)  # sigmoid'(a1), from the forward pass's z1
        grads = {
            "W1": x.T @ da1,
            "b1": da1.sum(axis=0),
            "W2": z1.T @ dy,
            "b2": dy.sum(axis=0),
        }
        return loss, grads

    def gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, NDArray]:
        """Gradient of ``loss(x, t)`` by backpropagation (the book's ``gradient``).

        Parameters
        ----------
        x : array_like, shape (N, input_size)
        t : array_like, one-hot (N, output_size) or integer (N,) labels

        Returns
        -------
        dict of str to ndarray
            Keys ``W1``, ``b1``, ``W2``, ``b2``, each shaped like its parameter and of the
            network's dtype.
        """
        return self.loss_and_gradient(x, t)[1]
