"""The generated job script and sbatch command with hostile values: the shell that runs the script hands every
value to the runner exactly as it was, and runs nothing of them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tasktune_gui.core.slurm import SlurmOptions
from tasktune_gui.execution.slurm.script import JobFiles, job_script, sbatch_argv, write_job_script

HOSTILE = "x'; touch {pwned}; echo \"$(touch {pwned})\" `touch {pwned}` $HOME \\ \n*"


def test_every_value_reaches_the_runner_as_it_was(tmp_path: Path) -> None:
    pwned = tmp_path / "pwned"
    hostile = HOSTILE.format(pwned=pwned)
    # A stand-in for the interpreter that prints what it was given: argv and the database URL.
    recorder = tmp_path / "recorder"
    recorder.write_text(f"#!{sys.executable}\nimport json, os, sys\n"
                        "print(json.dumps({'argv': sys.argv[1:], 'db': os.environ['TASKTUNE_DB']}))\n")
    recorder.chmod(0o755)
    folder = tmp_path / f"state {hostile}"
    files = JobFiles(folder, "task1")
    db_url = f"postgresql://u:p%40ss@host/db?application_name={hostile}"
    write_job_script(files, job_script(str(recorder), "task1", db_url, files, tmp_path / hostile, 2.5))
    assert files.script.stat().st_mode & 0o777 == 0o700
    done = subprocess.run(["sh", str(files.script)], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == {
        "argv": ["-u", "-m", "tasktune_gui.execution.slurm.job", "--task", "task1", "--exit-dir", str(folder),
                 "--cache-dir", str(tmp_path / hostile), "--abort-grace", "2.5"],
        "db": db_url,
    }
    assert not pwned.exists()


def test_queue_options_are_sbatch_arguments_never_script_lines(tmp_path: Path) -> None:
    options = SlurmOptions("gpu", account="lab", qos="high", sbatch={"comment": "$(touch /x); `id`",
                                                                     "exclusive": ""}).checked()
    files = JobFiles(tmp_path, "task1")
    argv = sbatch_argv(options, {"cpus": "2", "mem": "4G", "time": "10"}, "task1", files)
    assert argv[0] == "sbatch" and argv[-1] == str(files.script)
    assert "--comment=$(touch /x); `id`" in argv and "--exclusive" in argv
    assert {"--partition=gpu", "--account=lab", "--qos=high", "--cpus-per-task=2", "--mem=4G", "--time=10",
            "--job-name=tasktune-task1"} <= set(argv)
