"""The region tree (市 → 县 → 乡镇 → 村 → 网格) with cameras under grids, loaded lazily."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import (
    QAbstractItemModel,
    QMimeData,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor

from console.core.codes import CameraStatus, RegionLevel
from console.core.records import CameraRecord, RegionNode
from console.services.surveillance import SurveillanceService
from console.ui import theme
from console.ui.i18n import current_lang
from console.ui.tasks import TaskGroup
from console.ui.widgets.camera_drag import CAMERA_MIME, CameraMimeData

Index = QModelIndex | QPersistentModelIndex
CAMERA_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(eq=False)
class _Node:
    region: RegionNode | None
    camera: CameraRecord | None
    parent: _Node | None
    children: list[_Node] = field(default_factory=list)
    loaded: bool = False
    loading: bool = False

    def row(self) -> int:
        return self.parent.children.index(self) if self.parent else 0


class RegionTreeModel(QAbstractItemModel):
    children_loaded = Signal(QModelIndex)

    def __init__(self, service: SurveillanceService, parent: Any = None) -> None:
        super().__init__(parent)
        self._service = service
        self._root = _Node(None, None, None)
        self._tasks = TaskGroup(self)
        self.failed = self._tasks.failed

    def _node(self, index: Index) -> _Node:
        return index.internalPointer() if index.isValid() else self._root  # type: ignore[no-any-return]

    def index(self, row: int, column: int, parent: Index = QModelIndex()) -> QModelIndex:  # noqa: B008
        node = self._node(parent)
        if 0 <= row < len(node.children) and column == 0:
            return self.createIndex(row, column, node.children[row])
        return QModelIndex()

    def parent(self, index: Index = QModelIndex()) -> QModelIndex:  # type: ignore[override]  # noqa: B008
        if not index.isValid():
            return QModelIndex()
        node: _Node = index.internalPointer()
        if node.parent is None or node.parent is self._root:
            return QModelIndex()
        return self.createIndex(node.parent.row(), 0, node.parent)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return len(self._node(parent).children)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 1

    def hasChildren(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        node = self._node(parent)
        if node.camera is not None:
            return False
        if node.region is None:
            return True
        return bool(node.children) or (
            not node.loaded and (node.region.child_count > 0 or node.region.camera_count > 0)
        )

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        node = self._node(parent)
        return node.camera is None and not node.loaded and not node.loading

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        node = self._node(parent)
        if node.loaded or node.loading or node.camera is not None:
            return
        node.loading = True
        persistent = QPersistentModelIndex(parent)
        region_id = node.region.id if node.region else None

        async def load() -> tuple[list[RegionNode], list[CameraRecord]]:
            regions = await self._service.region_children(region_id)
            cameras = (
                await self._service.cameras_in(region_id)
                if node.region is not None and node.region.camera_count
                else []
            )
            return regions, cameras

        self._tasks.start(load(), lambda result: self._attach(node, persistent, *result))

    def _attach(
        self,
        node: _Node,
        persistent: QPersistentModelIndex,
        regions: list[RegionNode],
        cameras: list[CameraRecord],
    ) -> None:
        parent = QModelIndex(persistent) if persistent.isValid() else QModelIndex()
        items = [_Node(r, None, node) for r in regions] + [_Node(None, c, node) for c in cameras]
        node.loading = False
        node.loaded = True
        if items:
            self.beginInsertRows(parent, 0, len(items) - 1)
            node.children = items
            self.endInsertRows()
        self.children_loaded.emit(parent)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node: _Node = index.internalPointer()
        if node.camera is not None:
            cam = node.camera
            if role == Qt.ItemDataRole.DisplayRole:
                live = " ●" if cam.sub_url else ""
                return f"{cam.name}{live}"
            if role == Qt.ItemDataRole.ToolTipRole:
                return f"{cam.device_id}\n{cam.address}\n{cam.status.label(current_lang())}"
            if role == Qt.ItemDataRole.ForegroundRole:
                colour = {
                    CameraStatus.ONLINE: theme.TEXT,
                    CameraStatus.OFFLINE: theme.MUTED,
                    CameraStatus.FAULT: theme.ALERT,
                }[cam.status]
                return QColor(colour)
            if role == CAMERA_ROLE:
                return cam
            return None
        region = node.region
        assert region is not None
        if role == Qt.ItemDataRole.DisplayRole:
            if region.level is RegionLevel.GRID:
                return f"{region.name}  ({region.camera_count})"
            return region.name
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{region.code} · {region.level.label(current_lang())}"
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if self.camera_at(index) is not None:
            return base | Qt.ItemFlag.ItemIsDragEnabled
        return base

    def mimeTypes(self) -> list[str]:
        return [CAMERA_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        found = [c for c in (self.camera_at(i) for i in indexes) if c is not None]
        return CameraMimeData(found)

    def camera_at(self, index: Index) -> CameraRecord | None:
        return self._node(index).camera if index.isValid() else None

    def close(self) -> None:
        self._tasks.cancel_all()
