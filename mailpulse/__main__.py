"""`python -m mailpulse`: the same as the `mailpulse` command."""

import sys

from mailpulse.cli import main

sys.exit(main())
