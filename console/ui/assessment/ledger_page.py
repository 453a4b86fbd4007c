"""The ledger page (台账) of the assessment screen: filters, deadline cards and each case's flow."""

from __future__ import annotations

from datetime import datetime

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from console.core.clock import to_local
from console.core.codes import CaseState, DisputeCategory, FlowAction
from console.core.events import ChangeSet, Entity
from console.core.records import CaseFilter
from console.services.cases import CaseService
from console.ui import theme
from console.ui.i18n import current_lang
from console.ui.models.case_ledger_model import CaseLedgerModel
from console.ui.tasks import TaskGroup
from console.ui.widgets.kpi_card import KpiCard
from console.ui.widgets.tables import make_table

TYPING_PAUSE_MS = 250


class LedgerPage(QWidget):
    def __init__(self, service: CaseService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assessment-ledger")
        self._service = service
        self._tasks = TaskGroup(self)
        self._area_grids: tuple[int, ...] = ()
        lang = current_lang()

        self.model = CaseLedgerModel(service, self)
        self.open_card = KpiCard(self.tr("Open cases"))
        self.overdue_card = KpiCard(self.tr("Overdue"))
        self.due_soon_card = KpiCard(self.tr("Due within 3 days"))
        self.red_card = KpiCard(self.tr("Red-card supervision"))
        self.shown_card = KpiCard(self.tr("Matching the filter"))
        cards = QHBoxLayout()
        for card in (
            self.open_card,
            self.overdue_card,
            self.due_soon_card,
            self.red_card,
            self.shown_card,
        ):
            cards.addWidget(card)

        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search case no., title or summary…"))
        self.search.setClearButtonEnabled(True)
        self.state_box = QComboBox()
        self.state_box.addItem(self.tr("All states"), None)
        for state in CaseState:
            self.state_box.addItem(state.label(lang), state)
        self.category_box = QComboBox()
        self.category_box.addItem(self.tr("All categories"), None)
        for cat in DisputeCategory:
            self.category_box.addItem(cat.label(lang), cat)
        self.area_box = QComboBox()
        self.area_box.addItem(self.tr("Whole city"), None)
        self.overdue_box = QCheckBox(self.tr("Overdue only"))
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        for w in (self.state_box, self.category_box, self.area_box, self.overdue_box):
            bar.addWidget(w, 1)

        self.view = make_table(
            self.model,
            self,
            stretch_column=1,
            widths={0: 150, 2: 110, 3: 80, 4: 170, 5: 80, 6: 70, 7: 190, 8: 190},
        )

        detail = QFrame()
        detail.setProperty("role", "card")
        dv = QVBoxLayout(detail)
        self.detail_title = QLabel("—")
        self.detail_title.setWordWrap(True)
        self.detail_title.setProperty("role", "kpi-label")
        self.flow = QListWidget()
        flow_label = QLabel(self.tr("Case flow"))
        flow_label.setProperty("role", "section")
        dv.addWidget(self.detail_title)
        dv.addWidget(flow_label)
        dv.addWidget(self.flow, 1)

        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.view)
        split.addWidget(detail)
        split.setSizes([1300, 420])

        layout = QVBoxLayout(self)
        layout.addLayout(cards)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(TYPING_PAUSE_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        self.state_box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.category_box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.overdue_box.toggled.connect(lambda _b: self.apply_filter())
        self.area_box.currentIndexChanged.connect(lambda _i: self._area_changed())
        self.model.loaded.connect(self._on_loaded)
        self.view.selectionModel().currentRowChanged.connect(lambda cur, _p: self._show(cur.row()))

    def load(self) -> None:
        self.model.reload()
        self._refresh_cards()

        def fill_areas(areas: list[tuple[int, str]]) -> None:
            for region_id, name in areas:
                self.area_box.addItem(name, region_id)

        self._tasks.start(self._service.counties(), fill_areas)

    def current_filter(self) -> CaseFilter:
        state = self.state_box.currentData()
        category = self.category_box.currentData()
        return CaseFilter(
            states=(state,) if state else (),
            categories=(category,) if category else (),
            grid_ids=self._area_grids,
            text=self.search.text(),
            overdue_only=self.overdue_box.isChecked(),
        )

    def apply_filter(self) -> None:
        self.model.set_filter(self.current_filter())

    def _area_changed(self) -> None:
        region_id = self.area_box.currentData()
        if region_id is None:
            self._area_grids = ()
            self.apply_filter()
            return

        def use(grids: list[int]) -> None:
            self._area_grids = tuple(grids) or (-1,)
            self.apply_filter()

        self._tasks.start(self._service.grid_ids_under(region_id), use)

    def apply_changes(self, changes: ChangeSet) -> None:
        self.model.apply_changes(changes)
        if changes.touches(Entity.CASE):
            self._refresh_cards()

    def _on_loaded(self) -> None:
        self.shown_card.set_value(f"{self.model.total:,}")
        if self.model.rowCount() and not self.view.currentIndex().isValid():
            self.view.selectRow(0)

    def _refresh_cards(self) -> None:
        def show(s: dict[str, int]) -> None:
            self.open_card.set_value(f"{s['open']:,}")
            self.overdue_card.set_value(f"{s['overdue']:,}", theme.ALERT if s["overdue"] else None)
            self.due_soon_card.set_value(
                f"{s['due_soon']:,}", theme.WARN if s["due_soon"] else None
            )
            self.red_card.set_value(f"{s['red']:,}", theme.ALERT if s["red"] else None)

        self._tasks.start(self._service.deadline_summary(), show)

    def _show(self, row: int) -> None:
        if row < 0 or row >= self.model.rowCount():
            return
        case = self.model.row_record(row)
        lang = current_lang()
        self.detail_title.setText(f"{case.number}\n{case.title}")

        def fill(steps: list[tuple[str, str, str, datetime, str]]) -> None:
            self.flow.clear()
            for action, _before, _after, at, opinion in steps:
                line = f"{to_local(at):%Y-%m-%d %H:%M}  {FlowAction(action).label(lang)}"
                if opinion:
                    line += f" — {opinion}"
                self.flow.addItem(line)

        self._tasks.start(self._service.flow_of(case.id), fill)

    def close_panel(self) -> None:
        self._debounce.stop()
        self._tasks.cancel_all()
        self.model.close()
