"""What a long session opens and closes is freed when closed: the window's dialogs, asked again and again."""

from __future__ import annotations

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog
from pytestqt.qtbot import QtBot

from tasktune_gui.ui.main_window import MainWindow
from tests.ui.test_main_window import open_demo, row_of


def _reject_the_modal() -> None:
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, QDialog)
    dialog.reject()


def test_every_dialog_of_the_window_is_freed_once_closed(window: MainWindow, qtbot: QtBot) -> None:
    open_demo(qtbot, window)
    ids = [window.model.row(row_of(window, name)).task.id  # type: ignore[union-attr]
           for name in ("baseline", "momentum sweep")]
    for _ in range(3):  # each time anew, as a researcher opens them all afternoon
        for modal in (lambda: window.clone(ids[0]), lambda: window.enqueue([ids[1]]),
                      window._on_docker_action_triggered):
            QTimer.singleShot(0, _reject_the_modal)
            modal()
        window.compare(ids).close()
        window.projects.new_button.click()
        window.tasks_page.columns.ask("param").reject()
        window.open_task(ids[1])  # a Draft: its input model may be chosen
        window.task_page.artifacts.edit_button.click()
        for dialog in (window.projects.last_dialog, window.task_page.artifacts.last_dialog):
            assert isinstance(dialog, QDialog)
            dialog.reject()
    # Their deletion runs on the event loop's next turns; before the fix each stayed a child of its parent.
    qtbot.waitUntil(lambda: window.findChildren(QDialog) == [], timeout=5000)
