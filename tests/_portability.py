"""The CPU configurations whose notebook outputs must agree, and a runner for all of them.

A configuration is what decides the last bits of a floating-point result on a given machine:

- the BLAS kernel OpenBLAS picks for the CPU (``OPENBLAS_CORETYPE``: Haswell on AVX2 machines,
  SkylakeX on AVX-512 ones, Sandybridge on AVX-only ones, an SSE kernel on anything older);
- the SIMD paths numpy's own loops (exp, log, sums) take (``NPY_DISABLE_CPU_FEATURES``);
- the number of BLAS threads (``OPENBLAS_NUM_THREADS``): OpenBLAS splits a product
  differently for 1 and 2 threads.

``tests/test_notebooks.py`` runs nbval under the machine's own configuration and under
:data:`CI_OTHER`; ``make portability`` (this file as a script) runs every configuration of
:data:`CONFIGURATIONS` and prints, per configuration and notebook, the cells whose checked
output changed, with the differing lines::

    .venv/bin/python tests/_portability.py                  # everything, about 15-25 minutes
    .venv/bin/python tests/_portability.py --only sandybridge-sse42-2t --notebooks 03_update
    .venv/bin/python tests/_portability.py --python /tmp/old-numpy/bin/python  # another numpy

A kernel the CPU cannot run (SkylakeX without AVX-512 stops with "Illegal instruction") is
reported as "not on this CPU" instead of failing.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

from conftest import ROOT

SANITIZE = Path(__file__).with_name("nbval_sanitize.cfg")
NOTEBOOK_DIR = ROOT / "notebooks"


@dataclass(frozen=True)
class Configuration:
    """One way a CPU can compute.

    Attributes
    ----------
    name : str
    coretype : str or None
        ``OPENBLAS_CORETYPE``; None keeps the machine's choice.
    simd : {"native", "avx2", "sse42"}
        numpy's SIMD paths: all the CPU has, at most AVX2 (no AVX-512), at most SSE4.2.
    threads : int or None
        BLAS threads; None keeps the machine's default (one per core).
    """

    name: str
    coretype: str | None = None
    simd: str = "native"
    threads: int | None = None

    def describe(self) -> str:
        parts = [
            f"OPENBLAS_CORETYPE={self.coretype}" if self.coretype else "machine's BLAS kernel",
            {"native": "numpy SIMD native", "avx2": "numpy SIMD <= AVX2", "sse42": "<= SSE4.2"}[
                self.simd
            ],
            f"{self.threads} BLAS thread(s)" if self.threads else "default threads",
        ]
        return ", ".join(parts)


#: The machine as it is: whatever kernel, SIMD and thread count it picks by itself.
MACHINE = Configuration("machine")

#: The second configuration of ``make test``: an older BLAS kernel without FMA, numpy's loops
#: without AVX/AVX2/AVX-512 and two threads. Every ingredient differs from what a current
#: machine (Haswell or SkylakeX kernel, AVX2 or AVX-512 loops) picks, and every CPU that runs
#: the course can run it.
CI_OTHER = Configuration("sandybridge-sse42-2t", "Sandybridge", "sse42", 2)

#: The configurations of the portability issue (issue 8): kernels, SIMD limits, 1 and 2 threads.
CONFIGURATIONS = [
    MACHINE,
    Configuration("haswell-1t", "Haswell", threads=1),
    Configuration("skylakex-1t", "SkylakeX", threads=1),
    Configuration("zen-1t", "Zen", threads=1),
    Configuration("haswell-avx2-1t", "Haswell", "avx2", 1),
    Configuration("sandybridge-sse42-1t", "Sandybridge", "sse42", 1),
    Configuration("prescott-1t", "Prescott", threads=1),
    Configuration("prescott-sse42-2t", "Prescott", "sse42", 2),
    Configuration("skylakex-2t", "SkylakeX", threads=2),
    Configuration("haswell-2t", "Haswell", threads=2),
    CI_OTHER,
]

#: numpy's dispatchable features that a configuration's ``simd`` keeps (names of numpy 1.x
#: and 2.x); every other dispatchable feature is disabled.
_KEEP = {
    "avx2": re.compile(r"(?!AVX512|X86_V4).*"),
    "sse42": re.compile(r"SSE\w*|SSSE3|POPCNT|X86_V2"),
}


def _dispatch_features(python: str) -> list[str]:
    code = (
        "import numpy as np\n"
        "try:\n    from numpy._core import _multiarray_umath as m\n"
        "except ImportError:\n    from numpy.core import _multiarray_umath as m\n"
        "print(' '.join(m.__cpu_dispatch__))"
    )
    return subprocess.run(
        [python, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()


def environment(config: Configuration, python: str = sys.executable) -> dict[str, str]:
    """``os.environ`` with ``config`` applied (the machine's own settings where it says None)."""
    env = dict(os.environ)
    if config.coretype:
        env["OPENBLAS_CORETYPE"] = config.coretype
    if config.simd != "native":
        keep = _KEEP[config.simd]
        disabled = [f for f in _dispatch_features(python) if not keep.fullmatch(f)]
        env["NPY_DISABLE_CPU_FEATURES"] = " ".join(disabled)
    if config.threads:
        for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
            env[var] = str(config.threads)
    return env


def probe(config: Configuration, python: str = sys.executable) -> tuple[bool, str]:
    """Can this CPU run ``config``? Returns (ok, what BLAS and numpy actually use)."""
    code = (
        "import numpy as np, threadpoolctl\n"
        "try:\n    from numpy._core import _multiarray_umath as m\n"
        "except ImportError:\n    from numpy.core import _multiarray_umath as m\n"
        "a = np.ones((64, 64)); a @ a\n"
        "blas = [i for i in threadpoolctl.threadpool_info() if i['user_api'] == 'blas']\n"
        "simd = [f for f in m.__cpu_dispatch__ if m.__cpu_features__.get(f)]\n"
        "print(np.__version__, ', '.join(f\"{i['internal_api']} {i.get('architecture')} "
        "{i['num_threads']} threads\" for i in blas), 'SIMD', ' '.join(simd) or 'baseline')"
    )
    result = subprocess.run(
        [python, "-c", code], env=environment(config, python), capture_output=True, text=True
    )
    if result.returncode != 0:
        reason = "Illegal instruction" if result.returncode == -4 else result.stderr.strip()
        return False, f"not on this CPU ({reason or f'exit {result.returncode}'})"
    return True, "numpy " + result.stdout.strip()


def nbval_command(python: str, notebooks: list[Path], junit: Path | None = None) -> list[str]:
    """The pytest command that re-runs ``notebooks`` and compares their outputs with nbval."""
    command = [
        python,
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
        "-o",
        "verbosity_assertions=2",  # whole differing lines, not "Skipping 149 characters"
        "-q",
    ]
    if junit is not None:
        command.append(f"--junitxml={junit}")
    return command + [str(nb.relative_to(ROOT)) for nb in notebooks]


_COLOURS = re.compile(r"(\x1b|#x1B)\[[0-9;]*m")


def _differences(message: str) -> str:
    """The differing lines of one nbval failure (pytest's diff of committed == re-executed)."""
    text = _COLOURS.sub("", message)
    lines = []
    for line in text.splitlines():
        match = re.fullmatch(r"\s*([-+]) (.*)", line)
        if match:  # pytest: '+' the left side (committed), '-' the right (re-executed)
            side = "committed:   " if match.group(1) == "+" else "re-executed: "
            lines.append(side + match.group(2))
    return "\n".join(lines) or "\n".join(text.strip().splitlines()[-12:])


def run(config: Configuration, notebooks: list[Path], python: str) -> dict:
    """nbval under ``config``: {"status", "seconds", "failures": {notebook: {cell: diff}}}."""
    ok, actual = probe(config, python)
    if not ok:
        return {"status": actual, "actual": actual, "seconds": 0.0, "failures": {}}
    with tempfile.TemporaryDirectory() as tmp:
        junit = Path(tmp) / "junit.xml"
        start = time.monotonic()
        result = subprocess.run(
            nbval_command(python, notebooks, junit),
            cwd=ROOT,
            env=environment(config, python),
            capture_output=True,
            text=True,
        )
        seconds = time.monotonic() - start
        failures: dict[str, dict[str, str]] = {}
        raw: dict[str, dict[str, str]] = {}
        if junit.exists():
            for case in ET.parse(junit).iter("testcase"):
                for problem in [*case.iter("failure"), *case.iter("error")]:
                    stem = re.search(r"\d\d_\w+", case.get("classname", ""))
                    notebook = stem.group(0) if stem else case.get("classname", "?")
                    cell = case.get("name", "?")
                    detail = (problem.get("message") or "") + "\n" + (problem.text or "")
                    failures.setdefault(notebook, {})[cell] = _differences(detail)
                    raw.setdefault(notebook, {})[cell] = _COLOURS.sub("", detail)
    status = "ok" if result.returncode == 0 else "DIFFERS"
    if result.returncode not in (0, 1):
        status = f"pytest exit {result.returncode}: {result.stdout[-500:]}{result.stderr[-500:]}"
    return {
        "status": status,
        "actual": actual,
        "seconds": seconds,
        "failures": failures,
        "raw": raw,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", nargs="*", help="configuration names (default: all)")
    parser.add_argument("--notebooks", nargs="*", help="notebook stems (default: all)")
    parser.add_argument("--python", default=sys.executable, help="interpreter to run under")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)

    configs = [c for c in CONFIGURATIONS if not args.only or c.name in args.only]
    unknown = set(args.only or []) - {c.name for c in CONFIGURATIONS}
    if unknown:
        parser.error(
            f"unknown configuration(s) {sorted(unknown)}; known: {[c.name for c in CONFIGURATIONS]}"
        )
    notebooks = sorted(NOTEBOOK_DIR.glob("[0-9][0-9]_*.ipynb"))
    if args.notebooks:
        notebooks = [nb for nb in notebooks if nb.stem in args.notebooks]
    if not notebooks:
        parser.error(f"no notebook matches {args.notebooks}")

    results = {}
    seen: dict[str, str] = {}  # what a configuration really runs -> the first one that ran it
    for config in configs:
        print(f"{config.name}: {config.describe()} ...", flush=True)
        ok, actual = probe(config, args.python)
        if ok and actual in seen:  # e.g. Zen is Haswell's kernel; no AVX-512 to disable
            status = f"same as {seen[actual]} on this CPU"
            results[config.name] = {
                "status": status,
                "actual": actual,
                "seconds": 0.0,
                "failures": {},
                "raw": {},
            }
            print(f"  {actual}: {status}", flush=True)
            continue
        seen.setdefault(actual, config.name)
        results[config.name] = outcome = run(config, notebooks, args.python)
        print(
            f"  {outcome['actual']}: {outcome['status'][:200]} ({outcome['seconds']:.0f} s)",
            flush=True,
        )
        for notebook, cells in outcome["failures"].items():
            print(f"  {notebook}: {', '.join(cells)}", flush=True)

    width = max(len(c.name) for c in configs)
    header = f"{'configuration':{width}}  " + "  ".join(nb.stem for nb in notebooks)
    print("\n" + header + "\n" + "-" * len(header))
    for config in configs:
        outcome = results[config.name]
        if not outcome["actual"].startswith("numpy") or outcome["status"].startswith("same"):
            print(f"{config.name:{width}}  {outcome['status']}")
            continue
        cells = []
        for nb in notebooks:
            failed = outcome["failures"].get(nb.stem, {})
            cells.append(f"{(', '.join(failed) or 'ok'):{len(nb.stem)}}")
        print(f"{config.name:{width}}  " + "  ".join(cells))

    print("\nDifferences (committed '-', re-executed '+'):")
    for config in configs:
        for notebook, cells in results[config.name]["failures"].items():
            for cell, diff in cells.items():
                print(f"\n[{config.name}] {notebook} {cell}\n{diff}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))

    # ok: every configuration that ran reproduced the outputs; one this CPU runs as another
    # ("same as ...") or cannot run at all ("not on this CPU": no numpy version) proves nothing
    # either way and is no failure
    def passed(r: dict) -> bool:
        return (
            r["status"] == "ok"
            or r["status"].startswith("same as")
            or not r["actual"].startswith("numpy")
        )

    return 0 if all(passed(r) for r in results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
