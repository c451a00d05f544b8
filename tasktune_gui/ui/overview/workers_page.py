"""Workers & Queues: each queue's tasks in run order (reorder, dequeue), queues to create/delete, live workers."""

from __future__ import annotations

from datetime import timedelta

from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from tasktune_gui.core.api import Core
from tasktune_gui.core.errors import TaskTuneError
from tasktune_gui.core.models import utcnow
from tasktune_gui.core.summaries import WORKER_ONLINE_WINDOW
from tasktune_gui.execution.bindings import SshOptions
from tasktune_gui.ui.common.dialogs import ask_text
from tasktune_gui.ui.common.naming import named
from tasktune_gui.ui.overview.host_trust import HostKeyTrust
from tasktune_gui.ui.overview.slurm_dialog import SlurmDialog

ID_ROLE = 256


class WorkersPage(QWidget):
    def __init__(self, core: Core, ssh: SshOptions | None = None, load: bool = True) -> None:
        """With `load=False` nothing is read until `refresh` (the window reads it when the page is first shown)."""
        super().__init__()
        self.setObjectName("workersPage")
        self.core = core
        self.host_trust = HostKeyTrust(self, ssh or SshOptions())
        self.host_trust.finished.connect(self._on_host_trust_finished)
        self.queues = named(QListWidget(), "queueList")
        self.entries = named(QListWidget(), "queueEntries")
        self.workers = named(QListWidget(), "workerList")
        self.message = named(QLabel(), "workersMessage")
        # Two rows, what acts on a queue and what acts on its entries, so the page fits a narrow window.
        buttons = QVBoxLayout()
        self.buttons: dict[str, QPushButton] = {}
        for group in ((("new", "New queue…"), ("delete", "Delete queue"), ("host", "SSH host…"),
                       ("slurm", "Slurm…"), ("trust", "Trust host key…")),
                      (("front", "Move to top"), ("up", "Up"), ("down", "Down"), ("back", "Move to bottom"),
                       ("dequeue", "Dequeue"))):
            row = QHBoxLayout()
            for key, text in group:
                button = named(QPushButton(text), f"queue_{key}")
                button.clicked.connect(lambda _c=False, k=key: self._on_button(k))
                self.buttons[key] = button
                row.addWidget(button)
            row.addStretch(1)
            buttons.addLayout(row)
        lists = QHBoxLayout()
        lists.addWidget(self.queues, 1)
        lists.addWidget(self.entries, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addLayout(lists)
        layout.addWidget(QLabel("WORKERS"))
        layout.addWidget(self.workers)
        layout.addWidget(self.message)
        self.queues.currentRowChanged.connect(lambda _row: self.refresh_entries())
        if load:
            self.refresh()

    def current_queue(self) -> str | None:
        item = self.queues.currentItem()
        return str(item.data(ID_ROLE)) if item else None

    def refresh(self) -> None:
        chosen = self.current_queue()
        self.queues.blockSignals(True)
        self.queues.clear()
        for summary in self.core.queues.summaries():
            where = f"  on ssh:{summary.ssh_host}" if summary.ssh_host else ""
            where = f"  on slurm:{summary.slurm.partition}" if summary.slurm else where
            item = QListWidgetItem(f"{summary.name}  ({summary.pending} pending, {summary.workers} workers){where}")
            item.setData(ID_ROLE, summary.name)
            self.queues.addItem(item)
            if summary.name == chosen:
                self.queues.setCurrentItem(item)
        if self.queues.currentItem() is None and self.queues.count():
            self.queues.setCurrentRow(0)
        self.queues.blockSignals(False)
        self.refresh_entries()
        self.workers.clear()
        now = utcnow()
        for worker in self.core.workers.online(now - WORKER_ONLINE_WINDOW):
            seen = int((now - worker.last_heartbeat) / timedelta(seconds=1))
            self.workers.addItem(f"{worker.id}  on {worker.host}  {worker.slots} slot(s)  last seen {seen} s ago")

    def refresh_entries(self) -> None:
        selected = self.entries.currentItem().data(ID_ROLE) if self.entries.currentItem() else None
        self.entries.clear()
        queue = self.current_queue()
        if queue is None:
            return
        for entry in self.core.queues.entries(queue, limit=1000):
            item = QListWidgetItem(f"{entry.position}. {entry.name}  {entry.task_id}")
            item.setData(ID_ROLE, entry.task_id)
            self.entries.addItem(item)
            if entry.task_id == selected:
                self.entries.setCurrentItem(item)

    def _on_button(self, key: str) -> None:
        self.message.setText("")
        try:
            self._act(key)
        except TaskTuneError as exc:
            self.message.setText(str(exc))
            return
        self.refresh()

    def _on_host_trust_finished(self, text: str) -> None:
        self.message.setText(text)

    def _bind_host(self, queue: str) -> None:
        """Its tasks then run on that host (an alias of ~/.ssh/config); an empty answer brings them back here."""
        summary = next(s for s in self.core.queues.summaries() if s.name == queue)
        host, ok = ask_text(self, "SSH host", f"Run the tasks of '{queue}' on this SSH host (an alias "
                            "of ~/.ssh/config); leave empty to run them on the worker's machine",
                            current=summary.ssh_host)
        if ok:
            keep = host.strip() == summary.ssh_host
            self.core.queues.bind(queue, host, summary.remote_dir if keep else "", summary.gpus if keep else "")

    def _act(self, key: str) -> None:
        if key == "new":
            name, ok = ask_text(self, "New queue", "Name")
            if ok and name.strip():
                self.core.queues.create(name)
            return
        queue = self.current_queue()
        if key == "host" and queue is not None:
            self._bind_host(queue)
            return
        if key == "slurm" and queue is not None:
            dialog = SlurmDialog(queue, self.core.queues.slurm_options(queue), self)
            if dialog.exec() == SlurmDialog.DialogCode.Accepted:
                self.core.queues.bind(queue, "", slurm=dialog.options())
            return
        if key == "trust" and queue is not None:
            host = next(s.ssh_host for s in self.core.queues.summaries() if s.name == queue)
            if not host:
                raise TaskTuneError(f"queue '{queue}' runs on the worker's machine; bind it to an SSH host first")
            self.host_trust.ask(host)
            self.message.setText(f"asking {host} for its key…")
            return
        if key == "delete" and queue is not None:
            if QMessageBox.question(self, "TaskTune", f"Delete queue '{queue}'?") == QMessageBox.StandardButton.Yes:
                self.core.queues.delete(queue)
            return
        item = self.entries.currentItem()
        if item is None:
            return
        task_id = str(item.data(ID_ROLE))
        if key == "dequeue":
            self.core.lifecycle.dequeue(task_id)
        else:
            self.core.queues.move(task_id, key)
