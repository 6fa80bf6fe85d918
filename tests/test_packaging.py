"""The repository's own promises: requirements.lock covers pyproject.toml, environment.yml (Binder)
pins the lock's versions, `make setup` installs every requirement, the README names the two
commands."""

import os
import re
import subprocess
import sys
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import yaml
from conftest import ROOT
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

import scratchlib

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

#: The Python requirements.lock is resolved for (.ci/lock.py's PYTHON).
LOCK_PYTHON = re.search(
    r'^PYTHON = "([\d.]+)"', (ROOT / ".ci" / "lock.py").read_text(), re.M
).group(1)


def parse_requirement(req: str) -> tuple[str, str]:
    """'jupyter-book>=1.0.4,<2' -> ('jupyter-book', '>=1.0.4,<2'), names normalised."""
    match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*", req)
    assert match, f"cannot parse requirement {req!r}"
    name, spec = match.groups()
    return re.sub(r"[-_.]+", "-", name).lower(), spec.replace(" ", "")


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def all_requirements() -> list[Requirement]:
    """pyproject.toml's runtime requirements and those of every extra."""
    project = pyproject()["project"]
    requirements = [Requirement(r) for r in project["dependencies"]]
    for extra in project["optional-dependencies"].values():
        requirements += [Requirement(r) for r in extra]
    return requirements


def lock_pins() -> dict[str, str]:
    """requirements.lock as {normalised name: version}; every pin must carry hashes."""
    text = (ROOT / "requirements.lock").read_text()
    pins = {}
    for entry in re.split(r"\n(?=[A-Za-z0-9])", text):
        match = re.match(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s;\\]+)", entry)
        if match:
            assert "--hash=sha256:" in entry, f"requirements.lock: {match.group(1)} has no hash"
            pins[parse_requirement(match.group(1))[0]] = match.group(3)
    return pins


def environment_pins() -> dict[str, str]:
    """environment.yml's pip section as {normalised name: version}."""
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    pins = {}
    for line in pip:
        match = re.fullmatch(r"([A-Za-z0-9_.\-]+)(\[[^\]]*\])?==([^\s;]+)", line)
        assert match, f"environment.yml: {line!r} is not pinned to one version (name==version)"
        pins[parse_requirement(match.group(1))[0]] = match.group(3)
    return pins


def test_lock_has_every_requirement_of_pyproject_at_an_allowed_version():
    requirements = all_requirements()
    pins = lock_pins()
    python = {"python_version": LOCK_PYTHON, "python_full_version": LOCK_PYTHON + ".0"}
    stale = []
    for req in requirements:
        if req.marker and not req.marker.evaluate(python):
            continue  # e.g. tomli, only for Python < 3.11, which the lock does not serve
        name = parse_requirement(req.name)[0]
        if name not in pins or not req.specifier.contains(pins[name], prereleases=True):
            stale.append(f"{req} (lock: {pins.get(name, 'missing')})")
    assert not stale, (
        "requirements.lock is stale against pyproject.toml: "
        + "; ".join(stale)
        + ". Run `make lock` and commit requirements.lock and environment.yml."
    )


def test_environment_yml_pins_the_versions_of_the_lock():
    lock, env = lock_pins(), environment_pins()
    disagree = {
        name: f"environment.yml {version}, requirements.lock {lock.get(name, 'missing')}"
        for name, version in env.items()
        if lock.get(name) != version
    }
    assert not disagree, f"run `make lock` (environment.yml is generated): {disagree}"


def test_binder_installs_what_students_run_and_not_the_build_or_test_tools():
    env = environment_pins()
    runtime = {parse_requirement(r)[0] for r in pyproject()["project"]["dependencies"]}
    students = runtime | {"ipykernel", "ipywidgets", "tqdm", "otter-grader"}
    assert students <= set(env), f"Binder lacks {sorted(students - set(env))}"
    tools = {"jupyter-book", "pytest", "nbval", "ruff", "pytest-timeout"}
    assert not tools & set(env), f"Binder installs build/test tools {sorted(tools & set(env))}"


def test_binder_fetches_the_dataset_and_installs_the_library_at_build_time():
    post_build = (ROOT / "postBuild").read_text()
    assert re.search(r"pip install --no-deps (-e )?\.", post_build)
    assert "python -m scratchlib fashion-mnist" in post_build


def test_binder_starts_with_as_many_blas_threads_as_the_container_has_cpus(tmp_path):
    """The `start` script reads the container's CPU quota (cgroup v2 `cpu.max`)."""
    cgroup = tmp_path / "cpu.max"
    show = 'echo "$OPENBLAS_NUM_THREADS"'
    for quota, expected in (("150000 100000", "2"), ("100000 100000", "1"), ("max 100000", None)):
        cgroup.write_text(quota + "\n")
        result = subprocess.run(
            ["bash", str(ROOT / "start"), "bash", "-c", show],
            env={"PATH": "/usr/bin:/bin", "CGROUP_CPU_MAX": str(cgroup)},
            capture_output=True,
            text=True,
            check=True,
        )
        assert result.stdout.strip() == (expected or str(len(os.sched_getaffinity(0)))), quota
    kept = subprocess.run(
        ["bash", str(ROOT / "start"), "bash", "-c", show],
        env={"PATH": "/usr/bin:/bin", "OPENBLAS_NUM_THREADS": "3"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert kept.stdout.strip() == "3", "a thread count set by the user is kept"


def test_python_versions_agree():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pinned = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    assert pinned == f"python={LOCK_PYTHON}", "Binder runs the Python the lock is made for"
    assert SpecifierSet(pyproject()["project"]["requires-python"]).contains(LOCK_PYTHON)


def test_runtime_dependencies_stay_small():
    """What a student's `pip install scratchlib` brings: numpy, matplotlib, threadpoolctl, and
    filelock (the download lock). No download library: STYLE.md says why (pooch)."""
    names = {parse_requirement(r)[0] for r in pyproject()["project"]["dependencies"]}
    assert {"numpy", "matplotlib", "threadpoolctl"} <= names
    extra = names - {"numpy", "matplotlib", "threadpoolctl", "filelock"}
    assert not extra, f"new runtime dependencies {sorted(extra)}: students install these"


def test_jupyter_book_is_pinned_below_2():
    book = dict(
        parse_requirement(r) for r in pyproject()["project"]["optional-dependencies"]["book"]
    )
    assert "<2" in book["jupyter-book"].split(",")


def test_readme_shows_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"^make book$", readme, re.M), "README must show `make book` on its own line"
    assert re.search(r"^make test$", readme, re.M), "README must show `make test` on its own line"


def test_setup_installed_every_requirement_of_pyproject():
    """What `make setup` leaves in the venv (locked or not): the library and every runtime and
    extra requirement, at a version pyproject.toml allows."""
    requirements = all_requirements()
    assert Path(scratchlib.__file__).resolve().is_relative_to(ROOT), (
        "scratchlib is not installed from this checkout (pip install -e .)"
    )
    problems = []
    for req in requirements:
        if req.marker and not req.marker.evaluate():
            continue
        try:
            installed = version(req.name)
        except PackageNotFoundError:
            problems.append(f"{req.name} is not installed")
            continue
        if not req.specifier.contains(installed, prereleases=True):
            problems.append(f"{req.name} {installed} does not satisfy {req}")
    assert not problems, "; ".join(problems) + ". Run `make setup`."


def test_unlocked_setup_installs_every_extra():
    makefile = (ROOT / "Makefile").read_text()
    extras = set(pyproject()["project"]["optional-dependencies"])
    match = re.search(r"^EXTRAS := ([a-z,\-]+)$", makefile, re.M)
    assert match, "the Makefile must name the extras (EXTRAS := ...)"
    assert set(match.group(1).split(",")) == extras
