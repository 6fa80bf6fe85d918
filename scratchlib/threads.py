"""BLAS thread control: run numpy's matrix products on one thread where threads cannot pay off.

numpy hands matrix products to a BLAS library (OpenBLAS in the wheels from PyPI) that starts
one thread per core. For the small products of this course -- a minibatch of 100 rows, the
80,000 forward passes of a numerical gradient -- the threads cost more than they save: on an
idle two-core machine they gain little, on a busy one (Colab, Binder, a laptop running a
browser) they wait for each other and one forward pass becomes several times slower. They also
change the last bits of the results: OpenBLAS splits a product differently for 1 and for 2
threads, so a training run on the edge of chaos ends elsewhere on a machine with more cores.

:func:`one_blas_thread` limits BLAS to one thread for a block of code or a whole function and
restores the user's setting afterwards, with `threadpoolctl
<https://github.com/joblib/threadpoolctl>`_. The library uses it where the products are small:
:func:`scratchlib.numerical_gradient`, :func:`scratchlib.train`, and the minibatch passes and
evaluation blocks of ``TwoLayerNet`` (``loss_and_gradient``, ``predict_labels``). So a
student's default thread settings are never slower than one thread, and the results do not
depend on the number of cores. The user's own products outside these functions keep their
threads.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Iterator

from threadpoolctl import ThreadpoolController

__all__ = ["one_blas_thread"]


@functools.cache
def _blas_libraries() -> list:
    # Finding the loaded BLAS libraries takes milliseconds: look once. numpy's BLAS is loaded
    # with numpy, before scratchlib is imported. Setting a thread count directly costs
    # microseconds, where threadpoolctl's general `limit` takes a tenth of a millisecond, as
    # long as a minibatch pass: cheap enough for every pass.
    return ThreadpoolController().select(user_api="blas").lib_controllers


@contextlib.contextmanager
def one_blas_thread() -> Iterator[None]:
    """Limit every loaded BLAS library to one thread, then restore the previous limits.

    Works as a context manager and as a decorator::

        with one_blas_thread():
            grads = network.numerical_gradient(x_batch, t_batch)

        @one_blas_thread()
        def train(...): ...

    Nested uses are fine (the inner one leaves one thread). Without a BLAS library that
    threadpoolctl can control (it knows OpenBLAS, MKL, BLIS and FlexiBLAS), it does nothing.

    Used in: chapter 4, §4.2 (its training loop, decorated as :func:`scratchlib.trainer.train`
    is).

    Yields
    ------
    None
    """
    libraries = [(lib, lib.get_num_threads()) for lib in _blas_libraries()]
    changed = [(lib, threads) for lib, threads in libraries if threads not in (1, None)]
    for lib, _ in changed:
        lib.set_num_threads(1)
    try:
        yield
    finally:
        for lib, threads in changed:
            lib.set_num_threads(threads)
