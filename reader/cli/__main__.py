"""margin's command line as a module: ``python -m reader.cli``."""

from . import main

main()
