"""Benchmark: training speed, the book's ch04 loop against scratchlib (not a test).

Four comparisons, each timed in one process with the runs interleaved over several rounds so
that machine noise hits all of them alike; each prints a table of medians and ratios.

``loops`` (the default, ``make bench``)
    The seed configuration -- 784-50-10 sigmoid, batch 100, lr 0.1, 10,000 iterations, train
    and test accuracy every epoch -- on Fashion-MNIST, three ways: ``book``, the book's
    ``ch04/train_neuralnet.py`` and ``two_layer_net.py`` as ``book_ch04.py`` transcribes them (its
    ``gradient``, ``np.random.choice``, ``loss()`` every iteration, float64 parameters,
    ``accuracy`` on the whole set at once); ``scratchlib.train`` with a float64
    ``TwoLayerNet``; the same in float32. Targets: float32 <= 0.30x the book loop, float64
    <= 0.55x, test accuracy within 1 point.
``backprop``
    ``TwoLayerNet.loss_and_gradient`` as it is now (the book's steps, one line each) against
    the previous, terser version (kept below as ``previous_loss_and_gradient``), in the same
    training run, float64 and float32. Target: now / previous <= 1.05, with identical losses.
``eval-blocks``
    ``TwoLayerNet.accuracy`` on the 60,000 float32 training images with a float64 network, for
    several ``EVAL_BLOCK_ROWS``: time and peak memory. The whole set at once is a 376 MB float64
    copy; a 1024-row block is 6.4 MB and stays in cache between its conversion and its matrix
    product (measured about 1.3x faster than 4096-row blocks when the block size was chosen).
``sigmoid``
    ``scratchlib.functions.sigmoid`` (the book's formula, overflow warning silenced) against the
    split form that only gives ``exp`` non-positive numbers, on a minibatch's hidden layer
    (100 x 50) and an evaluation block's (1024 x 50). When chosen: about 2x faster on minibatches
    and up to 15x on evaluation blocks, with the same precision.

Run on an otherwise idle machine: ``make bench``, or ``python benchmarks/bench_train.py
--compare backprop`` etc. (``--rounds N``, ``--iters N`` for a quicker look). ``make bench``
unsets ``OPENBLAS_CORETYPE`` and ``OPENBLAS_L2_SIZE``, which some of the course machines set to
work around old OpenBLAS builds and which slow a current numpy (all runs of a table share the
kernel, so ratios stay fair).
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
import tracemalloc
from collections.abc import Callable

import numpy as np
from book_ch04 import book_loop  # the book's code, transcribed (benchmarks/book_ch04.py)

import scratchlib
import scratchlib.network
from scratchlib import TwoLayerNet
from scratchlib.functions import label_indices, mean_log_loss, sigmoid, softmax


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


# --- the previous loss_and_gradient (before it was spelled out with the book's names) -------
def previous_loss_and_gradient(net: TwoLayerNet, x, t):
    """``TwoLayerNet.loss_and_gradient`` as it was, with its helpers ``_hidden`` and ``_scores``
    written inline: ``dy`` edits ``y`` in place, sigmoid's derivative from ``z1``."""
    x = net._as_input(x)
    W2 = net.params["W2"]
    batch_num = x.shape[0]
    idx = label_indices(t, net.output_size, batch_num)
    rows = np.arange(batch_num)

    z1 = sigmoid(x @ net.params["W1"] + net.params["b1"])
    y = softmax(z1 @ W2 + net.params["b2"])
    loss = mean_log_loss(y, idx)

    dy = y
    dy[rows, idx] -= 1
    dy /= batch_num
    da1 = dy @ W2.T
    da1 *= z1 * (1 - z1)
    grads = {
        "W1": x.T @ da1,
        "b1": da1.sum(axis=0),
        "W2": z1.T @ dy,
        "b2": dy.sum(axis=0),
    }
    return loss, grads


class PreviousTwoLayerNet(TwoLayerNet):
    def loss_and_gradient(self, x, t):
        return previous_loss_and_gradient(self, x, t)


def split_sigmoid(x):
    """The sigmoid scratchlib had before: ``exp`` only ever sees ``-|x|``."""
    e = np.exp(-np.abs(x))
    s = 1 / (1 + e)
    return np.where(x >= 0, s, e * s)


# --- timing ----------------------------------------------------------------------------------
def interleaved(
    runs: dict[str, Callable[[int], object]],
    rounds: int,
    verbose: bool = True,
    warmup: bool = False,
):
    """Time each run once per round, in turn; return the seconds and the results, by name.

    ``warmup``: call every run once, untimed, first (for the short runs, where the first call's
    page faults and BLAS thread start-up would weigh)."""
    if warmup:
        for run in runs.values():
            run(0)
    times: dict[str, list[float]] = {name: [] for name in runs}
    results: dict[str, list[object]] = {name: [] for name in runs}
    for r in range(rounds):
        for name, run in runs.items():
            start = time.perf_counter()
            results[name].append(run(r))
            times[name].append(time.perf_counter() - start)
            if verbose:
                print(f"round {r + 1}/{rounds} {name:<28} {times[name][-1]:8.3f} s", flush=True)
    return times, results


def compare_loops(args, data) -> None:
    (x_train, t_train), (x_test, t_test), source = data
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
    times, accs = interleaved(runs, args.rounds)
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


def compare_backprop(args, data) -> None:
    (x_train, t_train), (x_test, t_test), source = data

    def training(cls, dtype):
        def run(seed):
            net = cls(784, 50, 10, seed=seed, dtype=dtype)
            history = scratchlib.train(
                net, (x_train, t_train), (x_test, t_test), iters_num=args.iters, seed=seed
            )
            return history.train_loss

        return run

    x_batch, t_batch = x_train[:100], t_train[:100]

    def calls(cls, dtype):
        net = cls(784, 50, 10, seed=0, dtype=dtype)

        def run(_):
            for _ in range(args.calls):
                net.loss_and_gradient(x_batch, t_batch)

        return run

    runs = {}
    for dtype in (np.float64, np.float32):
        tag = np.dtype(dtype).name
        runs[f"train, previous, {tag}"] = training(PreviousTwoLayerNet, dtype)
        runs[f"train, now, {tag}"] = training(TwoLayerNet, dtype)
        runs[f"{args.calls} calls, previous, {tag}"] = calls(PreviousTwoLayerNet, dtype)
        runs[f"{args.calls} calls, now, {tag}"] = calls(TwoLayerNet, dtype)
    times, losses = interleaved(runs, args.rounds, warmup=True)

    print(
        f"\n{source}: loss_and_gradient now vs previous; training 784-50-10, batch 100, "
        f"{args.iters} iterations; median of {args.rounds} interleaved rounds, "
        f"BLAS kernel {blas_kernel()}"
    )
    print(f"{'what':<28} {'previous s':>11} {'now s':>9} {'now/prev':>9} {'same losses':>12}")
    for what in ("train", f"{args.calls} calls"):
        for dtype in ("float64", "float32"):
            prev = f"{what}, previous, {dtype}"
            now = f"{what}, now, {dtype}"
            t_prev, t_now = statistics.median(times[prev]), statistics.median(times[now])
            same = "-"
            if what == "train":
                pairs = zip(losses[prev], losses[now], strict=True)
                same = "yes" if all(np.array_equal(a, b) for a, b in pairs) else "NO"
            label = f"{what} {dtype}"
            print(f"{label:<28} {t_prev:11.3f} {t_now:9.3f} {t_now / t_prev:8.3f}x {same:>12}")
    print("target: now/previous <= 1.05 for training, with the same losses")


def compare_eval_blocks(args, data) -> None:
    (x_train, t_train), _, source = data
    net = TwoLayerNet(784, 50, 10, seed=0)  # float64, as the book's
    sizes = (1024, 4096, len(x_train))

    def accuracy_with(rows):
        def run(_):
            scratchlib.network.EVAL_BLOCK_ROWS = rows
            return net.accuracy(x_train, t_train)

        return run

    runs = {f"{rows} rows": accuracy_with(rows) for rows in sizes}
    default = scratchlib.network.EVAL_BLOCK_ROWS
    try:
        times, accs = interleaved(runs, args.rounds * 3, verbose=False, warmup=True)
        peaks = {}
        for rows in sizes:
            scratchlib.network.EVAL_BLOCK_ROWS = rows
            tracemalloc.start()
            net.accuracy(x_train, t_train)
            peaks[rows] = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
    finally:
        scratchlib.network.EVAL_BLOCK_ROWS = default

    base = statistics.median(times[f"{default} rows"])
    print(
        f"\n{source}: accuracy of a float64 784-50-10 net on {len(x_train)} float32 images, "
        f"median of {args.rounds * 3} interleaved rounds, BLAS kernel {blas_kernel()}"
    )
    print(f"{'EVAL_BLOCK_ROWS':<16} {'median s':>9} {f'vs {default}':>8} {'peak MB':>8}")
    for rows in sizes:
        med = statistics.median(times[f"{rows} rows"])
        print(f"{rows:<16} {med:9.3f} {med / base:7.2f}x {peaks[rows] / 1e6:8.1f}")
    assert len({a for results in accs.values() for a in results}) == 1, "accuracies differ"
    print("all block sizes give the same accuracy")


def compare_sigmoid(args, data) -> None:
    rng = np.random.default_rng(0)
    runs = {}
    for rows in (100, 1024):
        for dtype in (np.float64, np.float32):
            a1 = (rng.standard_normal((rows, 50)) * 3).astype(dtype)
            tag = f"{rows} x 50 {np.dtype(dtype).name}"
            for name, f in (("scratchlib", sigmoid), ("split", split_sigmoid)):
                runs[f"{tag}, {name}"] = lambda _, f=f, a1=a1: [f(a1) for _ in range(args.calls)]
    times, _ = interleaved(runs, args.rounds * 3, verbose=False, warmup=True)
    print(
        f"\nsigmoid on a hidden layer's input, {args.calls} calls, "
        f"median of {args.rounds * 3} interleaved rounds"
    )
    print(f"{'input':<20} {'scratchlib s':>13} {'split s':>9} {'split/ours':>11}")
    for rows in (100, 1024):
        for dtype in ("float64", "float32"):
            tag = f"{rows} x 50 {dtype}"
            ours = statistics.median(times[f"{tag}, scratchlib"])
            split = statistics.median(times[f"{tag}, split"])
            print(f"{tag:<20} {ours:13.4f} {split:9.4f} {split / ours:10.2f}x")


COMPARISONS = {
    "loops": compare_loops,
    "backprop": compare_backprop,
    "eval-blocks": compare_eval_blocks,
    "sigmoid": compare_sigmoid,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--compare", choices=COMPARISONS, default="loops", help="what to time (default loops)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--iters", type=int, default=10_000, help="iterations (default 10000)")
    parser.add_argument(
        "--calls", type=int, default=1000, help="calls per timing of one function (default 1000)"
    )
    args = parser.parse_args()
    data = None if args.compare == "sigmoid" else load_data()
    COMPARISONS[args.compare](args, data)


if __name__ == "__main__":
    main()
