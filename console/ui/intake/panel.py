"""The intake screen: who is waiting, for how long, the service level, and today's calls."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSplitter, QVBoxLayout, QWidget

from console.core.clock import to_local
from console.core.codes import CallState, Urgency
from console.core.events import ChangeSet, Entity
from console.core.records import CallRow
from console.services.intake import IntakeService
from console.ui import theme
from console.ui.i18n import current_lang
from console.ui.models.record_list_model import Column, RecordListModel
from console.ui.tasks import TaskGroup
from console.ui.widgets.kpi_card import KpiCard
from console.ui.widgets.tables import make_table

SERVICE_LEVEL_TARGET = 0.8


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _wait_text(row: CallRow) -> str:
    end = row.answered_at or _now()
    seconds = max(0, int((end - row.queued_at).total_seconds()))
    return f"{seconds // 60:02d}:{seconds % 60:02d}"


class IntakePanel(QWidget):
    """Shows state and emits intent; answering a call arrives with the signalling backend."""

    call_selected = Signal(int)

    def __init__(self, service: IntakeService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("intake-panel")
        self._service = service
        self._tasks = TaskGroup(self)
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
        active = {CallState.QUEUED, CallState.RINGING, CallState.IN_CALL, CallState.ON_HOLD}
        self.queue_model = RecordListModel[CallRow](
            entity=Entity.CALL,
            columns=common,
            load_all=service.active_queue,
            load_ids=service.by_ids,
            keep=lambda r: r.state in active,
            parent=self,
        )
        self.history_model = RecordListModel[CallRow](
            entity=Entity.CALL,
            columns=[
                *common[:5],
                Column[CallRow](
                    lambda: self.tr("Queued at"), lambda r: f"{to_local(r.queued_at):%m-%d %H:%M}"
                ),
                common[6],
            ],
            load_all=service.history,
            load_ids=service.by_ids,
            keep=lambda r: r.state not in active,
            parent=self,
        )

        self.waiting = KpiCard(self.tr("Waiting"))
        self.longest = KpiCard(self.tr("Longest wait"))
        self.answered = KpiCard(self.tr("Answered today"))
        self.service_level = KpiCard(self.tr("Service level (60 s)"))
        self.abandoned = KpiCard(self.tr("Abandoned today"))
        cards = QHBoxLayout()
        for card in (self.waiting, self.longest, self.answered, self.service_level, self.abandoned):
            cards.addWidget(card)

        widths = {0: 190, 1: 140, 3: 160, 4: 100, 5: 110, 6: 120}
        self.queue_view = make_table(self.queue_model, self, stretch_column=2, widths=widths)
        self.history_view = make_table(self.history_model, self, stretch_column=2, widths=widths)

        queue_box = QWidget()
        qv = QVBoxLayout(queue_box)
        qv.setContentsMargins(0, 0, 0, 0)
        qv.addWidget(self._section(self.tr("Call queue (priority first, then longest waiting)")))
        qv.addWidget(self.queue_view)
        history_box = QWidget()
        hv = QVBoxLayout(history_box)
        hv.setContentsMargins(0, 0, 0, 0)
        hv.addWidget(self._section(self.tr("Call history")))
        hv.addWidget(self.history_view)
        split = QSplitter()
        split.setOrientation(split.orientation().Vertical)
        split.addWidget(queue_box)
        split.addWidget(history_box)
        split.setSizes([500, 400])

        layout = QVBoxLayout(self)
        layout.addLayout(cards)
        layout.addWidget(split, 1)

        self.queue_model.loaded.connect(self._refresh_cards)
        self.queue_view.clicked.connect(
            lambda idx: self.call_selected.emit(int(self.queue_model.data(idx, 256)))
        )
        # Waiting times tick on screen without touching the store.
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()

    def _section(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setProperty("role", "section")
        return label

    def load(self) -> None:
        self.queue_model.reload()
        self.history_model.reload()

    def apply_changes(self, changes: ChangeSet) -> None:
        self.queue_model.apply_changes(changes)
        self.history_model.apply_changes(changes)

    def _on_tick(self) -> None:
        rows = self.queue_model.rowCount()
        if rows:
            col = 5
            self.queue_model.dataChanged.emit(
                self.queue_model.index(0, col), self.queue_model.index(rows - 1, col)
            )
        self._refresh_longest()

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
                f"{level:.0%}", theme.OK if level >= SERVICE_LEVEL_TARGET else theme.ALERT
            )
            self.abandoned.set_value(str(int(stats["abandoned"])))

        self._tasks.start(self._service.today_stats(), show)

    def close_panel(self) -> None:
        self._tick.stop()
        self._tasks.cancel_all()
        self.queue_model.close()
        self.history_model.close()
