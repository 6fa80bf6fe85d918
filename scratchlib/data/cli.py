"""``python -m scratchlib fashion-mnist`` (or ``mnist``): fetch and verify a dataset ahead of
time, and print where it is."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from scratchlib.data.errors import DatasetError
from scratchlib.data.loaders import load_arrays, locate
from scratchlib.data.registry import DATASETS

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Command line: make sure a dataset is available and verified; print where it is.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default ``sys.argv[1:]``): the dataset, ``--data-home DIR``,
        ``--offline``, ``--mirror URL`` (repeatable).

    Returns
    -------
    int
        The exit status: 0 when the dataset is there and verified (its folder is printed), 1
        after a :class:`DatasetError` (printed to standard error).
    """
    parser = argparse.ArgumentParser(
        prog="python -m scratchlib",
        description="Make sure MNIST or Fashion-MNIST is available (download it if needed) "
        "and verify its content.",
    )
    parser.add_argument("dataset", choices=sorted(DATASETS))
    parser.add_argument("--data-home", default=None, help="folder to look in and download to")
    parser.add_argument("--offline", action="store_true", help="never download")
    parser.add_argument(
        "--mirror",
        action="append",
        help="base URL of a mirror, instead of the built-in ones (repeatable)",
    )
    args = parser.parse_args(argv)
    spec = DATASETS[args.dataset]
    try:
        load_arrays(spec, args.data_home, not args.offline, args.mirror)
        paths = locate(spec, args.data_home, False, args.mirror)
    except DatasetError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    folders = sorted({str(p.parent) for p in paths.values()})
    print(f"{spec.name}: {', '.join(folders)}")
    return 0
