"""`python -m tasktune_gui`: the same as the `tasktune` command."""

from tasktune_gui.cli.main import run

run()
