"""Cold and warm load times of ``load_fashion_mnist()``, against a raw gzip parse baseline.

Run with ``make bench`` (or ``python benchmarks/bench_data.py [--repeat N]``) on an idle
machine. "Cold" is a load with no parsed cache: the four ``.gz`` files are decompressed,
validated and verified (SHA-256 of their content), and the parsed cache is written. "Warm" is a
load that finds the parsed cache, which also remembers the verification: nothing is
decompressed or hashed (target: under ``WARM_TARGET`` seconds, printed with the table).
"warm, uint8" is the same without the float conversion, i.e. only finding and reading the
cache. The caches live in a temporary ``$SCRATCHLIB_DATA`` that is deleted afterwards, so the
user's cache is never touched. Times are medians over ``--repeat`` runs, in one process.
"""

from __future__ import annotations

import argparse
import gzip
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from scratchlib import data
from scratchlib.data import loaders, registry

#: Seconds a warm load may take: the parsed cache is read, nothing decompressed or hashed.
WARM_TARGET = 0.1

FILES = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)


def raw_parse(folder: Path) -> list[np.ndarray]:
    """The baseline: gzip + np.frombuffer, no validation, float32 / 255 for the images."""
    out = []
    for name in FILES:
        with gzip.open(folder / name, "rb") as f:
            blob = f.read()
        if "images" in name:
            x = np.frombuffer(blob, np.uint8, offset=16).reshape(-1, 784)
            out.append(x.astype(np.float32) / 255.0)
        else:
            out.append(np.frombuffer(blob, np.uint8, offset=8).copy())
    return out


def median_time(fn: Callable[[], object], repeat: int, before: Callable[[], None]) -> float:
    times = []
    for _ in range(repeat):
        before()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def find_source() -> Path:
    """The folder holding the real Fashion-MNIST files (Debian package or a download)."""
    paths = loaders.locate(registry.DATASETS["fashion-mnist"], None, True, None)
    return paths[FILES[0].removesuffix(".gz")].parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement")
    args = parser.parse_args()
    source = find_source()
    with tempfile.TemporaryDirectory(prefix="scratchlib-bench-") as tmp:
        home = Path(tmp)
        for name in FILES:
            (home / name).symlink_to(source / name)
        cache_dir = home / "fashion-mnist"

        def drop_cache() -> None:
            shutil.rmtree(cache_dir, ignore_errors=True)

        def load() -> object:
            return data.load_fashion_mnist(data_home=home, download=False)

        def load_raw() -> object:
            return data.load_fashion_mnist(normalize=False, data_home=home, download=False)

        load()  # warm the OS page cache for the .gz files
        rows = [
            (
                "baseline: gzip + np.frombuffer",
                median_time(lambda: raw_parse(home), args.repeat, lambda: None),
            ),
            (
                "cold: load_fashion_mnist(), no parsed cache",
                median_time(load, args.repeat, drop_cache),
            ),
            (
                "warm: load_fashion_mnist(), parsed cache",
                median_time(load, args.repeat, lambda: None),
            ),
            (
                "warm, uint8: load_fashion_mnist(normalize=False)",
                median_time(load_raw, args.repeat, lambda: None),
            ),
        ]
    print(f"Fashion-MNIST from {source}, median of {args.repeat} runs (normalize=True)")
    print(f"{'what':<50} {'seconds':>8} {'vs baseline':>12}")
    base = rows[0][1]
    for label, seconds in rows:
        print(f"{label:<50} {seconds:8.3f} {seconds / base:11.2f}x")
    print(f"cold / warm: {rows[1][1] / rows[2][1]:.1f}x")
    print(f"target: warm < {WARM_TARGET:g} s: {'met' if rows[2][1] < WARM_TARGET else 'MISSED'}")


if __name__ == "__main__":
    main()
