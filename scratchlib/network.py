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

#: Rows per block when :meth:`TwoLayerNet.predict_labels` (and so ``accuracy``) scores a large
#: set: a float32 dataset is converted to the network's dtype one block at a time, never whole.
#: ``benchmarks/bench_train.py --eval-blocks`` measures the choice of size.
EVAL_BLOCK_ROWS = 1024


class TwoLayerNet:
    """A two-layer network: ``softmax(sigmoid(x @ W1 + b1) @ W2 + b2)``.

    The names follow the book's ch04 ``TwoLayerNet``: the parameters live in the dict
    ``params`` under ``'W1'``, ``'b1'``, ``'W2'``, ``'b2'``, and ``gradient`` /
    ``numerical_gradient`` return dicts with the same keys. The forward pass names its steps
    as the book does: ``a1 = x @ W1 + b1``, ``z1 = sigmoid(a1)``, ``a2 = z1 @ W2 + b2``,
    ``y = softmax(a2)``.
    The hidden layer's ``sigmoid`` is :func:`scratchlib.functions.sigmoid`, the book's formula
    without its overflow warning (chapter 3, §3.3 shows what that warning can reveal).

    Used in: chapter 2, §2.5 (numerical gradient), §2.6 (backpropagation, derived) and §2.7
    (the gradient check); chapter 3, §3.1-3.2 (training by hand); chapter 4, §4.2 (the full
    run).

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
        Floating dtype of the parameters and of every result (``np.float32`` trains as well;
        ``benchmarks/bench_train.py`` compares the two).

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
    def predict(self, x: ArrayLike) -> NDArray:
        """Class probabilities for a batch (or one sample): the book's forward pass.

        Used in: chapter 2, §2.7 (the probability of the correct class); chapter 4, §4.2 (the
        loss and the accuracy from one forward pass), §4.5 and §4.6 (how sure the network is
        of its wrong answers).

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
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]

        a1 = x @ W1 + b1
        z1 = sigmoid(a1)
        a2 = z1 @ W2 + b2
        y = softmax(a2)

        return y[0] if single else y

    def loss(self, x: ArrayLike, t: ArrayLike) -> float:
        """Mean cross-entropy of the predictions for ``x`` against labels ``t``.

        Used in: chapter 2, §2.5 (what the numerical gradient differentiates); chapter 3, §3.1
        (the minibatch's loss before and after one step).

        Parameters
        ----------
        x : array_like, shape (N, input_size) or (input_size,)
        t : array_like, shape (N, output_size) one-hot or (N,) integer labels

        Returns
        -------
        float
        """
        return cross_entropy_error(self.predict(x), t)

    def accuracy(self, x: ArrayLike, t: ArrayLike) -> float:
        """Fraction of samples whose most probable class is the label.

        Used in: chapter 2, §2.5 (against the book's class); chapter 3, §3.2 (the test
        accuracy every 50 iterations), §3.4 and §3.5 (the validation accuracy).

        Parameters
        ----------
        x : array_like, shape (N, input_size)
        t : array_like, shape (N, output_size) one-hot or (N,) integer labels

        Returns
        -------
        float in [0, 1]
        """
        y = self.predict_labels(x)
        t = label_indices(t, self.output_size, len(y))
        return float(np.mean(y == t)) if len(y) else 0.0

    @one_blas_thread()
    def predict_labels(self, x: ArrayLike) -> NDArray[np.intp]:
        """The most probable class of each sample: ``predict(x).argmax(axis=1)``, for any size.

        The book's ``accuracy`` calls ``predict`` on the whole set at once. This method gives
        the same classes without the two copies that costs on a whole dataset: it skips the
        softmax (which keeps the largest score largest) and converts the images to the
        network's dtype ``EVAL_BLOCK_ROWS`` rows at a time, so 60,000 float32 images are never
        copied whole into float64.

        Used in: chapter 3, §3.3 and chapter 4, §4.6 (which images the network gets wrong).

        Parameters
        ----------
        x : array_like, shape (N, input_size) or (input_size,)

        Returns
        -------
        ndarray of intp, shape (N,) (N = 1 for a single sample)
        """
        x = self._as_batch(x)
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        labels = np.empty(len(x), dtype=np.intp)
        for start in range(0, len(x), EVAL_BLOCK_ROWS):
            block = x[start : start + EVAL_BLOCK_ROWS].astype(self.dtype, copy=False)
            a2 = sigmoid(block @ W1 + b1) @ W2 + b2
            labels[start : start + len(block)] = a2.argmax(axis=1)
            del block, a2  # free this block before the next one is converted
        return labels

    def numerical_gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, NDArray]:
        """Gradient of ``loss(x, t)`` for every parameter by central differences.

        Two forward passes per parameter: 39,760 parameters for 784-50-10, so one call
        costs 79,520 forward passes. Use it to check :meth:`gradient`.

        Used in: chapter 2, §2.5 (what it costs; the gradient check compares
        backpropagation with its result).

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

        The steps are the book's ``gradient``, line for line and with its names (ch04
        ``two_layer_net.py`` of the book's repository, as transcribed in
        ``benchmarks/book_ch04.py``; the book builds it in its section 5.7); chapter 2, §2.6
        derives each line with the chain rule. The loss comes from the same forward pass.

        Used in: chapter 3, §3.2 (the training loop); chapter 4, §4.2 (the full run's loop);
        :func:`scratchlib.trainer.train`.
        Named in: chapter 2, §2.6 (each line derived).

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
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        batch_num = x.shape[0]
        labels = label_indices(t, self.output_size, batch_num)
        t = np.eye(self.output_size, dtype=self.dtype)[labels]  # one-hot, as the book's t

        # forward
        a1 = x @ W1 + b1
        z1 = sigmoid(a1)
        a2 = z1 @ W2 + b2
        y = softmax(a2)
        loss = mean_log_loss(y, labels)  # cross_entropy_error(y, t)

        # backward, the book's lines and names: dy is dL/da2 (softmax and cross-entropy
        # together), dz1 is dL/dz1, da1 is dL/da1 (chapter 2, §2.6, steps 1 to 5)
        grads = {}
        dy = (y - t) / batch_num  # step 1
        grads["W2"] = z1.T @ dy  # step 2
        grads["b2"] = np.sum(dy, axis=0)
        dz1 = dy @ W2.T  # step 3
        da1 = z1 * (1 - z1) * dz1  # step 4: sigmoid_grad(a1) * dz1, with z1 = sigmoid(a1)
        grads["W1"] = x.T @ da1  # step 5
        grads["b1"] = np.sum(da1, axis=0)

        return loss, {key: grads[key] for key in self.params}  # W1, b1, W2, b2 as in params

    def gradient(self, x: ArrayLike, t: ArrayLike) -> dict[str, NDArray]:
        """Gradient of ``loss(x, t)`` by backpropagation (the book's ``gradient``).

        Used in: chapter 2, §2.6 (timed, and compared with the book's class; the gradient
        check takes its result); chapter 3, §3.1 (one step), §3.3 (one update with the bug)
        and §3.5 (the gradient at the starting weights).

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
