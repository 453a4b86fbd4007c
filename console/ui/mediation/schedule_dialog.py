"""Scheduling a mediation room for a case: which case, when, and how the media travel."""

from __future__ import annotations

from datetime import datetime, timedelta

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import (
    QComboBox,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from console.core.clock import from_local, to_local, utcnow
from console.core.room_rules import JANUS_DEFAULT_PUBLISHERS, MESH_MAX_PEOPLE


class ScheduleRoomDialog(QDialog):
    """Asks for the case number, the time (centre's time zone) and the media backend."""

    def __init__(
        self, case_number: str = "", parent: QWidget | None = None, *, janus: bool = False
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Schedule a mediation room"))
        self.case_number = QLineEdit(case_number)
        self.case_number.setPlaceholderText(self.tr("e.g. LJ-2026-000123"))
        soon = to_local(utcnow() + timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
        self.when = QDateTimeEdit(QDateTime(soon.replace(tzinfo=None)))
        self.when.setCalendarPopup(True)
        self.when.setDisplayFormat("yyyy-MM-dd HH:mm")
        self.backend = QComboBox()
        self.backend.addItem(
            self.tr("Peer to peer (up to %1 people)").replace("%1", str(MESH_MAX_PEOPLE)), "mesh"
        )
        if janus:
            self.backend.addItem(
                self.tr("Media server (Janus, up to %1 people)").replace(
                    "%1", str(JANUS_DEFAULT_PUBLISHERS)
                ),
                "janus",
            )
        else:
            # A room nobody could enter would only mislead: shown, with the reason, not offered.
            self.backend.addItem(
                self.tr("Media server (Janus): none configured (console --janus URL)"), "janus"
            )
            item = self.backend.model().item(1)  # type: ignore[attr-defined]
            item.setEnabled(False)
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(self.tr("Case No."), self.case_number)
        form.addRow(self.tr("Time"), self.when)
        form.addRow(self.tr("Media"), self.backend)
        form.addRow(self.problem)
        form.addRow(buttons)

    def chosen(self) -> tuple[str, datetime, str]:
        """(case number, time as the store keeps it, backend code)."""
        shown = self.when.dateTime().toPython()
        assert isinstance(shown, datetime)
        return self.case_number.text().strip(), from_local(shown), str(self.backend.currentData())
