"""A bounded, read-only view of console lines that paints only the rows on screen (appends cost O(new lines))."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRect, Qt
from PySide6.QtGui import (
    QFontMetrics,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from tasktune_gui.ui.common.fonts import fixed_font

MARGIN = 4  # pixels left of the text

Position = tuple[int, int]  # (row, column): a place between two characters of a line


class ConsoleLines(QAbstractScrollArea):
    """Lines in a Python list: a flood appends to it and moves the scroll bar; only the visible rows are drawn.

    A QPlainTextEdit relaid out its document on every append and stalled the window for tens of milliseconds
    once it held a few tens of thousands of lines; here an append of 500 lines costs well under a millisecond.
    Click selects a line, Shift+click or Shift+arrows extend it; dragging selects characters (a path, a number)
    and a double-click a word (a run of non-blanks); Ctrl+C copies what is selected."""

    def __init__(self, max_lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.max_lines = max_lines
        self.lines: list[str] = []
        self._widest = 0  # characters in the longest line kept (monospace: the text's width)
        self._anchor: int | None = None  # selected lines: from anchor to current, inclusive
        self._current: int | None = None
        self._press: Position | None = None  # where a drag began
        self._span: tuple[Position, Position] | None = None  # characters selected by dragging or a double-click
        self.setFont(fixed_font())
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.verticalScrollBar().valueChanged.connect(self.viewport().update)
        self.horizontalScrollBar().valueChanged.connect(self.viewport().update)

    # Content

    def append_lines(self, new: list[str]) -> None:
        bar = self.verticalScrollBar()
        at_bottom = bar.value() >= bar.maximum()
        self.lines.extend(new)
        self._widest = max(self._widest, max((len(line) for line in new), default=0))
        dropped = len(self.lines) - self.max_lines
        if dropped > 0:  # the oldest go; selection and scroll position follow the lines they were on
            del self.lines[:dropped]
            self._shift(-dropped)
            if not at_bottom:
                bar.setValue(max(0, bar.value() - dropped))
        self._update_bars()
        self.viewport().update()

    def clear(self) -> None:
        self.lines.clear()
        self._widest = 0
        self._anchor = self._current = None
        self._press = self._span = None
        self._update_bars()
        self.viewport().update()

    def text(self) -> str:
        return "\n".join(self.lines)

    def line_count(self) -> int:
        return len(self.lines)

    def current_line(self) -> str | None:
        return self.lines[self._current] if self._current is not None else None

    def current_row(self) -> int | None:
        return self._current

    def selected_text(self) -> str:
        span = self._ordered_span()
        if span is not None:
            (first, start), (last, end) = span
            if first == last:
                return self.lines[first][start:end]
            return "\n".join([self.lines[first][start:], *self.lines[first + 1:last], self.lines[last][:end]])
        if self._current is None:
            return ""
        first, last = sorted((self._anchor if self._anchor is not None else self._current, self._current))
        return "\n".join(self.lines[first:last + 1])

    def select_row(self, row: int, extend: bool = False) -> None:
        """Make `row` current (extending the selection from its anchor if asked) and scroll it into view; the
        selection is of lines from then on (a drag sets its characters after)."""
        if not self.lines:
            return
        self._span = None
        row = max(0, min(row, len(self.lines) - 1))
        if not extend or self._anchor is None:
            self._anchor = row
        self._current = row
        bar, visible = self.verticalScrollBar(), self._visible_rows()
        if row < bar.value():
            bar.setValue(row)
        elif row >= bar.value() + visible:
            bar.setValue(row - visible + 1)
        self.viewport().update()

    def _shift(self, delta: int) -> None:
        def moved(row: int | None) -> int | None:
            return None if row is None or row + delta < 0 else row + delta
        self._anchor, self._current = moved(self._anchor), moved(self._current)
        if self._current is None:
            self._anchor = None
        self._press = None
        if self._span is not None:
            (first, start), (last, end) = self._span
            self._span = None if min(first, last) + delta < 0 else ((first + delta, start), (last + delta, end))

    # Geometry

    def _line_height(self) -> int:
        return QFontMetrics(self.font()).lineSpacing()

    def _visible_rows(self) -> int:
        return max(1, self.viewport().height() // self._line_height())

    def _update_bars(self) -> None:
        metrics = QFontMetrics(self.font())
        vertical, horizontal = self.verticalScrollBar(), self.horizontalScrollBar()
        follow = vertical.value() >= vertical.maximum()
        visible = self._visible_rows()
        vertical.setRange(0, max(0, len(self.lines) - visible))
        vertical.setPageStep(visible)
        if follow:
            vertical.setValue(vertical.maximum())
        text_width = self._widest * metrics.horizontalAdvance("M") + 2 * MARGIN
        horizontal.setRange(0, max(0, text_width - self.viewport().width()))
        horizontal.setPageStep(self.viewport().width())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        self._update_bars()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self.viewport())
        palette = self.palette()
        painter.fillRect(event.rect(), palette.base())
        height, first = self._line_height(), self.verticalScrollBar().value()
        ascent = QFontMetrics(self.font()).ascent()
        span = self._ordered_span()
        selected = None if span is not None else self._selected_range()
        x = MARGIN - self.horizontalScrollBar().value()
        width, advance = self.viewport().width(), QFontMetrics(self.font()).horizontalAdvance("M")
        for offset, line in enumerate(self.lines[first:first + self._visible_rows() + 1]):
            top = offset * height
            row = first + offset
            if selected and selected[0] <= row <= selected[1]:
                painter.fillRect(QRect(0, top, width, height), palette.highlight())
                painter.setPen(palette.highlightedText().color())
            else:
                painter.setPen(palette.text().color())
            painter.drawText(QPoint(x, top + ascent), line)
            if span is not None and span[0][0] <= row <= span[1][0]:
                start = span[0][1] if row == span[0][0] else 0
                end = span[1][1] if row == span[1][0] else len(line) + 1  # + 1: the line's end is taken too
                part = QRect(x + start * advance, top, (end - start) * advance, height)
                painter.save()
                painter.setClipRect(part)
                painter.fillRect(part, palette.highlight())
                painter.setPen(palette.highlightedText().color())
                painter.drawText(QPoint(x, top + ascent), line)
                painter.restore()
        painter.end()

    def _ordered_span(self) -> tuple[Position, Position] | None:
        if self._span is None or self._span[0] == self._span[1]:
            return None
        first, last = sorted(self._span)  # by row, then column
        return first, last

    def _selected_range(self) -> tuple[int, int] | None:
        if self._current is None:
            return None
        anchor = self._anchor if self._anchor is not None else self._current
        first, last = sorted((anchor, self._current))
        return first, last

    # Input

    def _row_at(self, y: int) -> int:
        return self.verticalScrollBar().value() + max(0, y) // self._line_height()

    def _position_at(self, point: QPointF) -> Position:
        row = min(self._row_at(int(point.y())), len(self.lines) - 1)
        advance = QFontMetrics(self.font()).horizontalAdvance("M")
        column = round((point.x() + self.horizontalScrollBar().value() - MARGIN) / advance)
        return row, max(0, min(column, len(self.lines[row])))

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.lines:
            shift = bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
            self._press = None if shift else self._position_at(event.position())
            self.select_row(self._row_at(int(event.position().y())), extend=shift)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.buttons() & Qt.MouseButton.LeftButton and self.lines:
            self.select_row(self._row_at(int(event.position().y())), extend=True)
            if self._press is not None:
                self._span = (self._press, self._position_at(event.position()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = None
            event.accept()
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton and self.lines:
            row, column = self._position_at(event.position())
            line = self.lines[row]
            start = end = column
            while start > 0 and not line[start - 1].isspace():
                start -= 1
            while end < len(line) and not line[end].isspace():
                end += 1
            self.select_row(row)  # the word's line is the current one (for Shift+arrows and find)
            self._press = None
            self._span = ((row, start), (row, end))
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        steps = event.angleDelta().y() // 40  # three lines a notch, as text views scroll
        self.verticalScrollBar().setValue(self.verticalScrollBar().value() - steps)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if event.matches(QKeySequence.StandardKey.Copy):
            QGuiApplication.clipboard().setText(self.selected_text())
            return
        if event.matches(QKeySequence.StandardKey.SelectAll) and self.lines:
            self._span = None
            self._anchor, self._current = 0, len(self.lines) - 1
            self.viewport().update()
            return
        moves = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1, Qt.Key.Key_PageUp: -self._visible_rows(),
                 Qt.Key.Key_PageDown: self._visible_rows()}
        key = Qt.Key(event.key())
        bar = self.verticalScrollBar()
        if key in moves:
            start = self._current if self._current is not None else bar.value()
            self.select_row(start + moves[key], extend=bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier))
        elif key == Qt.Key.Key_Home and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            bar.setValue(0)
        elif key == Qt.Key.Key_End and event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            bar.setValue(bar.maximum())
        else:
            super().keyPressEvent(event)
