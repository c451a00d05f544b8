"""How TaskTune reaches an S3-compatible server (MinIO, Ceph...): https, CA file, path-style, region per host:port."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from tasktune_gui.core.errors import InvalidValue
from tasktune_gui.core.settings import S3Endpoint, Settings
from tasktune_gui.core.uris import validate_server
from tasktune_gui.ui.common.dialogs import fit_dialog
from tasktune_gui.ui.common.naming import named


class S3ServerDialog(QDialog):
    """Edits one server's settings, chosen among the saved ones or typed; OK is refused, with the reason shown,
    for a name without a port or a CA file that is not there. Credentials are never asked: the AWS tools' own
    environment and profiles hold them."""

    def __init__(self, settings: Settings, server: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("s3ServerDialog")
        self.setWindowTitle("S3-compatible server")
        fit_dialog(self)
        self.settings = settings
        self.server = named(QComboBox(), "s3ServerName")
        self.server.setEditable(True)
        self.server.addItems(sorted(settings.s3_endpoints))
        self.server.setCurrentText(server)
        line = self.server.lineEdit()
        if line is not None:
            line.setPlaceholderText("host:port, as in s3://host:port/bucket")
        self.secure = named(QCheckBox("Use HTTPS"), "s3ServerHttps")
        self.ca_file = named(QLineEdit(), "s3ServerCaFile")
        self.ca_file.setPlaceholderText("the system's certificates")
        self.browse = named(QPushButton("Browse…"), "s3ServerBrowse")
        self.path_style = named(QCheckBox("Path-style addressing (host:port/bucket/key)"), "s3ServerPathStyle")
        self.region = named(QLineEdit(), "s3ServerRegion")
        self.region.setPlaceholderText("the default region of your AWS settings")
        self.error = named(QLabel(), "s3ServerError")
        self.error.setWordWrap(True)
        note = QLabel("Credentials are read from AWS's environment variables and profiles, never kept here.")
        note.setWordWrap(True)
        ca_row = QHBoxLayout()
        ca_row.setContentsMargins(0, 0, 0, 0)
        ca_row.addWidget(self.ca_file, 1)
        ca_row.addWidget(self.browse)
        form = QFormLayout(self)
        form.addRow("Server", self.server)
        form.addRow(self.secure)
        form.addRow("CA file", ca_row)
        form.addRow(self.path_style)
        form.addRow("Region", self.region)
        form.addRow(note)
        form.addRow(self.error)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.server.currentTextChanged.connect(self._on_server_text_changed)
        self.secure.toggled.connect(self._on_secure_toggled)
        self.browse.clicked.connect(self._on_browse_clicked)
        self._on_server_text_changed(server)

    def _on_server_text_changed(self, text: str) -> None:
        """The saved settings of the server named, the defaults for a new one."""
        endpoint = self.settings.s3_endpoint(text.strip())
        self.secure.setChecked(endpoint.secure)
        self.ca_file.setText(endpoint.ca_file)
        self.path_style.setChecked(endpoint.path_style)
        self.region.setText(endpoint.region)
        self._on_secure_toggled(endpoint.secure)
        self.error.clear()

    def _on_secure_toggled(self, on: bool) -> None:
        self.ca_file.setEnabled(on)  # a CA file means nothing over plain http
        self.browse.setEnabled(on)

    def _on_browse_clicked(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, "CA file", str(Path(self.ca_file.text()).parent),
                                                "Certificates (*.pem *.crt *.cer);;All files (*)")
        if chosen:
            self.ca_file.setText(chosen)

    def endpoint(self) -> S3Endpoint:
        ca_file = self.ca_file.text().strip()
        return S3Endpoint(secure=self.secure.isChecked(),
                          ca_file=str(Path(ca_file).expanduser().resolve()) if ca_file else "",
                          path_style=self.path_style.isChecked(), region=self.region.text().strip())

    def accept(self) -> None:
        try:
            validate_server(self.server.currentText())
        except InvalidValue as exc:
            self.error.setText(str(exc))
            return
        ca_file = self.endpoint().ca_file
        if ca_file and not Path(ca_file).is_file():
            self.error.setText(f"No CA file at {ca_file}")
            return
        super().accept()

    def apply_to(self, settings: Settings) -> str:
        """The server's settings written into `settings`; the server's name."""
        server = validate_server(self.server.currentText())
        settings.set_s3_endpoint(server, self.endpoint())
        return server
