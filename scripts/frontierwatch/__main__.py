"""`python -m frontierwatch` runs the command-line interface."""

from frontierwatch.cli import main

raise SystemExit(main())
