"""Benchmark: BLAS threads as a student's machine has them, against one thread.

Two workloads of the course, exactly as the chapters run them:

- ``ch2 numerical gradient``: chapter 2's timed cell, ``net.numerical_gradient(x_batch,
  t_batch)`` for a 784-50-10 ``TwoLayerNet`` (float64) on a minibatch of 100 Fashion-MNIST
  images -- 79,520 forward passes of small matrix products;
- ``ch4 training run``: chapter 4's ``train`` call -- float32, batch 100, lr 0.1, 10,000
  iterations, train and test accuracy every epoch.

Each runs three ways, interleaved over several rounds so that machine noise hits all alike:

- ``default threads``: the library as shipped, the process's BLAS threads untouched (what a
  student gets: one per core);
- ``one thread``: the whole process limited to one BLAS thread (as ``OPENBLAS_NUM_THREADS=1``);
- ``default, no limit``: default threads with the library's own limit
  (:func:`scratchlib.threads.one_blas_thread`) bypassed -- what the limit saves.

and under two conditions: the machine otherwise idle, and with a competing CPU-bound process
(one busy Python loop, as a browser or another kernel would be). Prints the median wall seconds
and the ratio to ``one thread`` under the same condition. Target: ``default threads`` never more
than 1.10x ``one thread``.

Run on an otherwise idle machine: ``make bench`` or ``python benchmarks/bench_threads.py``
(``--rounds N``, ``--iters N``, ``--hidden N`` for a quicker look, e.g. ``--rounds 1
--iters 20 --hidden 3``).
"""

from __future__ import annotations

import argparse
import contextlib
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from unittest import mock

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

import scratchlib.gradient
import scratchlib.network
import scratchlib.trainer
from scratchlib import TwoLayerNet, load_fashion_mnist, trainer
from scratchlib.threads import one_blas_thread

TARGET = 1.10


@contextlib.contextmanager
def without_library_limit() -> Iterator[None]:
    """The library's functions without their ``one_blas_thread`` decorator."""
    unwrapped = scratchlib.gradient.numerical_gradient.__wrapped__
    with contextlib.ExitStack() as stack:
        for module in (scratchlib.gradient, scratchlib.network):
            if hasattr(module, "numerical_gradient"):
                stack.enter_context(mock.patch.object(module, "numerical_gradient", unwrapped))
        for name in ("predict_labels", "loss_and_gradient"):
            method = getattr(TwoLayerNet, name)
            if hasattr(method, "__wrapped__"):
                stack.enter_context(mock.patch.object(TwoLayerNet, name, method.__wrapped__))
        stack.enter_context(
            mock.patch.object(scratchlib.trainer, "train", scratchlib.trainer.train.__wrapped__)
        )
        yield


VARIANTS: dict[str, Callable[[], contextlib.AbstractContextManager]] = {
    "default threads": contextlib.nullcontext,
    "one thread": lambda: threadpool_limits(limits=1, user_api="blas"),
    "default, no limit": without_library_limit,
}


@contextlib.contextmanager
def competing_process(busy: bool) -> Iterator[None]:
    """A CPU-bound process (a Python busy loop) running alongside, when ``busy``."""
    if not busy:
        yield
        return
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.5)  # let it get going
        yield
    finally:
        spinner.kill()
        spinner.wait()


def blas() -> str:
    libs = [i for i in threadpool_info() if i["user_api"] == "blas"]
    return ", ".join(
        f"{i['internal_api']} {i.get('architecture')}, {i['num_threads']} threads by default"
        for i in libs
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (default 3)")
    parser.add_argument("--iters", type=int, default=10_000, help="ch4 iterations (10000)")
    parser.add_argument("--hidden", type=int, default=50, help="hidden units (default 50)")
    args = parser.parse_args()

    (x_train, t_train), (x_test, t_test) = load_fashion_mnist()
    batch = trainer.sample_with_replacement(np.random.default_rng(0), len(x_train), 100)
    x_batch, t_batch = x_train[batch], t_train[batch]

    def ch2_numerical_gradient() -> None:
        net = TwoLayerNet(784, args.hidden, 10, seed=0)
        net.numerical_gradient(x_batch, t_batch)

    def ch4_training_run() -> None:
        net = TwoLayerNet(784, args.hidden, 10, seed=0, dtype=np.float32)
        scratchlib.trainer.train(
            net,
            (x_train, t_train),
            (x_test, t_test),
            iters_num=args.iters,
            batch_size=100,
            learning_rate=0.1,
            sampling="replacement",
            seed=0,
        )

    workloads = {
        "ch2 numerical gradient": ch2_numerical_gradient,
        "ch4 training run": ch4_training_run,
    }
    print(
        f"BLAS: {blas()}; {args.rounds} round(s), ch4 {args.iters} iterations, hidden {args.hidden}"
    )
    with one_blas_thread():  # the limiter finds the BLAS libraries once: not in a timing
        pass
    times: dict[tuple[str, str, str], list[float]] = {}
    for round_ in range(args.rounds):
        # rotate the order of the variants each round, so none always runs first
        order = list(VARIANTS)[round_ % len(VARIANTS) :] + list(VARIANTS)[: round_ % len(VARIANTS)]
        for condition, busy in (("idle", False), ("competing process", True)):
            with competing_process(busy):
                for workload, run in workloads.items():
                    for variant in order:
                        make = VARIANTS[variant]
                        with make():
                            start = time.perf_counter()
                            run()
                            seconds = time.perf_counter() - start
                        times.setdefault((workload, condition, variant), []).append(seconds)

    header = (
        f"{'workload':24} {'condition':18} {'variant':18} {'median s':>9} {'vs one thread':>13}"
    )
    print(header + "\n" + "-" * len(header))
    worst = 0.0
    for workload in workloads:
        for condition in ("idle", "competing process"):
            base = statistics.median(times[workload, condition, "one thread"])
            for variant in VARIANTS:
                median = statistics.median(times[workload, condition, variant])
                ratio = median / base
                if variant == "default threads":
                    worst = max(worst, ratio)
                print(f"{workload:24} {condition:18} {variant:18} {median:9.2f} {ratio:12.2f}x")
    verdict = "met" if worst <= TARGET else "NOT met"
    print(
        f"\ntarget: default threads <= {TARGET:.2f}x one thread everywhere: {verdict} "
        f"(worst {worst:.2f}x)"
    )


if __name__ == "__main__":
    main()
