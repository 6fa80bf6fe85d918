"""scratchlib.trainer: sampling, the SGD step, the evaluation schedule and a learnable problem."""

import tracemalloc

import numpy as np
import pytest
from conftest import raises_naming

import scratchlib
from scratchlib import TwoLayerNet
from scratchlib.functions import sigmoid
from scratchlib.trainer import History, sample_with_replacement, sgd_update, shuffled_epochs


def blobs(n, seed, dim=20, classes=10, spread=1.0):
    """A learnable problem: Gaussian clusters around fixed class centres (centres seed 0)."""
    centres = np.random.default_rng(0).standard_normal((classes, dim)) * 2
    rng = np.random.default_rng(seed)
    t = rng.integers(0, classes, n)
    x = centres[t] + spread * rng.standard_normal((n, dim))
    return x.astype(np.float32), t


def test_train_learns_a_synthetic_problem():
    train_data, test_data = blobs(3000, 1), blobs(1000, 2)
    net = TwoLayerNet(20, 30, 10, seed=0, dtype=np.float32)
    history = scratchlib.train(net, train_data, test_data, iters_num=600, learning_rate=0.5, seed=0)
    assert history.test_acc[-1] > 0.80
    assert history.test_acc[0] < history.test_acc[-1]
    assert all(p.dtype == np.float32 for p in net.params.values())


def test_evaluation_schedule_is_the_books():
    train_data, test_data = blobs(250, 1), blobs(50, 2)
    net = TwoLayerNet(20, 8, 10, seed=0)
    history = scratchlib.train(net, train_data, test_data, iters_num=10, batch_size=100, seed=0)
    # ceil(250 / 100) = 3 iterations per epoch; evaluations after iterations 0, 3, 6, 9
    assert history.iter_per_epoch == 3 and history.eval_interval == 3
    np.testing.assert_array_equal(history.iterations, [0, 3, 6, 9])
    np.testing.assert_allclose(history.epochs, [0, 1, 2, 3])
    assert history.train_loss.shape == (10,)
    assert history.train_acc.shape == history.test_acc.shape == (4,)
    custom = scratchlib.train(net, train_data, test_data, iters_num=10, eval_interval=4, seed=0)
    np.testing.assert_array_equal(custom.iterations, [0, 4, 8])
    assert "epoch" in history.table() and len(history.table().splitlines()) == 5


def test_recorded_loss_and_accuracy_are_the_networks():
    """Replay iteration 0 by hand: sample with the same seed, step, evaluate."""
    train_data, test_data = blobs(300, 1), blobs(100, 2)
    history = scratchlib.train(
        TwoLayerNet(20, 8, 10, seed=0), train_data, test_data, iters_num=1, seed=3
    )
    net = TwoLayerNet(20, 8, 10, seed=0)
    idx = sample_with_replacement(np.random.default_rng(3), 300, 100)
    loss, grads = net.loss_and_gradient(train_data[0][idx], train_data[1][idx])
    assert loss == pytest.approx(net.loss(train_data[0][idx], train_data[1][idx]), rel=1e-12)
    sgd_update(net.params, grads, 0.1)
    assert history.iterations.tolist() == [0]
    assert history.train_loss[0] == loss
    assert history.train_acc[0] == net.accuracy(*train_data)
    assert history.test_acc[0] == net.accuracy(*test_data)


def test_no_second_forward_pass_for_the_logged_loss():
    class Counting(TwoLayerNet):
        predictions = 0

        def predict(self, x):
            Counting.predictions += 1
            return super().predict(x)

    net = Counting(20, 8, 10, seed=0)
    scratchlib.train(net, blobs(200, 1), blobs(50, 2), iters_num=20, seed=0)
    assert Counting.predictions == 0  # backprop's forward pass also gave the loss


def test_train_accuracy_without_a_float64_copy_of_the_images():
    x = np.random.default_rng(0).random((30_000, 784), dtype=np.float32)
    t = np.zeros(30_000, dtype=np.int64)
    net = TwoLayerNet(784, 50, 10, seed=0)  # float64 parameters
    tracemalloc.start()
    try:
        net.accuracy(x, t)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    float64_copy = x.size * 8
    assert peak < 0.5 * float64_copy, f"peak {peak / 1e6:.0f} MB"


def test_seed_reproduces_the_run():
    args = (blobs(400, 1), blobs(100, 2))
    a = scratchlib.train(TwoLayerNet(20, 8, 10, seed=0), *args, iters_num=30, seed=5)
    b = scratchlib.train(TwoLayerNet(20, 8, 10, seed=0), *args, iters_num=30, seed=5)
    c = scratchlib.train(TwoLayerNet(20, 8, 10, seed=0), *args, iters_num=30, seed=6)
    np.testing.assert_array_equal(a.train_loss, b.train_loss)
    np.testing.assert_array_equal(a.test_acc, b.test_acc)
    assert not np.array_equal(a.train_loss, c.train_loss)


def test_numerical_gradient_training_follows_backprop():
    train_data, test_data = blobs(40, 1, dim=4, classes=3), blobs(20, 2, dim=4, classes=3)
    nets = {}
    for method in ("backprop", "numerical"):
        nets[method] = TwoLayerNet(4, 3, 3, weight_init_std=0.5, seed=0)
        scratchlib.train(
            nets[method], train_data, test_data, iters_num=3, batch_size=10, gradient=method, seed=0
        )
    for key in nets["backprop"].params:
        np.testing.assert_allclose(
            nets["numerical"].params[key], nets["backprop"].params[key], rtol=1e-5, atol=1e-7
        )


def test_shuffled_epochs_visit_every_sample_once_per_epoch():
    batches = shuffled_epochs(np.random.default_rng(0), 10, 4)
    epoch1 = [next(batches) for _ in range(3)]
    epoch2 = [next(batches) for _ in range(3)]
    assert [len(b) for b in epoch1] == [4, 4, 2]
    assert sorted(np.concatenate(epoch1).tolist()) == list(range(10))
    assert sorted(np.concatenate(epoch2).tolist()) == list(range(10))
    assert not np.array_equal(np.concatenate(epoch1), np.concatenate(epoch2))


def test_sampling_with_replacement_touches_about_63_percent():
    rng = np.random.default_rng(0)
    seen = np.concatenate([sample_with_replacement(rng, 60_000, 100) for _ in range(600)])
    assert seen.min() >= 0 and seen.max() < 60_000
    coverage = len(np.unique(seen)) / 60_000
    assert abs(coverage - (1 - np.exp(-1))) < 0.01


class Recording(TwoLayerNet):
    """Records every minibatch the training loop asks a gradient for."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.batches: list[np.ndarray] = []

    def loss_and_gradient(self, x, t):
        self.batches.append(np.asarray(x)[:, 0].astype(int))  # column 0 holds the sample id
        return super().loss_and_gradient(x, t)


def numbered_data(n):
    x, t = blobs(n, 1)
    x[:, 0] = np.arange(n)  # sample ids, exactly representable in float32
    return x, t


@pytest.mark.parametrize(
    ("sampling", "every_sample_once"), [("shuffle", True), ("replacement", False)]
)
def test_sampling_modes_reach_the_network(sampling, every_sample_once):
    train_data, test_data = numbered_data(300), blobs(100, 2)
    net = Recording(20, 8, 10, seed=0)
    scratchlib.train(net, train_data, test_data, iters_num=6, sampling=sampling, seed=0)
    assert len(net.batches) == 6 and all(len(b) == 100 for b in net.batches)
    epochs = [np.sort(np.concatenate(net.batches[i : i + 3])) for i in (0, 3)]
    once = all(np.array_equal(e, np.arange(300)) for e in epochs)
    assert once is every_sample_once


def test_exactly_one_forward_pass_per_iteration(monkeypatch):
    """Every row goes through the hidden layer's sigmoid once per gradient or evaluation."""
    import scratchlib.network

    hidden_rows = []

    def counting_sigmoid(a1):
        hidden_rows.append(len(a1))
        return sigmoid(a1)

    monkeypatch.setattr(scratchlib.network, "sigmoid", counting_sigmoid)
    train_data, test_data = blobs(250, 1), blobs(50, 2)
    net = Recording(20, 8, 10, seed=0)
    scratchlib.train(
        net, train_data, test_data, iters_num=20, batch_size=10, seed=0, eval_interval=8
    )
    evaluations = 3  # after iterations 0, 8 and 16
    assert len(net.batches) == 20
    assert sum(hidden_rows) == 20 * 10 + evaluations * (250 + 50)


def test_sgd_update_is_in_place_and_scaled():
    params = {"W": np.array([1.0, 2.0]), "b": np.array([0.5])}
    w = params["W"]
    sgd_update(params, {"W": np.array([10.0, -10.0]), "b": np.array([1.0])}, lr=0.1)
    assert params["W"] is w
    np.testing.assert_allclose(params["W"], [0.0, 3.0])
    np.testing.assert_allclose(params["b"], [0.4])


def test_progress_bar(capsys):
    history = scratchlib.train(
        TwoLayerNet(20, 8, 10, seed=0),
        blobs(100, 1),
        blobs(50, 2),
        iters_num=5,
        progress=True,
        seed=0,
    )
    assert isinstance(history, History)
    assert "5/5" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("kwargs", "allowed"),
    [
        ({"sampling": "random"}, ["'replacement'", "'shuffle'"]),
        ({"gradient": "autograd"}, ["'backprop'", "'numerical'"]),
        ({"batch_size": 0}, ["1"]),
        ({"iters_num": -1}, ["0"]),
        ({"eval_interval": 0}, ["1"]),
    ],
)
def test_bad_arguments_name_the_argument_the_value_and_what_is_allowed(kwargs, allowed):
    ((name, value),) = kwargs.items()
    with raises_naming(ValueError, name, repr(value), *allowed):
        scratchlib.train(TwoLayerNet(20, 8, 10), blobs(10, 1), blobs(10, 2), **kwargs)


def test_mismatched_data_names_the_argument_and_the_counts():
    x, t = blobs(10, 1)
    with raises_naming(ValueError, "train_data", "10", "9"):
        scratchlib.train(TwoLayerNet(20, 8, 10), (x, t[:9]), (x, t))
    with raises_naming(TypeError, "test_data", "(x, t)"):
        scratchlib.train(TwoLayerNet(20, 8, 10), (x, t), x)
