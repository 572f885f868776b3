"""``python -m bulletin`` -> the command line."""

from .cli import main

main()
