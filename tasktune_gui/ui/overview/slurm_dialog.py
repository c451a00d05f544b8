"""A queue's Slurm binding: partition, time, CPUs, memory, GPUs, account, QOS and allow-listed sbatch options;
checked by the core on OK (a refused value keeps the dialog open with the reason)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QWidget

from tasktune_gui.core.errors import InvalidValue
from tasktune_gui.core.slurm import SlurmOptions, parse_sbatch_option
from tasktune_gui.ui.common.dialogs import fit_dialog
from tasktune_gui.ui.common.naming import named

FIELDS = (("partition", "Partition", "empty: run on the worker's machine again"),
          ("time", "Time limit", "like 4:00:00"), ("cpus", "CPUs", "per job"), ("mem", "Memory", "like 32G"),
          ("gpus", "GPUs", "per job"), ("account", "Account", ""), ("qos", "QOS", ""))


class SlurmDialog(QDialog):
    """`options()` after OK: the queue's new Slurm options, or None to unbind it."""

    def __init__(self, queue: str, current: SlurmOptions | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("slurmDialog")
        self.setWindowTitle(f"Slurm — {queue}")
        fit_dialog(self)
        form = QFormLayout(self)
        self.edits: dict[str, QLineEdit] = {}
        for key, label, hint in FIELDS:
            edit = named(QLineEdit(getattr(current, key) if current else ""), f"slurm_{key}")
            edit.setPlaceholderText(hint)
            self.edits[key] = edit
            form.addRow(label, edit)
        self.sbatch = named(QLineEdit(", ".join(f"{k}={v}" if v else k for k, v in (current.sbatch if current
                                                                                      else {}).items())),
                            "slurm_sbatch")
        self.sbatch.setPlaceholderText("constraint=a100, exclude=node3")
        form.addRow("sbatch options", self.sbatch)
        self.error = named(QLabel(), "slurmError")
        self.error.setWordWrap(True)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self._options: SlurmOptions | None = None

    def options(self) -> SlurmOptions | None:
        return self._options

    def accept(self) -> None:
        values = {key: edit.text().strip() for key, edit in self.edits.items()}
        if not values["partition"]:
            self._options = None
            super().accept()
            return
        try:
            extra = dict(parse_sbatch_option(part.strip()) for part in self.sbatch.text().split(",") if part.strip())
            self._options = SlurmOptions(sbatch=extra, **values).checked()
        except InvalidValue as exc:
            self.error.setText(str(exc))
            return
        super().accept()
