"""``python -m core.warm [PATTERN]``: the same as ``python -m core warm``."""

import sys

from core.cli import main

if __name__ == "__main__":
    sys.exit(main(["warm", *sys.argv[1:]]))
