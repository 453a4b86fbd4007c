"""A figure with its label, as on a command-centre dashboard."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget


class KpiCard(QFrame):
    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setProperty("role", "card")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(12, 8, 12, 8)
        self.value = QLabel("—")
        self.value.setProperty("role", "kpi-value")
        self.label = QLabel(label)
        self.label.setProperty("role", "kpi-label")
        layout.addWidget(self.value)
        layout.addWidget(self.label)

    def set_value(self, text: str, colour: str | None = None) -> None:
        self.value.setText(text)
        self.value.setStyleSheet(f"color: {colour};" if colour else "")
