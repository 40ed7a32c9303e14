"""`python -m newsmine` runs the command-line interface."""

from newsmine.cli import main

main()
