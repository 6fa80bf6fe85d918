"""Shared pytest setup: a non-interactive matplotlib backend and the repository root."""

from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def root() -> Path:
    """The repository's top folder."""
    return ROOT
