"""`tasktune sweep create|pause|resume|stop|extend` and the `sweep` object of `show --json`."""

from __future__ import annotations

import json
from pathlib import Path

from tasktune_gui.core.models import Task
from tests.support.cli import Run, created_id, one_error_line, show
from tests.support.cores import opened


def base_task(db_url: str) -> str:
    args = {"lr": {"value": "0.01", "type": "float"}, "epochs": {"value": "3", "type": "int"},
            "optimizer": {"value": "sgd", "type": "str"}}
    with opened(db_url) as core:
        task = Task(id="", name="base", repository="/src/repo", entry_point="train.py")
        return core.tasks.add(task, "vision", hyperparameters={"Args": args})


def test_create_as_the_issue_spells_it_and_show_the_sweep(tt: Run) -> None:
    base = base_task(tt.db_url)
    sweep = created_id(tt("sweep", "create", base, "--param", "Args/lr=log:1e-4:1e-1",
                          "--param", "Args/epochs=int:1:9:2", "--param", "Args/optimizer=choice:sgd,adam",
                          "--objective", "loss/train:min", "--best", "--method", "random", "--trials", "20",
                          "--parallel", "2", "--trial-time", "60", "--wall-time", "3600", "--prune", "median",
                          "--queue", "default", "--trials-queue", "default"))
    record = show(tt, sweep)
    assert (record["type"], record["status"], record["parent"]) == ("optimizer", "pending", base)
    definition = record["sweep"]["definition"]
    assert [p["name"] for p in definition["params"]] == ["Args/lr", "Args/epochs", "Args/optimizer"]
    assert definition["params"][1] == {"name": "Args/epochs", "kind": "int", "low": 1, "high": 9, "step": 2,
                                       "values": []}
    assert definition["objective"] == {"metric": "loss", "series": "train", "goal": "min", "value": "best"}
    assert (definition["method"], definition["trials"], definition["parallel"]) == ("random", 20, 2)
    assert (definition["trial_time"], definition["wall_time"], definition["prune"]) == (60.0, 3600.0, "median")
    assert record["sweep"]["trials"] == [] and record["sweep"]["best"] is None
    assert tt("sweep", "pause", sweep).returncode == 0
    one_error_line(tt("sweep", "pause", sweep), 1, "pause the sweep")
    assert tt("sweep", "resume", sweep).returncode == 0
    assert tt("sweep", "extend", sweep, "5").returncode == 0
    with opened(tt.db_url) as core:  # read in this process: each `tasktune` start costs a second or more
        assert core.sweeps.get(sweep)[0].trials == 25
    assert tt("sweep", "stop", sweep).returncode == 0
    with opened(tt.db_url) as core:
        assert core.sweeps.get(sweep)[1] == "stopped"
        assert core.tasks.get(sweep).status == "draft"  # dequeued: it never ran


def test_a_grid_previews_its_size_and_bad_values_are_one_line(tt: Run) -> None:
    base = base_task(tt.db_url)
    grid = created_id(tt("sweep", "create", base, "--param", "Args/epochs=int:1:7:2",
                         "--param", "Args/optimizer=choice:sgd,adam,rmsprop", "--objective", "loss/train:min",
                         "--method", "grid"))
    preview = show(tt, grid)["sweep"]
    assert (preview["grid_size"], preview["budget"]) == (12, 12)
    one_error_line(tt("sweep", "create", base, "--param", "Args/lr=log:0:1", "--objective", "loss/train:min"),
                   2, "Args/lr", "above 0")
    one_error_line(tt("sweep", "create", base, "--param", "Args/momentum=uniform:0:1", "--objective", "l/t:min"),
                   1, "no hyperparameter Args/momentum")
    one_error_line(tt("sweep", "stop", base), 1, "not a sweep")


def test_export_and_create_from_the_file(tt: Run, tmp_path: Path) -> None:
    base = base_task(tt.db_url)
    first = created_id(tt("sweep", "create", base, "--param", "Args/epochs=int:1:9:2", "--objective", "loss/train:max",
                          "--best", "--method", "random", "--trials", "7", "--parallel", "3"))
    exported = tt("sweep", "export", first, check=True).stdout
    (tmp_path / "sweep.json").write_text(exported)
    again = created_id(tt("sweep", "create", base, "--from", str(tmp_path / "sweep.json"), "--trials", "4"))
    definition = show(tt, again)["sweep"]["definition"]
    assert definition["params"] == json.loads(exported)["params"]
    assert definition["objective"] == {"metric": "loss", "series": "train", "goal": "max", "value": "best"}
    assert (definition["method"], definition["trials"], definition["parallel"]) == ("random", 4, 3)
    one_error_line(tt("sweep", "create", base, "--trials", "4"), 2, "--param and --objective")
