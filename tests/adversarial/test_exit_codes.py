"""Item 5 (and item 8's Ctrl-C): an exit status that tells what happened."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tasktune_gui.core.tasks import TaskQuery
from tests.support.cli import Run, add_draft, opened

# A Ctrl-C at the point the issue saw it: while the commands' modules are imported by the parser.
INTERRUPT_IN_IMPORTS = """\
import sys
class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "tasktune_gui.cli.task_commands":
            raise KeyboardInterrupt
sys.meta_path.insert(0, Interrupt())
from tasktune_gui.cli.main import main
sys.exit(main(sys.argv[1:]))
"""


def test_clone_to_a_full_stdout_exits_zero_and_says_the_id_was_not_printed(sqlite_url: str) -> None:
    task_id = add_draft(sqlite_url, "t")
    with open("/dev/full", "w") as full:
        done = subprocess.run([sys.executable, "-m", "tasktune_gui", "--db", sqlite_url, "clone", task_id],
                              stdout=full, stderr=subprocess.PIPE, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stderr.count("\n") == 1 and "was made, but its id could not be printed" in done.stderr
    with opened(sqlite_url) as core:
        assert len(core.tasks.query(TaskQuery())) == 2


def test_help_says_when_the_id_is_printed(tt: Run) -> None:
    assert "exit 0 even when the id cannot be printed" in " ".join(tt("--help").stdout.split())


def test_ctrl_c_while_starting_is_one_line(sqlite_url: str, tmp_path: Path) -> None:
    script = tmp_path / "interrupted.py"
    script.write_text(INTERRUPT_IN_IMPORTS)
    env = {**os.environ, "PYTHONPATH": os.getcwd()}
    done = subprocess.run([sys.executable, str(script), "--db", sqlite_url, "list"], capture_output=True, text=True,
                          timeout=120, check=False, env=env)
    assert (done.returncode, done.stderr) == (130, "tasktune: error: interrupted\n")
