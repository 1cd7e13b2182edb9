"""Sub-commands of the ``ganaug`` command line, one module each."""
