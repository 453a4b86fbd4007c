"""A mediation session on screen: everyone's video, the lobby, the mediator's controls, chat.

Shows a `RoomDesk`'s state and turns clicks into its operations; the rules (who may be
admitted, when recording may run, who sees whom in a caucus) live in the server and core.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import (
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.core.codes import ParticipantRole
from console.core.tile_health import TileHealth
from console.services.room_desk import (
    ChatPosted,
    LobbyKnocked,
    MediaChanged,
    RecordingSwitched,
    RoomChanged,
    RoomConnectionChanged,
    RoomDesk,
    RoomError,
    RoomEvent,
    ShareSwitched,
    SignatureArrived,
)
from console.signalling.client import ClientState
from console.ui import theme
from console.ui.i18n import current_lang
from console.ui.tasks import TaskGroup
from console.ui.widgets.video_tile import PAINT_INTERVAL_MS, VideoTile

MAX_TILES = 4
SCREEN_SHARE_MS = 200
"""5 screen grabs a second: enough for a document or a form being filled in, and each
grab costs the GUI thread only a copy (the media side scales it)."""

_MEDIA_HEALTH = {
    "connecting": TileHealth.CONNECTING,
    "new": TileHealth.CONNECTING,
    "connected": TileHealth.LIVE,
    "failed": TileHealth.OFFLINE,
    "disconnected": TileHealth.RECONNECTING,
}


class RoomView(QWidget):
    """The room the mediator sits in; `left` when they leave it."""

    left = Signal()
    signature_arrived = Signal(object)  # SignatureArrived, for the agreement editor

    def __init__(
        self,
        desk: RoomDesk,
        title: str,
        agreement: QWidget | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("room-view")
        self.desk = desk
        self._tasks = TaskGroup(self)
        self._tasks.failed.connect(self._show_error)
        self._media: dict[str, str] = {}
        self._notice_kind = ""
        """What the notice line says now (lobby, caucus, error…), to clear it when stale."""

        self.title = QLabel(title)
        self.title.setProperty("role", "section")
        self.connection = QLabel()
        self.rec_sign = QLabel()
        self.rec_sign.setObjectName("room-recording")
        self.notice = QLabel()
        self.notice.setWordWrap(True)
        self.record_button = QPushButton()
        self.record_button.setObjectName("room-record")
        self.record_button.clicked.connect(self._toggle_recording)
        self.caucus_button = QPushButton(self.tr("Caucus with selected"))
        self.caucus_button.setObjectName("room-caucus")
        self.caucus_button.setToolTip(
            self.tr("Talk privately with the selected participants; the others wait")
        )
        self.caucus_button.clicked.connect(self._caucus)
        self.return_button = QPushButton(self.tr("Everyone back"))
        self.return_button.setObjectName("room-return")
        self.return_button.clicked.connect(lambda: self._tasks.start(self.desk.return_all()))
        self.share_button = QPushButton(self.tr("Share"))
        self.share_button.setObjectName("room-share")
        self.share_button.setToolTip(
            self.tr("Show everyone your screen or a document page instead of your camera")
        )
        share_menu = QMenu(self.share_button)
        self.share_screen_action = share_menu.addAction(self.tr("Share screen"))
        self.share_screen_action.triggered.connect(self._share_screen)
        self.share_document_action = share_menu.addAction(self.tr("Share a document page…"))
        self.share_document_action.triggered.connect(self._share_document)
        self.stop_share_action = share_menu.addAction(self.tr("Stop sharing"))
        self.stop_share_action.triggered.connect(self._stop_share)
        self.share_button.setMenu(share_menu)
        self.share_sign = QLabel()
        self.share_sign.setObjectName("room-sharing")
        self._screen_timer = QTimer(self)
        self._screen_timer.setInterval(SCREEN_SHARE_MS)
        self._screen_timer.timeout.connect(self._grab_screen)
        self.leave_button = QPushButton(self.tr("Leave room"))
        self.leave_button.setProperty("role", "danger")
        self.leave_button.clicked.connect(self._leave)
        bar = QHBoxLayout()
        for w in (self.title, self.connection, self.rec_sign, self.share_sign):
            bar.addWidget(w)
        bar.addStretch(1)
        for b in (
            self.record_button,
            self.share_button,
            self.caucus_button,
            self.return_button,
            self.leave_button,
        ):
            bar.addWidget(b)

        # Everyone's video: the mediator's own picture first, then each person they see.
        self.grid = QGridLayout()
        self.grid.setSpacing(4)
        self.tiles = [VideoTile(i) for i in range(MAX_TILES)]
        for tile in self.tiles:
            tile.keep_aspect = True
            tile.empty_text = ""
        videos = QWidget()
        videos.setLayout(self.grid)

        self.lobby = QListWidget()
        self.lobby.setObjectName("room-lobby")
        self.admit_button = QPushButton(self.tr("Admit"))
        self.admit_button.setObjectName("room-admit")
        self.admit_button.clicked.connect(self._admit)
        self.people = QListWidget()
        self.people.setObjectName("room-people")
        self.people.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.mute_button = QPushButton(self.tr("Mute"))
        self.mute_button.clicked.connect(lambda: self._each_selected(self._mute))
        self.spotlight_button = QPushButton(self.tr("Spotlight"))
        self.spotlight_button.clicked.connect(self._spotlight)
        self.remove_button = QPushButton(self.tr("Remove"))
        self.remove_button.setProperty("role", "danger")
        self.remove_button.clicked.connect(lambda: self._each_selected(self.desk.remove))
        people_buttons = QHBoxLayout()
        for b in (self.mute_button, self.spotlight_button, self.remove_button):
            people_buttons.addWidget(b)

        self.chat_log = QPlainTextEdit()
        self.chat_log.setObjectName("room-chat")
        self.chat_log.setReadOnly(True)
        self.chat_line = QLineEdit()
        self.chat_line.setPlaceholderText(self.tr("Message to everyone you can see…"))
        self.chat_line.returnPressed.connect(self._send_chat)

        side = QWidget()
        sv = QVBoxLayout(side)
        sv.setContentsMargins(0, 0, 0, 0)
        sv.addWidget(QLabel(self.tr("Lobby")))
        sv.addWidget(self.lobby, 1)
        sv.addWidget(self.admit_button)
        sv.addWidget(QLabel(self.tr("In the room")))
        sv.addWidget(self.people, 2)
        sv.addLayout(people_buttons)
        sv.addWidget(QLabel(self.tr("Chat")))
        sv.addWidget(self.chat_log, 2)
        sv.addWidget(self.chat_line)

        self.tabs = QTabWidget()
        self.tabs.addTab(videos, self.tr("Session"))
        self.agreement = agreement
        if agreement is not None:
            self.tabs.addTab(agreement, self.tr("Agreement"))
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.tabs)
        split.addWidget(side)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        # Names, roles and consent must read in full beside the videos.
        side.setMinimumWidth(theme.scaled(420))
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.notice)
        layout.addWidget(split, 1)

        self._unsubscribe: Callable[[], None] = desk.subscribe(self._on_event)
        self._timer = QTimer(self)
        self._timer.setInterval(PAINT_INTERVAL_MS)
        self._timer.timeout.connect(self._paint)
        self._timer.start()
        self._show_connection(desk.connection)
        self._refresh()

    # --- desk events

    def _on_event(self, event: RoomEvent) -> None:
        if isinstance(event, RoomConnectionChanged):
            self._show_connection(event.state)
        elif isinstance(event, RoomChanged):
            self._refresh()
        elif isinstance(event, LobbyKnocked):
            self._say("lobby", self.tr("%1 is waiting in the lobby").replace("%1", event.name))
        elif isinstance(event, ChatPosted):
            stamp = time.strftime("%H:%M", time.localtime(event.at))
            self.chat_log.appendPlainText(f"[{stamp}] {event.name}: {event.text}")
        elif isinstance(event, RecordingSwitched):
            if event.reason:
                text = self.tr("Recording paused: %1").replace("%1", event.reason)
                self._say("recording", text, theme.WARN)
            self._refresh()
        elif isinstance(event, MediaChanged):
            self._media[event.participant] = event.state
            self._refresh()
        elif isinstance(event, SignatureArrived):
            self.signature_arrived.emit(event)
        elif isinstance(event, ShareSwitched):
            if not event.on:
                self._screen_timer.stop()
            self._refresh()
        elif isinstance(event, RoomError):
            self._show_error(event.text)

    def _show_error(self, text: str) -> None:
        self._say("error", text, theme.ALERT)

    def _say(self, kind: str, text: str, colour: str = theme.ACCENT) -> None:
        self._notice_kind = kind
        self.notice.setText(text)
        self.notice.setStyleSheet(f"color: {colour}; font-weight: 600;")

    def _unsay(self, kind: str) -> None:
        if self._notice_kind == kind:
            self._say("", "")

    def _show_connection(self, state: ClientState) -> None:
        text = {
            ClientState.CONNECTED: self.tr("connected"),
            ClientState.CONNECTING: self.tr("connecting…"),
            ClientState.RECONNECTING: self.tr("signalling lost, reconnecting…"),
            ClientState.CLOSED: self.tr("disconnected"),
        }[state]
        ok = state is ClientState.CONNECTED
        self.connection.setText(text)
        self.connection.setStyleSheet(f"color: {theme.OK if ok else theme.WARN};")

    def _refresh(self) -> None:
        """Lists, buttons and tiles from the desk's current view of the room."""
        lang = current_lang()
        seat = self.desk.seat
        people = {x.id: x for x in self.desk.people()}
        self._fill(self.lobby, [x for x in people.values() if not x.admitted], lang)
        self._fill(
            self.people, [x for x in people.values() if x.admitted and x.id != seat.me], lang
        )
        missing = self.desk.missing_consent()
        if seat.recording:
            self.rec_sign.setText("● " + self.tr("Recording"))
            self.rec_sign.setStyleSheet(f"color: {theme.ALERT}; font-weight: 700;")
            self.record_button.setText(self.tr("Stop recording"))
        else:
            self.rec_sign.setText(self.tr("Not recording"))
            self.rec_sign.setStyleSheet(f"color: {theme.MUTED};")
            self.record_button.setText(self.tr("Record"))
        self.record_button.setToolTip(
            self.tr("Waiting for consent from: %1").replace("%1", "、".join(missing))
            if missing
            else ""
        )
        self.record_button.setEnabled(seat.recording or not missing)
        in_caucus = bool(seat.caucus)
        self.return_button.setEnabled(in_caucus)
        if in_caucus:
            names = "、".join(people[c].name for c in seat.caucus if c in people)
            self._say(
                "caucus",
                self.tr("Caucus with %1; the others wait").replace("%1", names),
                theme.WARN,
            )
        else:
            self._unsay("caucus")
        if self.lobby.count() == 0:
            self._unsay("lobby")
        me = people.get(seat.me)
        if me is not None and not me.admitted:
            # Staff who do not host (a duty officer looking in) wait like anyone else.
            self._say("waiting", self.tr("Waiting in the lobby until the mediator lets you in"))
        else:
            self._unsay("waiting")
        self.admit_button.setEnabled(self.lobby.count() > 0)
        self._show_sharing()
        self._place_tiles(people)

    def _show_sharing(self) -> None:
        sharing = self.desk.sharing
        self.stop_share_action.setEnabled(sharing is not None)
        if sharing is None:
            self.share_sign.setText("")
            self.share_button.setText(self.tr("Share"))
            return
        kind, title = sharing
        if kind == "screen":
            text = self.tr("Sharing your screen")
        else:
            text = self.tr("Sharing document: %1").replace("%1", title)
        self.share_sign.setText("▶ " + text)
        self.share_sign.setStyleSheet(f"color: {theme.ACCENT}; font-weight: 700;")
        self.share_button.setText(self.tr("Sharing…"))

    def _fill(self, widget: QListWidget, people: list[Any], lang: str) -> None:
        chosen = {i.data(Qt.ItemDataRole.UserRole) for i in widget.selectedItems()}
        widget.clear()
        for person in people:
            role = (
                ParticipantRole.from_code(person.role).label(lang)
                if person.role in ParticipantRole.codes()
                else person.role
            )
            parts = [person.name, role]
            parts.append(self.tr("consents") if person.consent else self.tr("no consent yet"))
            if person.id in self.desk.seat.caucus:
                parts.append(self.tr("in caucus"))
            if person.id == self.desk.seat.spotlight:
                parts.append(self.tr("spotlight"))
            item = QListWidgetItem(" · ".join(parts))
            item.setData(Qt.ItemDataRole.UserRole, person.id)
            if not person.consent:
                item.setForeground(Qt.GlobalColor.yellow)
            widget.addItem(item)
            item.setSelected(person.id in chosen)

    def _place_tiles(self, people: dict[str, Any]) -> None:
        seat = self.desk.seat
        # While sharing, the mediator's own tile previews exactly what everyone receives.
        me = self.tr("Me · what I share") if self.desk.sharing is not None else self.tr("Me")
        shown: list[tuple[Any, str, str | None]] = [(self.desk.local_slot, me, None)]
        order = sorted(seat.peers, key=lambda pid: pid != seat.spotlight)
        for pid in order[: MAX_TILES - 1]:
            name = people[pid].name if pid in people else pid
            shown.append((self.desk.slot(pid), name, pid))
        while self.grid.count():
            self.grid.takeAt(0)
        cols = 1 if len(shown) == 1 else 2
        for i, tile in enumerate(self.tiles):
            if i < len(shown):
                slot, name, pid = shown[i]
                if slot is not None:
                    if not tile.attached or tile.title != name:
                        tile.attach(slot, name)
                else:
                    tile.detach(self.tr("connecting…"))
                state = self._media.get(pid or "", "connected" if pid is None else "connecting")
                tile.set_status(_MEDIA_HEALTH.get(state), self._media_text(state))
                self.grid.addWidget(tile, i // cols, i % cols)
                tile.show()
            else:
                tile.detach()
                tile.hide()

    def _media_text(self, state: str) -> str:
        return {
            "connected": self.tr("live"),
            "failed": self.tr("network lost"),
            "disconnected": self.tr("network unstable"),
            "closed": self.tr("left"),
        }.get(state, self.tr("connecting…"))

    def _paint(self) -> None:
        for tile in self.tiles:
            if tile.isVisible():
                tile.refresh()
        # Slots appear once the first frame of a new leg arrives.
        for tile, pid in zip(self.tiles[1:], self.desk.seat.peers, strict=False):
            if not tile.attached and self.desk.slot(pid) is not None:
                self._refresh()
                break

    # --- intents

    def _selected(self, widget: QListWidget) -> list[str]:
        return [str(i.data(Qt.ItemDataRole.UserRole)) for i in widget.selectedItems()]

    def _admit(self) -> None:
        chosen = self._selected(self.lobby) or [
            str(self.lobby.item(0).data(Qt.ItemDataRole.UserRole))
        ]
        for pid in chosen:
            self._tasks.start(self.desk.admit(pid))

    def _each_selected(self, action: Callable[[str], Any]) -> None:
        chosen = self._selected(self.people)
        if not chosen:
            self._show_error(self.tr("Select a participant first"))
        for pid in chosen:
            self._tasks.start(action(pid))

    async def _mute(self, pid: str) -> None:
        await self.desk.mute(pid, audio=True, video=False)

    def _spotlight(self) -> None:
        chosen = self._selected(self.people)
        target = chosen[0] if chosen and chosen[0] != self.desk.seat.spotlight else None
        self._tasks.start(self.desk.spotlight(target))

    def _caucus(self) -> None:
        chosen = self._selected(self.people)
        if not chosen:
            self._show_error(self.tr("Select who joins the caucus"))
            return
        self._tasks.start(self.desk.caucus(chosen))

    def _toggle_recording(self) -> None:
        self._tasks.start(self.desk.set_recording(not self.desk.seat.recording))

    def _share_screen(self) -> None:
        """Share the screen this window is on, grabbed a few times a second."""
        self._tasks.start(self.desk.start_share("screen"))
        self._grab_screen()
        self._screen_timer.start()

    def _grab_screen(self) -> None:
        screen = self.screen()
        image = screen.grabWindow(0).toImage() if screen is not None else QImage()
        if image.isNull():
            self._screen_timer.stop()
            self._show_error(self.tr("The screen cannot be captured on this system"))
            self._tasks.start(self.desk.stop_share())
            return
        # Before the desk's share has begun a push is ignored: the next tick brings another.
        self.desk.push_share_frame(bgra_copy(image), "bgra")

    def _share_document(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Share a document page"),
            "",
            self.tr("Pictures of pages (*.png *.jpg *.jpeg)"),
        )
        if path:
            self.share_document(Path(path))

    def share_document(self, path: Path) -> bool:
        """Share a scanned or photographed page (PNG or JPEG); False, said why, if unreadable."""
        image = QImage(str(path))
        if image.isNull():
            self._show_error(
                self.tr("Cannot share %1: it is not a readable PNG or JPEG picture").replace(
                    "%1", path.name
                )
            )
            return False
        self._screen_timer.stop()
        picture = bgra_copy(on_white(image))
        self._tasks.start(self._start_document(path.name, picture))
        return True

    async def _start_document(self, title: str, picture: np.ndarray) -> None:
        await self.desk.start_share("document", title)
        self.desk.push_share_frame(picture, "bgra")

    def _stop_share(self) -> None:
        self._screen_timer.stop()
        self._tasks.start(self.desk.stop_share())

    def _send_chat(self) -> None:
        text = self.chat_line.text().strip()
        if text:
            self.chat_line.clear()
            self._tasks.start(self.desk.chat(text))

    def _leave(self) -> None:
        self._tasks.start(self.close_room(), lambda _=None: self.left.emit())

    async def close_room(self) -> None:
        self._timer.stop()
        self._screen_timer.stop()
        self._unsubscribe()
        for tile in self.tiles:
            tile.detach()
        await self.desk.leave()


def on_white(image: QImage) -> QImage:
    """A page with transparent parts as it would print: on white, not on black."""
    if not image.hasAlphaChannel():
        return image
    page = QImage(image.size(), QImage.Format.Format_RGB32)
    page.fill(QColor("white"))
    painter = QPainter(page)
    painter.drawImage(0, 0, image)
    painter.end()
    return page


def bgra_copy(image: QImage) -> np.ndarray:
    """The picture as an H×W×4 array in B, G, R, A byte order (QImage's RGB32 in memory)."""
    if image.format() not in (QImage.Format.Format_RGB32, QImage.Format.Format_ARGB32):
        image = image.convertToFormat(QImage.Format.Format_RGB32)
    w, h = image.width(), image.height()
    rows = np.frombuffer(image.constBits(), np.uint8, count=image.sizeInBytes())
    # A copy: the QImage's buffer goes away with it, and the share keeps the array.
    return rows.reshape(h, image.bytesPerLine())[:, : w * 4].reshape(h, w, 4).copy()
