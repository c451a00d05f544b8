"""Trusting an SSH host's key from the window: the key fetched off the GUI thread, then asked about, never assumed."""

from __future__ import annotations

import threading

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QMessageBox, QWidget

from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.execution.bindings import SshOptions
from tasktune_gui.ui.common import gui_thread


class HostKeyTrust(QObject):
    """`ask(alias)` reaches the host in a thread; the question (or the reason it failed) comes on the GUI thread."""

    finished = Signal(str)  # what happened, for the page's message line

    def __init__(self, parent: QWidget, options: SshOptions) -> None:
        super().__init__(parent)
        self.window = parent
        self.options = options
        gui_thread.prepare()

    def ask(self, alias: str) -> None:
        threading.Thread(target=self._check, args=(alias,), name=f"host-key-{alias}", daemon=True).start()

    def _check(self, alias: str) -> None:
        from tasktune_gui.execution.ssh.config import check_host_key  # asyncssh loads only when asked

        try:
            check = check_host_key(alias, self.options)
        except (TaskTuneError, OSError) as exc:
            gui_thread.call_on_gui(self, self.finished.emit, str(exc))
            return
        gui_thread.call_on_gui(self, self._on_checked, check)

    def _on_checked(self, check: object) -> None:
        from tasktune_gui.execution.ssh.config import HostKeyCheck, trust

        assert isinstance(check, HostKeyCheck)
        alias, name = check.target.alias, check.target.known_hosts_name
        if check.state == "trusted":
            self.finished.emit(f"{alias} ({name}) is already trusted: {check.fingerprint}")
        elif check.state == "changed":
            self.finished.emit(f"{alias} now offers {check.fingerprint}, not the key known_hosts lists; if the host "
                               f"was reinstalled, remove the old line (ssh-keygen -R '{name}') and ask again")
        elif QMessageBox.question(
            self.window, "Trust this host?",
            f"{alias} ({name}) offers the key\n\n{check.fingerprint}\n\nwhich your known_hosts does not list. "
            "Trust it only if it is the fingerprint the host's administrator gives you.",
        ) == QMessageBox.StandardButton.Yes:
            path = trust(check.target, check.key)
            self.finished.emit(f"trusted {check.fingerprint} for {name} in {path}")
        else:
            self.finished.emit(f"{alias}'s key was not trusted")
