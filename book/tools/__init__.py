"""Tools that work on the built book: the headless browser setup shared by `make pdf` and the
browser tests (:mod:`book.tools.browser`) and the PDF builder (:mod:`book.tools.pdf`).

``ROOT`` is the repository's top folder, the one place these tools compute it."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
