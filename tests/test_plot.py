"""scratchlib.plot draws what it claims from a History."""

import numpy as np
import pytest
from conftest import raises_naming
from matplotlib import pyplot as plt

from scratchlib.plot import moving_average, plot_accuracy, plot_loss, show_images
from scratchlib.trainer import History


@pytest.fixture
def history():
    return History(
        train_loss=np.linspace(2.3, 0.5, 300),
        iterations=np.array([0, 100, 200]),
        train_acc=np.array([0.1, 0.7, 0.8]),
        test_acc=np.array([0.1, 0.65, 0.75]),
        eval_interval=100,
        iter_per_epoch=100,
    )


def test_plot_accuracy_is_the_books_figure(history):
    ax = plot_accuracy(history)
    train, test = ax.get_lines()
    np.testing.assert_array_equal(train.get_xdata(), [0, 1, 2])
    np.testing.assert_array_equal(train.get_ydata(), [0.1, 0.7, 0.8])
    np.testing.assert_array_equal(test.get_xdata(), [0, 1, 2])
    np.testing.assert_array_equal(test.get_ydata(), [0.1, 0.65, 0.75])
    assert ax.get_xlabel() == "epochs" and ax.get_ylim() == (0, 1.0)
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train acc", "test acc"]
    plt.close("all")


def test_plot_loss_raw_and_smoothed(history):
    ax = plot_loss(history, smooth=50)
    raw, smooth = ax.get_lines()
    loss = history.train_loss
    np.testing.assert_array_equal(raw.get_xdata(), np.arange(300))
    np.testing.assert_array_equal(raw.get_ydata(), loss)
    # the mean of each window of 50, drawn at the window's last iteration
    np.testing.assert_array_equal(smooth.get_xdata(), np.arange(49, 300))
    np.testing.assert_allclose(smooth.get_ydata(), np.convolve(loss, np.ones(50) / 50, "valid"))
    plt.close("all")


def test_moving_average():
    np.testing.assert_allclose(moving_average([1, 2, 3, 4], 2), [1.5, 2.5, 3.5])
    assert moving_average([1, 2], 5).size == 0
    with raises_naming(ValueError, "window", "0"):
        moving_average([1.0], 0)


def test_show_images_grid_and_titles():
    images = np.zeros((5, 784), dtype=np.float32)
    fig = show_images(
        images,
        labels=[0, 1, 2, 3, 4],
        class_names=list("abcdefghij"),
        predictions=[0, 1, 9, 3, 4],
        ncols=3,
    )
    axes = fig.axes
    assert len(axes) == 6  # 2 rows of 3, the last one blank
    titles = [ax.get_title() for ax in axes[:5]]
    assert titles[0] == "a\n→ a" and titles[2] == "c\n→ j"
    assert axes[2].title.get_color() == "tab:red" and axes[0].title.get_color() == "black"
    plt.close("all")


def test_show_images_rejects_non_square():
    with raises_naming(ValueError, "10"):
        show_images(np.zeros((2, 10)))
