"""A Colab student: each chapter notebook, alone, in a clean environment, data from a mirror.

What a student on Colab has, simulated:

* a fresh virtual environment with the library's wheel (built here from the working tree) and
  what Colab ships that the chapters use (ipykernel, ipywidgets 7, tqdm), none of the
  project's extras; it is cached under ``~/.cache/scratchlib-tests`` keyed by its requirements
  (the wheel is reinstalled on every run);
* the chapter copied alone into an empty folder, an empty ``HOME``;
* no Fashion-MNIST on disk: ``/usr/share/datasets`` is hidden behind an empty tmpfs in a private
  mount namespace (``unshare -m``; root, as CI runs);
* the data from a mirror on 127.0.0.1 serving the files *recompressed* (other ``.gz`` bytes than
  any published copy), set through ``$SCRATCHLIB_FASHION_MNIST_MIRRORS`` as a student would;
* the user's default BLAS threads.

Each executed chapter's outputs must equal the committed ones, compared as
``tests/test_notebooks.py`` does with nbval (text outputs, the sanitizers of
``nbval_sanitize.cfg``, cells tagged ``nbval-ignore-output`` skipped); the only difference
allowed is the download itself (the "Downloading ... into ..." line and the progress widgets).

The student exercises are run the same way, one per run in rotation: the notebook alone with
its ``tests`` folder (what the Colab cell fetches), otter-grader installed exactly as the
generated Colab cell installs it (``--no-deps`` and its pins) into an environment holding
Colab's ipywidgets 7: every cell runs (the unanswered checks report failures, they do not
crash) and ipywidgets is still version 7 afterwards.

Two chapters and one exercise per run, in rotation (the counter lives in the cache), to keep
the time share small; ``SCRATCHLIB_STUDENT_CHAPTERS=all`` (or ``01,03``) chooses.
"""

from __future__ import annotations

import configparser
import gzip
import hashlib
import http.server
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from importlib.metadata import requires, version
from pathlib import Path

import pytest
from conftest import ROOT
from filelock import FileLock
from packaging.requirements import Requirement

from scratchlib.data import idx, locations, registry

pytestmark = pytest.mark.slow

CHAPTERS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SANITIZE = Path(__file__).with_name("nbval_sanitize.cfg")
IGNORE_TAG = "nbval-ignore-output"
WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"
HIDDEN = Path("/usr/share/datasets")
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "scratchlib-tests"
ROTATION = [("01", "04"), ("02", "03")]
#: What Colab has that the chapters and otter use, at Colab's versions where it matters
#: (ipywidgets 7, wrapt 1).
COLAB_IPYWIDGETS = "7.7.1"
COLAB_PACKAGES = [
    "ipykernel", f"ipywidgets=={COLAB_IPYWIDGETS}", "tqdm", "pandas", "nbformat", "nbconvert",
    "jinja2", "click", "dill", "wrapt<2", "requests", "pyyaml",
]  # fmt: skip
STUDENT_EXERCISES = sorted(p for p in (ROOT / "exercises" / "student").glob("*/*.ipynb"))
#: The library's own dependencies (as installed here, from pyproject.toml) at the versions the
#: committed outputs were made with.
LIBRARY_PINS = [
    f"{req.name}=={version(req.name)}"
    for req in map(Requirement, requires("scratchlib"))
    if not req.marker or req.marker.evaluate({"extra": ""})
]
#: Only these variables reach the student's kernel (plus HOME, PATH and the mirror).
PASSED_ON = ("LANG", "LC_ALL", "TZ", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")

EXECUTE = """
import sys, nbformat
from nbclient import NotebookClient
nb = nbformat.read(sys.argv[1], as_version=4)
client = NotebookClient(nb, kernel_name="colab-student", timeout=300, coalesce_streams=True,
                        record_timing=False, resources={"metadata": {"path": sys.argv[3]}})
client.execute()
nbformat.write(nb, sys.argv[2])
"""


# --------------------------------------------------------------------------- environment


def _run(cmd: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    assert result.returncode == 0, f"{' '.join(map(str, cmd))}:\n{result.stdout}\n{result.stderr}"
    return result


def _student_venv() -> Path:
    """The cached clean environment (created once per requirement set)."""
    requirements = sorted(COLAB_PACKAGES + LIBRARY_PINS + ["setuptools>=77"])
    key = hashlib.sha256(json.dumps([sys.version, requirements]).encode()).hexdigest()[:12]
    venv = CACHE / f"colab-venv-{key}"
    CACHE.mkdir(parents=True, exist_ok=True)
    with FileLock(CACHE / ".lock"):
        if not (venv / "ready").is_file():
            shutil.rmtree(venv, ignore_errors=True)
            tmp = CACHE / f".colab-venv-{key}.part"
            shutil.rmtree(tmp, ignore_errors=True)
            _run([sys.executable, "-m", "venv", str(tmp)])
            _run([str(tmp / "bin" / "python"), "-m", "pip", "install", "-q", *requirements])
            tmp.rename(venv)
            (venv / "ready").touch()
            for old in CACHE.glob("colab-venv-*"):  # environments of older requirements
                if old != venv:
                    shutil.rmtree(old, ignore_errors=True)
    return venv


def _install_wheel(venv: Path, tmp: Path) -> None:
    """Build the wheel from a copy of what it packages; install it alone (no deps, no extras)."""
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    shutil.copytree(
        ROOT / "scratchlib", src / "scratchlib", ignore=shutil.ignore_patterns("__pycache__")
    )
    python = str(venv / "bin" / "python")
    _run(
        [
            python,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(tmp / "dist"),
            str(src),
        ]
    )
    (wheel,) = (tmp / "dist").glob("scratchlib-*.whl")
    _run([python, "-m", "pip", "install", "-q", "--no-deps", "--force-reinstall", str(wheel)])
    # the library's declared dependencies are all there (nothing beyond them was needed)
    _run(
        [
            python,
            "-c",
            "import scratchlib, importlib.metadata as m; print(m.requires('scratchlib'))",
        ],
        cwd=tmp,  # the installed wheel, not the working tree's scratchlib/
    )


def _kernel_spec(venv: Path, jupyter_path: Path) -> None:
    spec = jupyter_path / "kernels" / "colab-student"
    spec.mkdir(parents=True)
    argv = [str(venv / "bin" / "python"), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    kernel = {"argv": argv, "display_name": "Colab student", "language": "python"}
    (spec / "kernel.json").write_text(json.dumps(kernel))


# --------------------------------------------------------------------------- the mirror


def _recompressed_files() -> Path:
    """Fashion-MNIST recompressed (gzip level 1, another header): cached, built once."""
    folder = CACHE / "fashion-mnist-recompressed"
    with FileLock(CACHE / ".lock"):
        if not (folder / "ready").is_file():
            source = _source_dir()
            folder.mkdir(parents=True, exist_ok=True)
            for base in registry.FILES.values():
                content = idx.open_decompressed(source / f"{base}.gz").read()
                (folder / f"{base}.gz").write_bytes(gzip.compress(content, 1, mtime=1))
            (folder / "ready").touch()
    return folder


def _source_dir() -> Path:
    candidates = [registry.DEBIAN_FASHION_MNIST_DIR, locations.cache_root() / "fashion-mnist"]
    for folder in candidates:
        if all((folder / f"{b}.gz").is_file() for b in registry.FILES.values()):
            return folder
    pytest.fail(f"Fashion-MNIST is in none of {candidates}: run `make setup`")


@pytest.fixture(scope="module")
def mirror():
    folder = _recompressed_files()
    for base in registry.FILES.values():  # really other bytes than the published .gz files
        blob = (folder / f"{base}.gz").read_bytes()
        assert hashlib.md5(blob).hexdigest() != registry.DATASETS["fashion-mnist"].gz_md5[base]

    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


# --------------------------------------------------------------------------- comparison


def _sanitizers() -> list[tuple[re.Pattern, str]]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.read(SANITIZE)
    return [(re.compile(parser[s]["regex"]), parser[s]["replace"]) for s in parser.sections()]


def _texts(cell: dict, sanitize) -> list[tuple[str, str]]:
    """A code cell's outputs as nbval compares them: text only, streams merged, sanitized."""
    texts: list[tuple[str, str]] = []
    for out in cell.get("outputs", []):
        kind = out["output_type"]
        if kind == "stream":
            text = "".join(out["text"])
            text = "".join(
                line for line in text.splitlines(keepends=True)
                if not line.startswith("Downloading fashion-mnist into ")
            )  # fmt: skip
            key = out["name"]
        elif kind == "error":
            key, text = "error", f"{out['ename']}: {out['evalue']}"
        else:
            bundle = out.get("data", {})
            if WIDGET_VIEW in bundle:
                continue  # progress bars and widgets: not compared (as in nbval's tagged cells)
            key, text = kind, "".join(bundle.get("text/plain", ""))
        if not text:
            continue
        for regex, replace in sanitize:
            text = regex.sub(replace, text)
        if texts and key in ("stdout", "stderr") and texts[-1][0] == key:
            texts[-1] = (key, texts[-1][1] + text)
        else:
            texts.append((key, text))
    return texts


def _turn() -> int:
    """This run's turn of the rotation (counted in the cache; read once per session)."""
    counter = CACHE / "rotation"
    try:
        turn = int(counter.read_text())
    except (OSError, ValueError):
        turn = 0
    counter.parent.mkdir(parents=True, exist_ok=True)
    counter.write_text(str(turn + 1))
    return turn


def _chosen(notebooks: list[Path], per_turn: list[tuple[str, ...]], turn: int) -> list[Path]:
    wanted = os.environ.get("SCRATCHLIB_STUDENT_CHAPTERS")
    if wanted == "all":
        return notebooks
    if wanted:
        numbers = {n.strip() for n in wanted.split(",")}
    else:
        numbers = set(per_turn[turn % len(per_turn)])
    return [p for p in notebooks if p.name[:2] in numbers]


TURN = _turn()


def _sandbox() -> list[str]:
    """Run a command with /usr/share/datasets hidden behind an empty tmpfs."""
    if not HIDDEN.exists():
        return []  # nothing to hide (e.g. GitHub's runners)
    mount = f'mount -t tmpfs tmpfs {HIDDEN} && exec "$@"'
    flags = "-m" if os.geteuid() == 0 else "-rm"  # as root (CI), or in a user namespace
    return ["unshare", flags, "sh", "-c", mount, "sandbox"]


# --------------------------------------------------------------------------- the test


@pytest.fixture(scope="module")
def student(tmp_path_factory):
    """(venv, JUPYTER_PATH) of the clean environment with the freshly built wheel."""
    tmp = tmp_path_factory.mktemp("colab-student")
    venv = _student_venv()
    _install_wheel(venv, tmp)
    _kernel_spec(venv, tmp / "jupyter")
    return venv, tmp / "jupyter"


def _run_like_colab(
    notebook: Path, student, mirror: str, tmp_path: Path, tests: Path | None = None
) -> tuple[Path, list[dict]]:
    """Execute a copy of ``notebook`` in the sandbox as a student on Colab would: an empty
    home and content folder (plus a copy of ``tests``), the student environment, the dataset
    from the local mirror. Returns the home folder and the executed notebook's cells."""
    venv, jupyter_path = student
    folder, home = tmp_path / "content", tmp_path / "home"
    folder.mkdir()
    home.mkdir()
    shutil.copy(notebook, folder / notebook.name)
    if tests is not None:
        shutil.copytree(tests, folder / "tests")
    executed = tmp_path / "executed.ipynb"
    env = {k: os.environ[k] for k in PASSED_ON if k in os.environ}
    env |= {
        "HOME": str(home),
        "PATH": f"{venv / 'bin'}:/usr/local/bin:/usr/bin:/bin",
        "JUPYTER_PATH": str(jupyter_path),
        "SCRATCHLIB_FASHION_MNIST_MIRRORS": mirror,
    }
    copy = str(folder / notebook.name)
    command = [*_sandbox(), sys.executable, "-c", EXECUTE, copy, str(executed), str(folder)]
    result = subprocess.run(command, env=env, capture_output=True, text=True, timeout=540)
    assert result.returncode == 0, f"{notebook.name} failed like on Colab:\n{result.stderr[-8000:]}"
    return home, json.loads(executed.read_text(encoding="utf-8"))["cells"]


@pytest.mark.timeout(600, func_only=True)
@pytest.mark.parametrize("chapter", _chosen(CHAPTERS, ROTATION, TURN), ids=lambda p: p.stem)
def test_chapter_runs_alone_like_on_colab(chapter, student, mirror, tmp_path):
    home, ran = _run_like_colab(chapter, student, mirror, tmp_path)

    # the data came from the mirror, recompressed, and verified into the empty home
    downloaded = home / ".cache" / "scratchlib" / "fashion-mnist"
    assert sorted(p.name for p in downloaded.glob("*.gz")) == sorted(
        f"{b}.gz" for b in registry.FILES.values()
    )
    assert list(downloaded.glob("parsed-*.npz")), "the verified arrays were not remembered"

    sanitize = _sanitizers()
    committed = json.loads(chapter.read_text(encoding="utf-8"))["cells"]
    assert len(ran) == len(committed)
    for i, (old, new) in enumerate(zip(committed, ran, strict=True)):
        if old["cell_type"] != "code" or IGNORE_TAG in old["metadata"].get("tags", []):
            continue
        assert _texts(new, sanitize) == _texts(old, sanitize), (
            f"{chapter.name}, cell {i}: the student sees other outputs than the committed ones\n"
            f"{''.join(old['source'])[:500]}"
        )


def _otter_pins(cell: str) -> list[str]:
    """The packages the generated Colab cell installs with --no-deps (as written there)."""
    (line,) = [x for x in cell.splitlines() if "%pip install" in x and "--no-deps" in x]
    return [p.strip('"') for p in line.split("--no-deps", 1)[1].split()]


@pytest.mark.timeout(600, func_only=True)
@pytest.mark.parametrize(
    "exercise",
    _chosen(STUDENT_EXERCISES, [(p.name[:2],) for p in STUDENT_EXERCISES], TURN),
    ids=lambda p: p.stem,
)
def test_exercise_runs_alone_like_on_colab(exercise, student, mirror, tmp_path):
    venv, _ = student
    python = str(venv / "bin" / "python")
    nb = json.loads(exercise.read_text(encoding="utf-8"))
    pins = _otter_pins("".join(nb["cells"][0]["source"]))
    _run([python, "-m", "pip", "install", "-q", "--no-deps", *pins])
    # the public tests sit beside the notebook, where the Colab cell fetches them
    _, ran = _run_like_colab(exercise, student, mirror, tmp_path, exercise.parent / "tests")
    checks = [
        c for c in ran if c["cell_type"] == "code" and "grader.check(" in "".join(c["source"])
    ]
    assert checks, f"{exercise.name}: no grader.check cell"
    for cell in checks:  # each check reports (the answers are missing: it does not crash)
        assert cell["outputs"], f"{exercise.name}: {''.join(cell['source'])} showed nothing"
    # nothing Colab had loaded was upgraded: ipywidgets is still Colab's
    show = _run([python, "-c", "import ipywidgets, otter; print(ipywidgets.__version__)"])
    assert show.stdout.strip() == COLAB_IPYWIDGETS
