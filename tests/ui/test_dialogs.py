"""The dialogs at a width that fits long project names and descriptions, opened as a person opens them;
long texts elide on one line rather than wrap and get cut."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QInputDialog
from pytestqt.qtbot import QtBot

from tasktune_gui.ui.common.dialogs import DIALOG_MIN_WIDTH, CloneDialog, EnqueueDialog
from tasktune_gui.ui.window.main_window import MainWindow
from tests.ui.test_main_window import context_menu, open_demo, select_rows

LONG_PROJECT = "Representation learning/self-supervised pretraining/ablations of the augmentation pipeline 2026"
LAPTOP_WIDTH = 900  # a dialog wider than this covers most of a 1440-px screen


def measured(window: MainWindow, qtbot: QtBot, action: str, seen: dict[str, QDialog | int]) -> None:
    """Open `action`'s dialog from the table's menu; note its type and width, then cancel it."""

    def look() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        seen["dialog"], seen["width"], seen["hint"] = dialog, dialog.width(), dialog.sizeHint().width()
        dialog.reject()

    QTimer.singleShot(0, look)
    next(a for a in context_menu(window).actions() if a.objectName() == f"menu_{action}").trigger()


def test_dialogs_are_wide_enough_and_long_names_do_not_widen_them(window: MainWindow, qtbot: QtBot) -> None:
    window.core.projects.create(LONG_PROJECT)
    window.core.queues.create("gpu-a100-80gb-shared-with-the-vision-group-and-the-speech-group-until-june")
    open_demo(qtbot, window)
    select_rows(qtbot, window, "momentum sweep")
    for action, kind in (("clone", CloneDialog), ("enqueue", EnqueueDialog), ("add_tag", QInputDialog),
                         ("move", QInputDialog)):
        seen: dict[str, QDialog | int] = {}
        measured(window, qtbot, action, seen)
        assert isinstance(seen["dialog"], kind), action
        assert DIALOG_MIN_WIDTH <= int(seen["width"]) <= LAPTOP_WIDTH, (action, seen["width"])  # type: ignore[call-overload]
        assert int(seen["hint"]) <= LAPTOP_WIDTH, action  # type: ignore[call-overload]


def test_clone_dialog_elides_a_long_project_and_wraps_its_new_name(window: MainWindow, qtbot: QtBot) -> None:
    dialog = CloneDialog("baseline", LONG_PROJECT, ["Demo", LONG_PROJECT], window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.project.view().textElideMode() == Qt.TextElideMode.ElideMiddle
    assert dialog.width() <= LAPTOP_WIDTH and not dialog.project_box.hint.isVisible()
    dialog.project.lineEdit().selectAll()
    qtbot.keyClicks(dialog.project.lineEdit(), LONG_PROJECT + " v2")
    hint = dialog.project_box.hint
    assert hint.isVisible() and hint.full_text() == f'New project "{LONG_PROJECT} v2" will be created.'
    # One line, its middle elided to fit: the start and the end of the sentence stay readable.
    assert "…" in hint.text() and hint.text().startswith('New project "') and hint.text().endswith("created.")
    assert hint.fontMetrics().horizontalAdvance(hint.text()) <= hint.contentsRect().width()
    assert hint.toolTip() == hint.full_text()
    assert dialog.sizeHint().width() <= LAPTOP_WIDTH


def test_new_project_dialog_width(window: MainWindow, qtbot: QtBot) -> None:
    window.show_page("Projects")
    qtbot.mouseClick(window.projects.new_button, Qt.MouseButton.LeftButton)
    dialog = window.projects.last_dialog
    assert dialog is not None and dialog.isVisible() and dialog.width() >= DIALOG_MIN_WIDTH
    dialog.reject()
