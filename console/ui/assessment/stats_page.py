"""The statistics page (统计分析) of the assessment screen: KPI tiles and charts for the wall."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from console.core.clock import to_local
from console.core.codes import CaseState
from console.core.events import ChangeSet, Entity
from console.services.statistics import (
    Bucket,
    StateGroup,
    StatisticsService,
    StatsPeriod,
    StatsSnapshot,
)
from console.ui import theme
from console.ui.assessment.walkthrough import Slide, SlideKind
from console.ui.i18n import current_lang
from console.ui.tasks import TaskGroup
from console.ui.widgets.charts import (
    BarChart,
    Chart,
    DonutChart,
    KpiTile,
    LineChart,
    Series,
    StackedBarChart,
    colour,
    percent,
)

REFRESH_COALESCE_MS = 2000
"""Changes arriving within this window cost one reload: a burst of 500 registrations is one."""

PERIODIC_REFRESH_MS = 5 * 60_000
"""Deadlines pass and days end without any change set: a wall display still moves on."""

WATCHED = (Entity.CASE, Entity.FLOW_STEP, Entity.AGREEMENT, Entity.CALL)

GROUP_COLOURS = {
    StateGroup.INTAKE: theme.ACCENT,
    StateGroup.HANDLING: theme.WARN,
    StateGroup.CLOSED: theme.OK,
    StateGroup.DROPPED: theme.MUTED,
}


def bucket_label(start: date, bucket: Bucket) -> str:
    if bucket is Bucket.MONTH:
        return f"{start:%Y-%m}"
    return f"{start.month}/{start.day}"


class StatsPage(QWidget):
    """Loads one snapshot for the chosen period and area; reloads, coalesced, on case changes."""

    loaded = Signal()

    def __init__(
        self,
        service: StatisticsService,
        parent: QWidget | None = None,
        *,
        refresh_delay_ms: int = REFRESH_COALESCE_MS,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("assessment-stats")
        self._service = service
        self._tasks = TaskGroup(self)
        self.snapshot: StatsSnapshot | None = None
        self.loads_started = 0
        self._generation = 0
        self._in_flight = False
        self._dirty = False
        lang = current_lang()

        self.period_box = QComboBox()
        for period in StatsPeriod:
            self.period_box.addItem(period.label(lang), period)
        self.period_box.setCurrentIndex(1)
        self.area_box = QComboBox()
        self.area_box.addItem(self.tr("Whole city"), None)
        self.as_of = QLabel("")
        self.as_of.setProperty("role", "muted")
        bar = QHBoxLayout()
        for text, box in ((self.tr("Period"), self.period_box), (self.tr("Area"), self.area_box)):
            label = QLabel(text)
            label.setProperty("role", "muted")
            bar.addWidget(label)
            bar.addWidget(box)
        bar.addStretch(1)
        bar.addWidget(self.as_of)

        self.created_tile = KpiTile(self.tr("New cases"))
        self.overdue_tile = KpiTile(self.tr("Overdue rate"))
        self.overdue_now_tile = KpiTile(self.tr("Overdue now"))
        self.success_tile = KpiTile(self.tr("Mediation success rate"))
        self.agreements_tile = KpiTile(self.tr("Agreements signed"))
        self.service_tile = KpiTile(self.tr("Intake service level"))
        tiles = QHBoxLayout()
        for tile in self.tiles():
            tiles.addWidget(tile)

        self.timeline = StackedBarChart(self.tr("New cases by current state"))
        self.state_donut = DonutChart(self.tr("Cases by state"), caption=self.tr("cases"))
        self.category_bars = BarChart(self.tr("Cases by category"))
        self.area_bars = BarChart(self.tr("Cases by district"), bar_colour="#26c6da")
        self.service_line = LineChart(self.tr("Intake service level"), fmt=percent, y_max=1.0)
        grid = QGridLayout()
        grid.setSpacing(theme.scaled(8))
        grid.addWidget(self.timeline, 0, 0, 1, 2)
        grid.addWidget(self.state_donut, 0, 2)
        grid.addWidget(self.category_bars, 1, 0)
        grid.addWidget(self.area_bars, 1, 1)
        grid.addWidget(self.service_line, 1, 2)
        for col in range(3):
            grid.setColumnStretch(col, 1)
        for row in range(2):
            grid.setRowStretch(row, 1)

        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(tiles)
        layout.addLayout(grid, 1)

        self._coalesce = QTimer(self)
        self._coalesce.setSingleShot(True)
        self._coalesce.setInterval(refresh_delay_ms)
        self._coalesce.timeout.connect(self._refresh_if_shown)
        self._stale = False
        self._periodic = QTimer(self)
        self._periodic.setInterval(PERIODIC_REFRESH_MS)
        self._periodic.timeout.connect(self._refresh_if_shown)
        self.period_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.area_box.currentIndexChanged.connect(lambda _i: self.reload())

    # --- what the page shows

    def tiles(self) -> list[KpiTile]:
        return [
            self.created_tile,
            self.overdue_tile,
            self.overdue_now_tile,
            self.success_tile,
            self.agreements_tile,
            self.service_tile,
        ]

    def charts(self) -> list[Chart]:
        return [
            self.timeline,
            self.state_donut,
            self.category_bars,
            self.area_bars,
            self.service_line,
        ]

    def period(self) -> StatsPeriod:
        period: StatsPeriod = self.period_box.currentData()
        return period

    def set_period(self, period: StatsPeriod) -> None:
        self.period_box.setCurrentIndex(self.period_box.findData(period))

    def region_id(self) -> int | None:
        region: int | None = self.area_box.currentData()
        return region

    # --- loading

    def load(self) -> None:
        self.reload()
        self._periodic.start()

        def fill_areas(areas: list[tuple[int, str]]) -> None:
            for region_id, name in areas:
                self.area_box.addItem(name, region_id)

        self._tasks.start(self._service.districts(), fill_areas)

    def reload(self) -> None:
        """Ask for a snapshot now; one already on its way is followed by one more, not two."""
        self._coalesce.stop()
        if self._in_flight:
            self._dirty = True
            return
        self._in_flight = True
        self._dirty = False
        self._generation += 1
        generation = self._generation
        self.loads_started += 1
        period, region = self.period(), self.region_id()

        def show(snap: StatsSnapshot) -> None:
            self._in_flight = False
            if generation == self._generation:
                self.show_snapshot(snap)
            if self._dirty or (snap.period, snap.region_id) != (self.period(), self.region_id()):
                self.reload()

        task = self._tasks.start(self._service.snapshot(period, region), show)
        task.add_done_callback(lambda t: self._settle(t.cancelled() or t.exception() is not None))

    def _settle(self, failed: bool) -> None:
        if failed:
            self._in_flight = False

    def _refresh_if_shown(self) -> None:
        """A page on a hidden tab only notes that it is stale, and reloads when shown."""
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self.reload()

    def apply_changes(self, changes: ChangeSet) -> None:
        if any(changes.touches(e) for e in WATCHED) and not self._coalesce.isActive():
            # Not restarted by later changes: a steady stream still refreshes every window.
            self._coalesce.start()

    def close_panel(self) -> None:
        self._coalesce.stop()
        self._periodic.stop()
        self._tasks.cancel_all()
        self._in_flight = False

    # --- drawing a snapshot

    def show_snapshot(self, snap: StatsSnapshot) -> None:
        self.snapshot = snap
        lang = current_lang()
        self.as_of.setText(
            self.tr("{area} · {first} – {last} · as of {time}").format(
                area=snap.area_name,
                first=f"{snap.first_day:%Y-%m-%d}",
                last=f"{snap.last_day:%Y-%m-%d}",
                time=f"{to_local(snap.taken_at):%H:%M}",
            )
        )
        self.created_tile.set_value(
            f"{snap.created:,}", self.tr("{open:,} open now").format(open=snap.open_now)
        )
        over = snap.overdue.value
        self.overdue_tile.set_value(
            "—" if over is None else percent(over),
            self.tr("{late:,} late of {due:,} due").format(
                late=snap.overdue.part, due=snap.overdue.whole
            ),
            None if over is None else _level_colour(over, warn=0.1, alert=0.2),
        )
        self.overdue_now_tile.set_value(
            f"{snap.overdue_now:,}",
            self.tr("of {open:,} open cases").format(open=snap.open_now),
            theme.ALERT if snap.overdue_now else theme.OK,
        )
        success = snap.mediation_success.value
        self.success_tile.set_value(
            "—" if success is None else percent(success),
            self.tr("{ok:,} of {flagged:,} closed with a result").format(
                ok=snap.mediation_success.part, flagged=snap.mediation_success.whole
            ),
            None if success is None else (theme.OK if success >= 0.6 else theme.WARN),
        )
        self.agreements_tile.set_value(
            f"{snap.agreements_signed:,}", self.tr("people's mediation agreements")
        )
        level = snap.service_level
        self.service_tile.set_value(
            "—" if level is None else percent(level),
            self.tr("{n:,} calls answered · target {target}").format(
                n=snap.answered_calls, target=percent(snap.service_target)
            ),
            None if level is None else (theme.OK if level >= snap.service_target else theme.WARN),
        )

        labels = [bucket_label(b.start, snap.bucket) for b in snap.buckets]
        groups = list(StateGroup)
        stacks = [
            Series(
                g.label(lang), tuple(b.created_by_group[i] for b in snap.buckets), GROUP_COLOURS[g]
            )
            for i, g in enumerate(groups)
        ]
        closed = Series(self.tr("Closed"), tuple(b.closed for b in snap.buckets), "#9b7bff")
        self.timeline.set_data(labels, stacks, [closed])
        self.state_donut.set_items(
            [
                (CaseState(c.key).label(lang), c.value, colour(i))
                for i, c in enumerate(snap.by_state)
            ]
        )
        self.category_bars.set_items([(c.label, c.value) for c in snap.by_category])
        self.area_bars.set_title(
            self.tr("Cases by grid") if snap.area_is_grid else self.tr("Cases by district")
        )
        self.area_bars.set_items([(c.label, c.value) for c in snap.by_area])
        self.service_line.set_data(
            labels,
            [
                Series(
                    self.tr("Answered within 60 s"),
                    tuple(b.service_level for b in snap.buckets),
                    theme.ACCENT,
                )
            ],
            (
                snap.service_target,
                self.tr("Target {target}").format(target=percent(snap.service_target)),
            ),
        )
        self.loaded.emit()

    # --- slides for the walkthrough

    def chart_slides(self) -> list[Slide]:
        """One slide per chart plus the key figures, each a copy of what the page shows now."""
        context = self._context()
        slides = [
            Slide(
                SlideKind.CHART,
                f"{context} — {self.tr('Key figures')}",
                self._figures_widget,
            )
        ]
        for chart in self.charts():
            slides.append(Slide(SlideKind.CHART, f"{context} — {chart.title()}", _cloner(chart)))
        return slides

    def _context(self) -> str:
        area = self.area_box.currentText()
        return f"{area} · {self.period_box.currentText()}"

    def _figures_widget(self) -> QWidget:
        widget = QWidget()
        grid = QGridLayout(widget)
        grid.setSpacing(theme.scaled(16))
        for i, tile in enumerate(self.tiles()):
            grid.addWidget(tile.clone(), i // 3, i % 3)
        return widget


def _cloner(chart: Chart) -> Callable[[], QWidget]:
    return lambda: chart.clone()


def _level_colour(value: float, *, warn: float, alert: float) -> str:
    if value >= alert:
        return theme.ALERT
    if value >= warn:
        return theme.WARN
    return theme.OK
