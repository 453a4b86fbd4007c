"""The assessment screen (视频研判): its pages side by side in tabs, wired to one another."""

from __future__ import annotations

from PySide6.QtWidgets import QTabWidget, QVBoxLayout, QWidget

from console.core.events import ChangeSet
from console.services.cases import CaseService
from console.ui.assessment.ledger_page import LedgerPage


class AssessmentPanel(QWidget):
    """The ledger first; every page loads, follows store changes and closes with the screen."""

    def __init__(self, service: CaseService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assessment-panel")
        self.ledger = LedgerPage(service)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.ledger, self.tr("Ledger"))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

    def load(self) -> None:
        self.ledger.load()

    def apply_changes(self, changes: ChangeSet) -> None:
        self.ledger.apply_changes(changes)

    def close_panel(self) -> None:
        self.ledger.close_panel()
