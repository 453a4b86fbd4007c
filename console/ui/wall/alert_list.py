"""The wall's alert list: motion and video-loss alerts, newest first, with acknowledge."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from console.core.clock import to_local
from console.core.events import ChangeSet, Entity
from console.core.evidence import AlertRecord
from console.services.alerts import AlertService
from console.ui import theme
from console.ui.i18n import current_lang
from console.ui.models.record_list_model import Column, RecordListModel
from console.ui.tasks import TaskGroup

SHOWN_ALERTS = 200


class AlertList(QWidget):
    camera_requested = Signal(int)  # camera id: show it on the wall

    def __init__(self, alerts: AlertService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._alerts = alerts
        self._tasks = TaskGroup(self)
        self.model: RecordListModel[AlertRecord] = RecordListModel(
            entity=Entity.CAMERA_ALERT,
            columns=[
                Column(
                    lambda: self.tr("Time"), lambda a: to_local(a.raised_at).strftime("%H:%M:%S")
                ),
                Column(lambda: self.tr("Camera"), lambda a: a.camera_name),
                Column(
                    lambda: self.tr("Alert"),
                    lambda a: (
                        a.kind.label(current_lang()) + (f" · {a.zone_name}" if a.zone_name else "")
                    ),
                    lambda a: None if a.acknowledged_at else theme.ALERT,
                ),
                Column(
                    lambda: self.tr("State"),
                    lambda a: self.tr("Acknowledged") if a.acknowledged_at else self.tr("New"),
                ),
            ],
            load_all=lambda: alerts.recent(SHOWN_ALERTS),
            load_ids=alerts.by_ids,
            new_first=True,
            parent=self,
        )
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.doubleClicked.connect(
            lambda i: self.camera_requested.emit(self.model.record(i.row()).camera_id)
        )
        self.ack_button = QPushButton(self.tr("Acknowledge"))
        self.ack_button.clicked.connect(self._acknowledge_selected)
        self.show_button = QPushButton(self.tr("Show on wall"))
        self.show_button.clicked.connect(self._show_selected)
        row = QHBoxLayout()
        row.addWidget(self.show_button)
        row.addWidget(self.ack_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table, 1)
        layout.addLayout(row)

    def _selected(self) -> AlertRecord | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.record(rows[0].row()) if rows else None

    def _acknowledge_selected(self) -> None:
        alert = self._selected()
        if alert is not None and alert.acknowledged_at is None:
            self._tasks.start(self._alerts.acknowledge(alert.id))

    def _show_selected(self) -> None:
        alert = self._selected()
        if alert is not None:
            self.camera_requested.emit(alert.camera_id)

    def unacknowledged(self) -> int:
        return sum(1 for a in self.model.records() if a.acknowledged_at is None)

    def load(self) -> None:
        self.model.reload()

    def apply_changes(self, changes: ChangeSet) -> None:
        self.model.apply_changes(changes)

    def close_list(self) -> None:
        self._tasks.cancel_all()
        self.model.close()
