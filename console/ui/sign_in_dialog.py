"""The sign-in dialog for local operator accounts."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from console.services.operator import Operator


class SignInDialog(QDialog):
    def __init__(
        self,
        check: Callable[[str, str], Operator],
        username: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Sign in — Four-in-One Video Command Console"))
        self._check = check
        self.operator: Operator | None = None
        self.username = QLineEdit(username)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.message = QLabel()
        self.message.setStyleSheet("color: #ff4d4f;")
        form = QFormLayout()
        form.addRow(self.tr("User name"), self.username)
        form.addRow(self.tr("Password"), self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._try)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        (self.password if username else self.username).setFocus()

    def _try(self) -> None:
        try:
            self.operator = self._check(self.username.text().strip(), self.password.text())
        except Exception as exc:  # SignInFailed, or the database went away
            self.message.setText(str(exc))
            self.password.clear()
            return
        self.accept()
