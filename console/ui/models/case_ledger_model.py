"""The case ledger model: pages of cases loaded on demand, refreshed by id from change sets."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from console.core.clock import to_local
from console.core.codes import DeadlineStatus
from console.core.deadlines import deadline_status
from console.core.events import ChangeAction, ChangeSet, Entity
from console.core.records import CaseFilter, CaseRow
from console.services.cases import CaseService
from console.ui import theme
from console.ui.i18n import current_lang
from console.ui.tasks import TaskGroup

PAGE = 200
Index = QModelIndex | QPersistentModelIndex
# Row tints: the deadline status of an open case shows across its whole row.
ROW_TINT_ALPHA = 38


class CaseLedgerModel(QAbstractTableModel):
    COLUMNS = (
        "number",
        "title",
        "category",
        "state",
        "deadline",
        "risk",
        "supervision",
        "grid",
        "unit",
        "created",
    )
    # The columns a header click sorts, by the store's sort key (`LEDGER_SORT_KEYS`).
    SORT_KEYS = {
        "number": "number",
        "state": "state",
        "deadline": "deadline",
        "risk": "risk",
        "supervision": "supervision",
        "created": "created",
    }

    loaded = Signal()
    """A query finished and the rows on screen are current."""

    def __init__(self, service: CaseService, parent: Any = None) -> None:
        super().__init__(parent)
        self._service = service
        self._filter = CaseFilter()
        self._rows: list[CaseRow] = []
        self._row_of: dict[int, int] = {}
        self._total = 0
        self._generation = 0
        self._fetching = False
        self._tasks = TaskGroup(self)
        self.failed = self._tasks.failed

    # --- Qt model interface

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role != Qt.ItemDataRole.DisplayRole or orientation != Qt.Orientation.Horizontal:
            return None
        return (
            self.tr("Case No."),
            self.tr("Title"),
            self.tr("Category"),
            self.tr("State"),
            self.tr("Deadline"),
            self.tr("Risk"),
            self.tr("Supervision"),
            self.tr("Grid"),
            self.tr("Responsible unit"),
            self.tr("Registered"),
        )[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        col = self.COLUMNS[index.column()]
        lang = current_lang()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == "number":
                return row.number
            if col == "title":
                return row.title
            if col == "category":
                return row.category.label(lang)
            if col == "state":
                return row.state.label(lang)
            if col == "deadline":
                if row.deadline is None:
                    return ""
                status = self.deadline_status(row)
                return f"{to_local(row.deadline):%Y-%m-%d}  {status.label(lang)}"
            if col == "risk":
                return row.risk_level.label(lang)
            if col == "supervision":
                return "" if row.supervision.code == "none" else row.supervision.label(lang)
            if col == "grid":
                return row.grid_name
            if col == "unit":
                return row.responsible_unit
            if col == "created":
                return f"{to_local(row.created_at):%Y-%m-%d %H:%M}"
        if role == Qt.ItemDataRole.BackgroundRole:
            status = self.deadline_status(row)
            if status in (DeadlineStatus.OVERDUE, DeadlineStatus.DUE_SOON):
                tint = QColor(theme.DEADLINE_COLOURS[status.code])
                tint.setAlpha(ROW_TINT_ALPHA)
                return tint
            return None
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == "deadline":
                return QColor(theme.DEADLINE_COLOURS[self.deadline_status(row).code])
            if col == "risk":
                return QColor(theme.RISK_COLOURS[row.risk_level.code])
            if col == "supervision":
                return QColor(theme.SUPERVISION_COLOURS[row.supervision.code])
        if role == Qt.ItemDataRole.UserRole:
            return row.id
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and len(self._rows) < self._total and not self._fetching

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self._fetching:
            return
        self._fetching = True
        generation = self._generation
        self._tasks.start(
            self._service.ledger_page(self._filter, len(self._rows), PAGE),
            lambda rows: self._append(generation, rows),
        )

    # --- queries

    @staticmethod
    def deadline_status(row: CaseRow) -> DeadlineStatus:
        return deadline_status(row.state, row.deadline, datetime.now(UTC).replace(tzinfo=None))

    @property
    def total(self) -> int:
        return self._total

    @property
    def current_filter(self) -> CaseFilter:
        return self._filter

    def row_record(self, row: int) -> CaseRow:
        return self._rows[row]

    def case_ids(self) -> list[int]:
        return [r.id for r in self._rows]

    def set_filter(self, f: CaseFilter) -> None:
        self._filter = f
        self.reload()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """A header click: the store sorts (with its indexes); columns without a key keep
        the order they have."""
        key = self.SORT_KEYS.get(self.COLUMNS[column]) if 0 <= column < len(self.COLUMNS) else ""
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        if (key, descending) == (self._filter.sort, self._filter.descending):
            return
        self.set_filter(replace(self._filter, sort=key, descending=descending))

    def sort_column(self) -> int:
        """The column the current order sorts by, or -1 (the default, newest first)."""
        for i, col in enumerate(self.COLUMNS):
            if self.SORT_KEYS.get(col) == self._filter.sort:
                return i
        return -1

    def reload(self) -> None:
        self._generation += 1
        generation = self._generation
        self._fetching = True

        async def query() -> tuple[int, list[CaseRow]]:
            # Count and first page on the two reader threads at once.
            return await asyncio.gather(
                self._service.ledger_count(self._filter),
                self._service.ledger_page(self._filter, 0, PAGE),
            )

        self._tasks.start(query(), lambda result: self._replace(generation, *result))

    async def reload_async(self) -> None:
        """Query and apply in one awaitable step (benchmarks and tests)."""
        self._generation += 1
        total, rows = await asyncio.gather(
            self._service.ledger_count(self._filter),
            self._service.ledger_page(self._filter, 0, PAGE),
        )
        self._replace(self._generation, total, rows)

    def _replace(self, generation: int, total: int, rows: list[CaseRow]) -> None:
        if generation != self._generation:
            return  # a newer filter superseded this answer
        self.beginResetModel()
        self._rows = rows
        self._row_of = {r.id: i for i, r in enumerate(rows)}
        self._total = total
        self._fetching = False
        self.endResetModel()
        self.loaded.emit()

    def _append(self, generation: int, rows: list[CaseRow]) -> None:
        self._fetching = False
        if generation != self._generation or not rows:
            return
        rows = [r for r in rows if r.id not in self._row_of]
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
        for r in rows:
            self._row_of[r.id] = len(self._rows)
            self._rows.append(r)
        self.endInsertRows()

    # --- change sets

    def apply_changes(self, changes: ChangeSet) -> None:
        if not changes.touches(Entity.CASE):
            return
        ids = changes.ids_of(Entity.CASE)
        if not ids:
            self.reload()  # "everything changed" (a re-seed or bulk import)
            return
        created = changes.ids_of(Entity.CASE, ChangeAction.CREATED)
        generation = self._generation
        self._tasks.start(
            self._service.rows_by_ids(self._filter, ids),
            lambda rows: self._patch(generation, ids, created, rows),
        )

    async def apply_changes_async(self, changes: ChangeSet) -> None:
        ids = changes.ids_of(Entity.CASE)
        created = changes.ids_of(Entity.CASE, ChangeAction.CREATED)
        rows = await self._service.rows_by_ids(self._filter, ids)
        self._patch(self._generation, ids, created, rows)

    def _patch(
        self, generation: int, ids: frozenset[int], created: frozenset[int], rows: list[CaseRow]
    ) -> None:
        if generation != self._generation:
            return
        fresh = {r.id: r for r in rows}
        for case_id in ids:
            i = self._row_of.get(case_id)
            if i is not None and case_id in fresh:
                self._rows[i] = fresh[case_id]
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self.COLUMNS) - 1))
            elif i is not None:
                self._remove(i)
        new_rows = [
            fresh[c] for c in sorted(created, reverse=True) if c in fresh and c not in self._row_of
        ]
        if new_rows and (self._filter.sort or not self._filter.descending):
            self.reload()  # a new case's place in another order is the store's to find
            return
        if new_rows:
            # Newest first, as the ledger is ordered.
            self.beginInsertRows(QModelIndex(), 0, len(new_rows) - 1)
            self._rows[0:0] = new_rows
            self._row_of = {r.id: k for k, r in enumerate(self._rows)}
            self._total += len(new_rows)
            self.endInsertRows()

    def _remove(self, i: int) -> None:
        self.beginRemoveRows(QModelIndex(), i, i)
        del self._rows[i]
        self._row_of = {r.id: k for k, r in enumerate(self._rows)}
        self._total -= 1
        self.endRemoveRows()

    def close(self) -> None:
        self._tasks.cancel_all()
