"""The repository's own promises: environment.yml mirrors pyproject.toml, CI runs the README's
test command, the README names the two commands."""

import re
import subprocess
import sys
from pathlib import Path

import yaml

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

ROOT = Path(__file__).resolve().parents[1]


def parse_requirement(req: str) -> tuple[str, str]:
    """'jupyter-book>=1.0.4,<2' -> ('jupyter-book', '>=1.0.4,<2'), names normalised."""
    match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)\s*(.*?)\s*", req)
    assert match, f"cannot parse requirement {req!r}"
    name, spec = match.groups()
    return re.sub(r"[-_.]+", "-", name).lower(), spec.replace(" ", "")


def pyproject():
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_environment_yml_has_the_same_dependencies_as_pyproject():
    project = pyproject()["project"]
    wanted = dict(
        parse_requirement(r)
        for r in project["dependencies"]
        + project["optional-dependencies"]["book"]
        + project["optional-dependencies"]["grading"]
    )
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    listed: dict[str, str] = {}
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            for pip_dep in dep["pip"]:
                name, spec = parse_requirement(pip_dep)
                listed[name] = spec
        else:
            name, spec = parse_requirement(
                dep.replace("=", "==", 1) if re.fullmatch(r"[\w\-]+=[\d.]+", dep) else dep
            )
            listed[name] = spec
    listed.pop("python", None)
    listed.pop("pip", None)
    assert listed == wanted, (
        "environment.yml and pyproject.toml (dependencies + the book and grading extras) "
        "disagree:\n"
        f"only in pyproject: { {k: v for k, v in wanted.items() if listed.get(k) != v} }\n"
        f"only in environment.yml: { {k: v for k, v in listed.items() if wanted.get(k) != v} }"
    )


def test_python_versions_agree():
    env = yaml.safe_load((ROOT / "environment.yml").read_text())
    pinned = next(d for d in env["dependencies"] if isinstance(d, str) and d.startswith("python"))
    minimum = pyproject()["project"]["requires-python"].removeprefix(">=")
    assert tuple(map(int, pinned.split("=")[-1].split("."))) >= tuple(map(int, minimum.split(".")))


def test_runtime_dependencies_are_numpy_matplotlib_and_threadpoolctl_only():
    names = {parse_requirement(r)[0] for r in pyproject()["project"]["dependencies"]}
    assert names == {"numpy", "matplotlib", "threadpoolctl"}


def test_jupyter_book_is_pinned_below_2():
    book = dict(
        parse_requirement(r) for r in pyproject()["project"]["optional-dependencies"]["book"]
    )
    assert "<2" in book["jupyter-book"].split(",")


def test_ci_runs_exactly_the_readme_test_command():
    readme = (ROOT / "README.md").read_text()
    assert re.search(r"^make book$", readme, re.M), "README must show `make book` on its own line"
    assert re.search(r"^make test$", readme, re.M), "README must show `make test` on its own line"
    commands = [
        line.strip()
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line.strip()
        and not line.lstrip().startswith("#")
        and not line.startswith(("set ", "cd "))
    ]
    assert commands == ["make test"]


def test_setup_installs_every_extra():
    makefile = (ROOT / "Makefile").read_text()
    extras = set(pyproject()["project"]["optional-dependencies"])
    match = re.search(r'pip install [^\n]*-e "\.\[([a-z,]+)\]"', makefile)
    assert match, "make setup must pip install -e .[extras]"
    assert set(match.group(1).split(",")) == extras


def test_ruff_lint_and_format_are_clean():
    ruff = Path(sys.executable).with_name("ruff")
    for args in (["check", "."], ["format", "--check", "."]):
        result = subprocess.run([str(ruff), *args], cwd=ROOT, capture_output=True, text=True)
        assert result.returncode == 0, f"ruff {' '.join(args)}:\n{result.stdout}{result.stderr}"
