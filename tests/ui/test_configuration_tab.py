"""CONFIGURATION: hyperparameters by section (edit, add, delete, new section), search, properties, objects."""

from __future__ import annotations

import subprocess
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from tasktune_gui.ui.common.section import PUBLISHED_REASON
from tasktune_gui.ui.task.configuration_tab import VALUE, children, top_items
from tasktune_gui.ui.window.main_window import MainWindow
from tests.ui.test_task_page import open_task

LEFT = Qt.MouseButton.LeftButton


def key_item(window: MainWindow, section: str, name: str) -> QTreeWidgetItem:
    tree = window.task_page.configuration.hyperparameters.tree
    top = next(t for t in top_items(tree) if t.text(0) == section)
    return next(c for c in children(top) if c.text(0) == name)


def hyperparams(window: MainWindow, task_id: str) -> dict:  # type: ignore[type-arg]
    return window.core.task_json(task_id)["hyperparams"]  # type: ignore[no-any-return]


def test_edit_value_checked_by_type_then_saved_or_cancelled(window: MainWindow, qtbot: QtBot) -> None:
    task_id = open_task(qtbot, window, "momentum sweep")
    section = window.task_page.configuration.hyperparameters
    qtbot.mouseClick(section.edit_button, LEFT)
    key_item(window, "Args", "epochs").setText(VALUE, "many")
    qtbot.mouseClick(section.save_button, LEFT)
    assert "epochs: 'many' is not a valid int" in section.message.text()
    assert key_item(window, "Args", "epochs").text(VALUE) == "many"  # what was typed stays
    assert hyperparams(window, task_id)["Args"]["epochs"]["value"] == "10"
    key_item(window, "Args", "epochs").setText(VALUE, "7")
    qtbot.mouseClick(section.save_button, LEFT)
    assert hyperparams(window, task_id)["Args"]["epochs"]["value"] == "7"
    qtbot.mouseClick(section.edit_button, LEFT)
    key_item(window, "Args", "epochs").setText(VALUE, "99")
    qtbot.mouseClick(section.cancel_button, LEFT)
    assert key_item(window, "Args", "epochs").text(VALUE) == "7"
    assert hyperparams(window, task_id)["Args"]["epochs"]["value"] == "7"


def test_add_a_section_add_and_delete_keys(window: MainWindow, qtbot: QtBot) -> None:
    task_id = open_task(qtbot, window, "momentum sweep")
    section = window.task_page.configuration.hyperparameters
    qtbot.mouseClick(section.edit_button, LEFT)
    top = section.add_section("Environment")
    section.add_key("OMP_NUM_THREADS", "4")
    section.tree.setCurrentItem(top)
    section.add_key("WANDB_MODE", "offline; rm -rf ~")
    section.tree.clearSelection()
    key_item(window, "Args", "seed").setSelected(True)
    qtbot.mouseClick(section.delete_button, LEFT)
    qtbot.mouseClick(section.save_button, LEFT)
    assert section.message.text() == ""
    saved = hyperparams(window, task_id)
    assert {n: s["value"] for n, s in saved["Environment"].items()} == {
        "OMP_NUM_THREADS": "4", "WANDB_MODE": "offline; rm -rf ~"}
    assert "seed" not in saved["Args"]


def test_duplicate_key_and_empty_section_name_are_refused_inline(window: MainWindow, qtbot: QtBot) -> None:
    task_id = open_task(qtbot, window, "momentum sweep")
    section = window.task_page.configuration.hyperparameters
    before = hyperparams(window, task_id)
    qtbot.mouseClick(section.edit_button, LEFT)
    section.tree.setCurrentItem(key_item(window, "Args", "lr"))
    section.add_key("lr", "0.2")
    qtbot.mouseClick(section.save_button, LEFT)
    assert section.message.text() == "'lr' appears twice in section 'Args'"
    section.delete_selected()  # the duplicate just added is the current item
    section.add_section("  ")
    qtbot.mouseClick(section.save_button, LEFT)
    assert section.message.text() == "a section needs a name"
    assert hyperparams(window, task_id) == before


def test_one_search_box_over_all_sections(window: MainWindow, qtbot: QtBot) -> None:
    open_task(qtbot, window, "momentum sweep")
    tab = window.task_page.configuration
    qtbot.keyClicks(tab.search, "momentum")  # a value
    shown = [c.text(0) for t in top_items(tab.hyperparameters.tree) for c in children(t) if not c.isHidden()]
    assert shown == ["optimizer"]
    tab.search.setText("circle")  # a user property's value
    assert [i.text(0) for i in top_items(tab.properties.tree) if not i.isHidden()] == ["dataset"]
    assert all(t.isHidden() for t in top_items(tab.hyperparameters.tree))
    tab.search.clear()
    assert not any(c.isHidden() for t in top_items(tab.hyperparameters.tree) for c in children(t))


def test_user_properties_editable_until_published(window: MainWindow, qtbot: QtBot) -> None:
    task_id = open_task(qtbot, window, "baseline")  # completed: properties still editable
    properties = window.task_page.configuration.properties
    qtbot.mouseClick(properties.edit_button, LEFT)
    properties.add_property("reviewed", "yes")
    qtbot.mouseClick(properties.save_button, LEFT)
    assert window.core.task_json(task_id)["user_properties"]["reviewed"]["value"] == "yes"
    window.core.lifecycle.publish(task_id)
    qtbot.waitUntil(lambda: properties.message.text() == PUBLISHED_REASON)
    assert not properties.edit_button.isEnabled()


def test_configuration_object_edit_find_copy_and_clear(window: MainWindow, qtbot: QtBot) -> None:
    task_id = open_task(qtbot, window, "momentum sweep")
    objects = window.task_page.configuration.objects
    assert objects.names.currentItem().text() == "model"
    original = window.core.task_json(task_id)["configuration"]["model"]["value"]
    assert objects.editor.toPlainText() == original
    word = original.split()[1].strip('"{:,')
    window.task_page.tabs.setCurrentWidget(window.task_page.configuration)
    objects.editor.setFocus()
    qtbot.keyClick(objects.editor, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert objects.find_box.hasFocus()
    qtbot.keyClicks(objects.find_box, word)
    qtbot.keyClick(objects.find_box, Qt.Key.Key_Return)
    assert objects.editor.textCursor().selectedText() == word
    qtbot.mouseClick(objects.copy_button, LEFT)
    assert QApplication.clipboard().text() == original
    qtbot.mouseClick(objects.edit_button, LEFT)
    objects.editor.setPlainText('{"hidden": 32}')
    qtbot.mouseClick(objects.save_button, LEFT)
    assert window.core.task_json(task_id)["configuration"]["model"]["value"] == '{"hidden": 32}'
    qtbot.mouseClick(objects.edit_button, LEFT)
    qtbot.mouseClick(objects.clear_button, LEFT)
    qtbot.mouseClick(objects.cancel_button, LEFT)
    assert objects.editor.toPlainText() == '{"hidden": 32}'


def test_a_hydra_apps_overrides_and_composed_config_are_shown_and_edited(
    window: MainWindow, qtbot: QtBot, tmp_path: Path
) -> None:
    from tasktune_gui.core.capture import capture
    from tasktune_gui.core.models import Task
    from tasktune_gui.execution.run.commandline import hydra_argv

    root = tmp_path / "app"
    (root / "conf").mkdir(parents=True)
    (root / "train.py").write_text('import hydra\n\n@hydra.main(config_path="conf", config_name="config", '
                                   'version_base=None)\ndef main(cfg):\n    print(cfg)\n')
    (root / "conf" / "config.yaml").write_text("lr: 0.1\nepochs: 3\n")
    for argv in (["init", "-q"], ["add", "."], ["commit", "-q", "-m", "app"]):
        subprocess.run(["git", *argv], cwd=root, check=True, capture_output=True)
    found = capture("train.py", cwd=root, args="epochs=5", environ={})
    task = Task(id="", name="hydra app", repository=found.repository, commit=found.commit,
                entry_point=found.entry_point)
    task_id = window.core.tasks.add(task, "Demo", hyperparameters=found.hyperparameters(),
                                    configuration=found.parameters.configuration)
    window.open_task(task_id)
    section = window.task_page.configuration.hyperparameters
    qtbot.waitUntil(lambda: any(t.text(0) == "Hydra" for t in top_items(section.tree)))
    qtbot.mouseClick(section.edit_button, LEFT)
    key_item(window, "Hydra", "epochs").setText(VALUE, "8")
    qtbot.mouseClick(section.save_button, LEFT)
    assert hyperparams(window, task_id)["Hydra"]["epochs"]["value"] == "8"

    objects = window.task_page.configuration.objects
    assert objects.names.currentItem().text() == "OmegaConf"
    assert objects.editor.toPlainText() == "lr: 0.1\nepochs: 3\n"
    assert "an edited copy replaces it when the task runs" in objects.description.text()
    qtbot.mouseClick(objects.edit_button, LEFT)
    objects.editor.selectAll()
    qtbot.keyClicks(objects.editor, "lr: 0.5")
    qtbot.mouseClick(objects.save_button, LEFT)
    saved = window.core.task_json(task_id)
    assert saved["configuration"]["OmegaConf"]["value"] == "lr: 0.5"
    # The edited object now replaces the composed config when the task runs.
    assert hydra_argv("train.py", saved["hyperparams"]["Hydra"], saved["configuration"]) == [
        "--config-path=../config", "--config-name=OmegaConf", "epochs=8"]
