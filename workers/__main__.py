"""`python -m workers`: the same as `mash worker`."""

import sys

from mash.cli import main

main(["worker", *sys.argv[1:]])
