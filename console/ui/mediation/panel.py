"""The mediation screen: today's and upcoming rooms, who is in the selected one, the session."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from console.core.clock import to_local
from console.core.codes import ParticipantRole, ParticipantState, RoomState
from console.core.events import ChangeSet, Entity
from console.core.records import RoomRow
from console.services.agreements import AgreementService
from console.services.mediation import MediationService
from console.services.room_desk import RoomDesk
from console.ui import theme
from console.ui.i18n import current_lang
from console.ui.mediation.room_agreement import RoomAgreement
from console.ui.mediation.room_view import RoomView
from console.ui.mediation.schedule_dialog import ScheduleRoomDialog
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
    def __init__(
        self,
        service: MediationService,
        agreements: AgreementService | None = None,
        mediator_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("mediation-panel")
        self._service = service
        self._agreements = agreements
        self._mediator_id = mediator_id
        # Refusals (an unknown case number) are said where the outcome would be.
        self._schedule_tasks = TaskGroup(self)
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
        self.enter_button = QPushButton(self.tr("Enter the room"))
        self.enter_button.setObjectName("room-enter")
        self.enter_button.setProperty("role", "primary")
        self.enter_button.setEnabled(False)
        self.enter_button.clicked.connect(self._enter)
        self.invite_button = QPushButton(self.tr("Invitation link…"))
        self.invite_button.setEnabled(False)
        self.invite_button.clicked.connect(self._invite)
        self.detail_notice = QLabel()
        self.detail_notice.setWordWrap(True)
        self.detail_notice.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._schedule_tasks.failed.connect(self.detail_notice.setText)
        form.addRow(self.detail_name)
        form.addRow(self.tr("Case"), self.detail_case)
        form.addRow(self.tr("State"), self.detail_state)
        form.addRow(self.tr("Scheduled"), self.detail_time)
        form.addRow(QLabel(self.tr("Participants")))
        form.addRow(self.participants)
        form.addRow(self.enter_button)
        form.addRow(self.invite_button)
        form.addRow(self.detail_notice)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        title = QLabel(self.tr("Mediation rooms"))
        title.setProperty("role", "section")
        self.schedule_button = QPushButton(self.tr("Schedule a room…"))
        self.schedule_button.setObjectName("room-schedule")
        self.schedule_button.clicked.connect(self._schedule)
        head = QHBoxLayout()
        head.addWidget(title)
        head.addStretch(1)
        head.addWidget(self.schedule_button)
        lv.addLayout(head)
        lv.addWidget(self.view)
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(left)
        split.addWidget(detail)
        split.setSizes([900, 420])
        self.stack = QStackedWidget()
        self.stack.addWidget(split)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self.model.loaded.connect(self._select_first)
        self._open_desk: Callable[[RoomRow], RoomDesk] | None = None
        self._invite_link: Callable[[int, str], str] | None = None
        self._janus = False
        self.room_view: RoomView | None = None

    def attach_rooms(
        self,
        open_desk: Callable[[RoomRow], RoomDesk],
        invite_link: Callable[[int, str], str],
        *,
        janus: bool = False,
    ) -> None:
        """Sessions become possible once signalling runs: a desk per room, invitation links;
        `janus`: the server has a media server for rooms scheduled with it."""
        self._open_desk = open_desk
        self._invite_link = invite_link
        self._janus = janus
        self._show(self.view.currentIndex().row())

    def _current(self) -> RoomRow | None:
        row = self.view.currentIndex().row()
        return self.model.record(row) if 0 <= row < self.model.rowCount() else None

    def _enter(self) -> None:
        room = self._current()
        if room is None or self._open_desk is None or self.room_view is not None:
            return
        desk = self._open_desk(room)
        agreement = None
        if self._agreements is not None and room.case_id is not None:
            agreement = RoomAgreement(self._agreements, desk, room.case_id, room.id)
        view = RoomView(desk, f"{room.name} · {room.case_number}", agreement)
        if agreement is not None:
            view.signature_arrived.connect(agreement.on_signature)
        self.room_view = view
        self.stack.addWidget(view)
        self.stack.setCurrentWidget(view)
        view.left.connect(self._left)

        def failed(text: str) -> None:
            self.detail_notice.setText(self.tr("Could not enter the room: %1").replace("%1", text))
            self._left()

        tasks = TaskGroup(view)
        tasks.failed.connect(failed)
        tasks.start(desk.join(str(room.id)))

    def _left(self) -> None:
        view, self.room_view = self.room_view, None
        self.stack.setCurrentIndex(0)
        if view is not None:
            self.stack.removeWidget(view)
            view.deleteLater()
        self.load()

    def _schedule(self) -> None:
        room = self._current()
        dialog = ScheduleRoomDialog(
            room.case_number if room is not None else "", self, janus=self._janus
        )
        if dialog.exec() == ScheduleRoomDialog.DialogCode.Accepted:
            self.schedule_from(dialog)

    def schedule_from(self, dialog: ScheduleRoomDialog) -> None:
        """Schedule what the dialog says; the outcome (or the refusal's reason) is shown."""
        number, when, backend = dialog.chosen()

        def done(_room_id: int) -> None:
            self.detail_notice.setText(self.tr("Room scheduled for case %1").replace("%1", number))
            self.load()

        self._schedule_tasks.start(
            self._service.schedule(number, when, backend, self._mediator_id), done
        )

    def _invite(self) -> None:
        room = self._current()
        if room is None or self._invite_link is None:
            return
        name, ok = QInputDialog.getText(
            self, self.tr("Invitation"), self.tr("Name of the person invited:")
        )
        if not ok or not name.strip():
            return
        link = self._invite_link(room.id, name.strip())
        QGuiApplication.clipboard().setText(link)
        self.detail_notice.setText(
            self.tr("Invitation for %1 copied to the clipboard:").replace("%1", name.strip())
            + "\n"
            + link
        )

    def load(self) -> None:
        self.model.reload()

    def apply_changes(self, changes: ChangeSet) -> None:
        self.model.apply_changes(changes)
        view = self.room_view
        if view is not None and isinstance(view.agreement, RoomAgreement):
            view.agreement.editor.apply_changes(changes)

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
        live = room.state in (RoomState.SCHEDULED, RoomState.OPEN, RoomState.CAUCUS)
        self.enter_button.setEnabled(self._open_desk is not None and live)
        self.invite_button.setEnabled(self._invite_link is not None and live)
        self.enter_button.setToolTip(
            "" if self._open_desk is not None else self.tr("Signalling is not running")
        )

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
        self._schedule_tasks.cancel_all()
        self.model.close()

    async def leave_room(self) -> None:
        """On exit: leave the session properly (the others carry on)."""
        if self.room_view is not None:
            await self.room_view.close_room()
