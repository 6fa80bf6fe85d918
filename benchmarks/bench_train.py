"""Benchmark: the book's ch04 training loop against scratchlib.trainer.train (float64 and float32).

The seed configuration -- 784-50-10 sigmoid, batch 100, lr 0.1, 10,000 iterations, train and
test accuracy every epoch -- on Fashion-MNIST, three ways in one process, interleaved over
several rounds so that machine noise hits all three alike:

- ``book``: a faithful transcription of the book's ``ch04/train_neuralnet.py`` and
  ``two_layer_net.py`` (its ``gradient``, ``np.random.choice``, ``loss()`` every iteration,
  float64 parameters, ``accuracy`` on the whole set at once);
- ``scratchlib f64``: ``scratchlib.train`` (the function) with a float64 ``TwoLayerNet``;
- ``scratchlib f32``: the same in float32.

Prints median wall seconds, the ratio to the book loop, and final train/test accuracy.
Targets: float32 <= 0.30x the book loop, float64 <= 0.55x, test accuracy within 1 point.

Run on an otherwise idle machine: ``make bench`` or ``python benchmarks/bench_train.py``
(``--rounds N``, ``--iters N`` for a quicker look). ``make bench`` unsets ``OPENBLAS_CORETYPE``
and ``OPENBLAS_L2_SIZE``, which some of the course machines set to work around old OpenBLAS
builds and which slow a current numpy (all three runs share the kernel, so ratios stay fair).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np

import scratchlib
from scratchlib import TwoLayerNet


# --- the book's code, transcribed (common/functions.py and ch04/two_layer_net.py) ---------
def book_sigmoid(x):
    return 1 / (1 + np.exp(-x))


def book_sigmoid_grad(x):
    return (1.0 - book_sigmoid(x)) * book_sigmoid(x)


def book_softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)


def book_cross_entropy_error(y, t):
    if y.ndim == 1:
        t = t.reshape(1, t.size)
        y = y.reshape(1, y.size)
    if t.size == y.size:
        t = t.argmax(axis=1)
    batch_size = y.shape[0]
    return -np.sum(np.log(y[np.arange(batch_size), t] + 1e-7)) / batch_size


class BookTwoLayerNet:
    def __init__(self, input_size, hidden_size, output_size, weight_init_std=0.01):
        self.params = {}
        self.params["W1"] = weight_init_std * np.random.randn(input_size, hidden_size)
        self.params["b1"] = np.zeros(hidden_size)
        self.params["W2"] = weight_init_std * np.random.randn(hidden_size, output_size)
        self.params["b2"] = np.zeros(output_size)

    def predict(self, x):
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        a1 = np.dot(x, W1) + b1
        z1 = book_sigmoid(a1)
        a2 = np.dot(z1, W2) + b2
        return book_softmax(a2)

    def loss(self, x, t):
        y = self.predict(x)
        return book_cross_entropy_error(y, t)

    def accuracy(self, x, t):
        y = self.predict(x)
        y = np.argmax(y, axis=1)
        t = np.argmax(t, axis=1)
        return np.sum(y == t) / float(x.shape[0])

    def gradient(self, x, t):
        W1, W2 = self.params["W1"], self.params["W2"]
        b1, b2 = self.params["b1"], self.params["b2"]
        grads = {}
        batch_num = x.shape[0]
        a1 = np.dot(x, W1) + b1
        z1 = book_sigmoid(a1)
        a2 = np.dot(z1, W2) + b2
        y = book_softmax(a2)
        dy = (y - t) / batch_num
        grads["W2"] = np.dot(z1.T, dy)
        grads["b2"] = np.sum(dy, axis=0)
        da1 = np.dot(dy, W2.T)
        dz1 = book_sigmoid_grad(a1) * da1
        grads["W1"] = np.dot(x.T, dz1)
        grads["b1"] = np.sum(dz1, axis=0)
        return grads


def book_loop(x_train, t_train_onehot, x_test, t_test_onehot, iters_num, seed):
    """ch04/train_neuralnet.py, with the seed set for comparability."""
    np.random.seed(seed)
    network = BookTwoLayerNet(input_size=784, hidden_size=50, output_size=10)
    train_size = x_train.shape[0]
    batch_size = 100
    learning_rate = 0.1
    train_loss_list, train_acc_list, test_acc_list = [], [], []
    iter_per_epoch = max(train_size / batch_size, 1)
    for i in range(iters_num):
        batch_mask = np.random.choice(train_size, batch_size)
        x_batch = x_train[batch_mask]
        t_batch = t_train_onehot[batch_mask]
        grad = network.gradient(x_batch, t_batch)
        for key in ("W1", "b1", "W2", "b2"):
            network.params[key] -= learning_rate * grad[key]
        loss = network.loss(x_batch, t_batch)
        train_loss_list.append(loss)
        if i % iter_per_epoch == 0:
            train_acc_list.append(network.accuracy(x_train, t_train_onehot))
            test_acc_list.append(network.accuracy(x_test, t_test_onehot))
    return train_acc_list[-1], test_acc_list[-1]


def scratchlib_loop(x_train, t_train, x_test, t_test, iters_num, seed, dtype):
    network = TwoLayerNet(784, 50, 10, seed=seed, dtype=dtype)
    history = scratchlib.train(
        network, (x_train, t_train), (x_test, t_test), iters_num=iters_num, seed=seed
    )
    return history.train_acc[-1], history.test_acc[-1]


def load_data():
    try:
        from scratchlib.data import load_fashion_mnist
    except ImportError:  # before the dataset module existed: random data of the same shapes
        rng = np.random.default_rng(0)
        x_train = rng.random((60_000, 784), dtype=np.float32)
        x_test = rng.random((10_000, 784), dtype=np.float32)
        return (
            (x_train, rng.integers(0, 10, 60_000)),
            (x_test, rng.integers(0, 10, 10_000)),
            "random",
        )
    return *load_fashion_mnist(), "Fashion-MNIST"


def blas_kernel() -> str:
    """Which OpenBLAS kernel runs (threadpoolctl when installed, else the forcing variable)."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        return os.environ.get("OPENBLAS_CORETYPE", "auto-detected") + " (env)"
    blas = [i for i in threadpool_info() if i.get("user_api") == "blas"]
    return ", ".join(f"{i.get('architecture')} x{i.get('num_threads')}" for i in blas) or "?"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--iters", type=int, default=10_000, help="iterations (default 10000)")
    args = parser.parse_args()

    (x_train, t_train), (x_test, t_test), source = load_data()
    eye = np.eye(10)
    t_train_onehot, t_test_onehot = eye[t_train], eye[t_test]

    runs = {
        "book loop (float64)": lambda seed: book_loop(
            x_train, t_train_onehot, x_test, t_test_onehot, args.iters, seed
        ),
        "scratchlib f64": lambda seed: scratchlib_loop(
            x_train, t_train, x_test, t_test, args.iters, seed, np.float64
        ),
        "scratchlib f32": lambda seed: scratchlib_loop(
            x_train, t_train, x_test, t_test, args.iters, seed, np.float32
        ),
    }
    times: dict[str, list[float]] = {name: [] for name in runs}
    accs: dict[str, list[tuple[float, float]]] = {name: [] for name in runs}
    for r in range(args.rounds):
        for name, run in runs.items():
            start = time.perf_counter()
            acc = run(r)
            times[name].append(time.perf_counter() - start)
            accs[name].append(acc)
            print(f"round {r + 1}/{args.rounds} {name:<20} {times[name][-1]:7.2f} s", flush=True)

    base = statistics.median(times["book loop (float64)"])
    print(
        f"\n{source}: 784-50-10, batch 100, lr 0.1, {args.iters} iterations, "
        f"median of {args.rounds} interleaved rounds, BLAS kernel {blas_kernel()}"
    )
    print(f"{'run':<20} {'median s':>9} {'vs book':>8} {'train acc':>10} {'test acc':>9}")
    for name in runs:
        med = statistics.median(times[name])
        train_acc = statistics.mean(a for a, _ in accs[name])
        test_acc = statistics.mean(b for _, b in accs[name])
        print(f"{name:<20} {med:9.2f} {med / base:7.2f}x {train_acc:10.4f} {test_acc:9.4f}")
    print("targets: f32 <= 0.30x, f64 <= 0.55x, test accuracy within 0.01 of the book loop")


if __name__ == "__main__":
    main()
