"""Shared pytest setup: a non-interactive matplotlib backend, the repository root, the ``slow``
marker, and :func:`raises_naming` for error messages."""

from __future__ import annotations

import ast
import contextlib
import re
from collections.abc import Iterator
from pathlib import Path

import matplotlib
import pytest

from book.tools import ROOT

matplotlib.use("Agg")

#: Test modules that need `make book` first or grade submissions: every test in them is slow.
#: Elsewhere a test that needs the built site or executes a notebook carries
#: ``@pytest.mark.slow`` itself. `make test-fast` (``-m "not slow"``) leaves them out.
SLOW_MODULES = {
    "test_browser.py",
    "test_pdf.py",
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


@contextlib.contextmanager
def raises_naming(kind: type[BaseException], *names: object) -> Iterator[pytest.ExceptionInfo]:
    """``pytest.raises(kind)``, and its message must name each of ``names``.

    What a clear error must carry -- the argument, the value it got, the path, the allowed
    choices -- not its sentence: each of ``names`` (``str()`` of it) must appear in the message
    as a whole word, not inside a longer name, number or path (``"1"`` is not found in ``"10"``,
    nor ``/a/b`` in ``/a/b/c``).
    """
    with pytest.raises(kind) as info:
        yield info
    message = str(info.value)
    missing = [
        str(name)
        for name in names
        if not re.search(rf"(?<![\w.]){re.escape(str(name))}(?![\w/])", message)
    ]
    assert not missing, f"the {kind.__name__} message does not name {missing}: {message!r}"


def imported_names(path: Path) -> set[str]:
    """The absolute dotted names a Python file imports, anywhere in it: ``import a.b`` gives
    ``a.b``; ``from a import b`` gives ``a`` and ``a.b`` (``b`` a module or a name of ``a``)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return found
