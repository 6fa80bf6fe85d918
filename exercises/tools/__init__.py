"""Tools that build, launch and grade the exercises (``make assignments``, ``make launch-cells``,
``make grade``).

``ROOT`` is the repository's top folder, the one place these tools compute it."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
