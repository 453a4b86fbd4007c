"""One camera live and large, on its own decoder: a camera slide of the walkthrough."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from PySide6.QtCore import QTimer
from PySide6.QtGui import QCloseEvent, QResizeEvent
from PySide6.QtWidgets import QVBoxLayout, QWidget

from console.core.decode_budget import Stream
from console.core.records import CameraRecord
from console.services.live_wall import LiveWallService
from console.ui.tasks import TaskGroup
from console.ui.widgets.video_tile import PAINT_INTERVAL_MS, VideoTile, health_text

STATUS_INTERVAL_MS = 1000


class LiveCameraView(QWidget):
    """Opens the camera's main stream when built, audits the view, closes the feed on close.

    `live` should be a service of its own (not the wall's): closing this view stops its
    decoder, which must not take the same camera off the wall.
    """

    def __init__(
        self,
        live: LiveWallService,
        camera: CameraRecord,
        audit: Callable[[], Awaitable[None]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("live-camera-view")
        self._live = live
        self.camera = camera
        self._tasks = TaskGroup(self)
        self.tile = VideoTile(0, self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tile)
        feed = live.open(camera, 1280, 720, Stream.MAIN)
        self.open = feed is not None
        if feed is None:
            self.tile.detach(self.tr("%1: no video stream configured").replace("%1", camera.name))
        else:
            self.tile.attach(feed.slot, camera.name)
            self._tasks.start(audit())
        self._paint = QTimer(self)
        self._paint.timeout.connect(self.tile.refresh)
        self._status = QTimer(self)
        self._status.timeout.connect(self._show_status)
        if self.open:
            self._paint.start(PAINT_INTERVAL_MS)
            self._status.start(STATUS_INTERVAL_MS)

    def _show_status(self) -> None:
        stats = self._live.stats(self.camera)
        if stats is not None:
            text = f"{health_text(stats.health)} · {stats.fps:.0f} fps"
            if stats.last_error:
                text += f" · {stats.last_error}"
            self.tile.set_status(stats.health, text)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if self.open:
            self._live.resize(self.camera, max(1, self.width()), max(1, self.height()))

    def closeEvent(self, event: QCloseEvent) -> None:
        self._paint.stop()
        self._status.stop()
        if self.open:
            self.open = False
            self._live.close_feed(self.camera)
        super().closeEvent(event)
