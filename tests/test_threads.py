"""One BLAS thread inside the library's small-product loops, the user's setting outside.

Each test raises the BLAS limit to 2 threads first, so that "1 inside" can only come from the
library, then checks what threadpoolctl reports inside the library's calls and afterwards.
"""

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from scratchlib import TwoLayerNet, numerical_gradient, train
from scratchlib.gradient import gradient_descent
from scratchlib.threads import one_blas_thread


def blas_threads() -> set[int]:
    """The thread counts of the loaded BLAS libraries, as threadpoolctl reports them."""
    return {lib["num_threads"] for lib in threadpool_info() if lib["user_api"] == "blas"}


@pytest.fixture
def two_threads():
    assert blas_threads(), "numpy's BLAS is not visible to threadpoolctl"
    with threadpool_limits(limits=2, user_api="blas"):
        assert blas_threads() == {2}
        yield
    # the user's setting is back after the test, whatever it was


class Recording(np.ndarray):
    """An array that records the BLAS thread counts whenever a ufunc (matmul included) or an
    array function (np.dot, ...) touches it: how a test sees inside the network's products."""

    seen: list[set[int]]

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        Recording.seen.append(blas_threads())
        inputs = tuple(i.view(np.ndarray) if isinstance(i, Recording) else i for i in inputs)
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __array_function__(self, func, types, args, kwargs):
        Recording.seen.append(blas_threads())
        args = tuple(a.view(np.ndarray) if isinstance(a, Recording) else a for a in args)
        return func(*args, **kwargs)


def test_one_blas_thread_limits_and_restores(two_threads):
    with one_blas_thread():
        assert blas_threads() == {1}
        with one_blas_thread():
            assert blas_threads() == {1}
        assert blas_threads() == {1}
    assert blas_threads() == {2}


def test_one_blas_thread_restores_after_an_exception(two_threads):
    with pytest.raises(RuntimeError), one_blas_thread():
        raise RuntimeError("inside")
    assert blas_threads() == {2}


def test_numerical_gradient_runs_f_on_one_thread(two_threads):
    seen = []

    def f(x):
        seen.append(blas_threads())
        return float(np.sum(x**2))

    grad = numerical_gradient(f, np.array([3.0, 4.0]))
    np.testing.assert_allclose(grad, [6.0, 8.0])
    assert seen and all(s == {1} for s in seen)
    assert blas_threads() == {2}


def test_numerical_gradient_restores_threads_when_f_raises(two_threads):
    def f(x):
        raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        numerical_gradient(f, np.array([1.0]))
    assert blas_threads() == {2}


def test_gradient_descent_steps_on_one_thread(two_threads):
    seen = []

    def f(x):
        seen.append(blas_threads())
        return float(np.sum(x**2))

    gradient_descent(f, [1.0, 2.0], lr=0.1, step_num=3)
    assert len(seen) == 3 * 2 * 2 and all(s == {1} for s in seen)
    assert blas_threads() == {2}


def test_network_numerical_gradient_on_one_thread(two_threads):
    net = TwoLayerNet(4, 3, 2, seed=0)
    seen = []
    loss = net.loss

    def recording_loss(x, t):
        seen.append(blas_threads())
        return loss(x, t)

    net.loss = recording_loss
    x = np.random.default_rng(0).random((5, 4))
    net.numerical_gradient(x, np.array([0, 1, 0, 1, 1]))
    assert len(seen) == 2 * (4 * 3 + 3 + 3 * 2 + 2) and all(s == {1} for s in seen)
    assert blas_threads() == {2}


@pytest.mark.parametrize("method", ["accuracy", "loss_and_gradient"])
def test_evaluation_and_minibatch_passes_run_on_one_thread(two_threads, method):
    """Also outside train: a hand-written loop calls loss_and_gradient and accuracy."""
    net = TwoLayerNet(4, 3, 2, seed=0)
    net.params = {key: p.view(Recording) for key, p in net.params.items()}
    Recording.seen = []
    x = np.random.default_rng(0).random((7, 4))
    getattr(net, method)(x, np.array([0, 1, 0, 1, 1, 0, 0]))
    assert Recording.seen and all(s == {1} for s in Recording.seen)
    assert blas_threads() == {2}


class RecordingNetwork:
    """What train needs of a network, recording the BLAS threads of every call."""

    def __init__(self):
        self.params = {"W": np.zeros(2)}
        self.seen = []

    def loss(self, x, t):
        self.seen.append(blas_threads())
        return 0.0

    def numerical_gradient(self, x, t):
        self.seen.append(blas_threads())
        return {"W": np.zeros(2)}

    def loss_and_gradient(self, x, t):
        self.seen.append(blas_threads())
        return 0.0, {"W": np.zeros(2)}

    def accuracy(self, x, t):
        self.seen.append(blas_threads())
        return 0.5


@pytest.mark.parametrize("gradient", ["backprop", "numerical"])
def test_train_minibatches_and_evaluation_on_one_thread(two_threads, gradient):
    net = RecordingNetwork()
    data = (np.zeros((10, 2)), np.zeros(10, dtype=int))
    history = train(net, data, data, iters_num=6, batch_size=5, gradient=gradient, seed=0)
    assert len(history.iterations) == 3  # evaluations at iterations 0, 2, 4
    expected_calls = 6 if gradient == "backprop" else 12
    assert len(net.seen) == expected_calls + 2 * 3
    assert all(s == {1} for s in net.seen)
    assert blas_threads() == {2}


def test_train_restores_threads_when_the_network_fails(two_threads):
    net = RecordingNetwork()

    def broken(x, t):
        raise FloatingPointError("diverged")

    net.loss_and_gradient = broken
    data = (np.zeros((10, 2)), np.zeros(10, dtype=int))
    with pytest.raises(FloatingPointError):
        train(net, data, data, iters_num=3, batch_size=5, seed=0)
    assert blas_threads() == {2}
