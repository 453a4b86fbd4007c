"""A table model over a short list of records (queue, history, rooms), refreshed by id."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtGui import QColor

from console.core.events import ChangeSet, Entity
from console.ui.tasks import TaskGroup

R = TypeVar("R")
Index = QModelIndex | QPersistentModelIndex


@dataclass(frozen=True)
class Column(Generic[R]):
    header: Callable[[], str]
    text: Callable[[R], str]
    colour: Callable[[R], str | None] | None = None


class RecordListModel(QAbstractTableModel, Generic[R]):
    """Loads all records with `load_all`; on a change set re-reads only the named ids."""

    loaded = Signal()

    def __init__(
        self,
        *,
        entity: Entity,
        columns: Sequence[Column[R]],
        load_all: Callable[[], Awaitable[list[R]]],
        load_ids: Callable[[frozenset[int]], Awaitable[list[R]]],
        keep: Callable[[R], bool] = lambda r: True,
        record_id: Callable[[R], int] = lambda r: r.id,  # type: ignore[attr-defined]
        new_first: bool = False,
        parent: Any = None,
    ) -> None:
        super().__init__(parent)
        self._entity = entity
        self._columns = list(columns)
        self._load_all = load_all
        self._load_ids = load_ids
        self._keep = keep
        self._id = record_id
        self._new_first = new_first  # new records go on top (alerts), else at the end
        self._rows: list[R] = []
        self._tasks = TaskGroup(self)
        self.failed = self._tasks.failed

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        if role == Qt.ItemDataRole.DisplayRole and orientation == Qt.Orientation.Horizontal:
            return self._columns[section].header()
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        record = self._rows[index.row()]
        column = self._columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.text(record)
        if role == Qt.ItemDataRole.ForegroundRole and column.colour is not None:
            colour = column.colour(record)
            return QColor(colour) if colour else None
        if role == Qt.ItemDataRole.UserRole:
            return self._id(record)
        return None

    def records(self) -> list[R]:
        return list(self._rows)

    def record(self, row: int) -> R:
        return self._rows[row]

    def reload(self) -> None:
        self._tasks.start(self._load_all(), self._replace)

    async def reload_async(self) -> None:
        self._replace(await self._load_all())

    def _replace(self, rows: list[R]) -> None:
        self.beginResetModel()
        self._rows = [r for r in rows if self._keep(r)]
        self.endResetModel()
        self.loaded.emit()

    def apply_changes(self, changes: ChangeSet) -> None:
        if not changes.touches(self._entity):
            return
        ids = changes.ids_of(self._entity)
        if not ids:
            self.reload()
            return
        self._tasks.start(self._load_ids(ids), lambda rows: self._patch(ids, rows))

    def _patch(self, ids: frozenset[int], rows: list[R]) -> None:
        fresh = {self._id(r): r for r in rows if self._keep(r)}
        for i in reversed(range(len(self._rows))):
            rid = self._id(self._rows[i])
            if rid in fresh:
                self._rows[i] = fresh.pop(rid)
                self.dataChanged.emit(self.index(i, 0), self.index(i, len(self._columns) - 1))
            elif rid in ids:
                self.beginRemoveRows(QModelIndex(), i, i)
                del self._rows[i]
                self.endRemoveRows()
        if fresh:
            first = 0 if self._new_first else len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._rows[first:first] = list(fresh.values())
            self.endInsertRows()
        self.loaded.emit()

    def close(self) -> None:
        self._tasks.cancel_all()
