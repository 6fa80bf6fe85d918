"""``python -m scratchlib fashion-mnist``: download a dataset ahead of time (see
:func:`scratchlib.data.cli.main`)."""

import sys

from scratchlib.data.cli import main

if __name__ == "__main__":
    sys.exit(main())
