"""The four chapter notebooks: committed executed and clean, and reproducible with nbval.

``test_notebook_reproduces_its_outputs`` re-runs each notebook top to bottom in a fresh
kernel (``pytest --nbval`` in a subprocess) and compares every text output with the committed
one, after the sanitizers of ``nbval_sanitize.cfg``. Cells tagged ``nbval-ignore-output``
(timings, the progress bar, the widget explorer) run but are not compared; figures (PNG) are
not compared. nbval's own report is shown when a notebook fails.

To refresh the committed outputs after a change, re-execute the notebook, e.g.::

    OPENBLAS_NUM_THREADS=1 .venv/bin/jupyter nbconvert --to notebook --execute --inplace \\
        --ExecutePreprocessor.record_timing=False notebooks/01_minibatch.ipynb
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SANITIZE = Path(__file__).with_name("nbval_sanitize.cfg")
IGNORE_TAG = "nbval-ignore-output"

#: One BLAS thread. The outputs do not depend on it (checked: default threads reproduce them),
#: but on a busy 2-core machine OpenBLAS threads contend and chapter 2's numerical gradient
#: (80,000 small matrix products) slows from ~15 s to over a minute; one thread keeps it steady.
SINGLE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}

#: Each notebook runs in well under a minute on an idle 2-core machine; this only catches hangs.
RUN_TIMEOUT = 300
#: The promise to readers: every chapter runs top to bottom in under a minute (kernel included).
BUDGET_SECONDS = 60


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _text(output: dict) -> str:
    if output["output_type"] == "stream":
        text = output["text"]
    elif output["output_type"] == "error":
        text = "\n".join(output.get("traceback", []))
    else:
        text = output.get("data", {}).get("text/plain", "")
    return "".join(text) if isinstance(text, list) else text


def test_there_are_four_chapter_notebooks():
    assert [p.stem for p in NOTEBOOKS] == [
        "01_minibatch",
        "02_gradient",
        "03_update",
        "04_epoch_evaluation",
    ]


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_is_committed_executed_and_clean(notebook):
    nb = _load(notebook)
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    counts = [c["execution_count"] for c in code]
    assert counts == list(range(1, len(code) + 1)), (
        f"{notebook.name}: not executed top to bottom in one run (execution counts {counts})"
    )
    for i, cell in enumerate(code):
        source = "".join(cell["source"])
        assert "sys.path" not in source, f"{notebook.name}: no sys.path tricks, import scratchlib"
        assert "execution" not in cell["metadata"], f"{notebook.name}: timing metadata in cell {i}"
        ignored = IGNORE_TAG in cell["metadata"].get("tags", [])
        for output in cell["outputs"]:
            text = _text(output)
            assert output["output_type"] != "error", f"{notebook.name}, code cell {i}: {text}"
            assert not re.search(r"Warning\b|warn\(", text), (
                f"{notebook.name}, code cell {i} shows a warning: {text[:300]}"
            )
            if not ignored:
                assert output.get("name") != "stderr", (
                    f"{notebook.name}, code cell {i} writes to stderr: {text[:300]}"
                )
                assert not re.search(r"0x[0-9a-fA-F]{6,}", text), (
                    f"{notebook.name}, code cell {i} shows a memory address: {text[:300]}"
                )


@pytest.mark.timeout(RUN_TIMEOUT + 60)
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_reproduces_its_outputs(notebook):
    command = [
        sys.executable,
        "-m",
        "pytest",
        "--nbval",
        "--nbval-current-env",
        "--nbval-sanitize-with",
        str(SANITIZE),
        "-p",
        "no:cacheprovider",
        "-o",
        "addopts=",
        "-q",
        str(notebook.relative_to(ROOT)),
    ]
    start = time.monotonic()
    result = subprocess.run(
        command,
        cwd=ROOT,
        env={**os.environ, **SINGLE_THREAD},
        capture_output=True,
        text=True,
        timeout=RUN_TIMEOUT,
        check=False,
    )
    seconds = time.monotonic() - start
    assert result.returncode == 0, (
        f"nbval: {notebook.name} does not reproduce its committed outputs "
        f"(exit {result.returncode}, {seconds:.0f} s):\n{result.stdout[-20000:]}\n"
        f"{result.stderr[-5000:]}"
    )
    assert seconds < BUDGET_SECONDS, (
        f"{notebook.name} took {seconds:.0f} s: chapters must run in under {BUDGET_SECONDS} s"
    )
