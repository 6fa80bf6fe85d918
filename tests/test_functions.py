"""scratchlib.functions against closed forms and the book's definitions."""

import warnings

import numpy as np
import pytest
from conftest import raises_naming

from scratchlib.functions import (
    cross_entropy_error,
    identity_function,
    label_indices,
    mean_log_loss,
    relu,
    relu_grad,
    sigmoid,
    sigmoid_grad,
    softmax,
    softmax_loss,
    step_function,
    sum_squared_error,
)

#: The functions of the book's ``common/functions.py``: the module exports each of them (and
#: may export more: every public function is in ``__all__``, tests/test_site.py checks).
BOOK_NAMES = {
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
}


def test_the_books_functions_are_exported_under_the_books_names():
    namespace: dict = {}
    exec("from scratchlib.functions import *", namespace)
    missing = BOOK_NAMES - set(namespace)
    assert not missing, f"from scratchlib.functions import * lacks the book's {sorted(missing)}"


def test_simple_activations():
    x = np.array([-2.0, 0.0, 3.0])
    np.testing.assert_array_equal(identity_function(x), x)
    np.testing.assert_array_equal(step_function(x), [0, 0, 1])
    np.testing.assert_array_equal(relu(x), [0.0, 0.0, 3.0])
    np.testing.assert_array_equal(relu_grad(x), [0.0, 1.0, 1.0])


def test_sigmoid_matches_the_definition_where_it_is_safe():
    x = np.linspace(-30, 30, 601)
    np.testing.assert_allclose(sigmoid(x), 1 / (1 + np.exp(-x)), rtol=1e-15)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_never_warns_and_saturates(dtype):
    x = np.array([-1e30, -1e4, -1000.0, -89.0, 0.0, 89.0, 1000.0, 1e4, 1e30], dtype=dtype)
    with warnings.catch_warnings(), np.errstate(over="raise", divide="raise", invalid="raise"):
        warnings.simplefilter("error")
        s = sigmoid(x)
    assert s.dtype == dtype
    assert np.all((s >= 0) & (s <= 1))
    assert s[0] == 0 and s[-1] == 1 and s[4] == 0.5


def test_sigmoid_keeps_relative_precision_of_tiny_values():
    # exp(-40) / (1 + exp(-40)): the naive 1 - sigmoid(40) would give 0.
    assert sigmoid(-40.0) == pytest.approx(np.exp(-40.0), rel=1e-12)


def test_sigmoid_grad_closed_form():
    x = np.linspace(-8, 8, 33)
    s = 1 / (1 + np.exp(-x))
    np.testing.assert_allclose(sigmoid_grad(x), s * (1 - s), rtol=1e-12)
    assert sigmoid_grad(0.0) == 0.25


def test_softmax_one_sample_and_batch():
    a = np.array([0.3, 2.9, 4.0])
    expected = np.exp(a) / np.exp(a).sum()
    np.testing.assert_allclose(softmax(a), expected, rtol=1e-14)
    batch = np.stack([a, a + 1000.0, -a])
    y = softmax(batch)
    np.testing.assert_allclose(y[0], expected, rtol=1e-14)
    np.testing.assert_allclose(y[1], expected, rtol=1e-12)  # shift invariance, no overflow
    np.testing.assert_allclose(y.sum(axis=1), 1.0, rtol=1e-14)


def test_softmax_float32_preserved():
    assert softmax(np.zeros((2, 3), dtype=np.float32)).dtype == np.float32


def test_sum_squared_error_book_example():
    t = np.zeros(10)
    t[2] = 1
    y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
    assert sum_squared_error(y, t) == pytest.approx(0.0975)
    with raises_naming(ValueError, "y", "t", "(10,)", "()"):
        sum_squared_error(y, 2)


def test_cross_entropy_book_example_one_hot_and_integer():
    t = np.zeros(10)
    t[2] = 1
    y = np.array([0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0])
    expected = -np.log(0.6 + 1e-7)
    assert cross_entropy_error(y, t) == pytest.approx(expected)
    assert cross_entropy_error(y, 2) == pytest.approx(expected)
    assert cross_entropy_error(y, np.array(2)) == pytest.approx(expected)


def test_cross_entropy_batch_is_the_mean():
    rng = np.random.default_rng(0)
    y = softmax(rng.standard_normal((5, 4)))
    labels = np.array([0, 3, 1, 1, 2])
    expected = np.mean([-np.log(y[i, k] + 1e-7) for i, k in enumerate(labels)])
    assert cross_entropy_error(y, labels) == pytest.approx(expected)
    assert cross_entropy_error(y, np.eye(4)[labels]) == pytest.approx(expected)


def test_cross_entropy_rejects_bad_labels():
    y = softmax(np.zeros((3, 4)))
    with raises_naming(ValueError, "[0, 4)", "7"):
        cross_entropy_error(y, np.array([0, 1, 7]))
    with raises_naming(ValueError, "(3, 4)", "(3,)", "(2,)"):
        cross_entropy_error(y, np.array([0, 1]))


def test_softmax_cross_entropy_gradient_closed_form():
    """d/da mean CE(softmax(a), t) = (softmax(a) - onehot(t)) / N, checked numerically."""
    rng = np.random.default_rng(1)
    a = rng.standard_normal((4, 5))
    labels = np.array([4, 0, 2, 2])
    closed = (softmax(a) - np.eye(5)[labels]) / len(a)
    h = 1e-6
    numeric = np.zeros_like(a)
    for idx in np.ndindex(a.shape):
        ap, am = a.copy(), a.copy()
        ap[idx] += h
        am[idx] -= h
        # without the 1e-7 delta the derivative is exact; with it, relative change ~1e-7
        numeric[idx] = (softmax_loss(ap, labels) - softmax_loss(am, labels)) / (2 * h)
    np.testing.assert_allclose(numeric, closed, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize(
    ("values", "dtype"),
    [
        ([200, 3, 0], np.uint8),
        ([-128, 127, 0], np.int8),
        ([-700, 5, 0], np.int32),
        ([True, False, True], np.bool_),
    ],
)
def test_integer_and_boolean_inputs_give_float64(values, dtype):
    x = np.array(values, dtype=dtype)
    with warnings.catch_warnings(), np.errstate(over="raise", invalid="raise"):
        warnings.simplefilter("error")
        s = sigmoid(x)
        y = softmax(x)
    expected = 1 / (1 + np.exp(-np.asarray(values, dtype=np.float64)))
    assert s.dtype == np.float64 and y.dtype == np.float64
    np.testing.assert_allclose(s, expected, rtol=1e-15)
    assert relu_grad(x).dtype == np.float64
    assert sigmoid_grad(x).dtype == np.float64


def test_cross_entropy_single_sample_label_forms():
    y = np.array([0.2, 0.8])
    expected = -np.log(0.8 + 1e-7)
    assert cross_entropy_error(y, 1) == pytest.approx(expected)
    assert cross_entropy_error(y, [1]) == pytest.approx(expected)
    assert cross_entropy_error(y, [0, 1]) == pytest.approx(expected)


def test_cross_entropy_empty_batch_is_an_error():
    with raises_naming(ValueError, "(0, C)"):
        cross_entropy_error(np.zeros((0, 3)), np.zeros(0, dtype=int))


def test_label_indices_of_every_label_form():
    np.testing.assert_array_equal(label_indices(np.eye(3)[[2, 0, 1]], 3, 3), [2, 0, 1])
    np.testing.assert_array_equal(label_indices([2, 0, 1], 3, 3), [2, 0, 1])
    np.testing.assert_array_equal(label_indices(np.array([2.0, 0.0]), 3, 2), [2, 0])
    for one_sample in (1, [1], [0, 1, 0]):
        np.testing.assert_array_equal(label_indices(one_sample, 3, 1), [1])
    with raises_naming(ValueError, "float64"):
        label_indices(np.array([0.5, 1.0]), 3, 2)
    with raises_naming(ValueError, "[0, 3)", "-1", "2"):
        label_indices(np.array([-1, 2]), 3, 2)


def test_mean_log_loss_is_the_formula():
    y = softmax(np.random.default_rng(2).standard_normal((4, 3)))
    idx = np.array([0, 2, 2, 1])
    expected = np.mean([-np.log(y[i, k] + 1e-7) for i, k in enumerate(idx)])
    assert mean_log_loss(y, idx) == pytest.approx(expected, rel=1e-14)
    assert mean_log_loss(y, idx) == cross_entropy_error(y, idx)
