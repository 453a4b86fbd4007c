"""The mediation screen: today's and upcoming rooms, and who is in the selected one."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from console.core.clock import to_local
from console.core.codes import ParticipantRole, ParticipantState, RoomState
from console.core.events import ChangeSet, Entity
from console.core.records import RoomRow
from console.services.mediation import MediationService
from console.ui import theme
from console.ui.i18n import current_lang
from console.ui.models.record_list_model import Column, RecordListModel
from console.ui.tasks import TaskGroup
from console.ui.widgets.tables import make_table

STATE_COLOURS = {
    RoomState.OPEN: theme.OK,
    RoomState.CAUCUS: theme.WARN,
    RoomState.SCHEDULED: theme.ACCENT,
    RoomState.CLOSED: theme.MUTED,
    RoomState.CANCELLED: theme.MUTED,
}


class MediationPanel(QWidget):
    def __init__(self, service: MediationService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mediation-panel")
        self._service = service
        self._tasks = TaskGroup(self)
        lang = current_lang
        self.model = RecordListModel[RoomRow](
            entity=Entity.ROOM,
            columns=[
                Column[RoomRow](lambda: self.tr("Room"), lambda r: r.name),
                Column[RoomRow](lambda: self.tr("Case No."), lambda r: r.case_number),
                Column[RoomRow](lambda: self.tr("Mediator"), lambda r: r.mediator_name),
                Column[RoomRow](
                    lambda: self.tr("State"),
                    lambda r: r.state.label(lang()),
                    lambda r: STATE_COLOURS[r.state],
                ),
                Column[RoomRow](
                    lambda: self.tr("Scheduled"),
                    lambda r: f"{to_local(r.scheduled_at):%Y-%m-%d %H:%M}",
                ),
                Column[RoomRow](lambda: self.tr("People"), lambda r: str(r.participants)),
                Column[RoomRow](
                    lambda: self.tr("Media"),
                    lambda r: self.tr("Mesh") if r.backend == "mesh" else "Janus",
                ),
            ],
            load_all=service.rooms,
            load_ids=service.by_ids,
            parent=self,
        )
        self.view = make_table(
            self.model, self, stretch_column=0, widths={1: 150, 2: 110, 3: 90, 4: 150, 5: 60}
        )
        self.view.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self._show(cur.row())
        )

        detail = QFrame()
        detail.setProperty("role", "card")
        form = QFormLayout(detail)
        self.detail_name = QLabel("—")
        self.detail_name.setProperty("role", "kpi-value")
        self.detail_case = QLabel("—")
        self.detail_state = QLabel("—")
        self.detail_time = QLabel("—")
        self.participants = QListWidget()
        form.addRow(self.detail_name)
        form.addRow(self.tr("Case"), self.detail_case)
        form.addRow(self.tr("State"), self.detail_state)
        form.addRow(self.tr("Scheduled"), self.detail_time)
        form.addRow(QLabel(self.tr("Participants")))
        form.addRow(self.participants)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        title = QLabel(self.tr("Mediation rooms"))
        title.setProperty("role", "section")
        lv.addWidget(title)
        lv.addWidget(self.view)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(detail)
        split.setSizes([900, 420])
        layout = QVBoxLayout(self)
        layout.addWidget(split)
        self.model.loaded.connect(self._select_first)

    def load(self) -> None:
        self.model.reload()

    def apply_changes(self, changes: ChangeSet) -> None:
        self.model.apply_changes(changes)

    def _select_first(self) -> None:
        if self.model.rowCount() and not self.view.currentIndex().isValid():
            self.view.selectRow(0)

    def _show(self, row: int) -> None:
        if row < 0 or row >= self.model.rowCount():
            return
        room = self.model.record(row)
        lang = current_lang()
        self.detail_name.setText(room.name)
        self.detail_case.setText(room.case_number)
        self.detail_state.setText(room.state.label(lang))
        self.detail_time.setText(f"{to_local(room.scheduled_at):%Y-%m-%d %H:%M}")

        def fill(people: list[tuple[str, str, str, bool]]) -> None:
            self.participants.clear()
            for name, role, state, consent in people:
                text = (
                    f"{name} · {ParticipantRole(role).label(lang)} · "
                    f"{ParticipantState(state).label(lang)}"
                )
                if consent:
                    text += " · " + self.tr("consents to recording")
                self.participants.addItem(QListWidgetItem(text))

        self._tasks.start(self._service.participants(room.id), fill)

    def close_panel(self) -> None:
        self._tasks.cancel_all()
        self.model.close()
