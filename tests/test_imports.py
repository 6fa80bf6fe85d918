"""What a reader types: the top-level names, and an import that stays light."""

import subprocess
import sys

import scratchlib


def test_top_level_names():
    from scratchlib import (  # noqa: F401
        FASHION_MNIST_CLASSES,
        DatasetError,
        TwoLayerNet,
        cross_entropy_error,
        load_fashion_mnist,
        load_mnist,
        numerical_gradient,
        read_idx,
        sigmoid,
        softmax,
        train,
    )

    assert set(scratchlib.__all__) <= set(dir(scratchlib))
    assert len(FASHION_MNIST_CLASSES) == 10


def test_import_does_not_load_matplotlib():
    code = "import sys, scratchlib; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False"]


def test_plot_is_an_explicit_submodule():
    code = "import sys, scratchlib.plot; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["True"]


def test_every_public_function_is_inspectable():
    import inspect

    for name in scratchlib.__all__:
        obj = getattr(scratchlib, name)
        if inspect.isfunction(obj):
            assert inspect.signature(obj).parameters, name
            assert obj.__doc__, name


def test_data_cli_runs_without_warnings():
    out = subprocess.run(
        [sys.executable, "-W", "error", "-m", "scratchlib", "--help"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""


def test_unknown_attribute():
    try:
        scratchlib.no_such_name  # noqa: B018
    except AttributeError as err:
        assert "no_such_name" in str(err)
    else:
        raise AssertionError("expected AttributeError")
