"""The CONSOLE tab: live lines, follow the tail only at the bottom, find with wrap-around, save every line."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import QPoint, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from tasktune_gui.core.api import Core
from tasktune_gui.core.models import Task
from tasktune_gui.ui.console.console_lines import ConsoleLines
from tasktune_gui.ui.console.console_view import PAGE, ConsoleView


@pytest.fixture
def console(qtbot: QtBot, sqlite_core: Core) -> Iterator[tuple[ConsoleView, str]]:
    task_id = sqlite_core.tasks.add(Task(id="", name="talker", repository="/r", entry_point="t.py"), "Console")
    view = ConsoleView(sqlite_core)
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.show()
    view.show_task(task_id)
    yield view, task_id
    view.reader.close()


def lines(core: Core, task_id: str, texts: list[str]) -> None:
    core.results.append_console(task_id, [("stdout", text) for text in texts])


def test_new_lines_arrive_and_follow_the_tail_only_at_the_bottom(console: tuple[ConsoleView, str],
                                                                 qtbot: QtBot, sqlite_core: Core) -> None:
    view, task_id = console
    lines(sqlite_core, task_id, [f"line {n}" for n in range(500)])
    view.results_changed()
    qtbot.waitUntil(lambda: "line 499" in view.text.text())
    bar = view.text.verticalScrollBar()
    assert bar.value() == bar.maximum()  # at the bottom: follows
    bar.setValue(10)  # the reader scrolls up to read
    lines(sqlite_core, task_id, [f"more {n}" for n in range(200)])
    view.results_changed()
    qtbot.waitUntil(lambda: "more 199" in view.text.text())
    assert bar.value() == 10  # left where the reader is
    bar.setValue(bar.maximum())
    lines(sqlite_core, task_id, ["last"])
    view.results_changed()
    qtbot.waitUntil(lambda: view.text.text().endswith("last"))
    assert bar.value() == bar.maximum()


def test_find_next_previous_wraps_and_says_not_found(console: tuple[ConsoleView, str], qtbot: QtBot,
                                                     sqlite_core: Core) -> None:
    view, task_id = console
    lines(sqlite_core, task_id, ["epoch 1 loss 0.9", "warning: lr high", "epoch 2 loss 0.5", "warning: nan"])
    view.results_changed()
    qtbot.waitUntil(lambda: view.text.text().endswith("warning: nan"))
    qtbot.keyClick(view.text, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.find_box.hasFocus()
    qtbot.keyClicks(view.find_box, "warning")
    qtbot.keyClick(view.find_box, Qt.Key.Key_Return)
    assert view.text.current_line() == "warning: lr high"
    qtbot.keyClick(view.find_box, Qt.Key.Key_Return)
    assert view.text.current_line() == "warning: nan"
    qtbot.keyClick(view.find_box, Qt.Key.Key_Return)  # wraps to the first match
    assert view.text.current_line() == "warning: lr high"
    qtbot.keyClick(view.find_box, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)  # backwards, wrapping
    assert view.text.current_line() == "warning: nan"
    view.find_box.setText("diverged")
    assert not view.find_next()
    assert view.find_status.text() == "not found"


def test_a_flood_arrives_in_pages_read_off_the_gui_thread(console: tuple[ConsoleView, str], qtbot: QtBot,
                                                          sqlite_core: Core) -> None:
    view, task_id = console
    readers: list[str] = []
    original = sqlite_core.results.console_texts

    def spy(*args: object, **kwargs: object) -> list[tuple[int, str]]:
        readers.append(threading.current_thread().name)
        return original(*args, **kwargs)  # type: ignore[arg-type]

    sqlite_core.results.console_texts = spy  # type: ignore[method-assign]
    lines(sqlite_core, task_id, [f"flood {n}" for n in range(3 * PAGE + 5)])
    view.results_changed()
    qtbot.waitUntil(lambda: view.text.text().endswith(f"flood {3 * PAGE + 4}"), timeout=10_000)
    assert view.text.line_count() == 3 * PAGE + 5  # every line once, in order
    assert set(readers) == {"console-reader"} and len(readers) >= 4


def test_save_writes_every_line_from_the_database(console: tuple[ConsoleView, str], sqlite_core: Core,
                                                  tmp_path: Path) -> None:
    view, task_id = console
    texts = [f"row {n} ünïcode" for n in range(25_000)]  # more than one page of the core's reader
    lines(sqlite_core, task_id, texts)
    target = tmp_path / "out.log"
    assert view.save_to(target) == 25_000
    assert target.read_text(encoding="utf-8").splitlines() == texts
    assert "saved 25000 lines" in view.find_status.text()


def test_save_to_an_unwritable_place_says_why(console: tuple[ConsoleView, str], tmp_path: Path) -> None:
    view, _ = console
    assert view.save_to(tmp_path / "missing-folder" / "out.log") == 0
    assert view.find_status.text().startswith("not saved: No such file")


def test_a_long_console_opens_at_its_tail(qtbot: QtBot, sqlite_core: Core, monkeypatch: pytest.MonkeyPatch) -> None:
    import tasktune_gui.ui.console.console_view as console_view

    monkeypatch.setattr(console_view, "KEPT_LINES", 300)
    task_id = sqlite_core.tasks.add(Task(id="", name="long", repository="/r", entry_point="t.py"), "Console")
    lines(sqlite_core, task_id, [f"line {n}" for n in range(5_000)])
    view = ConsoleView(sqlite_core)
    qtbot.addWidget(view)
    view.show()
    pages: list[str] = []
    shown = view.reader.arrived

    def spy(task: str, last: int, texts: list[str]) -> None:
        pages.append("\n".join(texts))
        shown(task, last, texts)

    view.reader.arrived = spy
    view.show_task(task_id)
    qtbot.waitUntil(lambda: view.text.text().endswith("line 4999"))
    # Read from the last 300 lines on: the 4,700 before them are never read nor drawn.
    assert view.text.line_count() == 300 and view.text.text().startswith("line 4700\n")
    assert "line 4699" not in "".join(pages) and len([p for p in pages if p]) == 1


def test_the_reader_thread_serves_a_burst_and_then_ends(console: tuple[ConsoleView, str], qtbot: QtBot,
                                                      sqlite_core: Core, monkeypatch: pytest.MonkeyPatch) -> None:
    view, task_id = console
    lines(sqlite_core, task_id, [f"line {n}" for n in range(PAGE * 4)])
    started: list[str] = []
    real_start = threading.Thread.start

    def counting_start(thread: threading.Thread) -> None:
        started.append(thread.name)
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", counting_start)
    view.results_changed()
    qtbot.waitUntil(lambda: view.text.text().endswith(f"line {PAGE * 4 - 1}"))
    assert started.count("console-reader") <= 1  # one thread for all four pages
    view.reader.close()
    qtbot.waitUntil(lambda: not any(t.name == "console-reader" for t in threading.enumerate()))


def test_lines_are_selected_by_click_and_shift_and_copied(console: tuple[ConsoleView, str], qtbot: QtBot,
                                                          sqlite_core: Core) -> None:
    view, task_id = console
    lines(sqlite_core, task_id, [f"step {n}" for n in range(10)])
    view.results_changed()
    qtbot.waitUntil(lambda: view.text.line_count() == 10)
    view.text.verticalScrollBar().setValue(0)
    height = view.text.fontMetrics().lineSpacing()
    qtbot.mouseClick(view.text.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(20, 2 * height + 2))
    qtbot.mouseClick(view.text.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier,
                     QPoint(20, 4 * height + 2))
    assert view.text.current_line() == "step 4"
    qtbot.keyClick(view.text, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "step 2\nstep 3\nstep 4"
    qtbot.keyClick(view.text, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view.text, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "step 2\nstep 3\nstep 4\nstep 5"


def test_a_full_view_drops_the_oldest_and_keeps_the_reader_on_their_line(qtbot: QtBot) -> None:
    view = ConsoleLines(max_lines=100)
    qtbot.addWidget(view)
    view.resize(400, 200)
    view.show()
    view.append_lines([f"a {n}" for n in range(100)])
    bar = view.verticalScrollBar()
    assert bar.value() == bar.maximum()  # follows the tail
    bar.setValue(50)  # the reader scrolls up to line "a 50"
    view.select_row(55)
    view.append_lines([f"b {n}" for n in range(30)])
    assert view.line_count() == 100 and view.lines[0] == "a 30" and view.lines[-1] == "b 29"
    assert view.lines[bar.value()] == "a 50" and view.current_line() == "a 55"  # where it was
    bar.setValue(bar.maximum())
    view.append_lines(["c"])
    assert bar.value() == bar.maximum() and view.lines[-1] == "c"


def place(view: ConsoleLines, row: int, column: int) -> QPoint:
    """The point between characters `column - 1` and `column` of the row (the view scrolled to its top)."""
    metrics = view.fontMetrics()
    return QPoint(4 + column * metrics.horizontalAdvance("M"), row * metrics.lineSpacing() + 2)


@pytest.fixture
def console_lines(qtbot: QtBot) -> ConsoleLines:
    view = ConsoleLines(max_lines=100)
    qtbot.addWidget(view)
    view.resize(600, 300)
    view.show()
    view.append_lines(["epoch 1 loss=0.93", "saved /runs/ckpt-1.pt in 2.1s", "epoch 2 loss=0.71"])
    view.verticalScrollBar().setValue(0)
    return view


def drag(qtbot: QtBot, view: ConsoleLines, start: QPoint, end: QPoint) -> None:
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view.viewport(), end)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)


def test_dragging_selects_characters_within_and_across_lines(console_lines: ConsoleLines, qtbot: QtBot) -> None:
    view = console_lines
    drag(qtbot, view, place(view, 0, 8), place(view, 0, 17))
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "loss=0.93"
    drag(qtbot, view, place(view, 2, 5), place(view, 1, 6))  # upwards: the same as downwards
    assert view.selected_text() == "/runs/ckpt-1.pt in 2.1s\nepoch"
    view.grab()  # the partial highlight paints
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=place(view, 1, 3))  # a click: its line again
    assert view.selected_text() == "saved /runs/ckpt-1.pt in 2.1s"


def test_a_double_click_selects_a_word(console_lines: ConsoleLines, qtbot: QtBot) -> None:
    view = console_lines
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=place(view, 1, 10))
    qtbot.keyClick(view, Qt.Key.Key_C, Qt.KeyboardModifier.ControlModifier)
    assert QGuiApplication.clipboard().text() == "/runs/ckpt-1.pt"
    qtbot.keyClick(view, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)  # the keys select lines
    assert view.selected_text() == "saved /runs/ckpt-1.pt in 2.1s\nepoch 2 loss=0.71"


def test_a_view_closed_during_a_read_is_never_called(qtbot: QtBot, sqlite_core: Core,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    task_id = sqlite_core.tasks.add(Task(id="", name="closing", repository="/r", entry_point="t.py"), "Console")
    lines(sqlite_core, task_id, ["one", "two"])
    reading, release = threading.Event(), threading.Event()
    real_texts = sqlite_core.results.console_texts

    def slow_texts(task: str, after: int, limit: int) -> list[tuple[int, str]]:
        reading.set()
        release.wait(5)
        return real_texts(task, after=after, limit=limit)

    monkeypatch.setattr(sqlite_core.results, "console_texts", slow_texts)
    view = ConsoleView(sqlite_core)
    view.show()
    reader = view.reader
    delivered: list[int] = []
    reader.arrived = lambda _task, last, _texts: delivered.append(last)
    view.show_task(task_id)
    assert reading.wait(5)
    shiboken6.delete(view)  # the page is gone while its reader is in the database
    release.set()
    reader.close()
    QGuiApplication.processEvents()
    assert delivered == []


def test_a_refresh_due_when_the_view_is_hidden_waits_for_the_next_show(console: tuple[ConsoleView, str],
                                                                     qtbot: QtBot, sqlite_core: Core) -> None:
    view, task_id = console
    lines(sqlite_core, task_id, ["while hidden"])
    view.results_changed()
    view.hide()  # the leak check fails a closed view whose refresh timer still runs
    assert not view.findChild(QTimer).isActive()
    view.show()
    qtbot.waitUntil(lambda: view.text.text().endswith("while hidden"))


def test_lines_written_while_a_read_is_under_way_are_read_next(qtbot: QtBot, sqlite_core: Core,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    task_id = sqlite_core.tasks.add(Task(id="", name="racing", repository="/r", entry_point="t.py"), "Console")
    looked, release = threading.Event(), threading.Event()
    real_texts = sqlite_core.results.console_texts

    def look_then_wait(task: str, after: int, limit: int) -> list[tuple[int, str]]:
        found = real_texts(task, after=after, limit=limit)
        looked.set()
        release.wait(5)  # the answer is on its way while the next line is written
        return found

    monkeypatch.setattr(sqlite_core.results, "console_texts", look_then_wait)
    view = ConsoleView(sqlite_core)
    qtbot.addWidget(view)
    view.show()
    view.show_task(task_id)
    assert looked.wait(5)
    lines(sqlite_core, task_id, ["written during the read"])
    view.append_new()  # what the refresh timer does when told of the new line
    monkeypatch.setattr(sqlite_core.results, "console_texts", real_texts)
    release.set()
    qtbot.waitUntil(lambda: view.text.text().endswith("written during the read"))
    view.reader.close()
