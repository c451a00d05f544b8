"""Colours a unified diff: added lines green, removed red, hunk headers blue, file headers bold."""

from __future__ import annotations

from PySide6.QtGui import QColor, QFont, QSyntaxHighlighter, QTextCharFormat, QTextDocument


def _format(colour: str, bold: bool = False) -> QTextCharFormat:
    style = QTextCharFormat()
    style.setForeground(QColor(colour))
    if bold:
        style.setFontWeight(QFont.Weight.Bold)
    return style


class DiffHighlighter(QSyntaxHighlighter):
    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self.styles = {
            "file": _format("#6c71c4", bold=True),
            "hunk": _format("#268bd2"),
            "added": _format("#2e9e44"),
            "removed": _format("#dc322f"),
        }

    @staticmethod
    def kind(line: str) -> str | None:
        if line.startswith(("diff --git", "+++ ", "--- ", "index ", "new file", "deleted file")):
            return "file"
        if line.startswith("@@"):
            return "hunk"
        if line.startswith("+"):
            return "added"
        if line.startswith("-"):
            return "removed"
        return None

    def highlightBlock(self, text: str) -> None:  # noqa: N802  (Qt's name)
        kind = self.kind(text)
        if kind is not None:
            self.setFormat(0, len(text), self.styles[kind])
