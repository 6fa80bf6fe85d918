"""The chapter's figures: accuracy per epoch (the book's figure), the loss curve, image grids.

Each function draws on ``ax`` when given (so figures can be combined) and otherwise on a new
figure, and returns the ``Axes`` (or the ``Figure`` for grids).
"""

from __future__ import annotations

from collections.abc import Sequence

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from scratchlib.trainer import History

__all__ = ["plot_accuracy", "plot_loss", "moving_average", "show_images"]


def _axes(ax: Axes | None, figsize: tuple[float, float] = (6, 4)) -> Axes:
    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def plot_accuracy(history: History, ax: Axes | None = None) -> Axes:
    """The book's figure: train and test accuracy against epochs.

    Used in: no chapter.

    Chapter 4 draws the same figure from its own training loop, with validation data in place
    of test data, beside the losses (§4.3).

    Parameters
    ----------
    history : History
        From :func:`scratchlib.trainer.train`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    epochs = history.epochs
    ax.plot(epochs, history.train_acc, marker="o", markersize=3, label="train acc")
    ax.plot(epochs, history.test_acc, marker="s", markersize=3, linestyle="--", label="test acc")
    ax.set_xlabel("epochs")
    ax.set_ylabel("accuracy")
    ax.set_ylim(0, 1.0)
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)
    return ax


def moving_average(values: ArrayLike, window: int) -> np.ndarray:
    """Mean of each run of ``window`` consecutive values ('valid' part only).

    Used in: chapter 3, §3.5 (the loss curves of four starting weights, smoothed); chapter 4,
    §4.4 (when the mean of 20 minibatch losses falls below 2.2); :func:`plot_loss` (the
    smoothed curve).

    Parameters
    ----------
    values : array_like, shape (n,)
    window : int, >= 1

    Returns
    -------
    ndarray of float64, shape (max(n - window + 1, 0),)

    Raises
    ------
    ValueError
        When ``window`` is below 1.
    """
    values = np.asarray(values, dtype=np.float64)
    if window < 1:
        raise ValueError(f"window must be >= 1, got {window}")
    if len(values) < window:
        return np.empty(0)
    cumsum = np.cumsum(np.concatenate(([0.0], values)))
    return (cumsum[window:] - cumsum[:-window]) / window


def plot_loss(history: History, ax: Axes | None = None, smooth: int = 100) -> Axes:
    """Minibatch loss per iteration, raw (faint) and as a moving average.

    Used in: chapter 3, §3.4 (the loss curves of five learning rates and three batch sizes).

    Parameters
    ----------
    history : History
    ax : matplotlib Axes, optional
    smooth : int, default 100
        Window of the moving average, in iterations (1: no smoothing line).

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(ax)
    loss = history.train_loss
    ax.plot(
        np.arange(len(loss)),
        loss,
        color="tab:blue",
        alpha=0.25,
        linewidth=0.7,
        label="minibatch loss",
    )
    if smooth > 1 and len(loss) >= smooth:
        avg = moving_average(loss, smooth)
        ax.plot(
            np.arange(smooth - 1, len(loss)),
            avg,
            color="tab:blue",
            label=f"moving average ({smooth})",
        )
    ax.set_xlabel("iteration")
    ax.set_ylabel("loss")
    ax.legend(loc="upper right")
    ax.grid(alpha=0.3)
    return ax


def show_images(
    images: ArrayLike,
    labels: ArrayLike | None = None,
    class_names: Sequence[str] | None = None,
    predictions: ArrayLike | None = None,
    ncols: int = 8,
    size: float = 1.3,
) -> Figure:
    """A grid of 28x28 images with their labels (and predictions, red when wrong).

    Used in: chapter 1, §1.1-1.2 (the dataset); chapter 4, §4.6 (the network's mistakes).

    Parameters
    ----------
    images : array_like, shape (n, 784), (n, 28, 28) or (n, 1, 28, 28)
    labels : array_like of int, shape (n,), optional
    class_names : sequence of str, optional
        Names to print instead of label numbers (e.g. ``FASHION_MNIST_CLASSES``).
    predictions : array_like of int, shape (n,), optional
        Shown as "label -> prediction"; titles of wrong predictions are red.
    ncols : int, default 8
    size : float, default 1.3
        Inches per image.

    Returns
    -------
    matplotlib.figure.Figure
    """
    images = np.asarray(images)
    n = len(images)
    if n == 0:
        raise ValueError("show_images: no images given")
    side = int(round(np.sqrt(images[0].size)))
    if side * side != images[0].size:
        raise ValueError(
            f"show_images: each image must have a square number of pixels; got {images[0].size}"
        )
    images = images.reshape(n, side, side)
    ncols = min(ncols, n)
    nrows = -(-n // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(ncols * size, nrows * (size + 0.25)), squeeze=False
    )

    def name(k: int) -> str:
        return class_names[k] if class_names is not None else str(k)

    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i >= n:
            continue
        ax.imshow(images[i], cmap="gray_r")
        if labels is None:
            continue
        title = name(int(labels[i]))
        color = "black"
        if predictions is not None:
            title = f"{title}\n→ {name(int(predictions[i]))}"
            color = "black" if predictions[i] == labels[i] else "tab:red"
        ax.set_title(title, fontsize=8, color=color)
    fig.tight_layout()
    return fig
