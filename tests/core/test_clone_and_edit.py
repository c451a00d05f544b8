"""Clone copies exactly what REFERENCE §1 lists; edits follow the status rules and are all-or-nothing."""

from __future__ import annotations

import pytest

from tasktune_gui.core.api import Core
from tasktune_gui.core.editing import TaskEdit
from tasktune_gui.core.errors import InvalidValue, ModelNotFound, TaskNotEditable
from tasktune_gui.core.models import Artifact, Task
from tasktune_gui.core.results import ScalarPoint
from tests.support.lifecycle import STATUSES, make_in

COPIED_EXECUTION = ("repository", "branch", "tag", "commit", "entry_point", "working_dir", "binary",
                    "requirements", "original_requirements", "diff", "container", "output_uri")


def full_task(core: Core) -> str:
    model_id = core.models.create("input", project="P")
    task = Task(id="", name="source", type="testing", description="the original", repository="git@host:lab/x.git",
                branch="main", commit="a" * 40, entry_point="src/train.py", working_dir="src", binary="python3.11",
                requirements="torch==2.0\n", original_requirements="torch==1.0\n", diff="diff --git a/x b/x\n",
                container_image="nvidia/cuda:12", container_arguments="--shm-size=8g",
                container_setup_script="apt-get install -y git\n", output_uri="/data/out",
                input_model_id=model_id, labels={"cat": 0, "dog": 1})
    params = {"Args": {"lr": {"value": "0.1", "type": "float", "description": "rate"},
                       "epochs": {"value": "3", "type": "int", "description": ""}},
              "TF_DEFINE": {"depth": {"value": "50", "type": "", "description": ""}},
              "custom": {"z": {"value": "last", "type": "", "description": ""},
                         "a": {"value": "first?", "type": "", "description": ""}}}
    task_id = core.tasks.add(task, "P", tags=["b", "a"], hyperparameters=params,
                             user_properties={"owner": {"value": "me", "description": "who"}},
                             configuration={"model": {"value": "layers: 3", "type": "yaml", "description": "d"},
                                            "extra": {"value": "{}", "type": "json", "description": ""}})
    core.lifecycle.enqueue(task_id)
    core.queues.pop(["default"], worker="w1", host="gpu-box", pid=42)
    core.results.append_console(task_id, [("stdout", "hello")])
    core.results.report_scalars(task_id, [ScalarPoint("loss", "train", 7, 0.25)])
    core.results.add_artifact(task_id, Artifact(task_id=task_id, name="w", uri="file:///w"))
    core.models.create("trained", task_id=task_id)
    core.lifecycle.complete(task_id)
    return task_id


def test_clone_copies_exactly_what_is_listed(core: Core) -> None:
    source_id = full_task(core)
    source = core.task_json(source_id)
    clone_id = core.tasks.clone(source_id, project="Other/new")
    clone = core.task_json(clone_id)
    for key in COPIED_EXECUTION:
        assert clone["execution"][key] == source["execution"][key], key
    for key in ("hyperparams", "user_properties", "configuration", "input_model", "labels", "tags", "type",
                "description"):
        assert clone[key] == source[key], key
    assert list(clone["hyperparams"]) == ["Args", "TF_DEFINE", "custom"]
    assert list(clone["hyperparams"]["custom"]) == ["z", "a"]
    assert list(clone["configuration"]) == ["model", "extra"]
    assert (clone["name"], clone["parent"], clone["status"], clone["project"]) == (
        "Clone Of source", source_id, "draft", "Other/new")
    assert clone["execution"]["queue"] is None
    assert (clone["output_models"], clone["metrics"], clone["last_iteration"]) == ([], {}, None)
    assert clone["runtime"] == {"worker": None, "host": None, "pid": None, "exit_code": None, "container_id": None,
                                "setup_step": "", "setup_started": None, "tasktune_version": "",
                                "schema_version": ""}
    assert (clone["started"], clone["completed"], clone["status_reason"]) == (None, None, "")
    assert core.results.console(clone_id) == []
    assert core.results.artifacts(clone_id) == []
    named = core.tasks.clone(source_id, name="lr sweep", description="new words")
    assert core.task_json(named)["name"] == "lr sweep"
    assert core.task_json(named)["description"] == "new words"
    assert core.task_json(named)["project"] == "P"


def test_clone_keeps_ten_thousand_hyperparameters_in_order(sqlite_core: Core) -> None:
    names = {f"p{i:05d}": {"value": str(i), "type": "int", "description": ""} for i in range(10_000)}
    source = sqlite_core.tasks.add(Task(id="", name="big"), "P", hyperparameters={"General": names})
    clone = sqlite_core.task_json(sqlite_core.tasks.clone(source))
    assert list(clone["hyperparams"]["General"]) == list(names)


DRAFT_ONLY_EDITS = {
    "execution": TaskEdit(execution={"entry_point": "other.py"}),
    "hyperparameters": TaskEdit(hyperparameters=[("Args", "lr", "9")]),
    "configuration": TaskEdit(configuration=[("model", "x", "txt")]),
    "input model": TaskEdit(input_model=None),
    "labels": TaskEdit(labels={"x": 1}),
}


@pytest.mark.parametrize("status", STATUSES)
def test_edit_rules_by_status(core: Core, status: str) -> None:
    task_id = make_in(core, status, details=False)
    for what, edit in DRAFT_ONLY_EDITS.items():
        before = core.task_json(task_id)
        if status == "draft":
            core.editor.apply(task_id, edit)
            continue
        with pytest.raises(TaskNotEditable, match="Draft"):
            core.editor.apply(task_id, edit)
        assert core.task_json(task_id) == before, what
    if status == "published":
        with pytest.raises(TaskNotEditable):
            core.editor.set_user_property(task_id, "note", "x")
    else:
        core.editor.set_user_property(task_id, "note", "x")
        assert core.task_json(task_id)["user_properties"]["note"]["value"] == "x"
    core.tasks.rename(task_id, "renamed")
    core.tasks.describe(task_id, "words")
    core.tasks.add_tags(task_id, ["t"])
    core.tasks.move(task_id, "Moved")
    record = core.task_json(task_id)
    assert (record["name"], record["description"], record["tags"], record["project"]) == (
        "renamed", "words", ["t"], "Moved")


def test_source_selection(sqlite_core: Core) -> None:
    core = sqlite_core
    task_id = core.tasks.add(Task(id="", name="t", branch="main", commit="c" * 40, diff="d"), "P")
    core.editor.set_execution(task_id, tag="v1")
    execution = core.task_json(task_id)["execution"]
    assert (execution["tag"], execution["commit"], execution["branch"], execution["diff"]) == ("v1", None, "main", "d")
    core.editor.set_execution(task_id, commit="e" * 40)
    execution = core.task_json(task_id)["execution"]
    assert (execution["tag"], execution["commit"]) == (None, "e" * 40)
    core.editor.set_execution(task_id, branch="dev")
    execution = core.task_json(task_id)["execution"]
    assert (execution["tag"], execution["commit"], execution["branch"], execution["diff"]) == (None, None, "dev", "d")


def test_unknown_names_are_created_and_bad_edits_change_nothing(sqlite_core: Core) -> None:
    core = sqlite_core
    task_id = core.tasks.add(Task(id="", name="t"), "P",
                             hyperparameters={"Args": {"lr": {"value": "1", "type": "", "description": ""}}})
    core.editor.apply(task_id, TaskEdit(hyperparameters=[("Brand New", "x", "1"), ("Args", "epochs", "2")]))
    params = core.task_json(task_id)["hyperparams"]
    assert list(params) == ["Args", "Brand New"]
    assert list(params["Args"]) == ["lr", "epochs"]
    before = core.task_json(task_id)
    with pytest.raises(InvalidValue, match="port"):
        core.editor.apply(task_id, TaskEdit(hyperparameters=[("Args", "lr", "5")],
                                            execution={"output_uri": "s3://minio.local/bucket"}))
    with pytest.raises(ModelNotFound):
        core.editor.apply(task_id, TaskEdit(hyperparameters=[("Args", "lr", "5")], input_model="nope"))
    assert core.task_json(task_id) == before
