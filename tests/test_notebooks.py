"""The chapter notebooks: committed executed and clean, and reproducible with nbval on any CPU.

``test_notebook_reproduces_its_outputs`` re-runs each notebook top to bottom in a fresh
kernel (``pytest --nbval`` in a subprocess) and compares every text output with the committed
one, after the sanitizers of ``nbval_sanitize.cfg``. It does so twice, at the same time (one
core each on a two-core machine): under the machine's own configuration, as a student runs it
(default BLAS threads, the BLAS kernel and numpy SIMD paths the CPU picks), and under
``_portability.CI_OTHER`` (another BLAS kernel, numpy's SIMD limited to SSE4.2, 2 threads), so
that an output that depends on the CPU fails on the machine of whoever introduces it. Cells
tagged ``nbval-ignore-output`` (timings, the progress bar, the widget explorer) run but are not
compared; figures (PNG) are not compared. nbval's own report is shown when a notebook fails.
``make portability`` runs every configuration of issue 8 and lists the cells that change.

To refresh the committed outputs after a change (the README's "Outputs on every machine"),
re-execute the notebook in the locked environment, e.g.::

    .venv/bin/jupyter nbconvert --to notebook --execute --inplace \\
        --ExecutePreprocessor.record_timing=False notebooks/01_minibatch.ipynb
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from _portability import CI_OTHER, CONFIGURATIONS, MACHINE, environment, nbval_command, probe
from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
IGNORE_TAG = "nbval-ignore-output"
#: A line as `warnings.showwarning` writes it to stderr: "file:line: Category: message". Other
#: stderr output is allowed only in cells whose outputs nbval ignores (e.g. a progress bar).
WARNING_LINE = re.compile(r"^\S.*:\d+: [A-Za-z_]\w*: ", re.M)

#: Each notebook runs in well under a minute on an idle 2-core machine; this only catches hangs.
RUN_TIMEOUT = 300
#: A contract, not a benchmark (STYLE.md, "Tests test behaviour"): every chapter runs top to
#: bottom in under a minute, kernel included, because a student on Colab or Binder runs it
#: whole and `make test` runs every chapter twice within CI's budget.
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


def test_every_notebook_is_a_checked_chapter():
    """No notebook escapes nbval by its name: all of notebooks/ is NN_name.ipynb."""
    everything = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert everything, "no notebooks found"
    assert everything == NOTEBOOKS, (
        f"notebooks/ holds {[p.name for p in everything]}; only "
        f"{[p.name for p in NOTEBOOKS]} are checked: name chapters NN_name.ipynb"
    )


def test_the_second_configuration_runs_on_this_cpu():
    """It runs, and as configured: OpenBLAS ignores a core type it does not know, so a
    misspelt one would silently repeat the machine's own configuration."""
    ok, actual = probe(CI_OTHER)
    assert ok, f"{CI_OTHER.name} ({CI_OTHER.describe()}): {actual}"
    blas, simd = actual.split(" SIMD ", 1)
    expected = f"openblas {CI_OTHER.coretype} {CI_OTHER.threads} threads".lower()
    assert expected in blas.lower(), f"{CI_OTHER.name} asks for {CI_OTHER.describe()}: {actual}"
    assert "AVX" not in simd and "FMA" not in simd, f"{CI_OTHER.name}: numpy still uses {simd}"


def test_make_portability_starts():
    """The README's `make portability` reaches its own argument check (a configuration it
    does not know is refused with the list of those it knows): the script and its imports
    run as the Makefile starts them."""
    proc = subprocess.run(
        ["make", "-s", "portability", "ONLY=no-such-configuration"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode != 0 and "no-such-configuration" in proc.stderr, proc.stderr
    assert all(c.name in proc.stderr for c in CONFIGURATIONS), proc.stderr


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
            if output.get("name") == "stderr":  # where the warnings module writes
                assert not WARNING_LINE.search(text), (
                    f"{notebook.name}, code cell {i} shows a warning: {text[:300]}"
                )
            if not ignored:
                assert output.get("name") != "stderr", (
                    f"{notebook.name}, code cell {i} writes to stderr: {text[:300]}"
                )
                assert not re.search(r"0x[0-9a-fA-F]{6,}", text), (
                    f"{notebook.name}, code cell {i} shows a memory address: {text[:300]}"
                )


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_figure_has_alt_text_in_its_cell(notebook):
    """The site shows ``mystnb.image.alt`` of the code cell that drew a figure (tests/test_site.py
    checks what it says on the built page)."""
    for i, cell in enumerate(c for c in _load(notebook)["cells"] if c["cell_type"] == "code"):
        draws = any(k.startswith("image/") for o in cell["outputs"] for k in o.get("data", {}))
        alt = cell["metadata"].get("mystnb", {}).get("image", {}).get("alt", "")
        assert alt.strip() or not draws, (
            f"{notebook.name}, code cell {i} draws a figure without alt text: set its cell "
            'metadata to {"mystnb": {"image": {"alt": "what the figure shows"}}}'
        )


@pytest.mark.slow
@pytest.mark.timeout(RUN_TIMEOUT + 60)
@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.stem)
def test_notebook_reproduces_its_outputs(notebook):
    command = nbval_command(sys.executable, [notebook])
    start = time.monotonic()
    runs = {
        config: subprocess.Popen(
            command,
            cwd=ROOT,
            env=environment(config),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for config in (MACHINE, CI_OTHER)
    }
    failures, seconds = [], {}
    for config, run in runs.items():
        try:
            stdout, stderr = run.communicate(
                timeout=max(RUN_TIMEOUT - (time.monotonic() - start), 1)
            )
        except subprocess.TimeoutExpired:
            for other in runs.values():
                other.kill()
            pytest.fail(f"{notebook.name} under {config.name}: still running after {RUN_TIMEOUT} s")
        seconds[config] = time.monotonic() - start
        if run.returncode != 0:
            failures.append(
                f"--- {config.name} ({config.describe()}): exit {run.returncode}, "
                f"{seconds[config]:.0f} s. Re-run it alone: make portability "
                f"ONLY={config.name} NOTEBOOKS={notebook.stem}\n{stdout[-15000:]}\n{stderr[-3000:]}"
            )
    assert not failures, (
        f"nbval: {notebook.name} does not reproduce its committed outputs:\n" + "\n".join(failures)
    )
    assert seconds[MACHINE] < BUDGET_SECONDS, (
        f"{notebook.name} took {seconds[MACHINE]:.0f} s under {MACHINE.name}: every chapter "
        f"must run in under {BUDGET_SECONDS} s (STYLE.md); make it do less work"
    )
