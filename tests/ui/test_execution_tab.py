"""EXECUTION: each section's Edit → Save / Cancel, the commit chooser, packages, diff, container, output."""

from __future__ import annotations

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from tasktune_gui.ui.task.diff_highlighter import DiffHighlighter
from tasktune_gui.ui.task.execution_tab import BRANCH, COMMIT, TAG
from tasktune_gui.ui.window.main_window import MainWindow
from tests.ui.test_task_page import open_task

LEFT = Qt.MouseButton.LeftButton


def execution(window: MainWindow, task_id: str) -> dict:  # type: ignore[type-arg]
    return window.core.task_json(task_id)["execution"]  # type: ignore[no-any-return]


def test_commit_chooser_lists_the_repository_and_saves_each_kind_of_choice(window: MainWindow, qtbot: QtBot) -> None:
    task_id = open_task(qtbot, window, "momentum sweep")
    source = window.task_page.execution.source
    commit = execution(window, task_id)["commit"]
    assert source.ref_mode.currentIndex() == COMMIT and source.ref_value.currentText() == commit
    qtbot.mouseClick(source.edit_button, LEFT)
    qtbot.waitUntil(lambda: source.refs.commits != [])
    assert "main" in source.refs.branches
    assert source.ref_value.itemData(0) == commit  # listed as "abc123…  subject", saved as the full id
    source.ref_mode.setCurrentIndex(BRANCH)
    assert [source.ref_value.itemText(i) for i in range(source.ref_value.count())] == source.refs.branches
    source.ref_value.setEditText("main")
    qtbot.mouseClick(source.save_button, LEFT)
    saved = execution(window, task_id)
    assert (saved["branch"], saved["commit"], saved["tag"]) == ("main", None, None)
    assert source.ref_mode.currentIndex() == BRANCH

    qtbot.mouseClick(source.edit_button, LEFT)
    source.ref_mode.setCurrentIndex(TAG)
    source.ref_value.setEditText("")
    qtbot.mouseClick(source.save_button, LEFT)
    assert "name the tag" in source.message.text()
    assert execution(window, task_id)["branch"] == "main"  # refused: nothing saved
    source.ref_mode.setCurrentIndex(COMMIT)
    source.ref_value.setCurrentIndex(0)
    qtbot.mouseClick(source.save_button, LEFT)
    assert execution(window, task_id)["commit"] == commit


def test_unreachable_repository_is_said_and_a_typed_value_still_saves(window: MainWindow, qtbot: QtBot) -> None:
    task_id = open_task(qtbot, window, "momentum sweep")
    source = window.task_page.execution.source
    source.repository.setText("file:///nowhere/repo.git")
    qtbot.mouseClick(source.edit_button, LEFT)
    qtbot.waitUntil(lambda: source.refs_status.text().startswith("cannot read"))
    source.ref_mode.setCurrentIndex(TAG)
    source.ref_value.setEditText("v2.1")
    qtbot.mouseClick(source.save_button, LEFT)
    saved = execution(window, task_id)
    assert (saved["repository"], saved["tag"], saved["commit"]) == ("file:///nowhere/repo.git", "v2.1", None)


def test_packages_clear_reset_and_cancel(window: MainWindow, qtbot: QtBot) -> None:
    task_id = open_task(qtbot, window, "momentum sweep")
    packages = window.task_page.execution.packages
    original = execution(window, task_id)["original_requirements"]
    qtbot.mouseClick(packages.edit_button, LEFT)
    qtbot.mouseClick(packages.clear_button, LEFT)
    qtbot.keyClicks(packages.editor, "numpy==1.26.4")
    qtbot.mouseClick(packages.save_button, LEFT)
    assert execution(window, task_id)["requirements"] == "numpy==1.26.4"
    qtbot.mouseClick(packages.edit_button, LEFT)
    qtbot.mouseClick(packages.reset_button, LEFT)
    assert packages.editor.toPlainText() == original
    qtbot.mouseClick(packages.cancel_button, LEFT)
    assert packages.editor.toPlainText() == "numpy==1.26.4"
    qtbot.mouseClick(packages.edit_button, LEFT)
    qtbot.mouseClick(packages.reset_button, LEFT)
    qtbot.mouseClick(packages.save_button, LEFT)
    assert execution(window, task_id)["requirements"] == original


def test_diff_is_highlighted_and_can_be_cleared(window: MainWindow, qtbot: QtBot) -> None:
    task_id = open_task(qtbot, window, "momentum sweep")
    diff = "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a = 1\n+a = 2\n"
    window.core.editor.set_execution(task_id, diff=diff)
    section = window.task_page.execution.diff
    qtbot.waitUntil(lambda: section.editor.toPlainText() == diff.rstrip("\n") or section.editor.toPlainText() == diff)
    kinds = [DiffHighlighter.kind(line) for line in diff.splitlines()]
    assert kinds == ["file", "file", "file", "hunk", "removed", "added"]
    block = section.editor.document().findBlockByLineNumber(5)
    assert block.layout().formats()[0].format.foreground().color().name() == "#2e9e44"
    qtbot.mouseClick(section.edit_button, LEFT)
    qtbot.mouseClick(section.clear_button, LEFT)
    qtbot.mouseClick(section.save_button, LEFT)
    assert execution(window, task_id)["diff"] == ""


def test_local_commits_carried_in_the_diff_are_said(window: MainWindow, qtbot: QtBot) -> None:
    task_id = open_task(qtbot, window, "momentum sweep")
    header = "TaskTune: 2 local commits not on the remote travel with the task in this diff, over 1a2b:\n  c1 x\n\n"
    window.core.editor.set_execution(task_id, diff=header + "diff --git a/x.py b/x.py\n--- a/x.py\n+++ b/x.py\n")
    label = window.task_page.execution.diff.local_commits
    qtbot.waitUntil(lambda: not label.isHidden())
    assert label.text() == "2 local commits not on the remote travel with the task"
    window.core.editor.set_execution(task_id, diff="")
    qtbot.waitUntil(label.isHidden)


def test_container_add_change_and_remove(window: MainWindow, qtbot: QtBot) -> None:
    task_id = open_task(qtbot, window, "momentum sweep")
    container = window.task_page.execution.container
    qtbot.mouseClick(container.edit_button, LEFT)
    qtbot.keyClicks(container.image, "lab/pytorch:2.3")
    qtbot.keyClicks(container.arguments, "--shm-size 8g")
    qtbot.keyClicks(container.setup_script, "apt-get install -y libgl1")
    container.use_image_env.click()
    qtbot.mouseClick(container.save_button, LEFT)
    assert execution(window, task_id)["container"] == {
        "image": "lab/pytorch:2.3", "arguments": "--shm-size 8g", "setup_script": "apt-get install -y libgl1",
        "use_image_env": True}
    assert container.use_image_env.isChecked() and not container.use_image_env.isEnabled()
    qtbot.mouseClick(container.edit_button, LEFT)
    qtbot.mouseClick(container.delete_button, LEFT)
    qtbot.mouseClick(container.save_button, LEFT)
    assert execution(window, task_id)["container"] == {"image": "", "arguments": "", "setup_script": "",
                                                       "use_image_env": False}


def test_output_destination_is_checked_inline_and_a_refusal_keeps_the_text(window: MainWindow, qtbot: QtBot) -> None:
    task_id = open_task(qtbot, window, "momentum sweep")
    output = window.task_page.execution.output
    qtbot.mouseClick(output.edit_button, LEFT)
    qtbot.keyClicks(output.uri, "s3://minio.lab/bucket")
    assert "port" in output.check.text()  # said while typing
    qtbot.mouseClick(output.save_button, LEFT)
    assert "port" in output.message.text()
    assert output.uri.text() == "s3://minio.lab/bucket"
    assert execution(window, task_id)["output_uri"] == ""
    output.uri.clear()
    qtbot.keyClicks(output.uri, "s3://minio.lab:9000/bucket")
    assert output.check.text() == ""
    qtbot.mouseClick(output.save_button, LEFT)
    assert execution(window, task_id)["output_uri"] == "s3://minio.lab:9000/bucket"


def test_test_destination_says_whether_a_bucket_is_writable(s3_bucket: str, window: MainWindow,
                                                            qtbot: QtBot) -> None:
    open_task(qtbot, window, "momentum sweep")
    output = window.task_page.execution.output
    assert not output.test_button.isEnabled()  # no bucket named
    qtbot.mouseClick(output.edit_button, LEFT)
    qtbot.keyClicks(output.uri, s3_bucket)
    qtbot.mouseClick(output.test_button, LEFT)
    qtbot.waitUntil(lambda: "writable" in output.check.text(), timeout=20_000)
    assert output.check.text() == f"{s3_bucket} is reachable and writable"
    output.uri.setText(s3_bucket.replace("/b", "/missing-b", 1))
    qtbot.mouseClick(output.test_button, LEFT)
    qtbot.waitUntil(lambda: output.check.text().startswith("Test failed"), timeout=20_000)
    assert "bucket not found" in output.check.text()
    qtbot.waitUntil(output.test_button.isEnabled)
