"""scratchlib.gradient: central differences, in-place perturbation, restoring x, errors."""

import numpy as np
import pytest

from scratchlib.gradient import gradient_descent, numerical_diff, numerical_gradient


def function_2(x):
    return np.sum(x**2)


def test_numerical_diff_is_central():
    # For f(x) = x**3 the central difference has error exactly h**2; forward 3*x*h + h**2.
    h = 1e-2
    assert numerical_diff(lambda x: x**3, 2.0, h=h) == pytest.approx(12.0 + h**2, rel=1e-12)


def test_numerical_diff_book_example():
    def function_1(x):
        return 0.01 * x**2 + 0.1 * x

    assert numerical_diff(function_1, 5.0) == pytest.approx(0.2, abs=1e-9)
    assert numerical_diff(function_1, 10.0) == pytest.approx(0.3, abs=1e-9)


@pytest.mark.parametrize("shape", [(), (2,), (3, 4), (2, 3, 2)])
def test_numerical_gradient_any_shape(shape):
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    grad = numerical_gradient(function_2, x)
    assert grad.shape == x.shape
    np.testing.assert_allclose(grad, 2 * x, rtol=1e-7, atol=1e-9)


def test_numerical_gradient_book_points():
    np.testing.assert_allclose(numerical_gradient(function_2, np.array([3.0, 4.0])), [6, 8])
    np.testing.assert_allclose(numerical_gradient(function_2, np.array([0.0, 2.0])), [0, 4])


def test_numerical_gradient_perturbs_in_place_through_a_closure():
    w = np.array([1.0, -2.0, 0.5])
    seen = []

    def loss(_):
        seen.append(w.copy())  # reads w, not its argument: the TwoLayerNet pattern
        return float(np.sum(w**3))

    grad = numerical_gradient(loss, w)
    np.testing.assert_allclose(grad, 3 * np.array([1.0, -2.0, 0.5]) ** 2, rtol=1e-7)
    assert len(seen) == 6 and not np.array_equal(seen[0], [1.0, -2.0, 0.5])
    np.testing.assert_array_equal(w, [1.0, -2.0, 0.5])


def test_numerical_gradient_restores_x_when_f_raises():
    x = np.array([1.0, 2.0, 3.0])
    calls = []

    def explode(v):
        calls.append(1)
        if len(calls) == 4:  # while x[1] is perturbed
            raise RuntimeError("boom")
        return float(v.sum())

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(explode, x)
    np.testing.assert_array_equal(x, [1.0, 2.0, 3.0])


def test_numerical_gradient_restores_exact_bits():
    x = np.array([0.1, 1e-20, 12345.678])
    before = x.copy()
    numerical_gradient(function_2, x)
    assert x.tobytes() == before.tobytes()


def test_numerical_gradient_refuses_integers():
    with pytest.raises(TypeError, match=r"dtype int64.*floating point.*astype\(float\)"):
        numerical_gradient(function_2, np.array([1, 2]))


def test_numerical_gradient_refuses_non_arrays():
    with pytest.raises(TypeError, match="numpy array.*got list"):
        numerical_gradient(function_2, [1.0, 2.0])


def test_numerical_gradient_float32_kept():
    x = np.array([1.0, 2.0], dtype=np.float32)
    assert numerical_gradient(function_2, x, h=1e-2).dtype == np.float32


def test_gradient_descent_book_example():
    init = np.array([-3.0, 4.0])
    x, history = gradient_descent(function_2, init, lr=0.1, step_num=100)
    np.testing.assert_allclose(x, [0, 0], atol=1e-8)
    assert history.shape == (101, 2)
    np.testing.assert_array_equal(history[0], [-3.0, 4.0])
    np.testing.assert_array_equal(history[-1], x)
    np.testing.assert_array_equal(init, [-3.0, 4.0])  # the caller's start is untouched
    # each step multiplies x by (1 - 2 lr)
    np.testing.assert_allclose(history[1], [-3.0 * 0.8, 4.0 * 0.8])


def test_gradient_descent_learning_rates():
    init = np.array([-3.0, 4.0])
    too_big, _ = gradient_descent(function_2, init, lr=10.0, step_num=100)
    too_small, _ = gradient_descent(function_2, init, lr=1e-10, step_num=100)
    assert np.abs(too_big).max() > 1e10
    np.testing.assert_allclose(too_small, init, rtol=1e-6)


def test_gradient_descent_integer_start_is_converted():
    x, _ = gradient_descent(function_2, [3, 4], lr=0.1, step_num=1)
    np.testing.assert_allclose(x, [2.4, 3.2])
