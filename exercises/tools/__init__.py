"""Tools that build, launch and grade the exercises (``make assignments``, ``make launch-cells``,
``make grade``).

``ROOT`` is the repository's top folder, computed once in :mod:`book.tools` and imported here
for these tools."""

from book.tools import ROOT

__all__ = ["ROOT"]
