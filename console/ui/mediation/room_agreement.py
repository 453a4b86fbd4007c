"""The agreement tab of a mediation session: the editor, kept on the parties' pages, and the
signatures they draw there stored against the version they read."""

from __future__ import annotations

from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from console.core.agreement import AgreementRefused, plain_text
from console.services.agreements import AgreementService
from console.services.room_desk import RoomDesk, SignatureArrived
from console.ui import theme
from console.ui.mediation.agreement_editor import AgreementEditor
from console.ui.tasks import TaskGroup


class RoomAgreement(QWidget):
    """The 人民调解协议书 of the room's case, drafted and signed during the session."""

    def __init__(
        self,
        service: AgreementService,
        desk: RoomDesk,
        case_id: int,
        room_id: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("room-agreement")
        self._service = service
        self._desk = desk
        self._tasks = TaskGroup(self)
        self._tasks.failed.connect(self._problem)
        self._signed_by: set[str] = set()
        """Room seats whose signature was stored for the version on their page."""
        self.editor = AgreementEditor(service)
        self.editor.agreement_changed.connect(lambda _id: self.push())
        self.push_button = QPushButton(self.tr("Show to the parties"))
        self.push_button.setObjectName("agreement-push")
        self.push_button.setToolTip(
            self.tr("Put the agreement as it stands on every admitted party's page to sign")
        )
        self.push_button.clicked.connect(self.push)
        self.status = QLabel()
        self.status.setWordWrap(True)
        bar = QHBoxLayout()
        bar.addWidget(self.push_button)
        bar.addWidget(self.status, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.editor, 1)
        self.editor.show_for_room(case_id, room_id)

    def push(self) -> None:
        record = self.editor.record
        if record is None:
            return
        text = plain_text(record)
        self._tasks.start(
            self._desk.show_agreement(
                str(record.id),
                self.tr("People's mediation agreement"),
                text,
                record.content_sha256,
                sorted(self._signed_by),
            )
        )
        self.status.setText(
            self.tr("Shown to the parties: %1").replace("%1", record.content.number)
        )
        self.status.setStyleSheet(f"color: {theme.OK};")

    def on_signature(self, event: SignatureArrived) -> None:
        """A party signed on their page: store it as the party of that name, if it is one."""
        record = self.editor.record
        if record is None or event.agreement != str(record.id):
            self._problem(self.tr("A signature arrived for another agreement; ignored"))
            return
        party = next((x for x in record.content.parties if x.name == event.name), None)
        if party is None:
            self._problem(
                self.tr("%1 is not a party of this agreement; signature not stored").replace(
                    "%1", event.name
                )
            )
            return

        async def store() -> None:
            try:
                await self._service.sign(
                    record.id,
                    party.key,
                    party.name,
                    None,
                    event.image_png,
                    event.content_sha256,
                )
            except AgreementRefused as exc:
                self._problem(f"{event.name}: {exc.reason}")
                return
            self._signed_by.add(event.participant)
            self.status.setText(self.tr("%1 signed").replace("%1", event.name))
            self.status.setStyleSheet(f"color: {theme.OK};")
            self.editor.reload()

        self._tasks.start(store())

    def _problem(self, text: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(f"color: {theme.ALERT}; font-weight: 600;")
