"""The live call: the caller big, the officer's own picture small, and the call's controls."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QSize, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from console.core.codes import DisputeCategory
from console.ui import theme
from console.ui.i18n import current_lang
from console.ui.widgets.video_tile import VideoTile

PIP_FRACTION = 0.26  # the officer's own picture: a quarter of the call's width


def _now_like(moment: datetime) -> datetime:
    """Now, aware or naive as `moment` is (the desk stamps aware UTC, the store naive UTC)."""
    now = datetime.now(UTC)
    return now if moment.tzinfo is not None else now.replace(tzinfo=None)


def _clock(seconds: float) -> str:
    s = max(0, int(seconds))
    return f"{s // 60:02d}:{s % 60:02d}"


class _CallPicture(QWidget):
    """The caller's tile with the officer's own tile inset at the bottom right."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.remote = VideoTile(0, self)
        self.remote.setObjectName("call-remote")
        self.local = VideoTile(1, self)
        self.local.setObjectName("call-local")
        self.local.setMinimumSize(120, 68)
        for tile in (self.remote, self.local):
            tile.keep_aspect = True
        self.remote.empty_text = self.tr("The caller's picture shows here during a call")
        self.local.empty_text = self.tr("My camera")
        self.setMinimumSize(480, 270)

    def sizeHint(self) -> QSize:
        return QSize(960, 540)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        w, h = self.width(), self.height()
        self.remote.setGeometry(0, 0, w, h)
        pw = max(160, int(w * PIP_FRACTION))
        ph = pw * 9 // 16
        self.local.setGeometry(w - pw - 8, h - ph - 44, pw, ph)
        self.local.raise_()


class CallView(QWidget):
    """Shows one call's state and emits the officer's intent; the desk does the work."""

    accept_clicked = Signal(str)
    decline_clicked = Signal(str)
    hold_toggled = Signal(bool)
    mute_changed = Signal(bool, bool)  # audio muted, video muted
    snapshot_clicked = Signal()
    recording_toggled = Signal(bool)
    transfer_requested = Signal(str)  # the other officer's user id
    room_transfer_requested = Signal(str)  # a mediation room's id
    hangup_clicked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("call-view")
        self._call: Any = None
        self._officers: dict[str, tuple[str, Any]] = {}
        self._rooms: list[tuple[str, str]] = []

        self.title = QLabel(self.tr("No call"))
        self.title.setProperty("role", "section")
        self.details = QLabel("")
        self.details.setProperty("role", "muted")
        self.clock = QLabel("")
        self.clock.setObjectName("call-clock")
        self.consent = QLabel("")
        self.consent.setObjectName("call-consent")
        self.recording = QLabel(self.tr("● REC"))
        self.recording.setObjectName("call-recording")
        self.recording.setStyleSheet(
            f"color: white; background: {theme.ALERT}; padding: 2px 8px; border-radius: 3px;"
        )
        self.recording.setVisible(False)
        head = QHBoxLayout()
        left = QVBoxLayout()
        left.addWidget(self.title)
        left.addWidget(self.details)
        head.addLayout(left, 1)
        head.addWidget(self.consent)
        head.addWidget(self.recording)
        head.addWidget(self.clock)

        self.picture = _CallPicture(self)
        self.remote, self.local = self.picture.remote, self.picture.local

        self.accept_button = self._button(self.tr("Answer"), "call-accept", theme.OK)
        self.decline_button = self._button(self.tr("Decline"), "call-decline")
        self.hold_button = self._button(self.tr("Hold"), "call-hold", checkable=True)
        self.mic_button = self._button(self.tr("Mute microphone"), "call-mic", checkable=True)
        self.camera_button = self._button(self.tr("Camera off"), "call-camera", checkable=True)
        self.snapshot_button = self._button(self.tr("Snapshot"), "call-snapshot")
        self.record_button = self._button(self.tr("Record"), "call-record", checkable=True)
        self.transfer_button = self._button(self.tr("Transfer"), "call-transfer")
        self.hangup_button = self._button(self.tr("Hang up"), "call-hangup", theme.ALERT)
        self.transfer_menu = QMenu(self)
        self.transfer_button.setMenu(self.transfer_menu)
        self.transfer_menu.aboutToShow.connect(self._fill_transfer_menu)

        # What a live call allows; answer and decline only show while it rings.
        self._in_call_buttons = (
            self.hold_button,
            self.mic_button,
            self.camera_button,
            self.snapshot_button,
            self.record_button,
            self.transfer_button,
        )
        controls = QHBoxLayout()
        for b in (self.accept_button, self.decline_button, *self._in_call_buttons):
            controls.addWidget(b)
        controls.addStretch(1)
        controls.addWidget(self.hangup_button)

        self.notice = QLabel("")
        self.notice.setObjectName("call-notice")
        self.notice.setWordWrap(True)
        self.notice.setProperty("role", "muted")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addWidget(self.picture, 1)
        layout.addLayout(controls)
        layout.addWidget(self.notice)

        self.accept_button.clicked.connect(self._accept)
        self.decline_button.clicked.connect(self._decline)
        self.hold_button.toggled.connect(self._hold_toggled)
        self.mic_button.toggled.connect(self._mute_toggled)
        self.camera_button.toggled.connect(self._mute_toggled)
        self.snapshot_button.clicked.connect(self.snapshot_clicked)
        self.record_button.toggled.connect(self._record_toggled)
        self.hangup_button.clicked.connect(self.hangup_clicked)
        self._filling = False
        self.set_call(None)

    def _button(
        self, text: str, name: str, colour: str | None = None, *, checkable: bool = False
    ) -> QPushButton:
        b = QPushButton(text, self)
        b.setObjectName(name)
        b.setCheckable(checkable)
        b.setMinimumHeight(theme.scaled(34))
        if colour:
            b.setStyleSheet(f"QPushButton {{ background: {colour}; color: white; }}")
        return b

    # --- state in

    @property
    def call(self) -> Any:
        return self._call

    def set_call(self, call: Any) -> None:
        """Show `call` (a DeskCall) or nothing; buttons follow what the call allows."""
        self._call = call
        self._filling = True
        try:
            self._show(call)
        finally:
            self._filling = False

    def _show(self, call: Any) -> None:
        state = call.state if call is not None else None
        ringing = state == "ringing"
        live = state in ("connecting", "in_call", "on_hold")
        if call is None:
            self.title.setText(self.tr("No call"))
            self.details.setText(self.tr("Calls offered to you ring here; answer from the queue."))
            self.consent.setText("")
        else:
            codes = DisputeCategory.codes()
            matter = (
                DisputeCategory(call.category).label(current_lang())
                if call.category in codes
                else call.category
            )
            extra = self.tr(" · vulnerable caller") if call.vulnerable else ""
            self.title.setText(f"{call.caller_name} · {matter}{extra}")
            self.details.setText(self._state_text(call))
            self.consent.setText(
                self.tr("Consented to recording")
                if call.consent
                else self.tr("No consent to recording")
            )
            self.consent.setStyleSheet(f"color: {theme.OK if call.consent else theme.MUTED};")
        self.accept_button.setVisible(ringing)
        self.decline_button.setVisible(ringing)
        for b in self._in_call_buttons:
            b.setEnabled(live)
        self.hangup_button.setEnabled(live)
        self.hold_button.setChecked(state == "on_hold")
        self.hold_button.setText(self.tr("Resume") if state == "on_hold" else self.tr("Hold"))
        self.mic_button.setChecked(bool(call and call.audio_muted))
        self.camera_button.setChecked(bool(call and call.video_muted))
        recording = bool(call and call.recording)
        self.record_button.setChecked(recording)
        self.record_button.setText(self.tr("Stop recording") if recording else self.tr("Record"))
        self.recording.setVisible(recording)
        if call is not None and not call.consent:
            self.record_button.setEnabled(False)
            self.record_button.setToolTip(
                self.tr("The caller did not accept the recording notice: recording is not allowed")
            )
        else:
            self.record_button.setToolTip("")
        self.snapshot_button.setEnabled(live and self.remote.current_image() is not None)
        self.tick()

    def _state_text(self, call: Any) -> str:
        texts = {
            "ringing": self.tr("Ringing — answer or decline"),
            "connecting": self.tr("Connecting the video…"),
            "in_call": self.tr("In the call"),
            "on_hold": self.tr("On hold: the caller sees the holding screen"),
            "ended": self.tr("Ended"),
        }
        text = texts.get(call.state, call.state)
        if call.state == "ended" and call.ended_reason:
            text += f" · {call.ended_reason}"
        if call.phone:
            text += f" · {call.phone}"
        return text

    def set_officers(self, officers: dict[str, tuple[str, Any]]) -> None:
        """Other officers on duty: user id → (name, presence state)."""
        self._officers = dict(officers)

    def set_rooms(self, rooms: list[tuple[str, str]]) -> None:
        """Mediation rooms a call can move into now: (room id, label)."""
        self._rooms = list(rooms)

    def set_notice(self, text: str, colour: str | None = None) -> None:
        self.notice.setText(text)
        self.notice.setStyleSheet(f"color: {colour};" if colour else "")

    def tick(self) -> None:
        """Once a second: the talk time."""
        call = self._call
        if call is None or call.answered_at is None:
            self.clock.setText("")
            return
        end = call.ended_at or _now_like(call.answered_at)
        self.clock.setText(_clock((end - call.answered_at).total_seconds()))
        if not self.snapshot_button.isEnabled() and call.state in ("in_call", "on_hold"):
            self.snapshot_button.setEnabled(self.remote.current_image() is not None)

    # --- intent out

    def _accept(self) -> None:
        if self._call is not None:
            self.accept_clicked.emit(self._call.ticket)

    def _decline(self) -> None:
        if self._call is not None:
            self.decline_clicked.emit(self._call.ticket)

    def _hold_toggled(self, on: bool) -> None:
        if not self._filling:
            self.hold_toggled.emit(on)

    def _mute_toggled(self, _on: bool) -> None:
        if not self._filling:
            self.mute_changed.emit(self.mic_button.isChecked(), self.camera_button.isChecked())

    def _record_toggled(self, on: bool) -> None:
        if not self._filling:
            self.recording_toggled.emit(on)

    def _fill_transfer_menu(self) -> None:
        self.transfer_menu.clear()
        available = [
            (uid, name, state)
            for uid, (name, state) in sorted(self._officers.items(), key=lambda kv: kv[1][0])
        ]
        if not available:
            action = self.transfer_menu.addAction(self.tr("No other officer is on duty"))
            action.setEnabled(False)
        for uid, name, state in available:
            label = f"{name} · {self._presence_text(state)}"
            action = self.transfer_menu.addAction(label)
            action.triggered.connect(lambda _=False, u=uid: self.transfer_requested.emit(u))
        self.transfer_menu.addSeparator()
        rooms = self.transfer_menu.addMenu(self.tr("Into a mediation room"))
        rooms.setObjectName("transfer-rooms")
        if not self._rooms:
            rooms.addAction(self.tr("No room is open or scheduled")).setEnabled(False)
        for room_id, label in self._rooms:
            action = rooms.addAction(label)
            action.triggered.connect(
                lambda _=False, r=room_id: self.room_transfer_requested.emit(r)
            )

    def _presence_text(self, state: Any) -> str:
        value = getattr(state, "value", str(state))
        return {
            "available": self.tr("available"),
            "on_call": self.tr("on a call"),
            "wrap_up": self.tr("wrap-up"),
            "away": self.tr("away"),
        }.get(value, value)
