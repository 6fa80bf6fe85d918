"""One launch ref: the generated Colab cells and links follow _config.yml, and none is stale.

See exercises/tools/launch.py. The site half (links relative again in the built pages) is in
tests/test_site.py.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from importlib.metadata import distribution, packages_distributions
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from IPython.core.inputtransformer2 import TransformerManager

from exercises.tools import launch

CHAPTERS = launch.chapter_notebooks(ROOT)
STUDENT = launch.student_notebooks(ROOT)

#: What Colab ships among otter-grader's import-time needs (so the cell does not install them).
COLAB_SHIPS = {
    "click", "dill", "ipython", "ipywidgets", "jinja2", "nbconvert", "nbformat", "pandas",
    "pyyaml", "requests", "wrapt", "numpy", "traitlets", "jupyter-core", "jupyter-client",
    "python-dateutil", "pytz", "tzdata", "markupsafe", "packaging", "platformdirs",
}  # fmt: skip


def _cells(path: Path) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _first_code(path: Path) -> str:
    return next(_source(c) for c in _cells(path) if c["cell_type"] == "code")


def test_there_are_chapters_and_exercises():
    assert CHAPTERS and STUDENT, "no notebooks found: the tests below would check nothing"


def test_generated_cells_and_links_are_up_to_date():
    stale = launch.generate(ROOT, write=False)
    assert not stale, (
        f"stale generated cells or links in {[str(p.relative_to(ROOT)) for p in stale]}: "
        "run `make launch-cells` and commit"
    )


def _copy(tmp_path: Path) -> Path:
    """What launch.py reads and writes, copied into ``tmp_path``: the settings, the book's
    pages, the chapters and the student notebooks."""
    for name in ("_config.yml", "_toc.yml"):
        shutil.copy(ROOT / name, tmp_path / name)
    shutil.copytree(ROOT / "book", tmp_path / "book", ignore=shutil.ignore_patterns("tools"))
    for path in [*CHAPTERS, *STUDENT]:
        target = tmp_path / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target)
    return tmp_path


def test_cells_follow_the_configured_ref(tmp_path):
    """Change the ref in a copy of the repository: every generated cell follows it."""
    _copy(tmp_path)
    config = yaml.safe_load((tmp_path / "_config.yml").read_text())
    config["repository"]["branch"] = "2026-autumn"
    (tmp_path / "_config.yml").write_text(yaml.safe_dump(config))

    stale = launch.generate(tmp_path)

    assert len(stale) == len(CHAPTERS) + len(STUDENT)
    url = config["repository"]["url"].rstrip("/")
    for path in stale:
        first = _first_code(path)
        assert f'"scratchlib @ git+{url}@2026-autumn"' in first, path
        assert "@main" not in first and "@v0" not in first
        if "exercises" in path.parts:
            assert f"--branch 2026-autumn {url} /tmp/course" in first
    assert launch.generate(tmp_path, write=False) == []  # and a second run changes nothing


@pytest.mark.parametrize("path", [*CHAPTERS, *STUDENT], ids=lambda p: p.stem + p.parent.name)
def test_the_cell_installs_from_the_ref_only_on_colab(path):
    ref = launch.Launch.from_config(ROOT)
    first = _first_code(path)
    assert f'"scratchlib @ git+{ref.url}@{ref.ref}"' in first
    python = TransformerManager().transform_cell(first)

    def no_shell(*args):
        raise AssertionError(f"the cell ran {args} outside Colab")

    exec(compile(python, "install-cell", "exec"), {"get_ipython": no_shell})  # otter is here
    # every install of the library in the notebook is that one
    for cell in _cells(path):
        if cell["cell_type"] == "code" and "git+" in _source(cell):
            assert _source(cell) == first, f"{path.name}, cell {cell.get('id')}: another install"


def test_exercise_cell_installs_nothing_colab_has_loaded():
    """otter-grader goes in with --no-deps plus exactly what `import otter` needs beyond
    Colab's packages: so ipywidgets 7 (loaded in Colab's kernel) is never upgraded."""
    cell = launch.exercise_cell("01_minibatch", launch.Launch.from_config(ROOT))
    (no_deps,) = [line for line in cell.splitlines() if "--no-deps" in line and "%pip" in line]
    pinned = {p.strip('"').split("==")[0] for p in no_deps.split("--no-deps", 1)[1].split()}
    assert pinned == {"otter-grader", *launch.OTTER_EXTRAS}
    colab_branch = cell.split("\nelif ", 1)[0]
    otter_lines = [line for line in colab_branch.splitlines() if "%pip" in line and "otter" in line]
    assert otter_lines == [no_deps], (
        f"on Colab otter is installed only with --no-deps: {otter_lines}"
    )
    # what `import otter` and otter.Notebook pull in, by distribution
    code = (
        "import json, sys, otter\n"
        "otter.Notebook\n"
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    modules = json.loads(out.stdout.splitlines()[-1])
    by_module = packages_distributions()
    imported = {d.lower() for m in modules for d in by_module.get(m, [])}
    otter_needs = {_name(r) for r in distribution("otter-grader").requires or [] if ";" not in r}
    needed = (otter_needs & imported) - {"otter-grader"}
    missing = needed - COLAB_SHIPS - set(launch.OTTER_EXTRAS)
    assert not missing, f"`import otter` needs {missing}: add them to launch.OTTER_EXTRAS"


def _name(requirement: str) -> str:
    for stop in "<>=!~[ (;":
        requirement = requirement.split(stop)[0]
    return requirement.strip().lower().replace("_", "-")


# --------------------------------------------------------------------------- links


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda p: p.stem)
def test_no_chapter_link_leaves_notebooks_relatively(chapter):
    """A relative link out of notebooks/ is broken on Colab: it must be the published URL."""
    for cell in _cells(chapter):
        if cell["cell_type"] == "markdown":
            leaving = launch.relative_links_leaving(_source(cell))
            assert not leaving, f"{chapter.name}: {leaving}; run `make launch-cells`"


def test_relative_links_become_published_urls():
    ref = launch.Launch("https://github.com/o/r", "main", "https://o.github.io/r/")
    text = "see [a](../book/exercises.md#part-2), [b](02_x.ipynb), [c](https://x.org/y)"
    assert launch.absolute_links(text, ref) == (
        "see [a](https://o.github.io/r/book/exercises.html#part-2), [b](02_x.ipynb), "
        "[c](https://x.org/y)"
    )


# --------------------------------------------------------------------------- a new chapter


def _new_chapter(tmp_path: Path, cells: list[dict]) -> Path:
    """A chapter as an author writes it before ``make launch-cells``: no Colab cell."""
    path = _copy(tmp_path) / "notebooks" / "05_new.ipynb"
    nb = json.loads(CHAPTERS[0].read_text(encoding="utf-8"))
    nb["cells"] = [{"id": f"c{i}", "metadata": {}, **cell} for i, cell in enumerate(cells)]
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
    return path


def _markdown(text: str) -> dict:
    return {"cell_type": "markdown", "source": text}


def _code(text: str) -> dict:
    return {"cell_type": "code", "source": text, "execution_count": None, "outputs": []}


def test_a_chapter_without_the_colab_cell_gets_it_before_its_first_code_cell(tmp_path):
    path = _new_chapter(
        tmp_path,
        [_markdown("# 5. New\n\nSee [the exercises](../book/exercises.md)."), _code("x = 1")],
    )

    assert path in launch.generate(tmp_path)

    cells = _cells(path)
    assert [c["cell_type"] for c in cells] == ["markdown", "code", "code"]
    assert _source(cells[1]) == launch.chapter_cell(launch.Launch.from_config(tmp_path))
    assert cells[1]["id"] not in {"c0", "c1"} and _source(cells[2]) == "x = 1"
    book = launch.Launch.from_config(tmp_path).book_url
    assert f"]({book}book/exercises.html)" in _source(cells[0])
    assert launch.generate(tmp_path) == []  # and a second run changes nothing


@pytest.mark.parametrize("target", ["../scratchlib/functions.py", "../book/no_such_page.md"])
def test_a_link_to_what_is_not_a_page_of_the_book_names_the_notebook_and_link(tmp_path, target):
    _new_chapter(tmp_path, [_markdown(f"# 5. New\n\n[this]({target})"), _code("x = 1")])
    with pytest.raises(SystemExit) as stop:
        launch.generate(tmp_path)
    message = str(stop.value)
    assert "notebooks/05_new.ipynb" in message and repr(target) in message
    assert "../book/exercises.md" in message  # the form that works, as an example


def test_a_colab_cell_that_is_not_the_first_code_cell_is_named(tmp_path):
    colab = launch.chapter_cell(launch.Launch.from_config(ROOT))
    _new_chapter(tmp_path, [_markdown("# 5. New"), _code("x = 1"), _code(colab)])
    with pytest.raises(SystemExit) as stop:
        launch.generate(tmp_path)
    assert "notebooks/05_new.ipynb" in str(stop.value) and "code cell 2" in str(stop.value)


def test_a_student_notebook_without_its_colab_cell_says_to_rebuild(tmp_path):
    _copy(tmp_path)
    student = tmp_path / STUDENT[0].relative_to(ROOT)
    nb = json.loads(student.read_text(encoding="utf-8"))
    del nb["cells"][0]
    student.write_text(json.dumps(nb), encoding="utf-8")
    with pytest.raises(SystemExit) as stop:
        launch.generate(tmp_path)
    assert str(student.relative_to(tmp_path)) in str(stop.value)
    assert "make assignments" in str(stop.value)
