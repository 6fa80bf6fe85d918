"""TwoLayerNet: backprop against the numerical oracle, dtypes, shapes and labels."""

import warnings

import numpy as np
import pytest
from conftest import raises_naming

from benchmarks.book_ch04 import BookTwoLayerNet
from scratchlib import TwoLayerNet
from scratchlib.functions import sigmoid, softmax


def rel_error(a, b):
    """Largest elementwise |a - b| / (|a| + |b|), the usual gradient-check measure."""
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), 1e-12)))


def small_problem(seed=0, n=8, d=6, classes=3):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, d))
    t = rng.integers(0, classes, n)
    return x, t


@pytest.mark.parametrize("one_hot", [False, True])
def test_backprop_matches_numerical_gradient(one_hot):
    # The book's initialisation (std 0.01) on a batch of 20. With larger weights the central
    # difference's h**2 truncation error, and the 1e-7 inside the loss's log, both grow
    # past 1e-6 relative on the smallest gradient entries.
    x, t = small_problem(n=20)
    if one_hot:
        t = np.eye(3)[t]
    net = TwoLayerNet(6, 5, 3, seed=1)
    numeric = net.numerical_gradient(x, t)
    backprop = net.gradient(x, t)
    assert numeric.keys() == backprop.keys() == {"W1", "b1", "W2", "b2"}
    for key in backprop:
        assert backprop[key].shape == net.params[key].shape
        assert rel_error(backprop[key], numeric[key]) < 1e-6, key


def test_gradient_is_the_books_gradient():
    """The book's ch04 ``TwoLayerNet.gradient`` (benchmarks/book_ch04.py), on one-hot labels."""
    x, labels = small_problem(7, n=12)
    net = TwoLayerNet(6, 5, 3, weight_init_std=0.5, seed=5)
    book = BookTwoLayerNet(6, 5, 3)
    book.params = {key: value.copy() for key, value in net.params.items()}
    expected = book.gradient(x, np.eye(3)[labels])
    ours = net.gradient(x, labels)
    assert list(ours) == list(net.params)  # W1, b1, W2, b2: the order of params
    for key in expected:
        np.testing.assert_allclose(ours[key], expected[key], rtol=1e-13, atol=1e-17)


def test_loss_and_gradient_agrees_with_loss_and_gradient():
    x, t = small_problem(2)
    net = TwoLayerNet(6, 4, 3, weight_init_std=0.5, seed=3)
    loss, grads = net.loss_and_gradient(x, t)
    assert loss == pytest.approx(net.loss(x, t), rel=1e-12)
    for key, g in net.gradient(x, t).items():
        np.testing.assert_array_equal(grads[key], g)


def test_predict_is_the_formula():
    x, _ = small_problem()
    net = TwoLayerNet(6, 5, 3, weight_init_std=0.3, seed=4)
    p = net.params
    expected = softmax(sigmoid(x @ p["W1"] + p["b1"]) @ p["W2"] + p["b2"])
    np.testing.assert_allclose(net.predict(x), expected, rtol=1e-14)
    np.testing.assert_allclose(net.predict(x[0]), expected[0], rtol=1e-14)
    assert net.predict(x[0]).shape == (3,)


def test_one_sample_everywhere():
    x, t = small_problem(n=1)
    net = TwoLayerNet(6, 5, 3, weight_init_std=1.0, seed=2)
    sample, label = x[0], int(t[0])
    assert net.predict_labels(sample).shape == (1,)
    assert net.accuracy(sample, label) == net.accuracy(x, t)
    assert net.loss(sample, label) == pytest.approx(net.loss(x, t), rel=1e-14)
    for labels in (label, [label], np.eye(3)[label]):
        loss, grads = net.loss_and_gradient(sample, labels)
        assert loss == pytest.approx(net.loss(x, t), rel=1e-14)
        np.testing.assert_array_equal(grads["W1"], net.gradient(x, t)["W1"])


def test_seed_makes_weights_reproducible():
    a = TwoLayerNet(784, 50, 10, seed=7)
    b = TwoLayerNet(784, 50, 10, seed=7)
    c = TwoLayerNet(784, 50, 10, seed=8)
    np.testing.assert_array_equal(a.params["W1"], b.params["W1"])
    assert not np.array_equal(a.params["W1"], c.params["W1"])
    assert a.params["W1"].shape == (784, 50) and a.params["b2"].shape == (10,)
    assert np.all(a.params["b1"] == 0)
    assert 0.009 < a.params["W1"].std() < 0.011


def test_accuracy_integer_and_one_hot_labels():
    x, t = small_problem(5, n=50)
    net = TwoLayerNet(6, 5, 3, weight_init_std=1.0, seed=0)
    predicted = net.predict(x).argmax(axis=1)
    expected = float(np.mean(predicted == t))
    assert net.accuracy(x, t) == pytest.approx(expected)
    assert net.accuracy(x, np.eye(3)[t]) == pytest.approx(expected)
    assert net.accuracy(x, predicted) == 1.0


def test_predict_labels_is_the_argmax_of_predict(monkeypatch):
    import scratchlib.network as network

    x, _ = small_problem(8, n=57)
    x = x.astype(np.float32)  # a float32 dataset on a float64 network, as in the chapters
    net = TwoLayerNet(6, 5, 3, weight_init_std=1.0, seed=1)
    monkeypatch.setattr(network, "EVAL_BLOCK_ROWS", 16)
    np.testing.assert_array_equal(net.predict_labels(x), net.predict(x).argmax(axis=1))


def test_accuracy_in_blocks_matches_whole(monkeypatch):
    import scratchlib.network as network

    x, t = small_problem(6, n=103)
    net = TwoLayerNet(6, 5, 3, weight_init_std=1.0, seed=0)
    whole = net.accuracy(x, t)
    monkeypatch.setattr(network, "EVAL_BLOCK_ROWS", 10)
    assert net.accuracy(x, t) == whole


def test_float32_end_to_end():
    x, t = small_problem()
    x = x.astype(np.float32)
    net = TwoLayerNet(6, 5, 3, seed=0, dtype=np.float32)
    assert all(p.dtype == np.float32 for p in net.params.values())
    assert net.predict(x).dtype == np.float32
    loss, grads = net.loss_and_gradient(x, t)
    assert isinstance(loss, float)
    assert all(g.dtype == np.float32 for g in grads.values())
    assert all(g.dtype == np.float32 for g in net.gradient(x, t).values())


def test_float64_data_on_float32_net_gives_float32():
    x, t = small_problem()
    net = TwoLayerNet(6, 5, 3, seed=0, dtype=np.float32)
    assert net.predict(x).dtype == np.float32


def test_no_warnings_for_extreme_inputs():
    net = TwoLayerNet(6, 5, 3, weight_init_std=1.0, seed=0)
    x = np.full((2, 6), 1e4)
    x[1] = -1e4
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y = net.predict(x)
        net.gradient(x, [0, 1])
    assert np.all(np.isfinite(y))


@pytest.mark.parametrize("shape", [(4, 7), (4, 1, 2, 3), (28, 28, 1), (5,)])
def test_wrong_input_shape_names_expected_and_actual(shape):
    net = TwoLayerNet(6, 5, 3)
    x = np.zeros(shape)
    with raises_naming(ValueError, "x", "(N, 6)", "(6,)", str(shape)):
        net.predict(x)
    with raises_naming(ValueError, "x", "(N, 6)", str(shape)):
        net.accuracy(x, np.zeros(len(x), dtype=int))


def test_wrong_label_shape():
    net = TwoLayerNet(6, 5, 3)
    x = np.zeros((4, 6))
    with raises_naming(ValueError, "(4, 3)", "(4,)", "(4, 10)"):
        net.gradient(x, np.zeros((4, 10)))
    with raises_naming(ValueError, "[0, 3)", "9"):
        net.loss_and_gradient(x, np.array([0, 1, 2, 9]))


def test_bad_constructor_arguments():
    with raises_naming(ValueError, "hidden_size", "0"):
        TwoLayerNet(784, 0, 10)
    with raises_naming(TypeError, "dtype", "int32"):
        TwoLayerNet(784, 50, 10, dtype=np.int32)


def test_repr():
    assert repr(TwoLayerNet(784, 50, 10, dtype=np.float32)) == (
        "TwoLayerNet(784, 50, 10, dtype=np.float32)"
    )
