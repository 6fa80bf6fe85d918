"""What a reader types: the names the chapters and exercises import, and an import that stays
light and plain."""

import ast
import importlib
import inspect
import json
import subprocess
import sys
import types

import pytest
from IPython.core.inputtransformer2 import TransformerManager

import scratchlib


def scratchlib_imports(root):
    """``(notebook, module, name)`` for each ``from scratchlib... import name`` in the chapters
    and the exercise masters (magics and shell lines turned into Python first)."""
    to_python = TransformerManager().transform_cell
    notebooks = sorted(root.glob("notebooks/*.ipynb")) + sorted(
        root.glob("exercises/masters/*.ipynb")
    )
    found = []
    for path in notebooks:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] != "code":
                continue
            tree = ast.parse(to_python("".join(cell["source"])), filename=path.name)
            for node in ast.walk(tree):
                if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "scratchlib"
                ):
                    found += [(path.name, node.module, alias.name) for alias in node.names]
    return found


def test_every_name_the_notebooks_import_exists(root):
    imports = scratchlib_imports(root)
    assert {module for _, module, _ in imports} >= {"scratchlib", "scratchlib.plot"}
    for notebook, module, name in imports:
        assert hasattr(importlib.import_module(module), name), f"{notebook}: {module}.{name}"


def test_public_names_are_listed_and_documented():
    assert set(scratchlib.__all__) <= set(dir(scratchlib))
    for name in scratchlib.__all__:
        obj = getattr(scratchlib, name)
        assert obj.__doc__, name
        if inspect.isfunction(obj):
            assert inspect.signature(obj).parameters, name


def test_train_is_a_plain_function_in_a_plain_module():
    assert isinstance(scratchlib.trainer, types.ModuleType)
    assert type(scratchlib.trainer) is types.ModuleType  # no module-class tricks
    assert inspect.isfunction(scratchlib.train)
    assert scratchlib.train is scratchlib.trainer.train
    assert scratchlib.train.__module__ == "scratchlib.trainer"


@pytest.mark.parametrize(
    ("module", "loads_matplotlib"), [("scratchlib", False), ("scratchlib.plot", True)]
)
def test_only_the_plot_module_loads_matplotlib(module, loads_matplotlib):
    code = f"import sys, {module}; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == [str(loads_matplotlib)]


def test_data_cli_runs_without_warnings():
    out = subprocess.run(
        [sys.executable, "-W", "error", "-m", "scratchlib", "--help"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
