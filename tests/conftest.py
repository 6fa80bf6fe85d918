"""Shared pytest setup: a non-interactive matplotlib backend, the repository root, and the
``slow`` marker for the modules that need the built book, run notebooks or grade."""

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]

#: Test modules that need `make book` first or take minutes: `make test-fast` skips them.
SLOW_MODULES = {
    "test_site.py",
    "test_browser.py",
    "test_pdf.py",
    "test_notebooks.py",
    "test_grading.py",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in SLOW_MODULES:
            item.add_marker(pytest.mark.slow)


@pytest.fixture
def root() -> Path:
    """The repository's top folder."""
    return ROOT
