"""A signature drawn with the mouse, a tablet pen or a finger, handed on as PNG bytes."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPoint, Qt
from PySide6.QtGui import QColor, QImage, QMouseEvent, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)


class SignaturePad(QWidget):
    """A white sheet to draw a signature on with the mouse (or a tablet pen)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFixedSize(480, 160)
        self._image = QImage(self.size(), QImage.Format.Format_RGB32)
        self._last: QPoint | None = None
        self.clear()

    def clear(self) -> None:
        self._image.fill(QColor("white"))
        self.strokes = 0
        self.update()

    def is_empty(self) -> bool:
        return self.strokes == 0

    def png(self) -> bytes:
        data = QByteArray()
        buffer = QBuffer(data)
        buffer.open(QIODevice.OpenModeFlag.WriteOnly)
        self._image.save(buffer, "PNG")  # type: ignore[call-overload]  # stubs want bytes
        buffer.close()
        return bytes(data.data())

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._last = event.position().toPoint()
        self.strokes += 1

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._last is None:
            return
        point = event.position().toPoint()
        painter = QPainter(self._image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor("black"), 3, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
        painter.drawLine(self._last, point)
        painter.end()
        self._last = point
        self.update()

    def mouseReleaseEvent(self, _event: QMouseEvent) -> None:
        self._last = None

    def paintEvent(self, _event: QPaintEvent) -> None:
        QPainter(self).drawImage(0, 0, self._image)


class SignatureDialog(QDialog):
    """The pad with OK, Clear and Cancel; with `signers`, a choice of who is signing."""

    def __init__(
        self,
        title: str,
        signers: list[tuple[str, str]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.pad = SignaturePad(self)
        self.signer = QComboBox()
        for key, label in signers or []:
            self.signer.addItem(label, key)
        self.signer.setVisible(bool(signers))
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        clear = self.buttons.addButton(self.tr("Clear"), QDialogButtonBox.ButtonRole.ResetRole)
        clear.clicked.connect(self.pad.clear)
        self.buttons.accepted.connect(self._accept_drawn)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.signer)
        layout.addWidget(QLabel(self.tr("Sign in the box below")))
        layout.addWidget(self.pad)
        layout.addWidget(self.buttons)

    def signer_key(self) -> str:
        return str(self.signer.currentData() or "")

    def _accept_drawn(self) -> None:
        if not self.pad.is_empty():
            self.accept()
