"""A tile of the wall: a video tile that takes cameras dropped on it and can be dragged to swap."""

from __future__ import annotations

from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtGui import QDrag, QDragEnterEvent, QDropEvent, QMouseEvent
from PySide6.QtWidgets import QApplication, QWidget

from console.ui.widgets.camera_drag import CAMERA_MIME, cameras_in, tile_in, tile_mime
from console.ui.widgets.video_tile import VideoTile


class WallTile(VideoTile):
    cameras_dropped = Signal(list)  # list[CameraRecord]
    tile_dropped = Signal(int)  # the index of the tile dragged onto this one

    def __init__(self, index: int, parent: QWidget | None = None) -> None:
        super().__init__(index, parent)
        self.setAcceptDrops(True)
        self.zoomable = True
        self._press_at: QPoint | None = None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasFormat(CAMERA_MIME) or tile_in(mime) not in (None, self.index):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        source = tile_in(mime)
        if source is not None and source != self.index:
            self.tile_dropped.emit(source)
            event.acceptProposedAction()
            return
        found = cameras_in(mime)
        if found:
            self.cameras_dropped.emit(found)
            event.acceptProposedAction()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.zoom <= 1.0:
            self._press_at = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        start = self._press_at
        if (
            start is not None
            and self.attached
            and (event.position().toPoint() - start).manhattanLength()
            >= QApplication.startDragDistance()
        ):
            self._press_at = None
            drag = QDrag(self)
            drag.setMimeData(tile_mime(self.index))
            drag.exec(Qt.DropAction.MoveAction)
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._press_at = None
        super().mouseReleaseEvent(event)
