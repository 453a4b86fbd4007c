"""The intake screen: the shared queue, the officer's live call, registration, and call history."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMenu,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStyle,
    QSystemTrayIcon,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from console.core.clock import to_local
from console.core.codes import CallState, Urgency
from console.core.events import ChangeSet, Entity
from console.core.queue_records import ACTIVE_STATES
from console.core.records import CallRow
from console.core.service_level import ANSWER_WITHIN_S, TARGET
from console.services.intake import IntakeService
from console.ui import theme
from console.ui.i18n import current_lang
from console.ui.intake.call_view import CallView
from console.ui.models.record_list_model import Column, RecordListModel
from console.ui.tasks import TaskGroup
from console.ui.widgets.kpi_card import KpiCard
from console.ui.widgets.tables import make_table
from console.ui.widgets.video_tile import PAINT_INTERVAL_MS

HISTORY_SEARCH_PAUSE_MS = 300


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _mm_ss(seconds: float) -> str:
    s = max(0, int(seconds))
    return f"{s // 60:02d}:{s % 60:02d}"


def _wait_text(row: CallRow) -> str:
    end = row.answered_at or row.ended_at or _now()
    return _mm_ss((end - row.queued_at).total_seconds())


def _talk_text(row: CallRow) -> str:
    if row.answered_at is None or row.ended_at is None:
        return ""
    return _mm_ss((row.ended_at - row.answered_at).total_seconds())


class IntakePanel(QWidget):
    """Shows the queue, the call and the history, and emits intent to the officer's desk.

    The desk (an `OfficerDesk`) arrives once signalling is up (`attach_desk`); until then
    the queue and history still show from the store and the call area says why it is idle.
    """

    call_selected = Signal(int)
    ring_problem = Signal(str)
    """From any thread: the ring's sound device failed (a RingProblem value)."""

    def __init__(
        self,
        service: IntakeService,
        *,
        registration_form: QWidget | None = None,
        ringer: Any = None,
        capture_devices: tuple[Callable[[], list[Any]], Callable[[], list[Any]]] | None = None,
        rooms: Callable[[], Coroutine[Any, Any, list[Any]]] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("intake-panel")
        self._service = service
        self._tasks = TaskGroup(self)
        self._tasks.failed.connect(lambda m: self.call_view.set_notice(m, theme.ALERT))
        self._desk: Any = None
        self._unsubscribe: Callable[[], None] | None = None
        self._ringer = ringer
        self._rooms = rooms
        self._tray: QSystemTrayIcon | None = None
        self._history_text = ""
        self._registered_for: str | None = None
        self._remote_slot: Any = None
        self._local_slot: Any = None
        self._flash = False
        lang = current_lang

        def urgency_colour(r: CallRow) -> str | None:
            return {Urgency.VERY_URGENT: theme.ALERT, Urgency.URGENT: theme.WARN}.get(r.urgency)

        common = [
            Column[CallRow](lambda: self.tr("Ticket"), lambda r: r.ticket),
            Column[CallRow](lambda: self.tr("Caller"), lambda r: r.caller_name),
            Column[CallRow](lambda: self.tr("Matter"), lambda r: r.category.label(lang())),
            Column[CallRow](
                lambda: self.tr("Urgency"),
                lambda r: (
                    r.urgency.label(lang()) + (self.tr(" · vulnerable") if r.vulnerable else "")
                ),
                urgency_colour,
            ),
            Column[CallRow](lambda: self.tr("State"), lambda r: r.state.label(lang())),
            Column[CallRow](lambda: self.tr("Waited"), _wait_text),
            Column[CallRow](lambda: self.tr("Officer"), lambda r: r.officer_name),
        ]
        self.queue_model = RecordListModel[CallRow](
            entity=Entity.CALL,
            columns=common,
            load_all=service.active_queue,
            load_ids=service.by_ids,
            keep=lambda r: r.state in ACTIVE_STATES,
            parent=self,
        )
        self.history_model = RecordListModel[CallRow](
            entity=Entity.CALL,
            columns=[
                Column[CallRow](
                    lambda: self.tr("Queued at"), lambda r: f"{to_local(r.queued_at):%m-%d %H:%M}"
                ),
                common[1],
                common[2],
                common[4],
                common[5],
                Column[CallRow](lambda: self.tr("Talked"), _talk_text),
                common[6],
                Column[CallRow](lambda: self.tr("Outcome"), lambda r: r.outcome),
                Column[CallRow](
                    lambda: self.tr("Case"), lambda r: f"#{r.case_id}" if r.case_id else ""
                ),
            ],
            load_all=lambda: service.history(text=self._history_text),
            load_ids=service.by_ids,
            keep=lambda r: r.state not in ACTIVE_STATES and self._matches_search(r),
            new_first=True,
            parent=self,
        )

        self.waiting = KpiCard(self.tr("Waiting"))
        self.longest = KpiCard(self.tr("Longest wait"))
        self.answered = KpiCard(self.tr("Answered today"))
        self.service_level = KpiCard(
            self.tr("Service level (answered within %n s)", "", int(ANSWER_WITHIN_S))
        )
        self.abandoned = KpiCard(self.tr("Abandoned today"))
        cards = QHBoxLayout()
        for card in (self.waiting, self.longest, self.answered, self.service_level, self.abandoned):
            cards.addWidget(card)

        self.queue_view = make_table(
            self.queue_model, self, stretch_column=2, widths={0: 190, 1: 90, 3: 120, 4: 80, 5: 70}
        )
        self.queue_view.setToolTip(self.tr("Double-click a waiting call to answer it"))
        self.history_view = make_table(
            self.history_model,
            self,
            stretch_column=7,
            widths={0: 100, 1: 80, 2: 100, 3: 64, 4: 64, 5: 70, 6: 80, 8: 64},
        )
        self.history_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.history_search = QLineEdit()
        self.history_search.setObjectName("history-search")
        self.history_search.setPlaceholderText(
            self.tr("Search calls: ticket, caller, phone, officer, outcome")
        )
        self.history_search.setClearButtonEnabled(True)

        self.call_view = CallView(self)
        self.desk_bar = self._make_desk_bar()
        self.ring_banner = QPushButton("")
        self.ring_banner.setObjectName("ring-banner")
        self.ring_banner.setVisible(False)
        self.ring_banner.setMinimumHeight(theme.scaled(40))

        queue_box = QWidget()
        qv = QVBoxLayout(queue_box)
        qv.setContentsMargins(0, 0, 0, 0)
        qv.addWidget(self._section(self.tr("Priority first, then longest waiting")))
        qv.addWidget(self.queue_view)
        history_box = QWidget()
        hv = QVBoxLayout(history_box)
        hv.setContentsMargins(0, 0, 0, 0)
        hv.addWidget(self.history_search)
        hv.addWidget(self.history_view)
        self.lists = QTabWidget()
        self.lists.setObjectName("intake-lists")
        self.lists.addTab(queue_box, self.tr("Call queue"))
        self.lists.addTab(history_box, self.tr("Call history"))

        call_box = QWidget()
        cv = QVBoxLayout(call_box)
        cv.setContentsMargins(0, 0, 0, 0)
        cv.addWidget(self.desk_bar)
        cv.addWidget(self.ring_banner)
        cv.addWidget(self.call_view, 1)

        # Left: the caller and the queue; right: the form the officer types into while
        # talking (a party's row needs about 1000 px).
        left = QSplitter(Qt.Orientation.Vertical)
        left.addWidget(call_box)
        left.addWidget(self.lists)
        left.setSizes([620, 380])
        left.setChildrenCollapsible(False)
        self.registration = registration_form
        self.split = QSplitter(Qt.Orientation.Horizontal)
        self.split.addWidget(left)
        if registration_form is not None:
            scroll = QScrollArea()
            scroll.setObjectName("registration-scroll")
            scroll.setWidgetResizable(True)
            scroll.setWidget(registration_form)
            scroll.setMinimumWidth(520)
            self.split.addWidget(scroll)
            self.split.setSizes([860, 1040])
        self.split.setChildrenCollapsible(False)

        layout = QVBoxLayout(self)
        layout.addLayout(cards)
        layout.addWidget(self.split, 1)

        self.queue_model.loaded.connect(self._refresh_cards)
        self.queue_view.clicked.connect(
            lambda idx: self.call_selected.emit(int(self.queue_model.data(idx, 256)))
        )
        self.queue_view.doubleClicked.connect(self._queue_double_clicked)
        self.history_view.customContextMenuRequested.connect(self._history_menu)
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(HISTORY_SEARCH_PAUSE_MS)
        self._search_timer.timeout.connect(self._search_history)
        self.history_search.textChanged.connect(lambda _t: self._search_timer.start())
        self.ring_banner.clicked.connect(self._answer_ringing)
        self.ring_problem.connect(self._show_ring_problem)
        self._connect_call_view()
        if registration_form is not None and hasattr(registration_form, "registered"):
            registration_form.registered.connect(self._registered)
        if capture_devices is not None:
            self._fill_devices(*capture_devices)

        # Waiting times tick on screen without touching the store.
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        self._paint = QTimer(self)
        self._paint.setInterval(PAINT_INTERVAL_MS)
        self._paint.timeout.connect(self._paint_tick)
        self._show_connection(None)

    # --- construction helpers

    def _section(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "section")
        return label

    def _make_desk_bar(self) -> QWidget:
        bar = QWidget()
        bar.setObjectName("desk-bar")
        row = QHBoxLayout(bar)
        row.setContentsMargins(0, 0, 0, 0)
        self.connection_label = QLabel("")
        self.connection_label.setObjectName("desk-connection")
        self.presence_combo = QComboBox()
        self.presence_combo.setObjectName("desk-presence")
        self.presence_combo.addItem(self.tr("Take calls"), "available")
        self.presence_combo.addItem(self.tr("Pause calls (away)"), "away")
        self.presence_combo.setToolTip(self.tr("Whether calls may ring here between calls"))
        self.presence_state = QLabel("")
        self.presence_state.setObjectName("desk-presence-state")
        self.wrap_up_button = QPushButton(self.tr("Finish wrap-up"))
        self.wrap_up_button.setObjectName("desk-finish-wrap-up")
        self.wrap_up_button.setVisible(False)
        self.camera_combo = QComboBox()
        self.camera_combo.setObjectName("desk-camera")
        self.camera_combo.setToolTip(self.tr("Camera for the next call"))
        self.microphone_combo = QComboBox()
        self.microphone_combo.setObjectName("desk-microphone")
        self.microphone_combo.setToolTip(self.tr("Microphone for the next call"))
        row.addWidget(self.connection_label)
        row.addWidget(QLabel(self.tr("My state:")))
        row.addWidget(self.presence_state)
        row.addWidget(self.presence_combo)
        row.addWidget(self.wrap_up_button)
        row.addStretch(1)
        row.addWidget(QLabel(self.tr("Camera")))
        row.addWidget(self.camera_combo)
        row.addWidget(QLabel(self.tr("Microphone")))
        row.addWidget(self.microphone_combo)
        self.presence_combo.activated.connect(self._presence_chosen)
        self.wrap_up_button.clicked.connect(lambda: self._desk_do("finish_wrap_up"))
        self.camera_combo.activated.connect(self._devices_chosen)
        self.microphone_combo.activated.connect(self._devices_chosen)
        return bar

    def _fill_devices(
        self, videos: Callable[[], list[Any]], audios: Callable[[], list[Any]]
    ) -> None:
        for combo, devices in ((self.camera_combo, videos()), (self.microphone_combo, audios())):
            combo.clear()
            for device in devices:
                name = (
                    (
                        self.tr("Generated test picture")
                        if combo is self.camera_combo
                        else self.tr("Generated test tone")
                    )
                    if device.generated
                    else device.name
                )
                combo.addItem(name, device.id)

    def _connect_call_view(self) -> None:
        v = self.call_view
        v.accept_clicked.connect(lambda t: self._desk_do("accept", t))
        v.decline_clicked.connect(lambda t: self._desk_do("decline", t))
        v.hold_toggled.connect(lambda on: self._desk_do("hold", on))
        v.mute_changed.connect(lambda a, vid: self._desk_do("mute", a, vid))
        v.recording_toggled.connect(lambda on: self._desk_do("set_recording", on))
        v.transfer_requested.connect(lambda u: self._desk_do("transfer_to_officer", u))
        v.room_transfer_requested.connect(lambda r: self._desk_do("transfer_to_room", r))
        v.hangup_clicked.connect(lambda: self._desk_do("hangup"))
        v.snapshot_clicked.connect(self._snapshot)

    # --- the desk

    @property
    def desk(self) -> Any:
        return self._desk

    def attach_desk(self, desk: Any) -> None:
        """Drive `desk` (a started OfficerDesk) from this screen."""
        if self._unsubscribe is not None:
            self._unsubscribe()
        self._desk = desk
        self._unsubscribe = desk.subscribe(self._on_desk_event)
        self._devices_chosen()
        self._show_connection(desk.connection)
        self._show_presence()
        self.call_view.set_officers(self._other_officers())
        self.call_view.set_call(desk.call)
        self._paint.start()

    def _desk_do(self, method: str, *args: Any) -> None:
        if self._desk is None:
            self.call_view.set_notice(
                self.tr("Not connected to the signalling server: calls cannot be answered"),
                theme.ALERT,
            )
            return
        self._tasks.start(getattr(self._desk, method)(*args))

    def _on_desk_event(self, event: Any) -> None:
        kind = type(event).__name__
        desk = self._desk
        if kind == "ConnectionChanged":
            self._show_connection(event.state, event.error)
        elif kind == "CallChanged":
            self._show_call(event.call)
        elif kind == "Ringing":
            self._show_call(desk.call if desk is not None else None)
            self._notify_ring(event.name)
        elif kind == "PresenceChanged":
            self.call_view.set_officers(self._other_officers())
        elif kind == "DeskError":
            self.call_view.set_notice(event.message, theme.ALERT)
        self._show_presence()

    def _other_officers(self) -> dict[str, tuple[str, Any]]:
        desk = self._desk
        if desk is None:
            return {}
        return {uid: v for uid, v in desk.officers.items() if uid != desk.user}

    def _show_connection(self, state: Any, error: str = "") -> None:
        value = getattr(state, "value", None)
        texts = {
            None: (self.tr("● Signalling not connected"), theme.MUTED),
            "connecting": (self.tr("● Connecting to signalling…"), theme.WARN),
            "connected": (self.tr("● Signalling connected"), theme.OK),
            "reconnecting": (
                self.tr("● Signalling lost — reconnecting; calls in progress keep their place"),
                theme.ALERT,
            ),
            "closed": (self.tr("● Signalling closed"), theme.ALERT),
        }
        text, colour = texts.get(value, texts[None])
        if error and value in ("reconnecting", "closed"):
            text += f"（{error[:80]}）"
        self.connection_label.setText(text)
        self.connection_label.setStyleSheet(f"color: {colour};")

    def _show_presence(self) -> None:
        desk = self._desk
        if desk is None:
            self.presence_state.setText("")
            self.wrap_up_button.setVisible(False)
            return
        value = desk.presence.value
        texts = {
            "available": self.tr("waiting for calls"),
            "on_call": self.tr("on a call"),
            "wrap_up": self.tr("wrap-up: finish the record, no calls ring"),
            "away": self.tr("away: no calls ring"),
        }
        self.presence_state.setText(texts.get(value, value))
        self.wrap_up_button.setVisible(value == "wrap_up")
        choice = "away" if value == "away" else "available"
        self.presence_combo.setCurrentIndex(self.presence_combo.findData(choice))

    def _presence_chosen(self, index: int) -> None:
        if self._desk is None:
            return
        states = type(self._desk.presence)  # the desk's own presence enum
        self._desk_do("set_presence", states(self.presence_combo.itemData(index)))

    def _devices_chosen(self, *_: Any) -> None:
        desk = self._desk
        if desk is None:
            return
        if self.camera_combo.count():
            desk.video_source = self.camera_combo.currentData()
        if self.microphone_combo.count():
            desk.audio_source = self.microphone_combo.currentData()

    def _show_call(self, call: Any) -> None:
        self.call_view.set_call(call)
        ringing = call is not None and call.state == "ringing"
        if self._ringer is not None:
            self._ringer.set_ringing(ringing)
        self.ring_banner.setVisible(ringing)
        if ringing:
            self.ring_banner.setText(
                self.tr("Incoming call: %1 — click to answer").replace("%1", call.caller_name)
            )
        if call is not None and call.state in ("connecting", "in_call"):
            self._open_registration(call)
        if call is not None and call.state in ("ringing", "connecting"):
            self._load_rooms()
        if call is not None and call.state == "ended" and call.ended_reason:
            self.call_view.set_notice(self.tr("Call ended: %1").replace("%1", call.ended_reason))

    def _load_rooms(self) -> None:
        """The rooms a call may move into: scheduled or in session (a room row's id)."""
        if self._rooms is None:
            return
        lang = current_lang()

        def show(rows: list[Any]) -> None:
            usable = [r for r in rows if r.state.code in ("scheduled", "open", "caucus")]
            self.call_view.set_rooms(
                [(str(r.id), f"{r.name} · {r.state.label(lang)}") for r in usable]
            )

        self._tasks.start(self._rooms(), show)

    def _notify_ring(self, name: str) -> None:
        if not QSystemTrayIcon.isSystemTrayAvailable():
            QApplication.alert(self.window())
            return
        if self._tray is None:
            icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
            self._tray = QSystemTrayIcon(icon, self)
            self._tray.show()
        self._tray.showMessage(
            self.tr("Incoming video petition"),
            self.tr("%1 is calling").replace("%1", name),
            QSystemTrayIcon.MessageIcon.Information,
            10_000,
        )
        QApplication.alert(self.window())

    def _show_ring_problem(self, problem: str) -> None:
        text = {
            "no_device": self.tr("No sound device: calls ring on screen and in the tray only"),
            "interrupted": self.tr("The ring's sound device stopped working"),
        }.get(problem, problem)
        self.call_view.set_notice(text, theme.WARN)

    def _answer_ringing(self) -> None:
        desk = self._desk
        if desk is not None and desk.call is not None and desk.call.state == "ringing":
            self._desk_do("accept", desk.call.ticket)

    def _queue_double_clicked(self, index: QModelIndex) -> None:
        row = self.queue_model.record(index.row())
        if row.state in (CallState.QUEUED, CallState.RINGING):
            self._desk_do("accept", row.ticket)

    def _open_registration(self, call: Any) -> None:
        form = self.registration
        if form is None or self._registered_for == call.ticket:
            return
        self._registered_for = call.ticket

        def found(call_id: int | None) -> None:
            form.load_for_call(call_id, call.caller_name, call.phone, ticket=call.ticket)

        self._tasks.start(self._service.call_id(call.ticket), found)

    def _registered(self, case_id: int) -> None:
        self.call_view.set_notice(
            self.tr("Registered as case #%1; it is in the case ledger").replace("%1", str(case_id)),
            theme.OK,
        )

    def _snapshot(self) -> None:
        desk = self._desk
        if desk is None or not hasattr(desk, "snapshot"):
            return

        def saved(asset: Any) -> None:
            self.call_view.set_notice(
                self.tr("Snapshot saved (sha256 %1…)").replace("%1", asset.sha256[:12]),
                theme.OK,
            )

        self._tasks.start(desk.snapshot(), saved)

    # --- painting the call

    def _paint_tick(self) -> None:
        desk = self._desk
        if desk is None:
            return
        remote, local = desk.remote_slot, desk.local_slot
        view = self.call_view
        if remote is not self._remote_slot:
            self._remote_slot = remote
            if remote is None:
                on_hold = desk.call is not None and desk.call.state == "on_hold"
                view.remote.detach(self.tr("On hold") if on_hold else "")
            else:
                view.remote.attach(remote, desk.call.caller_name if desk.call else "")
                view.remote.set_status(None, "")  # the call's own header says how it is
        if local is not self._local_slot:
            self._local_slot = local
            if local is None:
                view.local.detach("")
            else:
                view.local.attach(local, self.tr("Me"))
                view.local.set_status(None, "")
        view.remote.refresh()
        view.local.refresh()

    # --- history

    def _matches_search(self, row: CallRow) -> bool:
        needle = self._history_text.strip().lower()
        if not needle:
            return True
        return any(
            needle in field.lower()
            for field in (row.ticket, row.caller_name, row.phone, row.officer_name, row.outcome)
        )

    def _search_history(self) -> None:
        self._history_text = self.history_search.text()
        self.history_model.reload()

    def _history_menu(self, pos: QPoint) -> None:
        index = self.history_view.indexAt(pos)
        if not index.isValid():
            return
        row = self.history_model.record(index.row())
        menu = QMenu(self)
        callback = menu.addAction(self.tr("Mark as called back"))
        callback.setEnabled(row.state is CallState.ABANDONED and self._desk is not None)
        register = menu.addAction(self.tr("Open its registration"))
        register.setEnabled(self.registration is not None and row.case_id is None)
        chosen = menu.exec(self.history_view.viewport().mapToGlobal(pos))
        if chosen is callback:
            self._desk_do("callback", row.ticket)
        elif chosen is register and self.registration is not None:
            self._registered_for = row.ticket
            self.registration.load_for_call(row.id, row.caller_name, row.phone, ticket=row.ticket)

    # --- store changes and the clock

    def load(self) -> None:
        self.queue_model.reload()
        self.history_model.reload()

    def apply_changes(self, changes: ChangeSet) -> None:
        self.queue_model.apply_changes(changes)
        self.history_model.apply_changes(changes)
        if any(c.entity is Entity.CALL for c in changes.changes):
            self._refresh_cards()

    def _on_tick(self) -> None:
        rows = self.queue_model.rowCount()
        if rows:
            col = 5
            self.queue_model.dataChanged.emit(
                self.queue_model.index(0, col), self.queue_model.index(rows - 1, col)
            )
        self._refresh_longest()
        self.call_view.tick()
        if self.ring_banner.isVisible():
            self._flash = not self._flash
            colour = theme.ALERT if self._flash else theme.WARN
            self.ring_banner.setStyleSheet(
                f"QPushButton {{ background: {colour}; color: white; font-weight: bold; }}"
            )

    def _refresh_longest(self) -> None:
        waiting = [r for r in self.queue_model.records() if r.state is CallState.QUEUED]
        self.waiting.set_value(str(len(waiting)), theme.WARN if waiting else None)
        self.longest.set_value(
            _wait_text(min(waiting, key=lambda r: r.queued_at)) if waiting else "00:00"
        )

    def _refresh_cards(self) -> None:
        self._refresh_longest()

        def show(stats: dict[str, float]) -> None:
            self.answered.set_value(str(int(stats["answered"])))
            level = stats["service_level"]
            self.service_level.set_value(
                f"{level:.0%}", theme.OK if level >= TARGET else theme.ALERT
            )
            self.abandoned.set_value(str(int(stats["abandoned"])))

        self._tasks.start(self._service.today_stats(), show)

    def close_panel(self) -> None:
        self._tick.stop()
        self._paint.stop()
        self._search_timer.stop()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._ringer is not None:
            self._ringer.close()
        if self._tray is not None:
            self._tray.hide()
        if self.registration is not None and hasattr(self.registration, "close_form"):
            self.registration.close_form()
        self._tasks.cancel_all()
        self.queue_model.close()
        self.history_model.close()
