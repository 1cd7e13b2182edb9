"""One module per ``ganaug`` sub-command, each with ``add_parser(subparsers)``."""
