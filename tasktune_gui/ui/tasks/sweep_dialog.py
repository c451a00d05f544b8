"""Sweep…: a sweep of a task, its parameters picked from the task's hyperparameters with a range each, the
objective from its scalars, the method, budget and queues; the grid's size and any bad value said as you type."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from tasktune_gui.core.errors import InvalidValue
from tasktune_gui.core.sweeps.definition import (
    KINDS,
    METHODS,
    PRUNERS,
    Objective,
    SweepDefinition,
    check_definition,
    parse_param,
)
from tasktune_gui.ui.common.naming import named

# What a range field starts with for each kind, from the hyperparameter's type and value.
EXAMPLES = {"uniform": "0:1", "log": "1e-4:1e-1", "int": "1:10:1", "choice": "a,b"}
NO_LIMIT = 0  # a time spin box at 0 means no limit


def _starting_range(kind: str, value: str) -> tuple[str, str]:
    """A sensible first range: a float around its value on a log scale, an int from 1 to twice it, a choice of it."""
    if kind == "float":
        try:
            number = float(value)
        except ValueError:
            return "uniform", EXAMPLES["uniform"]
        return ("log", f"{number / 10:g}:{number * 10:g}") if number > 0 else ("uniform", EXAMPLES["uniform"])
    if kind == "int":
        try:
            number = int(value)
        except ValueError:
            return "int", EXAMPLES["int"]
        return "int", f"1:{max(2, number * 2)}:1"
    if kind == "bool":
        return "choice", "true,false"
    return "choice", value or EXAMPLES["choice"]


class SweepDialog(QDialog):
    """Builds a SweepDefinition; `definition()` is the checked one once accepted."""

    def __init__(self, record: dict[str, Any], queues: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sweepDialog")
        self.setWindowTitle(f"Sweep of {record['name']}")
        self.record = record
        self.keys = {f"{s}/{n}" for s, names in record["hyperparams"].items() for n in names}
        self.params = named(QTableWidget(0, 4), "sweepParams")
        self.params.setHorizontalHeaderLabels(["Search", "Hyperparameter (value now)", "Range",
                                               "LOW:HIGH[:STEP] or A,B"])
        self.params.verticalHeader().hide()
        self.params.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.params.horizontalHeader().setStretchLastSection(True)
        self._rows: list[tuple[str, QCheckBox, QComboBox, QLineEdit]] = []
        for section, names in record["hyperparams"].items():
            for name, entry in names.items():
                self._add_row(f"{section}/{name}", entry.get("type", ""), entry.get("value", ""))
        # A loss first: what a sweep most often minimises.
        metrics = sorted(record.get("metrics", {}), key=lambda key: ("loss" not in key, key)) or ["loss/train"]
        self.objective = named(QComboBox(), "sweepObjective")
        self.objective.setEditable(True)
        self.objective.addItems(metrics)
        self.goal = named(QComboBox(), "sweepGoal")
        self.goal.addItems(["min", "max"])
        self.value = named(QComboBox(), "sweepValue")
        self.value.addItems(["last", "best"])
        self.method = named(QComboBox(), "sweepMethod")
        self.method.addItems(list(METHODS))
        self.method.setCurrentText("tpe")
        self.trials = self._spin("sweepTrials", 0, 100_000, 0, "grid size, else 10")
        self.parallel = self._spin("sweepParallel", 1, 1000, 1)
        self.trial_time = self._spin("sweepTrialTime", 0, 10**7, NO_LIMIT, "no limit", " s")
        self.wall_time = self._spin("sweepWallTime", 0, 10**8, NO_LIMIT, "no limit", " s")
        self.prune = named(QComboBox(), "sweepPrune")
        self.prune.addItems(["none", *PRUNERS])
        self.queue = named(QComboBox(), "sweepQueue")
        self.queue.addItems(queues)
        self.trials_queue = named(QComboBox(), "sweepTrialsQueue")
        self.trials_queue.addItems(queues)
        self.preview = named(QLabel(), "sweepPreview")
        self.preview.setWordWrap(True)
        objective_row = QHBoxLayout()
        for widget in (self.objective, self.goal, self.value):
            objective_row.addWidget(widget)
        form = QFormLayout()
        form.addRow("Objective", objective_row)
        form.addRow("Method", self.method)
        form.addRow("Trials", self.trials)
        form.addRow("At once", self.parallel)
        form.addRow("Time per trial", self.trial_time)
        form.addRow("Wall time", self.wall_time)
        form.addRow("Early stopping", self.prune)
        form.addRow("Run the sweep on", self.queue)
        form.addRow("Trials go to", self.trials_queue)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create and enqueue")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Parameters"))
        layout.addWidget(self.params, 1)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.buttons)
        for combo in (self.objective, self.goal, self.value, self.method, self.prune):
            combo.currentTextChanged.connect(self._update_preview)
        for spin in (self.trials, self.parallel, self.trial_time, self.wall_time):
            spin.valueChanged.connect(self._update_preview)
        self.resize(820, 640)
        self._update_preview()

    def _spin(self, name: str, low: int, high: int, value: int, special: str = "", suffix: str = "") -> QSpinBox:
        spin = named(QSpinBox(), name)
        spin.setRange(low, high)
        spin.setValue(value)
        spin.setSuffix(suffix)
        if special:
            spin.setSpecialValueText(special)
        return spin

    def _add_row(self, key: str, kind: str, value: str) -> None:
        row = self.params.rowCount()
        self.params.insertRow(row)
        search = QCheckBox()
        search.setObjectName(f"search_{key}")
        kinds = QComboBox()
        kinds.addItems(list(KINDS))
        start_kind, start_range = _starting_range(kind, value)
        kinds.setCurrentText(start_kind)
        spec = QLineEdit(start_range)
        spec.setObjectName(f"range_{key}")
        self.params.setCellWidget(row, 0, search)
        self.params.setItem(row, 1, QTableWidgetItem(f"{key}  ({value})" if value else key))
        self.params.setCellWidget(row, 2, kinds)
        self.params.setCellWidget(row, 3, spec)
        search.toggled.connect(self._update_preview)
        kinds.currentTextChanged.connect(self._update_preview)
        spec.textChanged.connect(self._update_preview)
        self._rows.append((key, search, kinds, spec))

    def set_range(self, key: str, kind: str, spec: str) -> None:
        """Search this hyperparameter over `kind:spec` (what a person does with the row's three fields)."""
        for name, search, kinds, field in self._rows:
            if name == key:
                search.setChecked(True)
                kinds.setCurrentText(kind)
                field.setText(spec)

    def definition(self) -> SweepDefinition:
        """The definition as entered, checked; InvalidValue names the first bad value."""
        params = tuple(parse_param(f"{key}={kinds.currentText()}:{field.text().strip()}")
                       for key, search, kinds, field in self._rows if search.isChecked())
        label, _, _ = self.objective.currentText().strip().rpartition(":")  # a typed ":min" is allowed too
        metric, slash, series = (label or self.objective.currentText().strip()).rpartition("/")
        if not slash or not metric or not series:
            raise InvalidValue("the objective is TITLE/SERIES, e.g. loss/train")
        definition = SweepDefinition(
            base=self.record["id"], params=params,
            objective=Objective(metric, series, self.goal.currentText(), self.value.currentText()),
            method=self.method.currentText(), trials=self.trials.value() or None, parallel=self.parallel.value(),
            trial_time=float(self.trial_time.value()) or None, wall_time=float(self.wall_time.value()) or None,
            prune=None if self.prune.currentText() == "none" else self.prune.currentText(),
            trials_queue=self.trials_queue.currentText())
        return check_definition(definition, self.keys)

    def _update_preview(self) -> None:
        ok = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        try:
            definition = self.definition()
        except InvalidValue as exc:
            self.preview.setText(str(exc))
            ok.setEnabled(False)
            return
        grid = definition.grid_size()
        size = f"; a grid of these makes {grid} trials" if grid is not None else ""
        self.preview.setText(f"{definition.budget} trials, {definition.parallel} at once{size}")
        ok.setEnabled(True)
