"""``python -m scratchlib fashion-mnist``: download a dataset ahead of time (see
:func:`scratchlib.data.main`)."""

import sys

from scratchlib.data import main

if __name__ == "__main__":
    sys.exit(main())
