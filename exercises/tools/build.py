"""Build the graded exercises: ``otter assign`` for every master notebook.

    python -m exercises.tools.build [NAME ...] [--student-dir DIR] [--autograder-dir DIR]

For each ``exercises/masters/<name>.ipynb`` this writes

* ``<student-dir>/<name>/<name>.ipynb`` and ``<student-dir>/<name>/tests/`` (public tests):
  what students get; committed, linked from the book (default ``exercises/student``);
* ``<autograder-dir>/<name>.zip``: otter's autograder (the public tests only: the hidden
  checks live in ``exercises/masters/<name>.checks.py`` and are judged outside the sandbox by
  ``make grade``), and ``<autograder-dir>/<name>-solution.ipynb``: build output, not committed
  (default ``exercises/autograder``).

The student notebook's first cell is the Colab cell of ``exercises/tools/launch.py``: on Colab
it installs otter-grader (the version that built the tests) and scratchlib from the course
repository at the launch ref (``repository.branch`` in ``_config.yml``), and fetches the public
tests from the same ref. Cell ids are renumbered so that a rebuild of an unchanged master gives
byte-identical student files (a test checks the committed ones).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import nbformat

from exercises.tools import ROOT, launch

MASTERS = ROOT / "exercises" / "masters"
STUDENT = ROOT / "exercises" / "student"
AUTOGRADER = ROOT / "exercises" / "autograder"

#: The template of that cell (exercises/tools/submission.py recognises it in submissions).
COLAB_CELL = launch.EXERCISE_CELL


def colab_cell_source(name: str, root: Path = ROOT) -> str:
    """The generated first cell of a student notebook (see exercises/tools/launch.py)."""
    return launch.exercise_cell(name, launch.Launch.from_config(root))


#: otter's init cell in the student notebooks (runs_on: colab: no notebook path argument).
INIT_CELL = "# Initialize Otter\nimport otter\ngrader = otter.Notebook()"


def master_names() -> list[str]:
    return sorted(p.stem for p in MASTERS.glob("*.ipynb"))


def _finish_notebook(path: Path, name: str) -> None:
    """Put the Colab cell first (replacing otter's bare `%pip install` cell) and fix cell ids."""
    nb = nbformat.read(path, as_version=4)
    pip_cells = [c for c in nb.cells if c.cell_type == "code" and c.source.startswith("%pip")]
    if len(pip_cells) != 1 or nb.cells[0] is not pip_cells[0]:
        raise RuntimeError(f"{path}: expected otter's '%pip install' cell first (runs_on: colab)")
    nb.cells[0].source = colab_cell_source(name)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"{name}-{i:02d}"
    nbformat.write(nb, path)


def build(name: str, student_dir: Path = STUDENT, autograder_dir: Path = AUTOGRADER) -> None:
    master = MASTERS / f"{name}.ipynb"
    if not master.is_file():
        raise SystemExit(f"no master notebook {master} (masters: {', '.join(master_names())})")
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "dist"
        # --no-run-tests: check_planted.py (run next by `make assignments`, and by the tests)
        # runs every public test and every check against the solution, in-process.
        proc = subprocess.run(
            [sys.executable, "-m", "otter", "assign", "--no-run-tests", str(master), str(out)],
            capture_output=True,
            text=True,
        )
        if proc.returncode != 0:
            raise SystemExit(f"otter assign failed for {name}:\n{proc.stdout}\n{proc.stderr}")
        student = student_dir / name
        if student.exists():
            shutil.rmtree(student)
        shutil.copytree(out / "student", student)
        _finish_notebook(student / f"{name}.ipynb", name)
        autograder_dir.mkdir(parents=True, exist_ok=True)
        (zip_path,) = (out / "autograder").glob("*.zip")
        shutil.copyfile(zip_path, autograder_dir / f"{name}.zip")
        solution = autograder_dir / f"{name}-solution.ipynb"
        shutil.copyfile(out / "autograder" / f"{name}.ipynb", solution)
        _finish_notebook(solution, name)
    print(f"built {name}: {student.relative_to(student_dir.parent)}, {autograder_dir / name}.zip")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="masters to build (default: all)")
    parser.add_argument("--student-dir", type=Path, default=STUDENT)
    parser.add_argument("--autograder-dir", type=Path, default=AUTOGRADER)
    args = parser.parse_args(argv)
    for name in args.names or master_names():
        build(name, args.student_dir, args.autograder_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
