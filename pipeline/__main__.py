"""`python -m newsbeam`: the same command line as `newsbeam`."""

import sys

from newsbeam.cli import main

sys.exit(main())
