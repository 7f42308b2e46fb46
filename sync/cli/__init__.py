"""The ``pmsync`` command line: one module per area of commands, the group in :mod:`sync.cli.main.main`."""
