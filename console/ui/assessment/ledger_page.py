"""The ledger page (台账) of the assessment screen: filters, sorts, deadline colours, bulk 督办
and export.

The store does the filtering and sorting (its indexes keep a million cases quick); the page
shows state and emits intent. `case_selected(int)` tells the screen which case the operator
is on, for whatever detail view sits beside the table.
"""

from __future__ import annotations

import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QDate,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from console.core import case_flow
from console.core.clock import from_local, to_local
from console.core.codes import (
    CaseState,
    DeadlineStatus,
    DisputeCategory,
    FlowAction,
    RiskLevel,
    SupervisionLevel,
)
from console.core.events import ChangeSet, Entity
from console.core.records import CaseFilter
from console.services.cases import BulkOutcome, CaseService
from console.services.ledger_export import (
    ExportCancelled,
    ExportFormat,
    ExportRefused,
    ExportResult,
    LedgerExport,
)
from console.ui import theme
from console.ui.i18n import current_lang
from console.ui.models.case_ledger_model import CaseLedgerModel
from console.ui.tasks import TaskGroup
from console.ui.widgets.kpi_card import KpiCard
from console.ui.widgets.tables import make_table

TYPING_PAUSE_MS = 250
# The date boxes' "no bound" value: shown as a dash, never a real registration date.
NO_DATE = QDate(2000, 1, 1)
# Deadline statuses a filter offers (已办结 is what the state filter is for).
DEADLINE_CHOICES = (DeadlineStatus.NORMAL, DeadlineStatus.DUE_SOON, DeadlineStatus.OVERDUE)
SUPERVISION_CHOICES = (SupervisionLevel.NORMAL, SupervisionLevel.YELLOW, SupervisionLevel.RED)
# A first click on these sorts newest, highest or reddest first; the others (number,
# deadline: soonest first; state: in flow order) ascending.
FIRST_CLICK_DESCENDING = frozenset({"created", "risk", "supervision"})


def _local_midnight_utc(day: QDate) -> datetime:
    """The start of `day` in the centre's zone, as the store's naive UTC."""
    return from_local(datetime(day.year(), day.month(), day.day()))


class BadgeDelegate(QStyledItemDelegate):
    """The supervision column: 黄牌/红牌 (and 普通) as a filled, rounded badge."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        text = index.data(Qt.ItemDataRole.DisplayRole)
        if not text:
            super().paint(painter, option, index)
            return
        colour = index.data(Qt.ItemDataRole.ForegroundRole)
        # Background (selection, row tint) as usual, then the badge instead of the text.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        metrics = option.fontMetrics
        pad = theme.scaled(8)
        width = metrics.horizontalAdvance(text) + 2 * pad
        height = metrics.height() + theme.scaled(4)
        rect = QRectF(
            option.rect.left() + theme.scaled(6),
            option.rect.center().y() - height / 2 + 1,
            min(width, option.rect.width() - theme.scaled(8)),
            height,
        )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(colour if isinstance(colour, QColor) else QColor(theme.ACCENT))
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor(theme.BG))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + theme.scaled(28), hint.height())


class SuperviseDialog(QDialog):
    """督办 for the selected cases: the level and the opinion core requires."""

    def __init__(self, count: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("ledger-supervise-dialog")
        self.setWindowTitle(self.tr("Supervise %n case(s)", "", count))
        self.setMinimumWidth(theme.scaled(480))
        lang = current_lang()
        self.level_box = QComboBox()
        for level in SUPERVISION_CHOICES:
            self.level_box.addItem(level.label(lang), level)
        self.opinion = QPlainTextEdit()
        self.opinion.setPlaceholderText(self.tr("Why, and what is expected by when"))
        self.opinion.setFixedHeight(theme.scaled(100))
        self.problem = QLabel("")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet(f"color: {theme.ALERT};")
        self.count_label = QLabel(self.tr("%n case(s) selected", "", count))
        self.count_label.setProperty("role", "section")
        form = QFormLayout()
        form.addRow(self.tr("Supervision level"), self.level_box)
        form.addRow(self.tr("Supervision opinion"), self.opinion)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.count_label)
        layout.addLayout(form)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)

    def level(self) -> SupervisionLevel:
        level = self.level_box.currentData()
        assert isinstance(level, SupervisionLevel)
        return level

    def _check(self) -> None:
        args = case_flow.ActionArgs(opinion=self.opinion.toPlainText(), supervision=self.level())
        reasons = case_flow.check_arguments(
            FlowAction.SUPERVISE, args, now=datetime.now(UTC).replace(tzinfo=None)
        )
        if reasons:
            self.problem.setText("；".join(reasons))
            return
        self.accept()


class BulkReportDialog(QDialog):
    """Which cases a bulk action changed and which it could not, each with the reason."""

    def __init__(
        self, outcomes: list[BulkOutcome], numbers: dict[int, str], parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("ledger-bulk-report")
        self.setWindowTitle(self.tr("Supervision result"))
        self.setMinimumWidth(theme.scaled(560))
        done = [o for o in outcomes if o.ok]
        refused = [o for o in outcomes if not o.ok]
        self.summary = QLabel(
            self.tr("Supervised: %1   Refused: %2")
            .replace("%1", str(len(done)))
            .replace("%2", str(len(refused)))
        )
        self.summary.setProperty("role", "section")
        self.refused = QListWidget()
        for o in refused:
            self.refused.addItem(f"{numbers.get(o.case_id, o.case_id)}  {o.reason}")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        if refused:
            layout.addWidget(self.refused)
        else:
            self.refused.hide()
        layout.addWidget(buttons)


class LedgerPage(QWidget):
    case_selected = Signal(int)
    """The operator is on this case (id): for the detail view beside the table."""

    def __init__(self, service: CaseService, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("assessment-ledger")
        self._service = service
        self._exporter = LedgerExport(service.store, service.operator)
        self._tasks = TaskGroup(self)
        self._area_grids: tuple[int, ...] = ()
        self._export_stop: threading.Event | None = None
        self._last_selected: int | None = None
        self.dialog: QDialog | None = None
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

        # filters: what, where and in which state; then deadline, supervision, risk, dates
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search case no., title or summary…"))
        self.search.setClearButtonEnabled(True)
        self.state_box = self._choices(
            self.tr("All states"), [(s.label(lang), s) for s in CaseState]
        )
        self.category_box = self._choices(
            self.tr("All categories"), [(c.label(lang), c) for c in DisputeCategory]
        )
        self.area_box = QComboBox()
        self.area_box.addItem(self.tr("Whole city"), None)
        self.deadline_box = self._choices(
            self.tr("Any deadline"), [(d.label(lang), d) for d in DEADLINE_CHOICES]
        )
        self.supervision_box = self._choices(
            self.tr("Any supervision"), [(s.label(lang), s) for s in SUPERVISION_CHOICES]
        )
        self.risk_box = self._choices(self.tr("Any risk"), [(r.label(lang), r) for r in RiskLevel])
        self.from_date = self._date_box()
        self.to_date = self._date_box()
        self.overdue_box = QCheckBox(self.tr("Overdue only"))
        bar = QHBoxLayout()
        bar.addWidget(self.search, 3)
        for w in (self.state_box, self.category_box, self.area_box):
            bar.addWidget(w, 1)
        bar2 = QHBoxLayout()
        for w in (self.deadline_box, self.supervision_box, self.risk_box):
            bar2.addWidget(w, 1)
        registered = QLabel(self.tr("Registered"))
        bar2.addWidget(registered)
        bar2.addWidget(self.from_date, 1)
        bar2.addWidget(QLabel("–"))
        bar2.addWidget(self.to_date, 1)
        bar2.addSpacing(theme.scaled(8))
        bar2.addWidget(self.overdue_box)

        # actions on the selection and on the whole filter
        self.selected_label = QLabel("")
        self.selected_label.setProperty("role", "kpi-label")
        self.supervise_button = QPushButton(self.tr("Supervise selected…"))
        self.supervise_button.setObjectName("ledger-supervise")
        self.supervise_button.setVisible(
            FlowAction.SUPERVISE in case_flow.ROLE_ACTIONS[service.operator.role]
        )
        self.supervise_button.setEnabled(False)
        self.xlsx_button = QPushButton(self.tr("Export to Excel…"))
        self.pdf_button = QPushButton(self.tr("Export to PDF…"))
        self.export_progress = QProgressBar()
        self.export_progress.setMaximumWidth(theme.scaled(260))
        self.export_progress.setFormat(self.tr("%v / %m cases"))
        self.cancel_export = QPushButton(self.tr("Cancel export"))
        self.export_status = QLabel("")
        self.export_status.setWordWrap(True)
        self.export_progress.hide()
        self.cancel_export.hide()
        actions = QHBoxLayout()
        actions.addWidget(self.selected_label)
        actions.addWidget(self.supervise_button)
        actions.addStretch(1)
        actions.addWidget(self.export_status, 2)
        actions.addWidget(self.export_progress)
        actions.addWidget(self.cancel_export)
        actions.addWidget(self.xlsx_button)
        actions.addWidget(self.pdf_button)

        self.view = make_table(
            self.model,
            self,
            stretch_column=1,
            widths={
                0: 140,
                2: 100,
                3: 70,
                4: 145,
                5: 84,
                6: 100,
                7: 140,
                8: 150,
                9: 130,
            },
        )
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setItemDelegateForColumn(
            CaseLedgerModel.COLUMNS.index("supervision"), BadgeDelegate(self.view)
        )
        header = self.view.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(False)
        header.sectionClicked.connect(self._header_clicked)

        layout = QVBoxLayout(self)
        layout.addLayout(cards)
        layout.addLayout(bar)
        layout.addLayout(bar2)
        layout.addLayout(actions)
        layout.addWidget(self.view, 1)

        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(TYPING_PAUSE_MS)
        self._debounce.timeout.connect(self.apply_filter)
        self.search.textChanged.connect(lambda _t: self._debounce.start())
        for box in (
            self.state_box,
            self.category_box,
            self.deadline_box,
            self.supervision_box,
            self.risk_box,
        ):
            box.currentIndexChanged.connect(lambda _i: self.apply_filter())
        for edit in (self.from_date, self.to_date):
            edit.dateChanged.connect(lambda _d: self.apply_filter())
        self.overdue_box.toggled.connect(lambda _b: self.apply_filter())
        self.area_box.currentIndexChanged.connect(lambda _i: self._area_changed())
        self.model.loaded.connect(self._on_loaded)
        self.model.modelReset.connect(self._selection_changed)
        self.model.rowsRemoved.connect(lambda *_a: self._selection_changed())
        self.view.selectionModel().currentRowChanged.connect(lambda cur, _p: self._show(cur.row()))
        self.view.selectionModel().selectionChanged.connect(lambda *_a: self._selection_changed())
        self.supervise_button.clicked.connect(self.ask_supervise)
        self.xlsx_button.clicked.connect(lambda: self.ask_export(ExportFormat.XLSX))
        self.pdf_button.clicked.connect(lambda: self.ask_export(ExportFormat.PDF))
        self.cancel_export.clicked.connect(self.stop_export)

    @staticmethod
    def _choices(everything: str, items: list[tuple[str, Any]]) -> QComboBox:
        box = QComboBox()
        box.addItem(everything, None)
        for text, value in items:
            box.addItem(text, value)
        return box

    def _date_box(self) -> QDateEdit:
        edit = QDateEdit()
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setMinimumDate(NO_DATE)
        edit.setSpecialValueText(self.tr("any"))
        edit.setDate(NO_DATE)
        return edit

    # --- loading and filtering

    def load(self) -> None:
        self.model.reload()
        self._refresh_cards()

        def fill_areas(areas: list[tuple[int, str]]) -> None:
            for region_id, name in areas:
                self.area_box.addItem(name, region_id)

        self._tasks.start(self._service.counties(), fill_areas)

    def current_filter(self) -> CaseFilter:
        def picked(box: QComboBox) -> tuple[Any, ...]:
            value = box.currentData()
            return (value,) if value is not None else ()

        start, end = self.from_date.date(), self.to_date.date()
        return CaseFilter(
            states=picked(self.state_box),
            categories=picked(self.category_box),
            grid_ids=self._area_grids,
            area_id=self.area_box.currentData() if self._area_grids else None,
            text=self.search.text(),
            overdue_only=self.overdue_box.isChecked(),
            deadline_statuses=picked(self.deadline_box),
            supervisions=picked(self.supervision_box),
            risk_levels=picked(self.risk_box),
            created_from=_local_midnight_utc(start) if start != NO_DATE else None,
            created_before=_local_midnight_utc(end.addDays(1)) if end != NO_DATE else None,
            # The order stays what the operator clicked.
            sort=self.model.current_filter.sort,
            descending=self.model.current_filter.descending,
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

    def _header_clicked(self, column: int) -> None:
        """Sort by a sortable column; a second click turns the order round."""
        key = CaseLedgerModel.SORT_KEYS.get(CaseLedgerModel.COLUMNS[column])
        header = self.view.horizontalHeader()
        if key is None:
            current = self.model.sort_column()
            header.setSortIndicatorShown(current >= 0)
            if current >= 0:
                header.setSortIndicator(current, header.sortIndicatorOrder())
            return
        f = self.model.current_filter
        # A second click turns the order round; the first shows the most pressing first.
        descending = not f.descending if f.sort == key else key in FIRST_CLICK_DESCENDING
        order = Qt.SortOrder.DescendingOrder if descending else Qt.SortOrder.AscendingOrder
        header.setSortIndicatorShown(True)
        header.setSortIndicator(column, order)
        self.model.sort(column, order)

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

    # --- the selection

    def selected_ids(self) -> list[int]:
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        return [self.model.row_record(r).id for r in rows if r < self.model.rowCount()]

    def _selection_changed(self) -> None:
        n = len(self.selected_ids())
        self.selected_label.setText(self.tr("%n selected", "", n) if n else "")
        self.supervise_button.setEnabled(n > 0)

    def _show(self, row: int) -> None:
        if row < 0 or row >= self.model.rowCount():
            return
        case = self.model.row_record(row)
        if case.id != self._last_selected:
            self._last_selected = case.id
            self.case_selected.emit(case.id)

    # --- bulk 督办

    def ask_supervise(self) -> SuperviseDialog | None:
        ids = self.selected_ids()
        if not ids:
            return None
        numbers = {
            r.id: r.number
            for r in (self.model.row_record(i) for i in range(self.model.rowCount()))
            if r.id in ids
        }
        dialog = SuperviseDialog(len(ids), self)
        dialog.accepted.connect(
            lambda: self.supervise(ids, dialog.level(), dialog.opinion.toPlainText(), numbers)
        )
        self.dialog = dialog
        dialog.open()
        return dialog

    def supervise(
        self,
        ids: list[int],
        level: SupervisionLevel,
        opinion: str,
        numbers: dict[int, str] | None = None,
    ) -> None:
        self.supervise_button.setEnabled(False)

        def report(outcomes: list[BulkOutcome]) -> None:
            self._selection_changed()
            dialog = BulkReportDialog(outcomes, numbers or {}, self)
            self.dialog = dialog
            dialog.open()

        self._tasks.start(self._service.supervise_many(ids, level, opinion), report)

    # --- export

    def ask_export(self, fmt: ExportFormat) -> None:
        stamp = f"{to_local(datetime.now(UTC).replace(tzinfo=None)):%Y%m%d-%H%M}"
        name = f"{self.tr('case-ledger')}-{stamp}.{fmt.value}"
        dialog = QFileDialog(self, self.tr("Export the ledger"), str(Path.home() / name))
        dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
        dialog.setDefaultSuffix(fmt.value)
        dialog.setNameFilter(
            self.tr("Excel workbook (*.xlsx)")
            if fmt is ExportFormat.XLSX
            else self.tr("PDF document (*.pdf)")
        )
        dialog.fileSelected.connect(lambda path: self.export_to(Path(path), fmt))
        self.dialog = dialog
        dialog.open()

    def export_to(self, path: Path, fmt: ExportFormat) -> None:
        """Export every case the current filter matches, in the current order."""
        if self._export_stop is not None:
            return
        stop = threading.Event()
        self._export_stop = stop
        self.xlsx_button.setEnabled(False)
        self.pdf_button.setEnabled(False)
        self.export_progress.setRange(0, 0)
        self.export_progress.show()
        self.cancel_export.show()
        self.export_status.setText(self.tr("Exporting…"))

        def progress(done: int, total: int) -> None:
            self.export_progress.setRange(0, max(total, 1))
            self.export_progress.setValue(done)

        async def run() -> ExportResult | str:
            try:
                return await self._exporter.export(
                    self.model.current_filter, path, fmt, progress=progress, cancel=stop
                )
            except ExportRefused as exc:
                return str(exc)
            except ExportCancelled:
                return self.tr("Export cancelled")
            except OSError as exc:
                return self.tr("Could not write the file: %1").replace("%1", str(exc))

        self._tasks.start(run(), self._export_done)

    def _export_done(self, result: ExportResult | str) -> None:
        self._export_stop = None
        self.xlsx_button.setEnabled(True)
        self.pdf_button.setEnabled(True)
        self.export_progress.hide()
        self.cancel_export.hide()
        if isinstance(result, str):
            self.export_status.setStyleSheet(f"color: {theme.WARN};")
            self.export_status.setText(result)
            return
        self.export_status.setStyleSheet("")
        self.export_status.setText(
            self.tr("Exported %1 cases to %2")
            .replace("%1", f"{result.rows:,}")
            .replace("%2", result.path.name)
        )

    def stop_export(self) -> None:
        if self._export_stop is not None:
            self._export_stop.set()

    def close_panel(self) -> None:
        self._debounce.stop()
        self.stop_export()
        self._tasks.cancel_all()
        self._exporter.close()
        self.model.close()
