"""The window's glances at the database: recent tasks, workers online, hyperparameter and metric columns."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from sqlmodel import col

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import InvalidValue
from tasktune_gui.core.models import Worker, utcnow
from tasktune_gui.core.overview import ExtraColumn
from tasktune_gui.core.results import ScalarPoint
from tests.support.lifecycle import new_task


def test_recent_tasks_newest_first_without_archived(core: Core) -> None:
    first, second, third = (new_task(core, name, details=False) for name in ("a", "b", "c"))
    core.tasks.rename(first, "a2")  # now the newest
    core.lifecycle.archive(second)
    recent = core.overview.recent_tasks(limit=5)
    assert [(t.id, t.name, t.project, t.status) for t in recent] == [(first, "a2", "P", "draft"),
                                                                    (third, "c", "P", "draft")]
    assert len(core.overview.recent_tasks(limit=1)) == 1
    core.tasks.add_tags(first, ["b-tag", "a-tag"])
    core.tasks.add_tags(third, ["a-tag"])
    assert core.overview.tags() == ["a-tag", "b-tag"]


def test_workers_online_counts_recent_heartbeats_only(core: Core) -> None:
    core.workers.register("h", 1, ["default"], worker_id="w1")
    core.workers.register("h", 2, ["default"], worker_id="w2")
    with core.store.write() as session:
        session.execute(update(Worker).where(col(Worker.id) == "w2").values(
            last_heartbeat=utcnow() - timedelta(minutes=5)))
    assert core.overview.workers_online() == 1


def test_column_values_for_params_and_last_metrics(core: Core) -> None:
    a, b = new_task(core, "a", details=False), new_task(core, "b", details=False)
    core.editor.set_hyperparameter(a, "Args", "lr", "0.1")
    core.results.report_scalars(b, [ScalarPoint("loss", "train", 1, 0.5), ScalarPoint("loss", "train", 2, 0.25)])
    columns = [ExtraColumn.parse("param", "Args/lr"), ExtraColumn.parse("metric", "loss/train")]
    values = core.overview.column_values([a, b], columns)
    assert values == {(a, "param:Args/lr"): "0.1", (b, "metric:loss/train"): "0.25"}
    assert ExtraColumn.from_key("param:Args/lr") == columns[0]
    assert core.overview.column_values([], columns) == {}


@pytest.mark.parametrize("text", ["lr", "/lr", "Args/", ""])
def test_extra_column_needs_section_and_name(text: str) -> None:
    with pytest.raises(InvalidValue, match="SECTION/NAME"):
        ExtraColumn.parse("param", text)


def test_model_edits_are_validated_and_stored(core: Core) -> None:
    model_id = core.models.create("resnet", project="vision", design="layers: 50", labels={"cat": 1})
    core.models.create("other", project="nlp")
    core.models.update(model_id, name="resnet50", design="layers: 50\nwidth: 2", framework="torch")
    core.models.set_labels(model_id, {"cat": 1, "dog": 2})
    model = core.models.get(model_id)
    assert (model.name, model.design, model.framework, model.labels) == (
        "resnet50", "layers: 50\nwidth: 2", "torch", {"cat": 1, "dog": 2})
    with pytest.raises(InvalidValue, match="needs a name"):
        core.models.update(model_id, name="  ")
    for bad, message in (({"": 1}, "needs a name"), ({"x": "a"}, "not an integer"), ({"x": -1}, "0 or more"),
                         ({"x": 1, "y": 1}, "both have id 1"), ([("x", 1), (" x", 2)], "appears twice")):
        with pytest.raises(InvalidValue, match=message):
            core.models.set_labels(model_id, bad)  # type: ignore[arg-type]
    assert core.models.get(model_id).labels == {"cat": 1, "dog": 2}
    assert core.models.count() == 2
    assert core.models.project_of(model_id) == "vision"
    assert core.overview.project_names() == ["nlp", "vision"]
    assert [m.name for m, _p in core.models.query(project="vision")] == ["resnet50"]
    assert [(m.name, p) for m, p in core.models.query(search="oth")] == [("other", "nlp")]
    assert [m.name for m, _p in core.models.query(order_by="name", descending=False)] == ["other", "resnet50"]
    assert core.models.count(search="zzz") == 0




def test_project_summaries_count_unarchived_tasks_by_status(core: Core) -> None:
    a, b, c = (new_task(core, name, details=False) for name in ("a", "b", "c"))
    core.lifecycle.enqueue(b)
    core.lifecycle.archive(c)
    [summary] = core.projects.summaries()
    assert (summary.name, summary.counts) == ("P", {"draft": 1, "pending": 1})
    assert a


def test_project_filter_takes_subprojects_but_not_lookalikes(core: Core) -> None:
    from tasktune_gui.core.models import Task as TaskRecord
    from tasktune_gui.core.tasks import TaskQuery

    made = {p: core.tasks.add(TaskRecord(id="", name=p, repository="/r", entry_point="t.py"), p)
            for p in ("vision", "vision/det", "visionary")}
    assert {t.name for t in core.tasks.query(TaskQuery(project="vision"))} == {"vision", "vision/det"}
    assert core.tasks.count(TaskQuery(project="vision")) == 2
    only = TaskQuery(project="vision", include_subprojects=False)
    assert [t.id for t in core.tasks.query(only)] == [made["vision"]] and core.tasks.count(only) == 1
    assert [t.name for t in core.tasks.query(TaskQuery(project="vision/det"))] == ["vision/det"]
