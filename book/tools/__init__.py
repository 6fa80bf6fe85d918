"""The repository's own tools: the headless browser setup shared by `make pdf` and the browser
tests (:mod:`book.tools.browser`), the PDF builder (:mod:`book.tools.pdf`), and the book's
settings in ``_config.yml`` (:mod:`book.tools.config`).

``ROOT`` is the repository's top folder. It is computed here and nowhere else: the exercise
tools, the tests (``tests/conftest.py``), ``.ci/lock.py`` and the benchmarks import it. This
module imports nothing but the standard library, so that ``make lock`` can use it before the
locked packages are installed.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
